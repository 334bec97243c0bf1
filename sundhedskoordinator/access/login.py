"""Log-in protection (ASVS 5.0, V6.3 and V7.4) that an attacker cannot turn against the users.

- **Lockout per source.** django-axes locks a user name *from one address* after
  LOGIN_FAILURE_LIMIT failures, for LOGIN_LOCKOUT_HOURS (the 3-failure rule of the Danish public
  sector, kept for one source). A lockout per user name alone let anyone lock anyone out.
- **Backoff per user name.** Failures from every source together slow the next attempt for that
  name down: no attempt is heard for a short wait that doubles with each further failure, up to
  LOGIN_BACKOFF_MAX_SECONDS. It never locks: the real user gets in once the wait is over, and
  attempts refused unheard count neither here nor towards a lockout.
- **Sessions and tokens end** when the password changes or the user logs out (and, through the
  access services, when a role is taken away or the user is deactivated).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import User

from .models import LoginBackoff
from .services import end_sessions

#: The session key that says the identity provider confirmed two factors at this log-in (MitID, or
#: an OpenID Connect log-in whose ``acr``/``amr`` says so); it counts as the second factor.
SECOND_FACTOR_BY_PROVIDER = "second_factor_by_provider"


def client_ip(request: HttpRequest) -> str | None:
    """The address a log-in comes from, for django-axes. Behind TRUSTED_PROXY_COUNT proxies it is
    the address the outermost of them saw (that many entries from the right of X-Forwarded-For,
    which each proxy appends to); otherwise the connection's own, since anyone can write the
    header, and a written one would let an attacker lock out another address."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    return forwarded[-count] if len(forwarded) >= count else remote


def not_a_password_log_in(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """For django-axes: an OpenID Connect log-in names no user and gives no password, so it is
    neither counted nor locked (the provider guards its own log-in). Otherwise one refused
    provider log-in after another would lock every MitID log-in from, say, a library's address."""
    return not (credentials or {}).get("username")


def _wait(failures: int) -> int:
    """Seconds after the last failure before the next attempt is heard: none below the limit,
    then 1, 2, 4, … up to LOGIN_BACKOFF_MAX_SECONDS."""
    over = failures - settings.LOGIN_FAILURE_LIMIT
    if over < 0:
        return 0
    return int(min(2 ** min(over, 30), settings.LOGIN_BACKOFF_MAX_SECONDS))


def _name(username: str) -> str:
    return username[: LoginBackoff._meta.get_field("username").max_length]


def backoff_seconds(username: str) -> int:
    """How long log-ins as ``username`` must still wait (0: the next attempt is heard)."""
    entry = LoginBackoff.objects.filter(username=_name(username)).first()
    if entry is None:
        return 0
    ends = entry.last_failed_at + dt.timedelta(seconds=_wait(entry.failures))
    return max(0, math.ceil((ends - clock.now()).total_seconds()))


def record_failure(*, username: str) -> None:
    """One more failed password for ``username``. Failures older than the lockout period are
    forgotten, and so are other names' stale rows (anyone may try any name)."""
    now = clock.now()
    forgotten = now - settings.AXES_COOLOFF_TIME
    with transaction.atomic():
        LoginBackoff.objects.filter(last_failed_at__lt=forgotten).delete()
        entry, created = LoginBackoff.objects.select_for_update().get_or_create(
            username=_name(username), defaults={"failures": 1, "last_failed_at": now}
        )
        if not created:
            entry.failures += 1
            entry.last_failed_at = now
            entry.save(update_fields=["failures", "last_failed_at"])


def record_success(*, username: str) -> None:
    """The user proved the password: the name is no longer slowed down."""
    LoginBackoff.objects.filter(username=_name(username)).delete()


class LoginBackoffBackend:
    """Refuses, unheard, a password log-in while its user name must wait. Placed right after
    django-axes' backend (which refuses a locked source) and before the password is checked. Like
    that backend it logs nobody in and has no ``get_user``, so sessions never name it."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or username is None:
            return
        wait = backoff_seconds(username)
        if wait:
            # django-axes then neither counts the attempt nor extends a lockout with it
            # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), and its middleware answers
            # through AXES_LOCKOUT_CALLABLE, which reads the wait.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.login_backoff_seconds = wait  # type: ignore[attr-defined]
            raise PermissionDenied
        request.login_password_checked = True  # type: ignore[attr-defined]
        return


def count_failure(
    sender: object, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """``user_login_failed``: a password that was checked and was wrong counts."""
    username = credentials.get("username")
    if username and getattr(request, "login_password_checked", False):
        record_failure(username=str(username))


def forget_failures(sender: object, request: Any, user: User, **kwargs: Any) -> None:
    """``user_logged_in``."""
    record_success(username=user.get_username())


def end_sessions_on_password_change(
    sender: object, instance: User, created: bool = False, **kwargs: Any
) -> None:
    """``post_save`` of a user: a new password ends every session and API token the user has,
    however it was set (the password forms, the admin, ``set_password`` in code). Django keeps the
    new password in ``_password`` until the row is saved (its own ``password_changed`` hook reads
    the same mark); a hash upgraded at log-in clears it first, so that is no change."""
    if created or getattr(instance, "_password", None) is None:
        return
    end_sessions(user=instance)


def end_sessions_at_log_out(sender: object, request: Any, user: User | None, **kwargs: Any) -> None:
    """``user_logged_out``: logging out ends the user's API tokens (and their other sessions) too,
    so a token left behind on a shared workstation dies with the log-out."""
    if user is not None and user.pk:
        end_sessions(user=user)
