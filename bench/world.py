"""What the load benchmark's clients need from a built world, printed as JSON: API tokens and log-in
sessions of the demo users (each with its second factor confirmed, as after a real log-in through
the form or ``POST /api/v1/auth/token`` with a TOTP code, which production requires), and
the ids of the case, meeting, citizen, region and municipality the endpoints read and write;
for the procedure's load (bench/procedure.py) also Odense's rehab team, the coordinator, the demo
citizen's own record and the sample PDF the case walk attaches.

Run by bench/load.py with the server's own environment (the same SECRET_KEY, so the sessions are
the server's); nothing here is part of the application.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402

from sundhedskoordinator.api.tokens import issue_token  # noqa: E402
from sundhedskoordinator.billing.models import Settlement  # noqa: E402
from sundhedskoordinator.cases.choices import Status  # noqa: E402
from sundhedskoordinator.cases.models import Case  # noqa: E402
from sundhedskoordinator.cases.views import CASE_SEARCH  # noqa: E402
from sundhedskoordinator.cases.walk import SAMPLE_PDF  # noqa: E402
from sundhedskoordinator.citizens import search  # noqa: E402
from sundhedskoordinator.citizens.models import Citizen  # noqa: E402
from sundhedskoordinator.core import clock  # noqa: E402
from sundhedskoordinator.meetings.models import Meeting  # noqa: E402
from sundhedskoordinator.organisations.models import (  # noqa: E402
    Municipality,
    Region,
    RehabTeam,
    User,
)
from tests.sessions import confirm_second_factor  # noqa: E402

#: One session per simulated client, so that no two clients save the same session row.
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
#: The name searched for on the case list (page and API): a surname of the demo citizens.
SEARCH = "Nielsen"


def server_settings() -> dict[str, Any]:
    """The settings a load run's figures depend on, as the server has them (this process runs
    with the server's environment and connects as it does): how long a worker keeps its
    database connection, and on PostgreSQL whether its JIT compiler is on and how many parallel
    workers a query may take (``jit`` and ``max_parallel_workers_per_gather`` as the server
    reports them for this connection: set by ``POSTGRES_JIT``, or on the database or server)."""
    kept: dict[str, Any] = {"DB_CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"]}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in ("jit", "max_parallel_workers_per_gather"):
                cursor.execute(f"SHOW {name}")
                kept[name] = cursor.fetchone()[0]
    return kept


def session(user: User, *, searched: str = "") -> str:
    """A session as after the log-in form and the second factor (staff: a TOTP code; a citizen:
    MitID through OpenID Connect), optionally with a case search kept in it."""
    client = Client()
    client.force_login(user, backend="sundhedskoordinator.web.auth.PasswordBackend")
    store = client.session
    confirm_second_factor(store, user)
    if searched:
        search.remember(store, CASE_SEARCH, {"q": searched})
    store.save()
    return store.session_key or ""


def main() -> None:
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    caseworker = users["sagsbehandler"]
    odense = Municipality.objects.get(code="461")
    region = Region.objects.get(code="1083")
    today = clock.today()
    # The year with most cases of the two last: the demo world lives in this one, a generated
    # world of ten years has its last whole year behind it.
    year = max(
        (today.year, today.year - 1),
        key=lambda y: Case.objects.filter(created_at__year=y).count(),
    )
    case = (
        Case.objects.filter(responsible=caseworker, status__in=[Status.SENT, Status.ADVISED])
        .order_by("pk")
        .first()
        or Case.objects.filter(responsible=caseworker).order_by("pk").first()
    )
    meeting = (
        Meeting.objects.filter(team__municipality=odense)
        .annotate(n=Count("items"))
        .order_by("-n", "pk")
        .first()
    )
    # A citizen of Odense with the right today, not the demo's "borger" (whose start page is
    # measured and should not grow by the created cases).
    citizen = (
        Citizen.objects.filter(municipality=odense, user__isnull=True)
        .filter(
            Q(resource_courses__start_date__lte=today),
            Q(resource_courses__end_date__isnull=True) | Q(resource_courses__end_date__gte=today),
        )
        .order_by("pk")
        .first()
    )
    # The settlement export reads the year's settlement where it was approved whole (a generated
    # world approves whole years), else drafts the year, which is refused when any period from
    # the year's start on is approved and locked (the demo locks Odense's last month): so the
    # municipality with most cases among those whose year is approved whole or nothing locked.
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    whole = Settlement.objects.filter(period_start=first, period_end=last).values("municipality")
    later = Settlement.objects.filter(period_end__gte=first).values("municipality")
    billed = (
        Municipality.objects.filter(region=region)
        .filter(Q(pk__in=whole) | ~Q(pk__in=later))
        .annotate(n=Count("cases"))
        .order_by("-n", "pk")
        .first()
    )
    team = RehabTeam.objects.filter(municipality=odense).order_by("pk").first()
    if case is None or meeting is None or citizen is None or billed is None or team is None:
        raise SystemExit("The world lacks a case, a meeting or a citizen of Odense to use.")

    def sessions(username: str, searched: str = "") -> list[str]:
        return [session(users[username], searched=searched) for _ in range(CLIENTS)]

    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "server_settings": server_settings(),
                "year": year,
                "search": SEARCH,
                "cases": Case.objects.count(),
                "case": case.pk,
                "meeting": meeting.pk,
                "meeting_items": meeting.n,  # type: ignore[attr-defined]
                "citizen": citizen.pk,
                "municipality": billed.pk,
                "region": region.pk,
                "team": team.pk,
                "coordinator": users["koordinator"].pk,
                "own_citizen": Citizen.objects.get(user=users["borger"]).pk,
                "pdf": base64.b64encode(SAMPLE_PDF).decode(),
                "tokens": {
                    name: issue_token(user=users[name], name="bench", second_factor=True)
                    for name in ("sagsbehandler", "klinisk", "sekretariat", "koordinator")
                },
                "sessions": {
                    "sagsbehandler": sessions("sagsbehandler"),
                    "sagsbehandler_searching": sessions("sagsbehandler", SEARCH),
                    "sekretariat": sessions("sekretariat"),
                    "koordinator": sessions("koordinator"),
                    "borger": sessions("borger"),
                    "leder": sessions("leder"),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
