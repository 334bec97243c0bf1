"""A browser session as a user has it after the log-in form and the second factor, for the
measurements that must count what a logged-in request costs in production (with
``OTP_REQUIRED``, django-otp reads the session's device at every request)."""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sundhedskoordinator.access.login import SECOND_FACTOR_BY_PROVIDER
from sundhedskoordinator.organisations.models import User


def confirm_second_factor(store: Any, user: User) -> None:
    """Mark the session ``store`` as having confirmed its second factor: a citizen through the
    provider (MitID through OpenID Connect), staff by a confirmed TOTP device of their own."""
    if user.citizen_records.exists():
        store[SECOND_FACTOR_BY_PROVIDER] = True
        return
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="second factor", defaults={"confirmed": True}
    )
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
