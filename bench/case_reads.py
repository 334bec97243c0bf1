"""Benchmark: how long the busiest reads take with many cases in the database.

Builds a fresh SQLite database (or uses DATABASE_URL) in a temporary DATA_DIR, creates N cases
through the real services spread over the procedure's states, then times, in-process through
Django's test client: the API case list (25 and 100 a page), the API case detail, the case list
page and the case page. Prints the median and 95th percentile in milliseconds and the number of
queries each read makes.

    make bench            # N=2000
    BENCH_CASES=500 make bench
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")
# The mails are still made and sent, to memory instead of the console.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sundhedskoordinator.api.tokens import issue_token  # noqa: E402
from sundhedskoordinator.cases.choices import Status  # noqa: E402
from sundhedskoordinator.cases.models import Case  # noqa: E402
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to  # noqa: E402
from sundhedskoordinator.citizens.models import Citizen  # noqa: E402
from sundhedskoordinator.organisations.models import User  # noqa: E402

STATES = [Status.DRAFT, Status.REQUESTED, Status.READY, Status.SCHEDULED, Status.SENT]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))


def build(n: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    users = {u.username: u for u in User.objects.all()}
    cast = Cast(users["sagsbehandler"], users["sekretariat"], users["koordinator"])
    citizen = Citizen.objects.get(user__username="borger")
    import datetime as dt
    from zoneinfo import ZoneInfo

    from sundhedskoordinator.core import clock
    from sundhedskoordinator.meetings.services import plan_meeting
    from sundhedskoordinator.organisations.models import RehabTeam

    team = RehabTeam.objects.get(municipality__code="461")
    first = clock.today() + dt.timedelta(days=30)
    tz = ZoneInfo("Europe/Copenhagen")
    # Twelve-hour meetings hold 16 items of 45 minutes; enough of them for every scheduled case.
    meetings = [
        plan_meeting(
            team=team,
            starts_at=dt.datetime.combine(first + dt.timedelta(days=d), dt.time(7), tzinfo=tz),
            ends_at=dt.datetime.combine(first + dt.timedelta(days=d), dt.time(19), tzinfo=tz),
        )
        for d in range(n // 16 + 2)
    ]
    started = time.perf_counter()
    for i in range(n):
        case = new_case(citizen=citizen, caseworker=cast.caseworker)
        walk_case_to(
            case,
            STATES[i % len(STATES)],
            cast=cast,
            meeting=meetings[i // 16],
            late_reason="Benchmark.",
        )
    print(f"built {n} cases in {time.perf_counter() - started:.1f} s")


def measure(name: str, client: Client, path: str, headers: dict[str, str]) -> None:
    from django.db import reset_queries

    client.get(path, headers=headers)  # warm up
    reset_queries()  # the log holds at most 9000 queries; building filled it
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path, headers=headers).status_code
    if status != 200:
        raise SystemExit(f"{name}: {path} answered {status}")
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{name:32s} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
        f"{len(queries)} queries"
    )


def main() -> None:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries

    # Keep one connection and its query log across requests, so each read's queries can be
    # counted.
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    n = int(os.environ.get("BENCH_CASES", "2000"))
    build(n)
    user = User.objects.get(username="sagsbehandler")
    api = {"Authorization": f"Bearer {issue_token(user=user)}"}
    client = Client()
    case = Case.objects.filter(status=Status.SENT).first()
    print(f"{Case.objects.count()} cases in the database ({connection.vendor})")
    measure("API list, 25 a page", client, "/api/v1/cases", api)
    measure("API list, 100 a page", client, "/api/v1/cases?page_size=100", api)
    measure("API list, filtered by status", client, "/api/v1/cases?status=sent", api)
    measure("API case detail", client, f"/api/v1/cases/{case.pk}", api)
    browser = Client()
    browser.force_login(user)
    measure("Page: case list (200 newest)", browser, "/sager/", {})
    measure("Page: case", browser, f"/sager/{case.pk}/", {})


if __name__ == "__main__":
    main()
