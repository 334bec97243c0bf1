"""The conversation services called directly: the conversation held at the meeting, the file
note kept with its history, the advice written and corrected, each action one event."""

import datetime as dt

import pytest

from conftest import local
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Advice, Conversation
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db
MEETING_DAY = dt.date(2026, 12, 15)
START, END = local(MEETING_DAY, 9), local(MEETING_DAY, 9, 30)


def _sent(world):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )


def _kinds(case):
    return list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def test_holding_the_conversation_writes_it_and_one_event(world):
    case = _sent(world)
    before = _kinds(case)
    with clock.frozen(local(MEETING_DAY, 9, 31)):
        services.hold_conversation(
            actor=world.users["koordinator"], case_id=case.pk, started_at=START, ended_at=END
        )
    case.refresh_from_db()
    assert case.status == Status.HELD
    conversation = Conversation.objects.get(case=case)
    assert (conversation.started_at, conversation.ended_at) == (START, END)
    assert _kinds(case)[len(before) :] == ["conversation_held"]


def test_a_conversation_that_ends_before_it_starts_is_refused(world):
    case = _sent(world)
    with clock.frozen(local(MEETING_DAY, 9, 31)), pytest.raises(DomainError):
        services.hold_conversation(
            actor=world.users["koordinator"], case_id=case.pk, started_at=END, ended_at=START
        )
    assert not Conversation.objects.exists()


def test_a_changed_file_note_keeps_what_it_said_before(world):
    case = walk_case_to(_sent(world), Status.HELD, cast=world.cast, meeting=world.meeting)
    caseworker = world.users["sagsbehandler"]
    with clock.frozen(local(MEETING_DAY, 10)):
        services.record_file_note(actor=caseworker, case_id=case.pk, text="Første notat.")
    with clock.frozen(local(MEETING_DAY, 11)):
        services.record_file_note(actor=caseworker, case_id=case.pk, text="Rettet notat.")
    conversation = Conversation.objects.get(case=case)
    assert conversation.file_note == "Rettet notat."
    assert [h["text"] for h in conversation.file_note_history] == ["Første notat."]
    assert _kinds(case)[-2:] == ["file_note_recorded", "file_note_recorded"]
    with pytest.raises(DomainError):
        services.record_file_note(actor=caseworker, case_id=case.pk, text="   ")


def test_advice_then_a_correction_make_two_versions_with_one_event_each(world):
    case = walk_case_to(_sent(world), Status.HELD, cast=world.cast, meeting=world.meeting)
    coordinator = world.users["koordinator"]
    with clock.frozen(local(MEETING_DAY, 9, 40)):
        services.write_advice(actor=coordinator, case_id=case.pk, text="Råd.")
    case.refresh_from_db()
    assert case.status == Status.ADVISED
    with clock.frozen(local(MEETING_DAY, 10)):
        services.write_advice(
            actor=coordinator, case_id=case.pk, text="Bedre råd.", correction_reason="Stavefejl"
        )
    versions = list(Advice.objects.filter(case=case).order_by("version"))
    assert [(a.version, a.text) for a in versions] == [(1, "Råd."), (2, "Bedre råd.")]
    assert _kinds(case)[-2:] == ["advice_written", "advice_corrected"]


def test_the_caseworker_cannot_write_the_advice(world):
    case = walk_case_to(_sent(world), Status.HELD, cast=world.cast, meeting=world.meeting)
    with clock.frozen(local(MEETING_DAY, 9, 40)), pytest.raises(DomainError) as refused:
        services.write_advice(actor=world.users["sagsbehandler"], case_id=case.pk, text="Råd.")
    assert refused.value.status == 403
    assert not Advice.objects.exists()
