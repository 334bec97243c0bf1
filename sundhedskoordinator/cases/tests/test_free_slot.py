"""Where ``schedule_case`` puts a case when no time is given, and when the offer is on hold.

The world's meeting runs 9:00-12:00 on Tuesday 15 December 2026 and the region's agreement gives
each case 30 minutes in the team and 15 for the advice: 45 minutes, so four cases fit, at 9:00,
9:45, 10:30 and 11:15 (counted by hand), and the last ends exactly at 12:00."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import World, local
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.cases.workflow import NO_FREE_SLOT
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 15)


def _ready(world: World) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, Status.READY, cast=world.cast)


def _schedule(world: World, at: dt.datetime | None = None) -> dt.datetime:
    case = services.schedule_case(
        actor=world.users["sekretariat"],
        case_id=_ready(world).pk,
        meeting_id=world.meeting.pk,
        coordinator_id=world.users["koordinator"].pk,
        starts_at=at,
    )
    return case.agenda_items.get(cancelled_at__isnull=True).starts_at


def test_a_case_takes_a_gap_it_fills_exactly(world: World) -> None:
    """9:00-9:45 is free before a case at 9:45: the next case fits there, ending as it starts."""
    assert _schedule(world, local(DAY, 9, 45)) == local(DAY, 9, 45)
    assert _schedule(world) == local(DAY, 9)


def test_a_case_skips_a_gap_too_short(world: World) -> None:
    """9:00-9:44 is one minute short: the case goes after the one at 9:44, at 10:29."""
    assert _schedule(world, local(DAY, 9, 44)) == local(DAY, 9, 44)
    assert _schedule(world) == local(DAY, 10, 29)


def test_the_last_case_ends_exactly_when_the_meeting_does(world: World) -> None:
    starts = [_schedule(world) for _ in range(4)]
    assert starts == [local(DAY, 9), local(DAY, 9, 45), local(DAY, 10, 30), local(DAY, 11, 15)]


def test_a_fifth_case_does_not_fit(world: World) -> None:
    for _ in range(4):
        _schedule(world)
    case = _ready(world)
    with pytest.raises(DomainError) as refused:
        services.schedule_case(
            actor=world.users["sekretariat"],
            case_id=case.pk,
            meeting_id=world.meeting.pk,
            coordinator_id=world.users["koordinator"].pk,
        )
    # Told there is no free time, not that a time lies outside the meeting.
    assert refused.value.fields == {"starts_at": str(NO_FREE_SLOT)}
    case.refresh_from_db()
    assert case.status == Status.READY
    assert not case.agenda_items.exists()


@pytest.mark.parametrize(
    ("status", "flag", "on_hold"),
    [
        # DESIGN "Offer on hold": when the request came before the offer starts, the offer is on
        # hold from submit to decision (LAB § 113, stk. 3).
        (Status.DRAFT, True, False),
        (Status.REQUESTED, True, True),
        (Status.READY, True, True),
        (Status.SCHEDULED, True, True),
        (Status.SENT, True, True),
        (Status.HELD, True, True),
        (Status.ADVISED, True, True),
        (Status.DECIDED, True, False),
        (Status.CLOSED, True, False),
        (Status.REQUESTED, False, False),
        (Status.HELD, False, False),
    ],
)
def test_the_offer_is_on_hold_only_when_flagged_and_in_its_states(
    status: Status, flag: bool, on_hold: bool
) -> None:
    assert services.offer_is_on_hold(Case(status=status, offer_on_hold=flag)) is on_hold
