"""The settlement and the statistics recomputed independently from the API's raw cases
(``tests.independent``), for the demo world and for a generated year, figure by figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import Municipality, User
from tests.generated import generate_year, months, year_rates
from tests.independent import comparable, fetch_cases, settlement_from, statistics_from

pytestmark = pytest.mark.django_db

FIGURE_USERS = ("leder", "klinisk", "klinisk2")


def _check_statistics(api: Any, start: dt.date, end: dt.date) -> None:
    for username in FIGURE_USERS:
        client = api(username)
        cases = fetch_cases(client.get)
        answer = client.get("/statistics", **{"from": start.isoformat(), "to": end.isoformat()})
        assert answer.status_code == 200, answer.content
        assert comparable(answer.json()) == statistics_from(cases, start, end), (username, start)


def _check_settlement(
    api: Any, username: str, municipality: Municipality, start: dt.date, end: dt.date
) -> Decimal:
    """The API's settlement for ``username`` against the one recomputed from the cases that user
    lists and the rates the region's Klinisk Funktion lists."""
    client = api(username)
    keeper = "klinisk" if municipality.region.code == "1083" else "klinisk2"
    query = {"municipality": municipality.pk, "from": start.isoformat(), "to": end.isoformat()}
    answer = client.get("/settlements", **query)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    expected = settlement_from(
        fetch_cases(client.get),
        api(keeper).get("/rates").json(),
        municipality=municipality.pk,
        start=start,
        end=end,
    )
    assert {line["reference"]: Decimal(line["amount"]) for line in body["lines"]} == expected
    assert Decimal(body["total"]) == sum(expected.values(), Decimal("0.00"))
    return Decimal(body["total"])


def test_the_demo_world(now: Any, api: Any) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    today = clock.today()
    _check_statistics(api, dt.date(today.year, 1, 1), today)
    _check_statistics(api, today - dt.timedelta(days=60), today + dt.timedelta(days=60))
    odense = Municipality.objects.get(code="461")
    copenhagen = Municipality.objects.get(code="101")
    # Last month is approved and locked in the demo; this month is a draft.
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    locked = (
        api("klinisk")
        .get(
            "/settlements",
            municipality=odense.pk,
            **{"from": last_month_end.replace(day=1).isoformat(), "to": last_month_end.isoformat()},
        )
        .json()
    )
    assert locked["status"] == "approved"
    assert locked["line_count"] > 0
    _check_settlement(api, "klinisk", odense, last_month_end.replace(day=1), last_month_end)
    _check_settlement(api, "klinisk", odense, today.replace(day=1), today)
    _check_settlement(
        api, "klinisk2", copenhagen, today - dt.timedelta(days=60), today + dt.timedelta(days=30)
    )


def test_a_generated_year(world: Any, api: Any) -> None:
    users = {u.username: u for u in User.objects.all()}
    year_rates(users, 2025)
    made = generate_year(users, year=2025, cases_per_week=1, every_weeks=2)
    assert made > 40
    _check_statistics(api, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    for quarter in range(4):
        start = dt.date(2025, 3 * quarter + 1, 1)
        end = (months(2025)[3 * quarter + 2])[1]
        _check_statistics(api, start, end)
    odense = Municipality.objects.get(code="461")
    copenhagen = Municipality.objects.get(code="101")
    totals = []
    for start, end in months(2025):
        totals.append(_check_settlement(api, "klinisk", odense, start, end))
        _check_settlement(api, "klinisk2", copenhagen, start, end)
        if start.month <= 6:  # the first half-year is approved and locked as it goes
            approved = api("klinisk").post(
                "/settlements",
                {"municipality": odense.pk, "from": start.isoformat(), "to": end.isoformat()},
            )
            assert approved.status_code == 201, approved.content
    # Locked or not, the year's lines add up to the same: no case billed twice or lost.
    assert sum(totals) > 0
    assert _check_settlement(
        api, "leder", odense, dt.date(2025, 7, 1), dt.date(2025, 12, 31)
    ) == sum(totals[6:])
