"""Log-in hardening: lockout per source and backoff per username, session lifetimes, no-store,
sessions and tokens ended on role and password changes and at log-out, tokens revoked."""

import contextlib
import datetime as dt
import json

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sundhedskoordinator.access.services import deactivate_user, revoke_role
from sundhedskoordinator.api.management.commands.openapi import openapi_document
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db


def _login(client, username="sagsbehandler", password="demo"):
    return client.post(reverse("web:login"), {"username": username, "password": password})


#: A moment the log-in tests stand at; django-axes keeps its own wall-clock times, the backoff
#: reads ``core.clock``.
T = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)


def _from(address, username="sagsbehandler", password="demo", **headers):
    """One log-in attempt from a new browser at ``address``."""
    return _login(Client(REMOTE_ADDR=address, **headers), username, password)


def test_three_failures_lock_that_source_only_even_with_the_right_password(demo_users):
    with clock.frozen(T):
        for _ in range(2):
            assert _from("10.0.0.1", password="forkert").status_code == 200
        locked = _from("10.0.0.1", password="forkert")
        assert locked.status_code == 429
        assert "spærret" in locked.content.decode()
        assert _from("10.0.0.1").status_code == 429  # the right password no longer helps there
    with clock.frozen(T + dt.timedelta(minutes=2)):
        # The same account from the jobcenter's own address is not locked out.
        assert _from("10.0.0.2").status_code == 302
        assert _from("10.0.0.1", username="borger").status_code == 302


def test_failures_from_many_sources_slow_the_username_but_never_lock_it(demo_users):
    with clock.frozen(T):
        for i in range(5):
            _from(f"10.0.1.{i}", password="forkert")
        slowed = _from("10.9.9.9")
        assert slowed.status_code == 429
        assert "Vent" in slowed.content.decode()
        assert int(slowed["Retry-After"]) > 0
        for _ in range(4):  # the user's own retries while slowed do not count against them
            assert _from("10.9.9.9").status_code == 429
    with clock.frozen(T + dt.timedelta(minutes=2)):
        assert _from("10.9.9.9").status_code == 302


def test_the_username_backoff_grows_with_each_failure_and_ends_at_a_success(demo_users):
    from sundhedskoordinator.access.login import backoff_seconds

    moment = T
    waits = []
    for i in range(8):
        with clock.frozen(moment):
            assert _from(f"10.0.2.{i}", password="forkert").status_code in (200, 429)
            waits.append(backoff_seconds("sagsbehandler"))
        moment += dt.timedelta(minutes=5)
    assert waits[:2] == [0, 0]
    assert waits[2:] == sorted(waits[2:]) and waits[2] < waits[-1] <= 60
    with clock.frozen(moment):
        assert _from("10.0.2.99").status_code == 302
        assert backoff_seconds("sagsbehandler") == 0


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(demo_users, settings):
    with clock.frozen(T):
        for spoofed in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            _from("10.0.0.5", password="forkert", HTTP_X_FORWARDED_FOR=spoofed)
        assert _from("10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 429
    settings.TRUSTED_PROXY_COUNT = 1
    with clock.frozen(T + dt.timedelta(minutes=10)):
        for _ in range(3):
            _from("10.0.0.6", username="borger", password="forkert", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert _from("10.0.0.6", "borger", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    with clock.frozen(T + dt.timedelta(minutes=20)):
        assert _from("10.0.0.6", "borger", HTTP_X_FORWARDED_FOR="1.2.3.5").status_code == 302


def test_the_token_endpoint_counts_failures_and_answers_json_when_locked(client, demo_users):
    body = {"username": "koordinator", "password": "forkert"}
    with clock.frozen(T):
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


def test_the_token_endpoint_answers_json_while_the_username_is_slowed(demo_users):
    with clock.frozen(T):
        for i in range(3):
            _from(f"10.0.3.{i}", username="koordinator", password="forkert")
        slowed = Client(REMOTE_ADDR="10.0.3.99").post(
            "/api/v1/auth/token",
            {"username": "koordinator", "password": "demo"},
            content_type="application/json",
        )
    assert slowed.status_code == 429
    assert slowed.json()["error"]["code"] == "login_backoff"
    assert int(slowed["Retry-After"]) > 0


def test_a_token_is_revoked_with_delete(demo_users, client):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "sagsbehandler", "password": "demo"},
        content_type="application/json",
    ).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=bearer).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=bearer).status_code == 204
    assert client.get("/api/v1/cases", headers=bearer).status_code == 401
    assert client.delete("/api/v1/auth/token", headers=bearer).status_code == 401


def test_a_password_change_ends_the_users_tokens_and_other_sessions(api, demo_users):
    user = demo_users["sagsbehandler"]
    browser = Client()
    _login(browser)
    token = api("sagsbehandler")
    other = api("koordinator")
    user.set_password("en-helt-ny-adgangskode-2026")
    user.save()
    assert token.get("/cases").status_code == 401
    assert browser.get(reverse("web:start")).status_code == 302
    assert other.get("/cases").status_code == 200  # only that user's


def test_the_password_forms_end_the_users_tokens(api, demo_users):
    """The admin's form and the user's own password change both save through these forms."""
    from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm

    new = "en-helt-ny-adgangskode-2026"
    token = api("jobformidler")
    form = SetPasswordForm(demo_users["jobformidler"], {"new_password1": new, "new_password2": new})
    assert form.is_valid(), form.errors
    form.save()
    assert token.get("/cases").status_code == 401
    token = api("koordinator")
    form = PasswordChangeForm(
        demo_users["koordinator"],
        {"old_password": "demo", "new_password1": new, "new_password2": new},
    )
    assert form.is_valid(), form.errors
    form.save()
    assert token.get("/cases").status_code == 401


def test_a_password_hash_upgraded_at_log_in_is_no_password_change(
    client, api, demo_users, settings
):
    token = api("sagsbehandler")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    before = demo_users["sagsbehandler"].password
    assert _login(client).status_code == 302
    demo_users["sagsbehandler"].refresh_from_db()
    assert demo_users["sagsbehandler"].password != before  # upgraded to the first hasher
    assert token.get("/cases").status_code == 200


def test_logging_out_of_the_web_ends_the_users_tokens(client, api, demo_users):
    token = api("sagsbehandler")
    other = api("koordinator")
    _login(client)
    assert client.post(reverse("web:logout")).status_code == 302
    assert token.get("/cases").status_code == 401
    assert other.get("/cases").status_code == 200


def test_a_session_ends_after_30_minutes_without_activity(client, demo_users, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    _login(client)
    assert client.get(reverse("web:start")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Django stores the expiry 30 minutes ahead when the session is saved; move it to the past.
    session.expire_date = session.expire_date - dt.timedelta(minutes=31)
    session.save()
    assert client.get(reverse("web:start")).status_code == 302


@contextlib.contextmanager
def _writes():
    """The session writes of the requests in the block (the page itself writes nothing)."""
    writes = []
    with CaptureQueriesContext(connection) as ctx:
        yield writes
    writes += [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]
    writes[:] = [sql for sql in writes if not sql.lstrip().upper().startswith("SELECT")]


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_in_use_is_renewed_once_a_minute_not_at_every_request(client, demo_users):
    """Activity keeps the session alive: a request a minute or more after the last renewal
    saves it with its expiry 30 minutes ahead again; requests in between write nothing."""
    with clock.frozen(T):
        _login(client)
        assert client.get(reverse("web:start")).status_code == 200
    renewed = _expiry(client)
    for seconds in (1, 30, 59):
        with clock.frozen(T + dt.timedelta(seconds=seconds)), _writes() as within:
            assert client.get(reverse("web:start")).status_code == 200
        assert _expiry(client) == renewed, seconds
        assert within == [], seconds
    with clock.frozen(T + dt.timedelta(seconds=60)), _writes() as renewing:
        assert client.get(reverse("web:start")).status_code == 200
    assert _expiry(client) > renewed
    assert len(renewing) == 1 and renewing[0].startswith('UPDATE "django_session"')
    again = _expiry(client)
    with clock.frozen(T + dt.timedelta(seconds=119)):
        assert client.get(reverse("web:start")).status_code == 200
    assert _expiry(client) == again
    with clock.frozen(T + dt.timedelta(seconds=120)):
        assert client.get(reverse("web:start")).status_code == 200
    assert _expiry(client) > again


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
    [
        ("kort-kode", "password_too_short"),  # 9 characters; at least 12
        ("password1234", "password_too_common"),
        ("123456789012", "password_entirely_numeric"),
        ("sagsbehandler", "password_too_similar"),  # the user name
    ],
)
def test_weak_passwords_are_refused(demo_users, password, reason):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=demo_users["sagsbehandler"])
    assert reason in {error.code for error in refused.value.error_list}


def test_a_long_uncommon_password_passes_every_check(demo_users):
    from django.contrib.auth.password_validation import validate_password

    assert validate_password("lænde-praktik-fynsk-2026", user=demo_users["sagsbehandler"]) is None


def test_the_api_log_in_is_locked_out_too_and_documents_its_429(demo_users):
    """The API's log-in shares the lockout: after three wrong passwords from one address the
    fourth attempt is 429 ``locked_out`` in the error envelope, a status its document lists."""
    client = Client(REMOTE_ADDR="10.0.3.1")

    def attempt(password):
        return client.post(
            "/api/v1/auth/token",
            {"username": "sagsbehandler", "password": password},
            content_type="application/json",
        )

    with clock.frozen(T):
        assert [attempt("forkert").status_code for _ in range(2)] == [401, 401]
        assert attempt("forkert").status_code == 429
        locked = attempt("demo")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    responses = json.loads(openapi_document())["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert responses["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
