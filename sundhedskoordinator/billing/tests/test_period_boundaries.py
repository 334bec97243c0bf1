"""The billing rules' date boundaries, each on the boundary day and on both sides of it.

- A new settlement period starts after the last locked day (module docstring of
  ``billing.services``: settlements of a municipality follow each other and never overlap).
- Only a period that is over can be approved: its last day must lie before today, today being
  Copenhagen's date (DESIGN section 4, "Time"). The frozen clock stands on Monday 23 November
  2026, 10:00 in Copenhagen.
- A period is one to 366 days, both ends counted.
- A rate is valid from its first day to its last, both included; the next one starts the day
  after.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from conftest import World, local
from sundhedskoordinator.billing.models import Settlement
from sundhedskoordinator.billing.services import (
    PERIOD_LOCKED,
    PERIOD_NOT_ENDED,
    RATE_INVALID,
    approve_settlement,
    draft_settlement,
    set_rate,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.periods import INVALID_PERIOD

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 23)


def _approve(world: World, start: dt.date, end: dt.date) -> Settlement:
    return approve_settlement(
        actor=world.users["klinisk"],
        municipality_id=world.team.municipality_id,
        period_start=start,
        period_end=end,
    )


def _refusal(call: Any) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code


# --- A new period against the last locked day ------------------------------------------------
@pytest.mark.parametrize(
    ("start", "code"),
    [
        (D(2026, 2, 27), PERIOD_LOCKED),  # the day before the last locked day
        (D(2026, 2, 28), PERIOD_LOCKED),  # the last locked day itself
        (D(2026, 3, 1), None),  # the day after: the next period
    ],
)
def test_a_new_period_starts_the_day_after_the_last_locked_day(world: World, start, code) -> None:
    _approve(world, D(2026, 2, 1), D(2026, 2, 28))
    municipality = world.team.municipality
    if code is None:
        assert draft_settlement(municipality, start, D(2026, 3, 31)).period_start == start
        assert _approve(world, start, D(2026, 3, 31)).period_start == start
        assert Settlement.objects.count() == 2
    else:
        assert _refusal(lambda: draft_settlement(municipality, start, D(2026, 3, 31))) == code
        assert _refusal(lambda: _approve(world, start, D(2026, 3, 31))) == code
        assert Settlement.objects.count() == 1


def test_another_municipalitys_locked_period_does_not_lock_this_one(world: World) -> None:
    approve_settlement(
        actor=world.users["klinisk"],
        municipality_id=world.team.municipality.region.municipalities.get(code="479").pk,
        period_start=D(2026, 2, 1),
        period_end=D(2026, 2, 28),
    )
    assert _approve(world, D(2026, 2, 1), D(2026, 2, 28)).municipality == world.team.municipality


# --- Approval against today ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("end", "approved"),
    [(TODAY - dt.timedelta(days=1), True), (TODAY, False), (TODAY + dt.timedelta(days=1), False)],
)
def test_only_a_period_that_ended_before_today_can_be_approved(world: World, end, approved) -> None:
    start = D(2026, 11, 1)
    if approved:
        assert _approve(world, start, end).period_end == end
    else:
        assert _refusal(lambda: _approve(world, start, end)) == PERIOD_NOT_ENDED
        assert not Settlement.objects.exists()


@pytest.mark.parametrize(
    ("moment", "approved"),
    [
        (local(TODAY, 23, 59), False),  # still the period's last day in Copenhagen (22:59 UTC)
        (local(TODAY + dt.timedelta(days=1), 0, 1), True),  # the next day (23:01 UTC)
    ],
)
def test_a_period_ends_at_copenhagens_midnight(world: World, api, moment, approved) -> None:
    body = {"municipality": world.team.municipality_id, "from": "2026-11-01", "to": "2026-11-23"}
    with clock.frozen(moment):
        answer = api("klinisk").post("/settlements", body)
    if approved:
        assert answer.status_code == 201, answer.json()
    else:
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == PERIOD_NOT_ENDED
    assert Settlement.objects.exists() is approved


# --- The length of a period: one to 366 days -------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (D(2025, 3, 2), D(2025, 3, 1), INVALID_PERIOD),  # ends the day before it starts
        (D(2025, 3, 1), D(2025, 3, 1), None),  # one day
        (D(2025, 3, 1), D(2025, 3, 2), None),  # two days
        (D(2025, 1, 1), D(2025, 12, 31), None),  # 365 days
        (D(2025, 1, 1), D(2026, 1, 1), None),  # 366 days
        (D(2025, 1, 1), D(2026, 1, 2), INVALID_PERIOD),  # 367 days
        (D(2024, 1, 1), D(2024, 12, 31), None),  # the leap year 2024: 366 days
        (D(2024, 1, 1), D(2025, 1, 1), INVALID_PERIOD),  # 367 days
    ],
)
def test_a_period_is_one_to_366_days(world: World, start, end, code) -> None:
    municipality = world.team.municipality
    if code is None:
        assert draft_settlement(municipality, start, end).period_end == end
    else:
        assert _refusal(lambda: draft_settlement(municipality, start, end)) == code


# --- Rates: a new one from the day after the newest's first day -----------------------------
def _rate(world: World, amount: str, valid_from: dt.date) -> Any:
    return set_rate(
        actor=world.users["klinisk"],
        region_id=world.team.municipality.region_id,
        amount=Decimal(amount),
        valid_from=valid_from,
        bills_cancelled_after_dispatch=False,
    )


@pytest.mark.parametrize(
    ("valid_from", "accepted"),
    [(D(2025, 12, 31), False), (D(2026, 1, 1), False), (D(2026, 1, 2), True)],
)
def test_a_new_rate_starts_after_the_newest_rates_first_day(
    world: World, valid_from, accepted
) -> None:
    first = _rate(world, "2000.00", D(2026, 1, 1))
    if accepted:
        _rate(world, "2100.00", valid_from)
        first.refresh_from_db()
        assert first.valid_to == D(2026, 1, 1)  # the old rate's last day is the day before
    else:
        assert _refusal(lambda: _rate(world, "2100.00", valid_from)) == RATE_INVALID


def test_a_rates_last_day_bills_at_it_and_the_next_day_at_the_new_one(
    world: World, treat: Any
) -> None:
    _rate(world, "2000.00", D(2026, 1, 1))
    _rate(world, "2100.00", D(2026, 2, 17))
    on_last_day = treat(D(2026, 2, 16)).case  # Monday
    on_first_day = treat(D(2026, 2, 17)).case  # Tuesday
    draft = draft_settlement(world.team.municipality, D(2026, 2, 1), D(2026, 2, 28))
    amounts = {line.case_id: line.amount for line in draft.lines}
    assert amounts == {on_last_day.pk: Decimal("2000.00"), on_first_day.pk: Decimal("2100.00")}
