"""Benchmark and check: a generated year of cases (Odense and Copenhagen, BENCH_YEAR_PER_WEEK
cases per team every Tuesday, default 3), built through the real services; then the statistics
and the monthly settlements from the API are compared figure by figure with an independent
recomputation from the API's raw case list (tests/independent.py), and the figure reads are
timed: statistics for the year, a month's settlement as JSON, CSV and XLSX.

    make bench-figures
    BENCH_YEAR_PER_WEEK=5 make bench-figures
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

if not os.environ.get("DATA_DIR"):  # unset or empty: never the demo's own var/
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sundhedskoordinator.settings")
# The mails are still made and sent, to memory instead of the console.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sundhedskoordinator.api.tokens import issue_token  # noqa: E402
from sundhedskoordinator.cases.models import Case  # noqa: E402
from sundhedskoordinator.core import clock  # noqa: E402
from sundhedskoordinator.organisations.models import Municipality, User  # noqa: E402
from tests.generated import generate_year, year_rates  # noqa: E402
from tests.generated import months as year_months  # noqa: E402
from tests.independent import (  # noqa: E402
    comparable,
    fetch_cases,
    settlement_from,
    statistics_from,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))


def measure(name: str, client: Client, path: str, headers: dict[str, str]) -> None:
    """In-process through the test client: the median and 95th percentile of ROUNDS reads, and
    the queries one read makes."""
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


class Api:
    def __init__(self, username: str) -> None:
        self.client = Client()
        self.headers = {
            "Authorization": f"Bearer {issue_token(user=User.objects.get(username=username))}"
        }

    def get(self, path: str, **params: object) -> object:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)


def main() -> None:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    per_week = int(os.environ.get("BENCH_YEAR_PER_WEEK", "3"))
    year = clock.today().year - 1
    call_command("migrate", verbosity=0)
    from sundhedskoordinator.organisations.demo import load_demo_organisations

    users = load_demo_organisations()
    year_rates(users, year)
    started = time.perf_counter()
    made = generate_year(users, year=year, cases_per_week=per_week)
    print(
        f"generated {made} cases for {year} in {time.perf_counter() - started:.1f} s "
        f"({Case.objects.count()} in the database)"
    )

    checked = 0
    months = year_months(year)
    periods = [(dt.date(year, 1, 1), dt.date(year, 12, 31)), *months]
    for username in ("leder", "klinisk", "klinisk2"):
        api = Api(username)
        cases = fetch_cases(api.get)
        for start, end in periods:
            answer = api.get(
                "/statistics", **{"from": start.isoformat(), "to": end.isoformat()}
            ).json()
            ours = statistics_from(cases, start, end)
            if comparable(answer) != ours:
                raise SystemExit(
                    f"statistics differ for {username} {start}–{end}:\n"
                    f"{json.dumps(comparable(answer), indent=1)}\n{json.dumps(ours, indent=1)}"
                )
            checked += 1
    total = Decimal("0.00")
    for code, keeper in (("461", "klinisk"), ("101", "klinisk2")):
        municipality = Municipality.objects.get(code=code)
        api = Api(keeper)
        cases, rates = fetch_cases(api.get), api.get("/rates").json()
        for start, end in months:
            body = api.get(
                "/settlements",
                municipality=municipality.pk,
                **{"from": start.isoformat(), "to": end.isoformat()},
            ).json()
            expected = settlement_from(
                cases, rates, municipality=municipality.pk, start=start, end=end
            )
            got = {line["reference"]: Decimal(line["amount"]) for line in body["lines"]}
            if got != expected or Decimal(body["total"]) != sum(expected.values(), Decimal("0.00")):
                raise SystemExit(f"settlement differs for {code} {start}–{end}")
            total += Decimal(body["total"])
            checked += 1
    print(
        f"{checked} statistics and settlements match the recomputation from the raw cases "
        f"(the year billed {total} kr.)"
    )

    klinisk = Api("klinisk")
    odense = Municipality.objects.get(code="461")
    june = f"municipality={odense.pk}&from={year}-06-01&to={year}-06-30"
    measure(
        "API statistics, a year",
        klinisk.client,
        f"/api/v1/statistics?from={year}-01-01&to={year}-12-31",
        klinisk.headers,
    )
    measure(
        "API settlement, a month", klinisk.client, f"/api/v1/settlements?{june}", klinisk.headers
    )
    measure(
        "API settlement, a month, CSV",
        klinisk.client,
        f"/api/v1/settlements.csv?{june}",
        klinisk.headers,
    )
    measure(
        "API settlement, a month, XLSX",
        klinisk.client,
        f"/api/v1/settlements.xlsx?{june}",
        klinisk.headers,
    )
    browser = Client()
    browser.force_login(User.objects.get(username="klinisk"))
    measure(
        "Page: statistics, a year",
        browser,
        f"/statistik/?date_from={year}-01-01&date_to={year}-12-31",
        {},
    )


if __name__ == "__main__":
    main()
