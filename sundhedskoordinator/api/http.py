"""ETag / If-Match for optimistic locking."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sundhedskoordinator.core.errors import DomainError


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag(version)


def if_match(request: HttpRequest) -> int | None:
    """The version the client last saw, from ``If-Match``; None when the header is absent."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    value = raw.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise DomainError(
            "invalid_input",
            _("If-Match skal være sagens ETag."),
            fields={"If-Match": _("Brug den ETag, sagen blev hentet med.")},
            status=400,
        )
    return int(value)
