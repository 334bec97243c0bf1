"""Handing a stored file out: its checksum is verified, and the answer is an attachment that no
browser will sniff, cache or run."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from sundhedskoordinator.core.downloads import download
from sundhedskoordinator.core.errors import ConflictError

CHECKSUM_MISMATCH = "checksum_mismatch"


def verified_content(document: Any) -> bytes:
    """The stored bytes, if their SHA-256 is the one recorded at upload."""
    with document.file.open("rb") as handle:
        content: bytes = handle.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise ConflictError(
            CHECKSUM_MISMATCH,
            _(
                "Filen er ændret, siden den blev gemt, og udleveres ikke. Kontakt "
                "systemadministratoren."
            ),
        )
    return content


def attachment(document: Any, content: bytes, name: str = "") -> HttpResponse:
    """The file as a download under a name the system makes (from the case and the kind unless
    given)."""
    suffix = {
        "application/pdf": ".pdf",
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "application/vnd.oasis.opendocument.text": ".odt",
    }.get(document.content_type, ".docx")
    name = name or f"{document.case.reference}-{document.kind}-v{document.version}{suffix}"
    return download(content, document.content_type, name)
