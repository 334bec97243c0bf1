"""Where the time of a request goes, on a generated world: each endpoint is requested through
Django's test client (the full middleware stack, in this process) a few times to warm up, then
``BENCH_PROFILE_REQUESTS`` times (default 20) under pyinstrument. Printed as Markdown: per
request the wall time, the part spent waiting for the database (the queries' own timings) and the
rest (Python: middleware, ORM, serialisation, templates), then pyinstrument's call tree of the
profiled requests (the frames with at least 5 % of the time) and the functions by their own
time (at least 1 %).

    DATABASE_URL=postgres://…/world .venv/bin/python bench/profile.py > profile.md

The environment of a kept world is in its ``bench-world.json`` (``BENCH_KEEP``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from pyinstrument.renderers import ConsoleRenderer  # noqa: E402

# Started as a server worker starts: the URLs loaded and what is loaded frozen (``gc.freeze``).
import sundhedskoordinator.wsgi  # noqa: E402, F401
from sundhedskoordinator.api.tokens import issue_token  # noqa: E402
from sundhedskoordinator.billing.models import Settlement  # noqa: E402
from sundhedskoordinator.cases.models import Case  # noqa: E402
from sundhedskoordinator.organisations.models import Municipality, User  # noqa: E402

WARM_UP = 3


def _api(username: str) -> Client:
    user = User.objects.get(username=username)
    token = issue_token(user=user, name="profile", second_factor=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")


def _pages(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(
        User.objects.get(username=username),
        backend="sundhedskoordinator.web.auth.PasswordBackend",
    )
    return client


def _requests() -> list[tuple[str, Client, str]]:
    caseworker = User.objects.get(username="sagsbehandler")
    case = (
        Case.objects.filter(responsible=caseworker).order_by("-pk").values_list("pk", flat=True)
    ).first()
    api, pages = _api("sagsbehandler"), _pages("sagsbehandler")
    # A municipality of Region Syddanmark (Klinisk Funktion's) whose year was approved whole, as
    # in a generated world; else Odense, whose year is drafted.
    whole = Settlement.objects.filter(
        period_start="2025-01-01", period_end="2025-12-31", municipality__region__code="1083"
    )
    billed = (
        whole.order_by("municipality_id").values_list("municipality_id", flat=True).first()
        or Municipality.objects.get(code="461").pk
    )
    return [
        ("API case list, 100 a page", api, "/api/v1/cases?page_size=100"),
        ("API case list, searched", api, "/api/v1/cases?page_size=100&q=Nielsen"),
        ("API case detail", api, f"/api/v1/cases/{case}"),
        ("page: case list", pages, "/sager/"),
        ("page: case", pages, f"/sager/{case}/"),
        ("page: coordinator's start", _pages("koordinator"), "/"),
        (
            "API statistics, a year, a region",
            _api("klinisk"),
            "/api/v1/statistics?from=2025-01-01&to=2025-12-31",
        ),
        (
            "API settlement CSV, a year",
            _api("klinisk"),
            f"/api/v1/settlements.csv?from=2025-01-01&to=2025-12-31&municipality={billed}",
        ),
    ]


def main() -> None:
    count = int(os.environ.get("BENCH_PROFILE_REQUESTS", "20"))
    only = os.environ.get("BENCH_PROFILE_ONLY", "")
    print(f"Cases in the database: {Case.objects.count():,} ({connection.vendor})\n")
    for title, client, path in _requests():
        if only and only not in title:
            continue
        for _ in range(WARM_UP):
            status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
        profiler = Profiler(interval=0.0005)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            profiler.start()
            for _ in range(count):
                client.get(path)
            profiler.stop()
            wall = (time.perf_counter() - started) * 1000 / count
        sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000 / count
        print(
            f"### {title}\n\n`GET {path}`: {wall:.1f} ms a request, of which "
            f"{sql:.1f} ms waiting for {len(queries.captured_queries) // count} queries and "
            f"{wall - sql:.1f} ms in Python ({count} requests).\n"
        )
        seconds = wall * count / 1000
        tree = profiler.output_text(unicode=True, color=False, show_all=False)
        kept = [line for line in tree.splitlines() if _large(line, seconds, 0.05)]
        print("Call tree (frames with at least 5 % of the time):\n")
        print("```\n" + "\n".join(kept) + "\n```\n")
        flat = profiler.output(ConsoleRenderer(unicode=True, flat=True, show_all=True))
        top = [line for line in flat.splitlines() if _large(line, seconds, 0.01)][:25]
        print("Own time by function (at least 1 %):\n")
        print("```\n" + "\n".join(top) + "\n```\n")


def _large(line: str, total: float, share: float) -> bool:
    """A line of pyinstrument's output whose time is at least ``share`` of ``total`` seconds."""
    words = line.strip(" │├└─").split()
    try:
        return float(words[0]) >= total * share
    except (IndexError, ValueError):
        return False


if __name__ == "__main__":
    main()
