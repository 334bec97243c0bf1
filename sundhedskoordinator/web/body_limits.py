"""How large a request body each route takes, decided from the request's headers before a byte of
the body is read: one table, first match wins. A body declared larger than its route's limit is
answered 413 at once (the API in its error shape, pages with a Danish page) and never read; a
body sent without a length (chunked) is read up to the limit and refused as soon as it passes it.

Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` stays behind this as a second wall: it is the largest
limit of a route that takes no file, so nothing this table lets through trips it."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from sundhedskoordinator.core.errors import (
    BODY_METHODS,
    BODY_TOO_LARGE,
    INVALID_INPUT,
    MALFORMED_BODY,
    body_too_large_message,
    error_body,
    malformed_body_message,
)

KIB = 1024
MIB = 1024 * KIB

#: What a body may hold beside the file of an upload: the form's boundaries, part headers, the
#: document kind, the CSRF token.
FORM_OVERHEAD = 64 * KIB
#: A JSON body of the API or a page's form: the longest free texts (8,000 characters each, at most
#: 12 bytes a character once escaped) several times over, with room to spare.
TEXT_BODY = 1 * MIB


def _upload() -> int:
    return int(settings.UPLOAD_MAX_BYTES) + FORM_OVERHEAD


@dataclass(frozen=True)
class BodyLimit:
    path: re.Pattern[str]
    limit: Callable[[], int]
    #: What the route's largest valid body holds.
    holds: str


BODY_LIMITS: tuple[BodyLimit, ...] = (
    BodyLimit(
        re.compile(r"^/api/v1/auth/token$"),
        lambda: 4 * KIB,
        "a user name, a password and a one-time code",
    ),
    BodyLimit(re.compile(r"^/api/v1/cases/\d+/documents$"), _upload, "one file and its kind"),
    BodyLimit(re.compile(r"^/sager/\d+/dokumenter/$"), _upload, "one file and its kind"),
    BodyLimit(re.compile(r"^/log-ind/$"), lambda: 16 * KIB, "a user name and a password"),
    BodyLimit(re.compile(r"^/"), lambda: TEXT_BODY, "the free texts of one action or form"),
)


def limit_for(path: str) -> int:
    """The largest body, in bytes, the route of ``path`` takes."""
    for row in BODY_LIMITS:
        if row.path.match(path):
            return row.limit()
    raise AssertionError(f"no body limit matches {path}")  # the last row matches every path


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def too_large(request: HttpRequest, limit: int | None = None) -> HttpResponse:
    return _refusal(request, 413, BODY_TOO_LARGE, body_too_large_message(limit))


def malformed(request: HttpRequest) -> HttpResponse:
    return _refusal(request, 400, MALFORMED_BODY, malformed_body_message())


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a request it refused before or while reading it (``handler400``): a
    body too large or with too many fields is 413, one it could not parse 400; both in Danish,
    and in the error shape on the API."""
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return too_large(request)
    if isinstance(exception, (MultiPartParserError, UnreadablePostError)):
        return malformed(request)
    return _refusal(request, 400, INVALID_INPUT, _("Forespørgslen er ikke gyldig."))


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body(code, message), status=status)
    return HttpResponse(
        render_to_string("web/refused.html", {"status": status, "message": message}),
        status=status,
    )


class BodyLimitMiddleware:
    """First in the chain, so that no other middleware reads a body before its size is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in BODY_METHODS:
            return self.get_response(request)
        with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as kept:
            refused = self._refuse(request, kept)
            return refused if refused is not None else self.get_response(request)

    def _refuse(self, request: HttpRequest, kept: IO[bytes]) -> HttpResponse | None:
        limit = limit_for(request.path_info)
        declared = request.META.get("CONTENT_LENGTH", "")
        if declared not in ("", None):
            try:
                length = int(declared)
            except ValueError:
                return malformed(request)
            if length < 0:
                return malformed(request)
            return too_large(request, limit) if length > limit else None
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        environ = getattr(request, "environ", None)
        if chunked and environ is not None:
            return self._read_chunked(request, environ["wsgi.input"], kept, limit)
        return None

    def _read_chunked(
        self, request: HttpRequest, source: IO[bytes], kept: IO[bytes], limit: int
    ) -> HttpResponse | None:
        """A body without a length (the server has taken the chunks apart): read up to one byte
        past the limit into ``kept``, and go on with what was read as a body of known length."""
        read = 0
        while read <= limit:
            chunk = source.read(min(64 * KIB, limit + 1 - read))
            if not chunk:
                break
            kept.write(chunk)
            read += len(chunk)
        if read > limit:
            return too_large(request, limit)
        kept.seek(0)
        request.META["CONTENT_LENGTH"] = str(read)
        request._stream = LimitedStream(kept, read)  # type: ignore[arg-type,assignment]
        return None
