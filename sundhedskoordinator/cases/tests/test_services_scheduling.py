"""The scheduling services called directly: a slot on the agenda with its stored deadline, the
slot freed again, the package sent, each with one event. Times counted by hand from the seed
procedure (a 30-minute case slot and a 15-minute advice block) and the world's meeting, Tuesday
15 December 2026 09:00-12:00 Copenhagen time; ten working days before it is Tuesday 1 December
(14, 11, 10, 9, 8, 7, 4, 3, 2, 1 December)."""

import datetime as dt

import pytest

from conftest import local
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem, Dispatch
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db
MEETING_DAY = dt.date(2026, 12, 15)


def _ready(world):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )


def _schedule(world, case, **extra):
    return services.schedule_case(
        actor=world.users["sekretariat"],
        case_id=case.pk,
        meeting_id=world.meeting.pk,
        coordinator_id=world.users["koordinator"].pk,
        **extra,
    )


def _kinds_after(case, pk):
    return list(CaseEvent.objects.filter(case=case, pk__gt=pk).values_list("kind", flat=True))


def _last_event_pk():
    last = CaseEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_scheduling_takes_the_first_free_slot_and_stores_the_deadline(world):
    first, second = _ready(world), _ready(world)
    mark = _last_event_pk()
    _schedule(world, first)
    _schedule(world, second)
    a, b = (AgendaItem.objects.get(case=c) for c in (first, second))
    assert (a.starts_at, a.ends_at) == (local(MEETING_DAY, 9), local(MEETING_DAY, 9, 45))
    assert (b.starts_at, b.ends_at) == (local(MEETING_DAY, 9, 45), local(MEETING_DAY, 10, 30))
    assert (a.slot_minutes, a.advice_minutes) == (30, 15)
    assert a.dispatch_deadline == dt.date(2026, 12, 1) and not a.scheduled_late
    assert a.attendee == world.users["sagsbehandler"]  # the responsible caseworker by default
    assert _kinds_after(first, mark) == ["case_scheduled"]
    assert _kinds_after(second, mark) == ["case_scheduled"]


def test_a_taken_slot_is_refused_and_nothing_is_written(world):
    first, second = _ready(world), _ready(world)
    _schedule(world, first)
    mark = _last_event_pk()
    with pytest.raises(DomainError):
        _schedule(world, second, starts_at=local(MEETING_DAY, 9, 30))
    second.refresh_from_db()
    assert second.status == Status.READY and not AgendaItem.objects.filter(case=second).exists()
    assert _last_event_pk() == mark


def test_unscheduling_frees_the_slot_with_one_event(world):
    case = _ready(world)
    _schedule(world, case)
    mark = _last_event_pk()
    services.unschedule_case(actor=world.users["sekretariat"], case_id=case.pk, reason="Flyttes")
    case.refresh_from_db()
    assert case.status == Status.READY
    item = AgendaItem.objects.get(case=case)
    assert item.cancelled_at is not None and item.cancel_reason == "Flyttes"
    assert _kinds_after(case, mark) == ["case_unscheduled"]
    again = _ready(world)
    _schedule(world, again)
    assert AgendaItem.objects.get(case=again).starts_at == local(MEETING_DAY, 9)


def test_dispatch_freezes_the_package_on_time_with_one_event(world):
    case = _ready(world)
    _schedule(world, case)
    mark = _last_event_pk()
    services.dispatch_package(actor=world.users["sekretariat"], case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Status.SENT
    dispatch = Dispatch.objects.get(case=case)
    # Sent on Monday 23 November, before the deadline of Tuesday 1 December.
    assert dispatch.deadline == dt.date(2026, 12, 1)
    assert (dispatch.is_late, dispatch.working_days_late) == (False, 0)
    assert dispatch.snapshot["reference"] == case.reference
    assert _kinds_after(case, mark) == ["package_dispatched"]


def test_the_caseworker_cannot_dispatch(world):
    case = _ready(world)
    _schedule(world, case)
    with pytest.raises(DomainError) as refused:
        services.dispatch_package(actor=world.users["sagsbehandler"], case_id=case.pk)
    assert refused.value.status == 403
    assert not Dispatch.objects.exists()
