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


def test_a_token_issued_without_a_second_factor_is_refused_when_required(world, api, required):
    case = _case(world)
    for username in ("sagsbehandler", "borger"):
        refused = api(username).get(f"/cases/{case.pk}")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "otp_required"


@pytest.mark.parametrize("username", ["sagsbehandler", "koordinator", "borger", "admin"])
def test_the_token_endpoint_asks_for_a_code_when_required(world, client, required, username):
    refused = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": "demo"},
        content_type="application/json",
    )
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "otp_required"


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


def test_a_session_opens_nothing_but_the_second_factor_page_until_confirmed(
    world, client, required
):
    device = TOTPDevice.objects.create(user=world.users["sagsbehandler"], name="app")
    client.post(reverse("web:login"), {"username": "sagsbehandler", "password": "demo"})
    confirm = reverse("web:second-factor")
    for url in (reverse("web:start"), reverse("web:my-access-log"), "/sager/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{confirm}?next={url}"
    htmx = client.get("/sager/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(confirm)
    assert client.get(confirm).status_code == 200
    assert client.get("/health/live").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "da"}).status_code == 302
    refused = client.post(confirm, {"code": "123"})
    assert (
        "Engangskoden er forkert" in refused.content.decode("utf-8") or refused.status_code == 200
    )
    device.refresh_from_db()
    device.throttle_reset()
    confirmed = client.post(confirm, {"code": _code(device), "next": "/sager/"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/sager/"
    assert client.get(reverse("web:start")).status_code == 200


def test_a_citizen_who_logs_in_with_a_password_also_confirms_a_code(world, client, required):
    client.post(reverse("web:login"), {"username": "borger", "password": "demo"})
    response = client.get(reverse("web:my-access-log"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:second-factor"))


def test_log_out_needs_no_second_factor(world, client, required):
    client.post(reverse("web:login"), {"username": "koordinator", "password": "demo"})
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert "_auth_user_id" not in client.session


def test_demo_mode_does_not_ask_for_a_second_factor(world, api, settings):
    assert settings.OTP_REQUIRED is False
    case = _case(world)
    assert api("sagsbehandler").get(f"/cases/{case.pk}").json()["health_data_included"] is True
