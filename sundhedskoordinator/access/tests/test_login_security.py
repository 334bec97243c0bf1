"""Log-in hardening: lockout, session lifetimes, no-store, sessions ended on role changes."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from sundhedskoordinator.access.services import deactivate_user, revoke_role
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db


def _login(client, username="sagsbehandler", password="demo"):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_three_failed_logins_lock_the_account_even_with_the_right_password(client, demo_users):
    for _ in range(2):
        assert _login(client, password="forkert").status_code == 200
    locked = _login(client, password="forkert")
    assert locked.status_code == 429
    assert "Kontoen er spærret" in locked.content.decode()
    refused = _login(client)  # the right password no longer helps
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert _login(client, username="borger").status_code == 302  # other accounts are unaffected


def test_the_token_endpoint_counts_failures_and_answers_json_when_locked(client, demo_users):
    body = {"username": "koordinator", "password": "forkert"}
    for _ in range(2):
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code == 401
    locked = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    right = client.post(
        "/api/v1/auth/token",
        {"username": "koordinator", "password": "demo"},
        content_type="application/json",
    )
    assert right.status_code == 429


def test_a_session_ends_after_30_minutes_without_activity(client, demo_users, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    _login(client)
    assert client.get(reverse("web:start")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Django stores the expiry 30 minutes ahead at every request; move it to the past.
    session.expire_date = session.expire_date - dt.timedelta(minutes=31)
    session.save()
    assert client.get(reverse("web:start")).status_code == 302


def test_a_session_ends_12_hours_after_login_however_active(client, demo_users):
    login_at = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
    with clock.frozen(login_at):
        _login(client)
        assert client.get(reverse("web:start")).status_code == 200
    with clock.frozen(login_at + dt.timedelta(hours=11, minutes=59)):
        assert client.get(reverse("web:start")).status_code == 200
    with clock.frozen(login_at + dt.timedelta(hours=12, minutes=1)):
        response = client.get(reverse("web:start"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
        assert client.get(reverse("web:start")).status_code == 302  # logged out for good


def test_pages_for_logged_in_users_and_api_answers_are_not_stored(client, api, demo_users):
    _login(client)
    assert "no-store" in client.get(reverse("web:start"))["Cache-Control"]
    assert "no-store" in api("sagsbehandler").get("/cases")["Cache-Control"]


def test_taking_a_role_away_ends_the_users_sessions_and_tokens(client, api, demo_users):
    _login(client)
    token_client = api("sagsbehandler")
    assert token_client.get("/cases").status_code == 200
    revoke_role(membership=demo_users["sagsbehandler"].memberships.get())
    assert client.get(reverse("web:start")).status_code == 302
    assert token_client.get("/cases").status_code == 401


def test_a_deactivated_user_is_logged_out_at_once(client, demo_users):
    _login(client, "koordinator")
    deactivate_user(user=demo_users["koordinator"])
    assert client.get(reverse("web:start")).status_code == 302
    assert _login(client, "koordinator").status_code == 200  # refused log-in shows the form


def test_the_admin_ends_sessions_when_it_removes_a_role(client, demo_users):
    from django.test import Client

    victim = Client()
    _login(victim, "jobformidler")
    client.force_login(demo_users["admin"])
    membership = demo_users["jobformidler"].memberships.get()
    url = reverse("admin:organisations_rolemembership_delete", args=[membership.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert victim.get(reverse("web:start")).status_code == 302


@pytest.mark.parametrize(
    ("password", "reason"),
    [("kort-kode", "too short"), ("password1234", "too common"), ("123456789012", "numeric")],
)
def test_weak_passwords_are_refused(demo_users, password, reason):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, user=demo_users["sagsbehandler"])
