"""The case lists' default order is kept with each case (``Case.list_closed``, ``list_deadline``),
so that a municipality's list is read in the order of an index however many cases it holds. Every
step that changes a case's state or its agenda keeps it true; here each step is followed by the
order worked out by hand from what the step did."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import World
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import list_cases
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.choices import CancelCode

pytestmark = pytest.mark.django_db

#: The world's meeting is on Tuesday 15 December 2026; its package deadline is 10 working days
#: before: Tuesday 1 December (conftest).
DEADLINE_OF_DEC_15 = dt.date(2026, 12, 1)
NONE = dt.date(9999, 12, 31)


def local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def stored(case: Case) -> tuple[bool, dt.date]:
    return tuple(Case.objects.filter(pk=case.pk).values_list("list_closed", "list_deadline")[0])  # type: ignore[return-value]


def test_each_step_keeps_the_stored_order_as_worked_out_by_hand(world: World) -> None:
    caseworker, secretariat = world.users["sagsbehandler"], world.users["sekretariat"]
    case = new_case(citizen=world.citizen, caseworker=caseworker)
    assert stored(case) == (False, NONE)
    case = walk_case_to(case, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    assert stored(case) == (False, DEADLINE_OF_DEC_15)
    # The meeting moves to Thursday 17 December: 10 working days before is Thursday 3 December.
    services.change_meeting(
        actor=secretariat,
        meeting_id=world.meeting.pk,
        starts_at=local(dt.date(2026, 12, 17), 9),
        ends_at=local(dt.date(2026, 12, 17), 12),
        reason="Teamets leder er på kursus.",
    )
    assert stored(case) == (False, dt.date(2026, 12, 3))
    # Moved to a meeting on Tuesday 22 December: its deadline is Tuesday 8 December.
    other = meeting_services.create_meeting(
        actor=secretariat,
        team=world.team,
        starts_at=local(dt.date(2026, 12, 22), 9),
        ends_at=local(dt.date(2026, 12, 22), 12),
    )
    services.move_case(actor=secretariat, case_id=case.pk, meeting_id=other.pk, reason="Syg.")
    assert stored(case) == (False, dt.date(2026, 12, 8))
    # Sent: no package left to send.
    services.dispatch_package(actor=secretariat, case_id=case.pk)
    assert stored(case) == (False, NONE)
    # The conversation cancelled: back to ready, with no agenda item.
    services.cancel_conversation(
        actor=secretariat, case_id=case.pk, reason_code=CancelCode.OTHER, reason="Syg."
    )
    assert stored(case) == (False, NONE)
    services.schedule_case(
        actor=secretariat,
        case_id=case.pk,
        meeting_id=other.pk,
        coordinator_id=world.cast.coordinator.pk,
        attendee_id=caseworker.pk,
    )
    assert stored(case) == (False, dt.date(2026, 12, 8))
    services.unschedule_case(
        actor=secretariat, case_id=case.pk, reason_code=CancelCode.OTHER, reason="Fejl."
    )
    assert stored(case) == (False, NONE)
    services.withdraw_case(actor=caseworker, case_id=case.pk, reason="Borgeren ønsker det ikke.")
    assert stored(case) == (True, NONE)


def test_a_case_saved_from_an_old_read_keeps_the_order_its_step_wrote(world: World) -> None:
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    read_before = Case.objects.get(pk=case.pk)
    walk_case_to(case, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    read_before.no_health_information_note = "Ingen relevante oplysninger."
    read_before.save()
    assert stored(case) == (False, DEADLINE_OF_DEC_15)


def test_the_list_reads_open_cases_by_deadline_then_newest_then_closed(world: World) -> None:
    caseworker, secretariat = world.users["sagsbehandler"], world.users["sekretariat"]
    later = meeting_services.create_meeting(
        actor=secretariat,
        team=world.team,
        starts_at=local(dt.date(2026, 12, 22), 9),
        ends_at=local(dt.date(2026, 12, 22), 12),
    )

    def made(minutes: int, target: Status, meeting: object = None) -> Case:
        with clock.frozen(clock.now() + dt.timedelta(minutes=minutes)):
            case = new_case(citizen=world.citizen, caseworker=caseworker)
        return walk_case_to(case, target, cast=world.cast, meeting=meeting)  # type: ignore[arg-type]

    old_closed = made(1, Status.WITHDRAWN)
    due_later = made(2, Status.SCHEDULED, later)
    draft = made(3, Status.DRAFT)
    due_first = made(4, Status.SCHEDULED, world.meeting)
    new_closed = made(5, Status.REJECTED)
    requested = made(6, Status.REQUESTED)
    listed = list(list_cases(user=caseworker, table=True).values_list("pk", flat=True))
    assert listed == [
        due_first.pk,  # deadline 1 December
        due_later.pk,  # deadline 8 December
        requested.pk,  # open, no package to send: the newest first
        draft.pk,
        new_closed.pk,  # closed: the newest first
        old_closed.pk,
    ]
