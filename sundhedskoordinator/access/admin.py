"""The log-in records in the admin site, and the admin site's own gate.

The log-in log (django-axes' ``AccessLog`` and ``AccessFailureLog``) is shown and never changed or
deleted here. A lock-out (``AccessAttempt``) may be lifted by deleting it, and that is logged, as
is every change to a user's second-factor devices.

The admin site opens only to active staff and, where the deployment requires a second factor
(``OTP_REQUIRED``), only after a TOTP code confirmed in this session; its log-in page is the
service's own log-in (``sundhedskoordinator/urls.py`` wires both)."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.core.admin import ReadOnlyAdmin


class LoginLogAdmin(ReadOnlyAdmin, AccessLogAdmin):
    """Who logged in and out, when and from where; it is evidence, so it stays."""


class LoginFailureLogAdmin(ReadOnlyAdmin, AccessFailureLogAdmin):
    """Failed log-ins; evidence too."""


class LockoutAdmin(LoggedAdmin, AccessAttemptAdmin):
    """A lock-out after repeated wrong passwords; deleting it lets the account in again."""

    admin_log_fields = ("username", "ip_address", "failures_since_start", "attempt_time")


class SecondFactorDeviceAdmin(LoggedAdmin, TOTPDeviceAdmin):
    """A user's authenticator app; every device made, changed or removed is logged (the key is
    never written to the log)."""

    admin_log_fields = ("user", "name", "confirmed")


REGISTRATIONS: list[tuple[type[Any], type[admin.ModelAdmin[Any]]]] = [
    (LoginLog, LoginLogAdmin),
    (AccessFailureLog, LoginFailureLogAdmin),
    (AccessAttempt, LockoutAdmin),
    (TOTPDevice, SecondFactorDeviceAdmin),
]
for model, model_admin in REGISTRATIONS:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


def second_factor_confirmed(request: HttpRequest) -> bool:
    """In a deployment that requires it, a TOTP code was confirmed in this session. Asked of
    everyone on the admin site: no role excuses an administrator (a citizen logs in with MitID,
    never into the admin site)."""
    if not settings.OTP_REQUIRED:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def admin_site_permission(request: HttpRequest) -> bool:
    """The admin site's gate: Django's (an active staff user) and the second factor."""
    return AdminSite.has_permission(admin.site, request) and second_factor_confirmed(request)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site's log-in page leads to the service's one log-in (password, lockout, the
    session record) and then to the second factor; there is no second log-in form. Someone who
    has both but is no administrator is refused."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    query = QueryDict(mutable=True)
    query["next"] = next_url
    if not request.user.is_authenticated:
        login = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login}?{query.urlencode(safe='/')}")
    if not second_factor_confirmed(request):
        confirm = resolve_url(settings.OTP_LOGIN_URL)
        return HttpResponseRedirect(f"{confirm}?{query.urlencode(safe='/')}")
    if not admin_site_permission(request):
        raise PermissionDenied
    return HttpResponseRedirect(next_url)


# Users and roles have their own module; importing it registers them.
from . import admin_tokens, admin_users  # noqa: E402, F401
