"""The one place where errors become HTTP answers for the API:
``{"error": {"code": ..., "message": ..., "fields": {...}}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sundhedskoordinator.core.errors import (
    BODY_METHODS,
    BODY_TOO_LARGE,
    MALFORMED_BODY,
    DomainError,
    body_too_large_message,
    error_body,
    malformed_body_message,
)


def _field_name(location: tuple[Any, ...]) -> str:
    # Drop the parameter source ("body", "query", the payload argument name) from pydantic's path.
    parts = [str(p) for p in location if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.fields), status=exc.status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for error in exc.errors:
            fields[_field_name(tuple(error.get("loc", ())))] = str(error.get("msg", ""))
        return api.create_response(
            request,
            error_body("invalid_input", _("Forespørgslen er ikke gyldig."), fields),
            status=400,
        )

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("not_authenticated", _("Log ind med en gyldig API-nøgle.")),
            status=401,
        )

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A number larger than the database can hold (an id or filter beyond 64 bits), or a
        # text with a character the database cannot keep (NUL).
        return api.create_response(
            request,
            error_body(
                "invalid_input",
                _(
                    "En værdi i forespørgslen kan ikke bruges: et tal er for stort, eller en "
                    "tekst har et ugyldigt tegn."
                ),
            ),
            status=400,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request,
            error_body("not_found", _("Findes ikke, eller du har ikke adgang.")),
            status=404,
        )

    @api.exception_handler(RequestDataTooBig)
    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Behind the body limits of web/body_limits.py, which refuse most before they are read.
        return api.create_response(
            request, error_body(BODY_TOO_LARGE, body_too_large_message()), status=413
        )

    @api.exception_handler(BadRequest)
    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(UnreadablePostError)
    @api.exception_handler(SuspiciousOperation)
    def malformed(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A multipart body without its boundary or cut short, a form in another charset than
        # UTF-8. (Without this, demo mode's DEBUG would answer with its traceback page.)
        return api.create_response(
            request, error_body(MALFORMED_BODY, malformed_body_message()), status=400
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # The one 400 django-ninja raises itself: a body it cannot parse as JSON (or as the
            # content type claims). The parser's own words (English, DEBUG adds the exception)
            # are not shown.
            return api.create_response(
                request, error_body(MALFORMED_BODY, malformed_body_message()), status=400
            )
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


#: What every operation that takes a body may answer before it runs: a body too large for its
#: route (413 ``body_too_large``, from the body limits or ``too_large`` above), or one that cannot
#: be read as what it claims to be (400 ``malformed_body``, from the body limits, the parser or
#: ``malformed`` above).
BODY_REFUSALS = {400: "Bad Request", 413: "Content Too Large"}


class DocumentedAPI(NinjaAPI):
    """The API whose OpenAPI document also lists the body refusals on every operation that takes
    a body, so that no operation's decorator has to remember them."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                if method.upper() in BODY_METHODS:
                    for status, description in BODY_REFUSALS.items():
                        operation["responses"].setdefault(
                            status, {"description": description, "content": error}
                        )
        return schema
