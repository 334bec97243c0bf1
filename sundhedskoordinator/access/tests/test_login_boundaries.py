"""The log-in rules' thresholds, each on the threshold and on both sides (issue 4: lockout after
3 failures, the Danish public-sector norm; a session ends 12 hours after log-in however active).

At the very instant a lifetime runs out, the session is over: like an API token, which lives
while its expiry lies in the future, and like Django's own inactivity expiry.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)


def _attempt(address: str, password: str = "demo", username: str = "sagsbehandler") -> int:
    client = Client(REMOTE_ADDR=address)
    answer = client.post(reverse("web:login"), {"username": username, "password": password})
    return int(answer.status_code)


# --- The 3rd failed log-in from one address ---------------------------------------------------
def test_after_two_failures_the_right_password_still_logs_in(demo_users) -> None:
    with clock.frozen(T):
        assert [_attempt("10.1.0.1", "forkert") for _ in range(2)] == [200, 200]
        assert _attempt("10.1.0.1") == 302


def test_the_third_failure_locks_that_address_even_for_the_right_password(demo_users) -> None:
    with clock.frozen(T):
        assert [_attempt("10.1.0.2", "forkert") for _ in range(3)] == [200, 200, 429]
        assert _attempt("10.1.0.2") == 429
    # Another address is not locked (its first attempt after a short wait for the name).
    with clock.frozen(T + dt.timedelta(minutes=1)):
        assert _attempt("10.1.0.3") == 302


# --- The 3rd failure of one user name from many addresses -------------------------------------
def test_two_failures_from_other_addresses_do_not_slow_the_name(demo_users) -> None:
    with clock.frozen(T):
        assert _attempt("10.2.0.1", "forkert") == 200
        assert _attempt("10.2.0.2", "forkert") == 200
        assert _attempt("10.2.0.9") == 302


def test_the_third_failure_from_other_addresses_slows_the_name_but_never_locks_it(
    demo_users,
) -> None:
    with clock.frozen(T):
        for i in range(3):
            assert _attempt(f"10.3.0.{i}", "forkert") == 200
        assert _attempt("10.3.0.9") == 429  # heard again only after a short wait
    with clock.frozen(T + dt.timedelta(minutes=1)):
        assert _attempt("10.3.0.9") == 302


# --- The 12-hour session ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("after", "logged_in"),
    [
        (dt.timedelta(hours=12, seconds=-1), True),
        (dt.timedelta(hours=12), False),
        (dt.timedelta(hours=12, seconds=1), False),
    ],
)
def test_a_session_ends_exactly_12_hours_after_log_in(demo_users, after, logged_in) -> None:
    client = Client()
    with clock.frozen(T):
        client.post(reverse("web:login"), {"username": "sagsbehandler", "password": "demo"})
        assert client.get(reverse("web:start")).status_code == 200
    with clock.frozen(T + after):
        answer = client.get(reverse("web:start"))
    if logged_in:
        assert answer.status_code == 200
    else:
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("web:login"))
