"""ETag / If-Match for optimistic locking, and how a request's JSON body is read."""

from __future__ import annotations

import json
import re

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.parser import Parser
from ninja.types import DictStrAny

from sundhedskoordinator.core.errors import DomainError

#: A version as the API writes it: ASCII digits, at most 18 so that any of them fits a 64-bit
#: integer (``str.isdigit`` also says yes to "²" and to Arabic-Indic digits, which ``int`` then
#: refuses or reads, and ``int`` refuses more than 4,300 digits).
VERSION = re.compile(r"[0-9]{1,18}")


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
    if not VERSION.fullmatch(value):
        raise DomainError(
            "invalid_input",
            _("If-Match skal være sagens ETag."),
            fields={"If-Match": _("Brug den ETag, sagen blev hentet med.")},
            status=400,
        )
    return int(value)


class JsonObjectParser(Parser):
    """The API's bodies are JSON objects sent as ``application/json``: another content type, a
    body in another charset, or JSON that is not an object (a list, ``null``, a number) is
    refused as a malformed body (``errors.py``) instead of being read as an empty one."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        media_type = request.content_type or ""
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise ValueError("not JSON")
        if (request.encoding or "utf-8").lower().replace("_", "-") not in {"utf-8", "utf8"}:
            raise ValueError("JSON is UTF-8")
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if _holds_nul(data):
            # No text of the procedure holds a NUL; PostgreSQL cannot store one, SQLite would.
            raise ValueError("a text with NUL")
        return data


def _holds_nul(value: object) -> bool:
    """Whether a NUL character is in any text of the JSON value, keys included."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
