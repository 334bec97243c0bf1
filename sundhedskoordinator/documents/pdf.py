"""Documents the system issues, rendered from HTML templates to PDF with WeasyPrint.

Always in Danish, in IBM Plex Sans (Det Fælles Designsystem's typeface), with the sending
municipality's or region's name. While rendering, only the project's own font files may be read:
nothing a user wrote can make the renderer reach a network or another file.

WeasyPrint is imported on first use, not at start-up: importing it takes most of a second, which
every management command, web process and task worker would otherwise pay.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

FONT_DIR = (Path(settings.NODE_MODULES) / "dkfds" / "dist" / "fonts" / "IBMPlexSans").resolve()


@functools.cache
def _fonts_only() -> Any:
    """The class of a URL fetcher that reads files under the font folder and refuses everything
    else (a fetcher keeps per-request state, so each rendering makes its own)."""
    # WeasyPrint is imported when a PDF is made, not when the app starts: it is heavy, and most
    # requests make none.
    from weasyprint.urls import URLFetcher

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = Path(url.removeprefix("file://")).resolve()
            if not url.startswith("file://") or not path.is_relative_to(FONT_DIR):
                raise ValueError("Only the project's fonts may be loaded while rendering a PDF.")
            return super().fetch(url, headers)

    return FontsOnly


def render_html(template: str, context: dict[str, Any]) -> str:
    """The template rendered in Danish, as the PDFs are."""
    with translation.override("da"):
        return render_to_string(template, context)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The template rendered to PDF bytes, in Danish."""
    from weasyprint import HTML  # see _fonts_only

    html = render_html(template, {**context, "font_dir": FONT_DIR.as_uri()})
    pdf: bytes = HTML(
        string=html,
        url_fetcher=_fonts_only()(allowed_protocols={"file"}),
        base_url=FONT_DIR.as_uri(),
    ).write_pdf()
    return pdf
