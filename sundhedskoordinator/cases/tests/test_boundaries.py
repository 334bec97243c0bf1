"""The procedure's date and state boundaries, each tested on the boundary and on both sides.

The world's meeting is on Tuesday 15 December 2026. Its dispatch deadline, counted by hand
(DESIGN section 3: the 10th working day before the meeting day, the meeting day not counted):
Mon 14 (1), Fri 11 (2), Thu 10 (3), Wed 9 (4), Tue 8 (5), Mon 7 (6), Fri 4 (7), Thu 3 (8),
Wed 2 (9), Tue 1 December 2026 (10). Dates are Copenhagen's, so the day ends at local midnight
(23:00 UTC in winter).
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import World, local
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case, Dispatch
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.cases.workflow import DEADLINE_PASSED, INVALID_TRANSITION
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2026, 12, 1)
LAST_MINUTE_OF_DEADLINE_DAY = local(DEADLINE, 23, 59)
FIRST_MINUTE_AFTER = local(dt.date(2026, 12, 2), 0, 1)


def _case_at(world: World, target: Status) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, target, cast=world.cast, meeting=world.meeting)


def _schedule(world: World, case: Case, late_reason: str = "") -> Case:
    return services.schedule_case(
        actor=world.users["sekretariat"],
        case_id=case.pk,
        meeting_id=world.meeting.pk,
        coordinator_id=world.users["koordinator"].pk,
        late_reason=late_reason,
    )


def _dispatch(world: World, case: Case) -> Dispatch:
    services.dispatch_package(actor=world.users["sekretariat"], case_id=case.pk)
    return Dispatch.objects.get(case=case)


def test_the_world_meetings_deadline_is_the_hand_counted_day(world: World) -> None:
    assert world.meeting.dispatch_deadline == DEADLINE


# --- Dispatch: on the deadline day in time, the day after late -------------------------------
@pytest.mark.parametrize(
    ("sent_at", "late", "working_days_late"),
    [
        (local(dt.date(2026, 11, 30), 15), False, 0),  # the day before
        (local(DEADLINE, 0, 1), False, 0),  # the deadline day's first minute
        (LAST_MINUTE_OF_DEADLINE_DAY, False, 0),  # and its last
        (FIRST_MINUTE_AFTER, True, 1),  # the day after
        (local(dt.date(2026, 12, 4), 10), True, 3),  # Wed 2, Thu 3, Fri 4
        (local(dt.date(2026, 12, 7), 10), True, 4),  # the weekend does not count
    ],
)
def test_a_package_sent_by_the_end_of_the_deadline_day_is_on_time(
    world: World, api, sent_at, late, working_days_late
) -> None:
    case = _case_at(world, Status.SCHEDULED)
    with clock.frozen(sent_at):
        dispatch = _dispatch(world, case)
        body = api("sagsbehandler").get(f"/cases/{case.pk}").json()
    assert (dispatch.deadline, dispatch.is_late, dispatch.working_days_late) == (
        DEADLINE,
        late,
        working_days_late,
    )
    assert body["dispatch"]["late"] is late


@pytest.mark.parametrize(
    ("today", "late"),
    [(LAST_MINUTE_OF_DEADLINE_DAY, False), (FIRST_MINUTE_AFTER, True)],
)
def test_a_scheduled_case_shows_as_late_only_after_the_deadline_day(
    world: World, api, today, late
) -> None:
    case = _case_at(world, Status.SCHEDULED)
    with clock.frozen(today):
        body = api("sagsbehandler").get(f"/cases/{case.pk}").json()
    assert body["dispatch"]["late"] is late


# --- Scheduling: on the deadline day without a reason, the day after only with one ----------
@pytest.mark.parametrize(
    "today",
    [local(dt.date(2026, 11, 30), 12), local(DEADLINE, 0, 1), LAST_MINUTE_OF_DEADLINE_DAY],
)
def test_scheduling_up_to_the_end_of_the_deadline_day_needs_no_reason(world: World, today) -> None:
    case = _case_at(world, Status.READY)
    with clock.frozen(today):
        scheduled = _schedule(world, case)
    item = scheduled.agenda_items.get()
    assert scheduled.status == Status.SCHEDULED
    assert (item.scheduled_late, item.late_reason) == (False, "")


@pytest.mark.parametrize("today", [FIRST_MINUTE_AFTER, local(dt.date(2026, 12, 14), 9)])
def test_scheduling_after_the_deadline_day_without_a_reason_is_refused(world: World, today) -> None:
    case = _case_at(world, Status.READY)
    with clock.frozen(today), pytest.raises(DomainError) as refused:
        _schedule(world, case, late_reason="  ")
    assert refused.value.code == DEADLINE_PASSED
    assert set(refused.value.fields) == {"late_reason"}
    case.refresh_from_db()
    assert case.status == Status.READY
    assert not case.agenda_items.exists()


def test_scheduling_the_day_after_the_deadline_with_a_reason_is_flagged(world: World) -> None:
    case = _case_at(world, Status.READY)
    with clock.frozen(FIRST_MINUTE_AFTER):
        scheduled = _schedule(world, case, late_reason="Borgeren har akut behov for afklaring.")
    item = scheduled.agenda_items.get()
    assert scheduled.status == Status.SCHEDULED
    assert item.scheduled_late is True
    assert item.late_reason == "Borgeren har akut behov for afklaring."


# --- Withdrawal: at any time before the decision --------------------------------------------
@pytest.mark.parametrize("state", [Status.DRAFT, Status.REQUESTED, Status.READY, Status.SCHEDULED])
def test_a_request_can_be_withdrawn_until_the_package_is_sent(world: World, state) -> None:
    case = _case_at(world, state)
    withdrawn = services.withdraw_case(
        actor=world.users["sagsbehandler"], case_id=case.pk, reason="Borgeren trækker anmodningen."
    )
    assert withdrawn.status == Status.WITHDRAWN
    if state == Status.SCHEDULED:
        assert withdrawn.agenda_items.get().cancelled_at is not None  # the slot is freed


@pytest.mark.parametrize("state", [Status.SENT, Status.HELD, Status.ADVISED])
def test_after_dispatch_the_request_can_be_withdrawn_until_the_decision(
    world: World, api, state
) -> None:
    """Issue 16, point 5: no case is stuck; the citizen may withdraw after dispatch."""
    case = _case_at(world, state)
    answer = api("borger").post(f"/cases/{case.pk}/withdraw", {"reason": "Jeg fortryder."})
    assert answer.status_code == 200, answer.json()
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    item = case.agenda_items.get()
    if state == Status.SENT:
        assert (item.cancelled_at is not None, item.cancel_code) == (True, "citizen_withdrew")
    else:  # the conversation was held: the item stays as it was, billed as held
        assert item.cancelled_at is None


@pytest.mark.parametrize("state", [Status.DECIDED])
def test_once_decided_the_request_cannot_be_withdrawn(world: World, api, state) -> None:
    case = _case_at(world, state)
    with pytest.raises(DomainError) as refused:
        services.withdraw_case(actor=world.users["sagsbehandler"], case_id=case.pk, reason="x")
    assert refused.value.code == INVALID_TRANSITION
    answer = api("borger").post(f"/cases/{case.pk}/withdraw", {"reason": "Jeg fortryder."})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == INVALID_TRANSITION
    case.refresh_from_db()
    assert case.status == state
