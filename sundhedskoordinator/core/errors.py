"""The one exception type every domain rule raises, mapped to HTTP in one place per edge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refused action: a stable machine ``code``, a Danish ``message`` for people, and one entry
    per missing part in ``fields`` (field or part name -> Danish message)."""

    #: HTTP status the API answers with; 422 for a rule that refused, 409 for a conflict.
    status = 422

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: Mapping[str, str | Promise] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.fields = {key: str(value) for key, value in (fields or {}).items()}
        if status is not None:
            self.status = status


class NotFoundError(DomainError):
    """The object does not exist or is outside the user's scope (both answer 404)."""

    status = 404


class OutOfScopeError(NotFoundError):
    """Asked by a user outside whose scope the object is, or for one that does not exist: the
    same 404, and a refused attempt that the access log keeps."""


class ConflictError(DomainError):
    """A stale version or another concurrent change."""

    status = 409


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON body of every error answer (DESIGN section 6): the API's, and the log-in
    lock-out's when it answers an API request."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


#: A request body larger than its route takes (413), and one that cannot be read as the format
#: it claims to be (400): malformed multipart or JSON, a wrong content type, invalid UTF-8.
BODY_TOO_LARGE = "body_too_large"
MALFORMED_BODY = "malformed_body"
#: The methods whose body the server reads, and so may refuse with one of those two.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: A request Django refused for another reason (a field it cannot take, a host it does not serve).
INVALID_INPUT = "invalid_input"


def body_too_large_message(limit: int | None = None) -> str:
    if limit is None:
        return _("Forespørgslen er for stor.")
    size = (
        _("%(mb)d MB") % {"mb": limit // (1024 * 1024)}
        if limit >= 1024 * 1024
        else _("%(kb)d kB") % {"kb": max(1, limit // 1024)}
    )
    return _("Forespørgslen er for stor: højst %(size)s.") % {"size": size}


def malformed_body_message() -> str:
    return _(
        "Forespørgslens indhold kan ikke læses: tjek formatet (Content-Type), og at indholdet "
        "passer til det."
    )
