"""The case event log on its own: what ``record_event`` writes, and that a written event can
neither be changed nor removed."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from sundhedskoordinator.audit.models import CaseEvent, EventKind
from sundhedskoordinator.audit.services import record_event
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 11, 24, 13, 5, tzinfo=dt.UTC)


def _case(world):
    return new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])


def test_an_event_holds_who_did_what_when_and_the_states(world):
    case = _case(world)
    with clock.frozen(MOMENT):
        event = record_event(
            case=case,
            kind=EventKind.CASE_SUBMITTED,
            actor=world.users["sagsbehandler"],
            role="caseworker",
            from_state="draft",
            to_state="requested",
            data={"channel": "meeting"},
        )
    stored = CaseEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.role, stored.at) == ("case_submitted", "caseworker", MOMENT)
    assert (stored.from_state, stored.to_state) == ("draft", "requested")
    assert stored.actor == world.users["sagsbehandler"] and stored.case == case
    assert stored.data == {"channel": "meeting"}


def test_an_event_without_data_stores_an_empty_object(world):
    case = _case(world)
    event = record_event(
        case=case, kind=EventKind.CASE_CLOSED, actor=world.users["sagsbehandler"], role="x"
    )
    assert CaseEvent.objects.get(pk=event.pk).data == {}


def test_the_history_reads_in_time_order(world):
    case = _case(world)
    for minute, kind in ((30, EventKind.CASE_CLOSED), (10, EventKind.CASE_DECIDED)):
        with clock.frozen(MOMENT + dt.timedelta(minutes=minute)):
            record_event(case=case, kind=kind, actor=None, role="")
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-2:] == ["case_decided", "case_closed"]


@pytest.mark.parametrize("change", ["update", "delete"])
def test_a_written_event_cannot_be_changed_or_removed(world, change):
    case = _case(world)
    event = CaseEvent.objects.filter(case=case).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        if change == "update":
            CaseEvent.objects.filter(pk=event.pk).update(kind=EventKind.CASE_CLOSED)
        else:
            CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).kind == "case_created"
