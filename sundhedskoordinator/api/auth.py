"""Bearer-token authentication for every endpoint but the token endpoint itself."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.organisations.models import User

from .tokens import token_lacks_second_factor, user_for_token

#: The error code of a request or token refused for want of a second factor.
OTP_REQUIRED = "otp_required"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is None and token_lacks_second_factor(token):
            raise DomainError(
                OTP_REQUIRED,
                _("Nøglen er udstedt uden engangskode. Hent en ny med din engangskode."),
                status=401,
            )
        if user is not None:
            request.user = user
            request.bearer_token = token  # type: ignore[attr-defined]
        return user
