"""In production (``OTP_REQUIRED``) the admin site opens only after the second factor: an
administrator who has given only his password is sent to confirm a TOTP code first."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()  # noqa: TID251 - django-otp checks codes against the real clock
    return f"{totp.token():06d}"


@pytest.fixture
def required(settings: Any) -> None:
    settings.OTP_REQUIRED = True


def _log_in(client: Any, username: str = "admin") -> None:
    response = client.post(reverse("web:login"), {"username": username, "password": "demo"})
    assert response.status_code == 302


def test_an_admin_without_a_confirmed_code_does_not_reach_the_admin_site(
    client: Any, world: Any, required: None
) -> None:
    _log_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("admin:organisations_user_changelist")).status_code == 302
    assert client.get(reverse("admin:organisations_rolemembership_add")).status_code == 302


def test_the_admin_log_in_page_sends_an_unconfirmed_admin_to_the_code(
    client: Any, world: Any, required: None
) -> None:
    _log_in(client)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:second-factor"))
    assert "next=/admin/" in response.url


def test_the_admin_log_in_page_uses_the_one_log_in_of_the_service(client: Any, world: Any) -> None:
    """Password, lockout and the session record are the same for the admin site as for
    everyone: there is no second log-in form that could skip one of them."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_an_admin_who_confirmed_a_code_reaches_the_admin_site(
    client: Any, world: Any, required: None
) -> None:
    device = TOTPDevice.objects.create(user=world.users["admin"], name="app")
    _log_in(client)
    confirmed = client.post(
        reverse("web:second-factor"), {"code": _code(device), "next": "/admin/"}
    )
    assert confirmed.status_code == 302
    assert confirmed.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:organisations_user_changelist")).status_code == 200


def test_a_citizen_role_does_not_excuse_the_admin_from_the_code(
    client: Any, world: Any, required: None
) -> None:
    """Citizens skip the code because MitID is two-factor already; an administrator who also
    holds the citizen role still needs it for the admin site."""
    from sundhedskoordinator.organisations.choices import Role
    from sundhedskoordinator.organisations.services import grant_role

    grant_role(user=world.users["admin"], role=Role.CITIZEN)
    _log_in(client)
    assert client.get("/admin/").status_code == 302


def test_in_demo_mode_the_admin_site_needs_no_code(client: Any, world: Any, settings: Any) -> None:
    assert settings.OTP_REQUIRED is False
    _log_in(client)
    assert client.get("/admin/").status_code == 200


def test_staff_who_are_not_administrators_do_not_reach_the_admin_site(
    client: Any, world: Any
) -> None:
    _log_in(client, "sagsbehandler")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_a_confirmed_administrator_on_the_log_in_page_goes_on_to_the_admin_site(
    client: Any, world: Any
) -> None:
    _log_in(client)
    response = client.get("/admin/login/?next=/admin/organisations/user/")
    assert response.status_code == 302
    assert response.url == "/admin/organisations/user/"
    assert client.get("/admin/login/?next=https://elsewhere.invalid/").url == "/admin/"
