"""The NinjaAPI root: authentication, error mapping and each resource's router."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from ninja.responses import Status

from sundhedskoordinator.access.login import record_success
from sundhedskoordinator.access.services import confirm_second_factor
from sundhedskoordinator.core.errors import DomainError

from . import access, cases, citizens, errors, figures, meetings
from .auth import OTP_REQUIRED, TokenAuth
from .http import JsonObjectParser
from .schemas import ErrorOut, TokenIn, TokenOut
from .tokens import issue_token
from .tokens import revoke_token as revoke

# Swagger UI styles itself inline; its page (no health data) gets a policy that allows that.
_docs_csp = csp_override(
    {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:"],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
    }
)

api = errors.DocumentedAPI(
    title="Sundhedskoordinator API",
    version="1",
    description="Ret til sundhedskoordinator: citizens, cases and their workflow actions, "
    "meetings and agendas. Authenticate with POST /api/v1/auth/token and send "
    '\'Authorization: Bearer <token>\'. Errors are {"error": {"code", "message", '
    '"fields"}}; updates take If-Match with the case\'s ETag; POST actions take '
    "Idempotency-Key.",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_decorator=_docs_csp,
    parser=JsonObjectParser(),
)
errors.install(api)


@api.post(
    "/auth/token",
    auth=None,
    # 429: locked out, or the user name must wait (django-axes and access.login, as for the page).
    response={200: TokenOut, 401: ErrorOut, 400: ErrorOut, 429: ErrorOut},
    tags=["auth"],
)
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, object]:
    """A bearer token for a user name and password and, where the deployment requires a second
    factor (OTP_REQUIRED), a TOTP code: without one the answer is 401 ``otp_required`` before the
    password is even checked. Every user needs it, a citizen included: the two-factor MitID
    log-in happens in the browser."""

    if settings.OTP_REQUIRED and not payload.otp.strip():
        raise DomainError(
            OTP_REQUIRED,
            _("Skriv engangskoden fra din godkendelses-app (feltet otp)."),
            status=401,
        )
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise DomainError(
            "invalid_credentials", "Brugernavn eller adgangskode er forkert.", status=401
        )
    record_success(username=user.get_username())
    device = confirm_second_factor(user=user, code=payload.otp) if payload.otp else None
    if payload.otp and device is None:
        raise DomainError("invalid_otp", "Engangskoden er forkert eller udløbet.", status=401)
    return {
        "token": issue_token(user=user, name="api", second_factor=device is not None),
        "token_type": "Bearer",
        "expires_in": settings.API_TOKEN_HOURS * 3600,
    }


@api.delete("/auth/token", response={204: None, 401: ErrorOut}, tags=["auth"])
def revoke_token(request: HttpRequest) -> Status[None]:
    """Log out of the API: the bearer token of this request stops working at once."""
    revoke(request.bearer_token)  # type: ignore[attr-defined]
    return Status(204, None)


api.add_router("/cases", cases.router)
api.add_router("/documents", cases.documents_router)
api.add_router("/citizens", citizens.router)
api.add_router("/meetings", meetings.router)
api.add_router("", access.router)
api.add_router("", figures.router)

urlpatterns = api.urls
