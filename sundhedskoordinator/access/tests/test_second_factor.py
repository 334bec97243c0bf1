"""Where the deployment requires it, staff see health data only after a TOTP code (django-otp)."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db


def _code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()  # noqa: TID251 - django-otp checks codes against the real clock
    return f"{totp.token():06d}"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


def _case(world):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )


def test_a_token_without_a_second_factor_shows_metadata_only(world, api, required):
    case = _case(world)
    body = api("sagsbehandler").get(f"/cases/{case.pk}").json()
    assert body["health_data_included"] is False
    assert body["health_concern"] is None
    # The citizen logs in through MitID, which is two-factor already.
    assert api("borger").get(f"/cases/{case.pk}").json()["health_data_included"] is True


def test_a_token_issued_with_a_totp_code_shows_health_data(world, client, required):
    case = _case(world)
    device = TOTPDevice.objects.create(user=world.users["sagsbehandler"], name="app")
    wrong = client.post(
        "/api/v1/auth/token",
        {"username": "sagsbehandler", "password": "demo", "otp": "000000"},
        content_type="application/json",
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_otp"
    # django-otp throttles a device after a failure; a right code at once is refused too.
    throttled = client.post(
        "/api/v1/auth/token",
        {"username": "sagsbehandler", "password": "demo", "otp": _code(device)},
        content_type="application/json",
    )
    assert throttled.status_code == 401
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "sagsbehandler", "password": "demo", "otp": _code(device)},
        content_type="application/json",
    )
    token = response.json()["token"]
    body = client.get(
        f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert body["health_data_included"] is True


def test_staff_confirm_a_code_in_the_browser_before_health_data(world, client, required):
    device = TOTPDevice.objects.create(user=world.users["sagsbehandler"], name="app")
    client.post(reverse("web:login"), {"username": "sagsbehandler", "password": "demo"})
    start = client.get(reverse("web:start")).content.decode()
    assert "Bekræft med engangskode" in start
    refused = client.post(reverse("web:second-factor"), {"code": "123"})
    assert "Engangskoden er forkert" in refused.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    confirmed = client.post(reverse("web:second-factor"), {"code": _code(device)})
    assert confirmed.status_code == 302
    assert "Bekræft med engangskode" not in client.get(reverse("web:start")).content.decode()


def test_demo_mode_does_not_ask_for_a_second_factor(world, api, settings):
    assert settings.OTP_REQUIRED is False
    case = _case(world)
    assert api("sagsbehandler").get(f"/cases/{case.pk}").json()["health_data_included"] is True
