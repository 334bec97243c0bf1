"""The settlement and the statistics recomputed independently from the API's raw cases
(``tests.independent``), for the demo world and for a generated year, figure by figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from conftest import local
from sundhedskoordinator.billing.demo import set_rates
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.services import hold_conversation
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import Municipality, User
from tests.generated import generate_year, months, year_rates
from tests.independent import (
    comparable,
    dispatch_lateness,
    fetch_cases,
    settlement_lines_from,
    statistics_from,
    was_held,
)

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
    api: Any,
    username: str,
    municipality: Municipality,
    start: dt.date,
    end: dt.date,
    locked: list[dict[str, Any]] | tuple[()] = (),
) -> Decimal:
    """The API's settlement for ``username`` against the one recomputed from the cases that user
    lists, the rates the region's Klinisk Funktion lists and the settlements approved before it
    (``locked``), line by line with each line's kind."""
    client = api(username)
    keeper = "klinisk" if municipality.region.code == "1083" else "klinisk2"
    query = {"municipality": municipality.pk, "from": start.isoformat(), "to": end.isoformat()}
    answer = client.get("/settlements", **query)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    expected = settlement_lines_from(
        fetch_cases(client.get),
        api(keeper).get("/rates").json(),
        municipality=municipality.pk,
        start=start,
        end=end,
        locked=locked,
    )
    got = {line["reference"]: (line["kind"], Decimal(line["amount"])) for line in body["lines"]}
    assert got == expected
    assert Decimal(body["total"]) == sum((a for _k, a in expected.values()), Decimal("0.00"))
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
    _check_settlement(api, "klinisk", odense, today.replace(day=1), today, locked=[locked])
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
    locked: list[dict[str, Any]] = []
    for start, end in months(2025):
        totals.append(_check_settlement(api, "klinisk", odense, start, end, locked))
        _check_settlement(api, "klinisk2", copenhagen, start, end)
        if start.month <= 6:  # the first half-year is approved and locked as it goes
            approved = api("klinisk").post(
                "/settlements",
                {"municipality": odense.pk, "from": start.isoformat(), "to": end.isoformat()},
            )
            assert approved.status_code == 201, approved.content
            locked.append(approved.json())
    # Locked or not, the year's lines add up to the same: no case billed twice or lost.
    assert sum(totals) > 0
    assert _check_settlement(
        api, "leder", odense, dt.date(2025, 7, 1), dt.date(2025, 12, 31), locked
    ) == sum(totals[6:])
    _check_lateness_and_held(api)


def _check_lateness_and_held(api: Any) -> None:
    """The generated year has late and on-time dispatches, held and cancelled items: the
    recomputation sees each as the API does, so the figures above compare like with like."""
    seen = {"late": 0, "on_time": 0, "held": 0, "not_held": 0}
    for case in fetch_cases(api("klinisk").get):
        for item in case["agenda_history"]:
            if item["dispatch"]:
                late = dispatch_lateness(item["dispatch"]["deadline"], item["dispatch"]["sent_at"])
                assert late == (item["dispatch"]["late"], item["dispatch"]["working_days_late"])
                seen["late" if late[0] else "on_time"] += 1
            seen["held" if was_held(case, item) else "not_held"] += 1
            assert was_held(case, item) == item["held"]
    assert all(seen.values()), seen


def test_a_conversation_recorded_after_its_month_was_locked_is_a_correction_next_month(
    world: Any, api: Any
) -> None:
    """The December settlement is approved while the case sent for 15 December waits for its
    conversation; when the conversation is recorded in January, January's settlement bills it
    as a correction, and a rate for the meeting day was what the recomputation chose."""
    with clock.frozen(local(dt.date(2026, 11, 1), 10)):
        set_rates(
            world.users,
            [
                ("klinisk", Decimal("1900.00"), dt.date(2026, 11, 2), True),
                ("klinisk", Decimal("2000.00"), dt.date(2026, 12, 14), True),
                ("klinisk", Decimal("2100.00"), dt.date(2026, 12, 16), True),
            ],
        )
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    odense = world.team.municipality
    december = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    january = (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    with clock.frozen(local(dt.date(2027, 1, 5), 10)):
        assert _check_settlement(api, "klinisk", odense, *december) == Decimal("0.00")
        approved = api("klinisk").post(
            "/settlements",
            {"municipality": odense.pk, "from": "2026-12-01", "to": "2026-12-31"},
        )
        assert approved.status_code == 201, approved.content
        item = case.agenda_items.get()
        hold_conversation(
            actor=world.users["koordinator"],
            case_id=case.pk,
            started_at=item.starts_at,
            ended_at=item.ends_at,
        )
        total = _check_settlement(api, "klinisk", odense, *january, locked=[approved.json()])
        query = {"municipality": odense.pk, "from": "2027-01-01", "to": "2027-01-31"}
        lines = api("klinisk").get("/settlements", **query).json()["lines"]
    assert [(line["reference"], line["kind"]) for line in lines] == [(case.reference, "correction")]
    # The rate of 14 December, valid on the meeting day 15 December, not the one from the 16th.
    assert total == Decimal("2000.00")
