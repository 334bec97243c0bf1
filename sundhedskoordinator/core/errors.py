"""The one exception type every domain rule raises, mapped to HTTP in one place per edge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise


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


class ConflictError(DomainError):
    """A stale version or another concurrent change."""

    status = 409


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON body of every error answer (DESIGN section 6): the API's, and the log-in
    lock-out's when it answers an API request."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}
