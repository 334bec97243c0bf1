"""A meeting that changes (issue 16, points 1, 3 and 5): its time or place changed, moved to
another day, cancelled with its cases back to ready or onto another meeting, and one case moved.

Dates counted by hand. The world's meeting is Tuesday 15 December 2026 09:00-12:00 Copenhagen
time; the clock stands at Monday 23 November 2026 10:00, the day the packages here are sent.
Ten working days back (no holidays in these weeks):
- from Thursday 17 December: 16, 15, 14, 11, 10, 9, 8, 7, 4, 3 -> Thursday 3 December;
- from Monday 7 December: 4, 3, 2, 1, 30/11, 27, 26, 25, 24, 23 -> Monday 23 November, the very
  day of sending, so a package sent today is on time;
- from Friday 4 December: 3, 2, 1, 30/11, 27, 26, 25, 24, 23, 20 -> Friday 20 November, before
  the day of sending, so the package is now late for the meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import World, local
from sundhedskoordinator.audit.models import CaseEvent, EventKind
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem, Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents.models import IssuedDocument
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting, MeetingChange
from sundhedskoordinator.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

DEC_15, DEC_17 = dt.date(2026, 12, 15), dt.date(2026, 12, 17)
DEC_4, DEC_7 = dt.date(2026, 12, 4), dt.date(2026, 12, 7)


def _case(world: World, state: Status, meeting: Meeting | None = None) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, state, cast=world.cast, meeting=meeting or world.meeting)


def _change(world: World, day: dt.date, start: int, end: int, **extra: Any) -> Meeting:
    return services.change_meeting(
        actor=world.users["sekretariat"],
        meeting_id=world.meeting.pk,
        starts_at=local(day, start),
        ends_at=local(day, end),
        reason=extra.pop("reason", "Teamets leder er på kursus."),
        **extra,
    )


def _calendar_of(mailoutbox: list[Any], user: Any) -> str:
    [message] = [m for m in mailoutbox if m.to == [user.email]]
    [(name, content, mimetype)] = message.attachments
    return content.decode() if isinstance(content, bytes) else content


# --- Change and move ---------------------------------------------------------------------------
def test_moving_the_meeting_moves_its_agenda_recomputes_deadlines_and_updates_calendars(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    sent = _case(world, Status.SENT)
    first, second = (AgendaItem.objects.get(case=c) for c in (scheduled, sent))
    assert (first.starts_at, second.starts_at) == (local(DEC_15, 9), local(DEC_15, 9, 45))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting = _change(world, DEC_17, 10, 13, location="Mødelokale 2")

    assert (meeting.date, meeting.location, meeting.sequence) == (DEC_17, "Mødelokale 2", 1)
    assert meeting.dispatch_deadline == dt.date(2026, 12, 3)
    first.refresh_from_db()
    second.refresh_from_db()
    # Each item keeps its place after the start: 0 and 45 minutes in.
    assert (first.starts_at, first.ends_at) == (local(DEC_17, 10), local(DEC_17, 10, 45))
    assert (second.starts_at, second.ends_at) == (local(DEC_17, 10, 45), local(DEC_17, 11, 30))
    assert first.dispatch_deadline == second.dispatch_deadline == dt.date(2026, 12, 3)
    assert (first.sequence, second.sequence) == (1, 1)
    # The case sent on 23 November is still sent and on time for the later meeting.
    assert Case.objects.get(pk=sent.pk).status == Status.SENT
    assert second.late_after_move is False
    assert Case.objects.get(pk=scheduled.pk).status == Status.SCHEDULED

    # Calendar updates: the same UID, SEQUENCE 1, the new time and place, a REQUEST.
    ics = _calendar_of(mailoutbox, world.users["koordinator"])  # only the sent case is theirs
    assert f"UID:agenda-item-{second.pk}@sundhedskoordinator" in ics
    assert "SEQUENCE:1" in ics and "METHOD:REQUEST" in ics
    assert "DTSTART;TZID=Europe/Copenhagen:20261217T104500" in ics
    assert "Mødelokale 2" in ics
    # The caseworker attends both cases: two updates; the coordinator only the sent one.
    kinds = Notification.objects.filter(kind=NotificationKind.MEETING_CHANGED)
    assert sorted(kinds.values_list("user__username", "case_id")) == sorted(
        [
            ("borger", scheduled.pk),
            ("borger", sent.pk),
            ("koordinator", sent.pk),
            ("sagsbehandler", scheduled.pk),
            ("sagsbehandler", sent.pk),
        ]
    )
    # A new agenda version, the change kept with its reason, one event per case.
    [agenda] = IssuedDocument.objects.filter(meeting=meeting)
    assert agenda.version == 1
    [change] = MeetingChange.objects.filter(meeting=meeting)
    assert change.before["location"] != "Mødelokale 2"
    assert change.reason == "Teamets leder er på kursus."
    for case in (scheduled, sent):
        assert CaseEvent.objects.filter(case=case, kind=EventKind.MEETING_CHANGED).count() == 1


@pytest.mark.parametrize(
    ("day", "late"),
    [
        (DEC_7, False),  # the new deadline is 23 November, the day it was sent: on time
        (DEC_4, True),  # the new deadline is 20 November, before it was sent: late
    ],
)
def test_moving_the_meeting_earlier_flags_a_dispatch_that_is_now_late(
    world: World, day: dt.date, late: bool
) -> None:
    sent = _case(world, Status.SENT)
    _change(world, day, 9, 12)
    item = AgendaItem.objects.get(case=sent)
    assert item.late_after_move is late
    assert Case.objects.get(pk=sent.pk).status == Status.SENT


def test_the_agenda_must_fit_in_the_new_time(world: World) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    _case(world, Status.SCHEDULED)  # 09:45-10:30
    with pytest.raises(DomainError) as refused:
        _change(world, DEC_15, 9, 10)  # an hour: the second item does not fit
    assert "RSK-" in refused.value.message
    world.meeting.refresh_from_db()
    assert (world.meeting.sequence, world.meeting.ends_at) == (0, local(DEC_15, 12))
    assert AgendaItem.objects.get(case=scheduled).starts_at == local(DEC_15, 9)


@pytest.mark.parametrize(
    ("day", "extraordinary", "allowed"),
    [
        (dt.date(2026, 12, 19), "", False),  # a Saturday
        (dt.date(2026, 12, 19), "Ekstraordinært møde før jul.", True),
        (dt.date(2026, 11, 20), "", False),  # in the past
        (dt.date(2026, 12, 18), "", True),  # the Friday: a working day
    ],
)
def test_a_meeting_is_moved_to_a_working_day_unless_extraordinary(
    world: World, day: dt.date, extraordinary: str, allowed: bool
) -> None:
    if allowed:
        meeting = _change(world, day, 9, 12, extraordinary_reason=extraordinary)
        assert meeting.date == day and meeting.extraordinary_reason == extraordinary
        return
    with pytest.raises(DomainError) as refused:
        _change(world, day, 9, 12)
    assert refused.value.code == "meeting_not_allowed"
    world.meeting.refresh_from_db()
    assert world.meeting.date == DEC_15


def test_a_change_needs_a_reason_and_a_change(world: World) -> None:
    with pytest.raises(DomainError) as no_reason:
        _change(world, DEC_17, 9, 12, reason="  ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(DomainError) as same:
        _change(world, DEC_15, 9, 12)
    assert same.value.code == "invalid_input"
    assert MeetingChange.objects.count() == 0


@pytest.mark.parametrize("username", ["koordinator", "sagsbehandler", "sekretariat2"])
def test_only_the_teams_secretariat_changes_or_cancels_a_meeting(
    world: World, username: str
) -> None:
    actor = world.users[username]
    with pytest.raises(DomainError) as refused:
        services.change_meeting(
            actor=actor,
            meeting_id=world.meeting.pk,
            starts_at=local(DEC_17, 9),
            ends_at=local(DEC_17, 12),
            reason="x",
        )
    assert refused.value.status == 403
    with pytest.raises(DomainError) as cancel_refused:
        services.cancel_meeting(
            actor=actor, meeting_id=world.meeting.pk, reason_code="coordinator_ill"
        )
    assert cancel_refused.value.status == 403
    world.meeting.refresh_from_db()
    assert (world.meeting.date, world.meeting.cancelled_at) == (DEC_15, None)


def test_a_meeting_with_a_held_conversation_is_not_moved_or_cancelled(world: World) -> None:
    _case(world, Status.HELD)
    with clock.frozen(local(DEC_15, 13)), pytest.raises(DomainError) as refused:
        services.cancel_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            reason_code="other",
            reason="x",
        )
    assert refused.value.code == "meeting_not_allowed"


# --- Cancel ---------------------------------------------------------------------------------
def test_cancelling_returns_each_case_to_ready_with_the_reason_and_cancels_the_calendars(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    sent = _case(world, Status.SENT)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.cancel_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            reason_code="coordinator_ill",
        )
    assert meeting.cancelled_at is not None and meeting.cancel_code == "coordinator_ill"
    assert meeting.sequence == 1
    for case, event in ((scheduled, "case_unscheduled"), (sent, "conversation_cancelled")):
        case.refresh_from_db()
        assert case.status == Status.READY
        item = AgendaItem.objects.get(case=case)
        assert (item.cancel_code, item.sequence) == ("coordinator_ill", 1)
        assert CaseEvent.objects.filter(case=case).last().kind == event
    ics = _calendar_of(mailoutbox, world.users["koordinator"])
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics
    [agenda] = IssuedDocument.objects.filter(meeting=meeting)
    assert agenda.version == 1
    # The cancelled meeting takes no new case.
    ready = _case(world, Status.READY)
    with pytest.raises(DomainError) as refused:
        services.schedule_case(
            actor=world.users["sekretariat"],
            case_id=ready.pk,
            meeting_id=meeting.pk,
            coordinator_id=world.users["koordinator"].pk,
        )
    assert "aflyst" in refused.value.message


@pytest.mark.parametrize(
    ("code", "reason", "refused_field"),
    [
        ("citizen_absent", "", "reason_code"),  # not a reason to cancel a whole meeting
        ("other", "  ", "reason"),  # "other" is written out
        ("holiday", "x", "reason_code"),
    ],
)
def test_a_meeting_is_cancelled_only_with_a_fixed_reason(
    world: World, code: str, reason: str, refused_field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        services.cancel_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            reason_code=code,
            reason=reason,
        )
    assert refused_field in refused.value.fields
    world.meeting.refresh_from_db()
    assert world.meeting.cancelled_at is None


def _other_meeting(world: World, day: dt.date = DEC_17, end: int = 12) -> Meeting:
    return meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(day, 9),
        ends_at=local(day, end),
    )


def test_cancelling_onto_another_meeting_moves_every_case_there(world: World) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    sent = _case(world, Status.SENT)
    other = _other_meeting(world)
    services.cancel_meeting(
        actor=world.users["sekretariat"],
        meeting_id=world.meeting.pk,
        reason_code="meeting_moved",
        move_to_id=other.pk,
    )
    for case, start in ((scheduled, local(DEC_17, 9)), (sent, local(DEC_17, 9, 45))):
        case.refresh_from_db()
        # A sent package named the old meeting: the case waits to be sent again.
        assert case.status == Status.SCHEDULED
        old, new = AgendaItem.objects.filter(case=case).order_by("pk")
        assert old.cancel_code == "meeting_moved" and old.meeting_id == world.meeting.pk
        assert (new.meeting_id, new.starts_at, new.cancelled_at) == (other.pk, start, None)
        assert new.coordinator == old.coordinator and new.attendee == old.attendee
        assert new.dispatch_deadline == dt.date(2026, 12, 3)


def test_a_case_that_does_not_fit_on_the_other_meeting_refuses_the_whole_cancellation(
    world: World,
) -> None:
    first = _case(world, Status.SCHEDULED)
    second = _case(world, Status.SCHEDULED)
    small = _other_meeting(world, end=10)  # room for one 45-minute item only
    with pytest.raises(DomainError) as refused:
        services.cancel_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            reason_code="meeting_moved",
            move_to_id=small.pk,
        )
    assert refused.value.message.startswith(Case.objects.get(pk=second.pk).reference)
    world.meeting.refresh_from_db()
    assert world.meeting.cancelled_at is None
    assert not AgendaItem.objects.filter(meeting=small).exists()
    assert AgendaItem.objects.get(case=first).cancelled_at is None


# --- One case moved, and the citizen's withdrawal after dispatch ------------------------------
def test_a_sent_case_moved_to_another_meeting_is_sent_again_there(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    sent = _case(world, Status.SENT)
    other = _other_meeting(world)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_case(
            actor=world.users["sekretariat"], case_id=sent.pk, meeting_id=other.pk
        )
    assert moved.status == Status.SCHEDULED
    old, new = AgendaItem.objects.filter(case=sent).order_by("pk")
    assert (old.cancel_code, old.sequence) == ("meeting_moved", 1)
    assert (new.meeting_id, new.sequence) == (other.pk, 0)
    # The coordinator's entry of the old time is cancelled; the new one comes with the package.
    ics = _calendar_of(mailoutbox, world.users["koordinator"])
    assert "METHOD:CANCEL" in ics and f"agenda-item-{old.pk}@" in ics
    assert CaseEvent.objects.filter(case=sent).last().kind == EventKind.CASE_MOVED
    again = services.dispatch_package(actor=world.users["sekretariat"], case_id=sent.pk)
    assert again.status == Status.SENT


def test_a_case_is_not_moved_to_its_own_meeting(world: World) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    with pytest.raises(DomainError) as refused:
        services.move_case(
            actor=world.users["sekretariat"], case_id=scheduled.pk, meeting_id=world.meeting.pk
        )
    assert refused.value.code == "meeting_not_allowed"


def test_a_case_whose_meeting_passed_without_a_conversation_is_moved(world: World) -> None:
    """Issue 16, point 5: the meeting passed, nobody recorded the conversation; the case is not
    stuck."""
    sent = _case(world, Status.SENT)
    later = _other_meeting(world, dt.date(2027, 1, 12))
    with clock.frozen(local(dt.date(2026, 12, 16), 10)):
        moved = services.move_case(
            actor=world.users["sekretariat"],
            case_id=sent.pk,
            meeting_id=later.pk,
        )
    assert moved.status == Status.SCHEDULED


def test_a_withdrawal_after_dispatch_cancels_the_conversation_as_the_citizens(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    sent = _case(world, Status.SENT)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.withdraw_case(
            actor=world.users["borger"], case_id=sent.pk, reason="Jeg er startet i job."
        )
    assert withdrawn.status == Status.WITHDRAWN
    item = AgendaItem.objects.get(case=sent)
    assert (item.cancel_code, item.cancel_reason) == ("citizen_withdrew", "Jeg er startet i job.")
    assert "METHOD:CANCEL" in _calendar_of(mailoutbox, world.users["koordinator"])


def test_a_meeting_cancelled_for_another_reason_is_not_the_citizens_cancellation(
    world: World,
) -> None:
    sent = _case(world, Status.SENT)
    services.cancel_meeting(
        actor=world.users["sekretariat"],
        meeting_id=world.meeting.pk,
        reason_code="other",
        reason="Lokalet er oversvømmet.",
    )
    item = AgendaItem.objects.get(case=sent)
    assert (item.cancel_code, item.cancel_reason) == (
        "meeting_cancelled",
        "Lokalet er oversvømmet.",
    )


def test_reordering_swaps_two_items_and_updates_both_calendars(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    first = _case(world, Status.SCHEDULED)  # 09:00-09:45
    second = _case(world, Status.SENT)  # 09:45-10:30
    a, b = (AgendaItem.objects.get(case=c) for c in (first, second))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reorder_item(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            item_id=b.pk,
            direction=-1,
        )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.starts_at, b.ends_at) == (local(DEC_15, 9), local(DEC_15, 9, 45))
    assert (a.starts_at, a.ends_at) == (local(DEC_15, 9, 45), local(DEC_15, 10, 30))
    assert (a.sequence, b.sequence) == (1, 1)
    ics = _calendar_of(mailoutbox, world.users["koordinator"])  # the sent item's coordinator
    assert "SEQUENCE:1" in ics and "DTSTART;TZID=Europe/Copenhagen:20261215T090000" in ics
    with pytest.raises(DomainError) as refused:
        services.reorder_item(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            item_id=b.pk,
            direction=-1,
        )
    assert "først" in refused.value.message
