"""A file handed to the browser as a download: an attachment under a name the system makes, that
no browser will sniff, cache or run."""

from __future__ import annotations

from django.http import HttpResponse


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    """An attachment under the given system-made name that no browser will sniff, cache or run."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
