"""Issuing and checking bearer tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings

from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import User

from .models import ApiToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user: User, name: str = "", second_factor: bool = False) -> str:
    """A new token for ``user``, valid for API_TOKEN_HOURS; returned once, stored hashed.
    ``second_factor``: the user confirmed a TOTP code when asking for it."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    ApiToken.objects.create(
        second_factor=second_factor,
        user=user,
        key_hash=_hash(token),
        name=name,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.API_TOKEN_HOURS),
    )
    return token


def user_for_token(token: str) -> User | None:
    """The active user the token belongs to, if it is valid, unexpired and not revoked."""
    found = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=_hash(token),
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
            user__is_active=True,
        )
        .first()
    )
    if found is None:
        return None
    user = found.user
    # As django-otp's middleware does for a session: reads ask ``user.is_verified()``.
    user.is_verified = lambda: found.second_factor  # type: ignore[attr-defined]
    return user
