"""Issuing and checking bearer tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings

from sundhedskoordinator.access.models import ApiToken
from sundhedskoordinator.access.policy import grants_column, remember_grants_column
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import User


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


def _valid(token: str) -> ApiToken | None:
    """The token if it is valid, with its user and the user's grants (one query)."""
    return (
        ApiToken.objects.select_related("user")
        .annotate(user_grants=grants_column("user_id"))
        .filter(
            key_hash=_hash(token),
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
            user__is_active=True,
        )
        .first()
    )


def token_lacks_second_factor(token: str) -> bool:
    """A valid token issued without a TOTP code where the deployment requires one (issued before
    OTP_REQUIRED was turned on, or by the ``issue_token`` command): it opens nothing."""
    found = _valid(token)
    return bool(settings.OTP_REQUIRED and found is not None and not found.second_factor)


def user_for_token(token: str) -> User | None:
    """The active user the token belongs to, if it is valid, unexpired and not revoked, and was
    issued with a second factor where the deployment requires one."""
    found = _valid(token)
    if found is None or (settings.OTP_REQUIRED and not found.second_factor):
        return None
    user = found.user
    remember_grants_column(user, found.user_grants)  # type: ignore[attr-defined]
    # As django-otp's middleware does for a session: reads ask ``user.is_verified()``.
    user.is_verified = lambda: found.second_factor  # type: ignore[attr-defined]
    return user


def revoke_token(token: str) -> bool:
    """End one token at once (its holder logs out of the API); False if it was not valid."""
    return bool(
        ApiToken.objects.filter(key_hash=_hash(token), revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
    )
