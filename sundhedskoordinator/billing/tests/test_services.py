"""The billing rules: one line per treated case at the rate of its meeting date, the rule for
cases cancelled after dispatch, locked periods and correction lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from conftest import World, local
from sundhedskoordinator.billing.choices import Basis, LineKind
from sundhedskoordinator.billing.models import Settlement, SettlementLine
from sundhedskoordinator.billing.services import (
    NOT_ALLOWED,
    PERIOD_LOCKED,
    PERIOD_NOT_ENDED,
    RATE_INVALID,
    RATE_MISSING,
    SETTLEMENT_CHANGED,
    approve_settlement,
    approve_settlements,
    draft_settlement,
    set_rate,
)
from sundhedskoordinator.cases.walk import walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db

# Tuesdays of 2026.
FEB_10, FEB_17, FEB_24 = dt.date(2026, 2, 10), dt.date(2026, 2, 17), dt.date(2026, 2, 24)
MAR_10, MAR_17 = dt.date(2026, 3, 10), dt.date(2026, 3, 17)
FEBRUARY = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def rate(world: World, amount: str, valid_from: dt.date, *, cancelled: bool = False) -> Any:
    with clock.frozen(local(dt.date(2025, 12, 1), 10)):
        return set_rate(
            actor=world.users["klinisk"],
            region_id=world.team.municipality.region_id,
            amount=Decimal(amount),
            valid_from=valid_from,
            bills_cancelled_after_dispatch=cancelled,
        )


def approve(world: World, period: tuple[dt.date, dt.date], **kwargs: Any) -> Settlement:
    return approve_settlement(
        actor=world.users["klinisk"],
        municipality_id=world.team.municipality_id,
        period_start=period[0],
        period_end=period[1],
        **kwargs,
    )


def test_each_treated_case_is_one_line_at_the_rate_valid_on_its_meeting_date(
    world: World, treat: Any
) -> None:
    rate(world, "2000.00", dt.date(2026, 1, 1))
    rate(world, "2150.50", dt.date(2026, 3, 1), cancelled=True)
    held_feb = [treat(FEB_10).case, treat(FEB_10, "closed").case]
    cancelled_feb = treat(FEB_17, cancelled=True).case  # the February rate bills no cancellations
    held_mar = treat(MAR_10, "advised").case
    cancelled_mar = treat(MAR_17, cancelled=True).case  # the March rate does
    treat(MAR_17, "scheduled")  # never sent: nothing to bill
    treat(dt.date(2026, 4, 7))  # after the period

    draft = draft_settlement(world.team.municipality, dt.date(2026, 2, 1), dt.date(2026, 3, 31))

    by_case = {line.case_id: line for line in draft.lines}
    assert set(by_case) == {*(c.pk for c in held_feb), held_mar.pk, cancelled_mar.pk}
    assert cancelled_feb.pk not in by_case
    assert [by_case[c.pk].amount for c in held_feb] == [Decimal("2000.00")] * 2
    assert by_case[held_mar.pk].amount == Decimal("2150.50")
    assert by_case[cancelled_mar.pk].basis == Basis.CANCELLED_AFTER_DISPATCH
    assert all(line.kind == LineKind.ORDINARY for line in draft.lines)
    assert draft.total == Decimal("8301.00")
    assert isinstance(draft.total, Decimal)


def test_a_case_held_after_a_billed_cancellation_is_still_billed_once(
    world: World, treat: Any
) -> None:
    rate(world, "2000.00", dt.date(2026, 1, 1), cancelled=True)
    treated = treat(FEB_10, cancelled=True)
    with clock.frozen(local(FEB_17 - dt.timedelta(days=20), 10)):
        from sundhedskoordinator.meetings.services import create_meeting

        later = create_meeting(
            actor=world.users["sekretariat"],
            team=world.team,
            starts_at=local(MAR_10, 9),
            ends_at=local(MAR_10, 12),
        )
        case = walk_case_to(treated.case, "held", cast=world.cast, meeting=later)
    draft = draft_settlement(world.team.municipality, FEBRUARY[0], MARCH[1])
    assert [(line.case_id, line.service_on) for line in draft.lines] == [(case.pk, FEB_10)]


def test_a_locked_period_never_changes_and_later_changes_become_correction_lines(
    world: World, treat: Any
) -> None:
    rate(world, "2000.00", dt.date(2026, 1, 1))
    treat(FEB_10)
    on_17th = treat(FEB_17).case
    recorded_late = treat(FEB_24, "sent")  # the conversation is recorded only after locking
    with clock.frozen(local(dt.date(2026, 3, 2), 10)):
        february = approve(world, FEBRUARY, expected_total=Decimal("4000.00"))
    assert (february.total, february.line_count) == (Decimal("4000.00"), 2)

    # The rate is corrected back to 15 February, and the 24 February conversation is recorded.
    with clock.frozen(local(dt.date(2026, 3, 3), 10)):
        set_rate(
            actor=world.users["klinisk"],
            region_id=world.team.municipality.region_id,
            amount=Decimal("2100.00"),
            valid_from=dt.date(2026, 2, 15),
            bills_cancelled_after_dispatch=False,
            confirm_locked_period=True,
        )
    walk_case_to(recorded_late.case, "held", cast=world.cast, meeting=recorded_late.meeting)
    in_march = treat(MAR_10).case

    february.refresh_from_db()
    assert february.total == Decimal("4000.00")
    assert sorted(february.lines.values_list("amount", flat=True)) == [Decimal("2000.00")] * 2

    draft = draft_settlement(world.team.municipality, *MARCH)
    lines = {line.case_id: line for line in draft.lines}
    assert lines[in_march.pk].kind == LineKind.ORDINARY
    assert lines[in_march.pk].amount == Decimal("2100.00")
    assert lines[on_17th.pk].kind == LineKind.CORRECTION
    assert lines[on_17th.pk].amount == Decimal("100.00")
    assert lines[recorded_late.case.pk].kind == LineKind.CORRECTION
    assert lines[recorded_late.case.pk].amount == Decimal("2100.00")
    assert len(lines) == 3
    assert draft.total == Decimal("4300.00")

    with clock.frozen(local(dt.date(2026, 4, 1), 10)):
        march = approve(world, MARCH)
    assert march.total == Decimal("4300.00")
    # Every case has now been billed exactly what its meeting date's rate says.
    billed = {
        case_id: sum(
            SettlementLine.objects.filter(case_id=case_id).values_list("amount", flat=True)
        )
        for case_id in SettlementLine.objects.values_list("case_id", flat=True)
    }
    assert sorted(billed.values()) == [Decimal("2000.00")] + [Decimal("2100.00")] * 3
    # Nothing more to correct in April.
    april = draft_settlement(world.team.municipality, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert april.lines == []


def test_a_run_of_periods_is_approved_as_one_period_after_another_would_be(
    world: World, treat: Any
) -> None:
    """``approve_settlements`` reads the billable events once for all its periods; what it
    stores is what ``approve_settlement`` stores for each period in turn, corrections of a
    locked period included."""
    rate(world, "2000.00", dt.date(2026, 1, 1))
    treat(FEB_10)
    treat(FEB_17)
    recorded_late = treat(FEB_24, "sent")
    with clock.frozen(local(dt.date(2026, 3, 2), 10)):
        approve(world, FEBRUARY)
    with clock.frozen(local(dt.date(2026, 3, 3), 10)):
        set_rate(
            actor=world.users["klinisk"],
            region_id=world.team.municipality.region_id,
            amount=Decimal("2100.00"),
            valid_from=dt.date(2026, 2, 15),
            bills_cancelled_after_dispatch=True,
            confirm_locked_period=True,
        )
    walk_case_to(recorded_late.case, "held", cast=world.cast, meeting=recorded_late.meeting)
    treat(MAR_10)
    treat(MAR_17, cancelled=True)
    treat(dt.date(2026, 4, 7))
    treat(dt.date(2026, 4, 14), "closed")
    april = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))

    def stored() -> list[tuple[Any, ...]]:
        return list(
            SettlementLine.objects.order_by("settlement__period_start", "case_id").values_list(
                "settlement__period_start",
                "settlement__total",
                "case_id",
                "kind",
                "basis",
                "service_on",
                "rate_id",
                "amount",
                "note",
            )
        )

    # Tried first in a transaction rolled back afterwards, marked as the test's own transaction
    # is, so that the services' durable transactions run in it as savepoints.
    trial = transaction.atomic()
    trial._from_testcase = True  # type: ignore[attr-defined]
    with clock.frozen(local(dt.date(2026, 5, 4), 10)):
        with trial:
            approve(world, MARCH)
            approve(world, april)
            one_by_one = stored()
            transaction.set_rollback(True)
        made = approve_settlements(
            actor=world.users["klinisk"],
            municipality_id=world.team.municipality_id,
            periods=[MARCH, april],
        )
    assert [s.period_start for s in made] == [MARCH[0], april[0]]
    assert stored() == one_by_one
    kinds = {line[3] for line in one_by_one}
    assert kinds == {LineKind.ORDINARY, LineKind.CORRECTION}


def test_a_run_of_periods_is_refused_whole(world: World, treat: Any) -> None:
    rate(world, "2000.00", dt.date(2026, 1, 1))
    treat(FEB_10)
    with clock.frozen(local(dt.date(2026, 3, 20), 10)), pytest.raises(DomainError) as refused:
        approve_settlements(
            actor=world.users["klinisk"],
            municipality_id=world.team.municipality_id,
            periods=[FEBRUARY, MARCH],
        )
    assert refused.value.code == PERIOD_NOT_ENDED
    treat(MAR_10)
    with clock.frozen(local(dt.date(2026, 4, 1), 10)), pytest.raises(DomainError) as overlap:
        approve_settlements(
            actor=world.users["klinisk"],
            municipality_id=world.team.municipality_id,
            periods=[FEBRUARY, (dt.date(2026, 2, 20), dt.date(2026, 3, 31))],
        )
    assert overlap.value.code == PERIOD_LOCKED
    assert Settlement.objects.count() == 0


def test_a_locked_period_cannot_be_settled_again_or_overlapped(world: World, treat: Any) -> None:
    rate(world, "2000.00", dt.date(2026, 1, 1))
    treat(FEB_10)
    approve(world, FEBRUARY)
    for period in (FEBRUARY, (dt.date(2026, 2, 20), dt.date(2026, 3, 20))):
        with pytest.raises(DomainError) as refused:
            approve(world, period)
        assert refused.value.code == PERIOD_LOCKED
    assert Settlement.objects.count() == 1


def test_approval_is_refused_and_stores_nothing_when_a_rule_fails(world: World, treat: Any) -> None:
    unpriced = treat(FEB_10).case
    with pytest.raises(DomainError) as refused:
        approve(world, FEBRUARY)
    assert refused.value.code == RATE_MISSING
    assert list(refused.value.fields) == [unpriced.reference]

    rate(world, "2000.00", dt.date(2026, 1, 1))
    with pytest.raises(ConflictError) as changed:
        approve(world, FEBRUARY, expected_total=Decimal("1.00"))
    assert changed.value.code == SETTLEMENT_CHANGED

    with pytest.raises(DomainError) as open_period:
        approve(world, (dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert open_period.value.code == PERIOD_NOT_ENDED

    with pytest.raises(DomainError) as manager:
        approve_settlement(
            actor=world.users["leder"],
            municipality_id=world.team.municipality_id,
            period_start=FEBRUARY[0],
            period_end=FEBRUARY[1],
        )
    assert (manager.value.code, manager.value.status) == (NOT_ALLOWED, 403)
    assert Settlement.objects.count() == SettlementLine.objects.count() == 0


def test_rates_run_forward_and_are_positive_kroner(world: World) -> None:
    first = rate(world, "2000.00", dt.date(2026, 1, 1))
    rate(world, "2100.00", dt.date(2026, 7, 1))
    first.refresh_from_db()
    assert first.valid_to == dt.date(2026, 6, 30)
    for amount, valid_from in (("2200", dt.date(2026, 7, 1)), ("0", dt.date(2027, 1, 1))):
        with pytest.raises(DomainError) as refused:
            rate(world, amount, valid_from)
        assert refused.value.code == RATE_INVALID
    with pytest.raises(DomainError) as decimals:
        rate(world, "2000.005", dt.date(2027, 1, 1))
    assert decimals.value.fields.keys() == {"amount"}
    with pytest.raises(DomainError) as manager:
        set_rate(
            actor=world.users["leder"],
            region_id=world.team.municipality.region_id,
            amount=Decimal("1"),
            valid_from=dt.date(2027, 1, 1),
            bills_cancelled_after_dispatch=False,
        )
    # A municipality's manager reads no region's rates: the region is outside his figures.
    assert manager.value.code == "not_found"


def test_the_database_refuses_to_change_a_locked_settlement(world: World, treat: Any) -> None:
    from django.db import DatabaseError, transaction

    rate(world, "2000.00", dt.date(2026, 1, 1))
    treat(FEB_10)
    settlement = approve(world, FEBRUARY)
    with pytest.raises(DatabaseError), transaction.atomic():
        Settlement.objects.filter(pk=settlement.pk).update(total=Decimal("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        SettlementLine.objects.filter(settlement=settlement).update(amount=Decimal("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        SettlementLine.objects.filter(settlement=settlement).delete()
    settlement.refresh_from_db()
    assert settlement.total == Decimal("2000.00")
    assert settlement.lines.get().amount == Decimal("2000.00")


@pytest.mark.parametrize(
    ("code", "billed"),
    [
        # The cause lies with the citizen: billed where the rate bills cancellations.
        ("citizen_absent", True),
        ("citizen_withdrew", True),
        ("other", True),
        # The cause lies with the region or the team: never billed (issue 16, point 3).
        ("coordinator_ill", False),
        ("meeting_moved", False),
        ("meeting_cancelled", False),
    ],
)
def test_a_cancellation_after_dispatch_is_billed_by_its_cause(
    world: World, treat: Any, code: str, billed: bool
) -> None:
    rate(world, "2000.00", dt.date(2026, 1, 1), cancelled=True)
    case = treat(FEB_10, cancelled=code).case
    draft = draft_settlement(world.team.municipality, *FEBRUARY)
    lines = [line for line in draft.lines if line.case_id == case.pk]
    if billed:
        assert [(line.basis, line.amount) for line in lines] == [
            (Basis.CANCELLED_AFTER_DISPATCH, Decimal("2000.00"))
        ]
    else:
        assert lines == []


def test_no_cancellation_is_billed_where_the_rate_bills_none(world: World, treat: Any) -> None:
    rate(world, "2000.00", dt.date(2026, 1, 1), cancelled=False)
    case = treat(FEB_10, cancelled="citizen_absent").case
    draft = draft_settlement(world.team.municipality, *FEBRUARY)
    assert [line for line in draft.lines if line.case_id == case.pk] == []
