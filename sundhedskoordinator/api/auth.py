"""Bearer-token authentication for every endpoint but the token endpoint itself."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from sundhedskoordinator.organisations.models import User

from .tokens import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
