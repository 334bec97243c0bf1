"""A meeting that changes: its time or place changed, a case moved to another meeting, the whole
meeting cancelled (its cases back to ``ready`` or onto another meeting). Each runs in one
transaction with its consequences for the cases on it: deadlines recomputed in working days,
calendar updates under the same UID with the next SEQUENCE (or cancellations), notifications,
and a new version of the agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import (
    holds_role,
    item_is_sent,
    may_attend,
    plans_meetings_of,
)
from sundhedskoordinator.access.services import logs_refusals
from sundhedskoordinator.audit.models import EventKind
from sundhedskoordinator.audit.services import record_event
from sundhedskoordinator.cases import citizen_post, limits, workflow
from sundhedskoordinator.cases.appointments import item_invitation
from sundhedskoordinator.cases.choices import Action, Status
from sundhedskoordinator.cases.limits import check_lengths
from sundhedskoordinator.cases.models import AgendaItem, Case, Conversation
from sundhedskoordinator.cases.selectors import active_items, refresh_list_order
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.workingdays import deadline_passed, dispatch_deadline
from sundhedskoordinator.documents import letters
from sundhedskoordinator.documents.models import IssuedDocument
from sundhedskoordinator.meetings.choices import MEETING_CANCEL_CODES, CancelCode
from sundhedskoordinator.meetings.models import Meeting, MeetingChange
from sundhedskoordinator.meetings.selectors import agreement_on
from sundhedskoordinator.meetings.services import extraordinary_reason_for, meeting_fits_agreement
from sundhedskoordinator.notifications.models import NotificationKind
from sundhedskoordinator.notifications.services import notify
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.post.choices import LetterKind

from .common import (
    _active_item,
    _authorise,
    _cancel_item,
    _case_refusals_logged,
    _coordinator_if_sent,
    _finish,
    _issue_agenda,
    _lock,
)
from .scheduling import _new_item, _slot, deadline_rule

MEETING_NOT_ALLOWED = workflow.MEETING_NOT_ALLOWED


def _stamp(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _meeting_to_change(actor: User, meeting_id: int) -> Meeting:
    """The meeting, locked, if the actor is its team's secretariat and it can still change: not
    cancelled, not past, and no conversation held at it."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("team", "municipality__region")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFoundError("not_found", _("Mødet findes ikke."))
    if not plans_meetings_of(actor, meeting.municipality_id):
        raise DomainError(
            workflow.ROLE_NOT_ALLOWED,
            _("Kun teamets sekretariat kan ændre eller aflyse mødet."),
            status=403,
        )
    if meeting.cancelled_at is not None:
        raise DomainError(MEETING_NOT_ALLOWED, _("Mødet er aflyst og kan ikke ændres."))
    if meeting.date < clock.today():
        raise DomainError(
            MEETING_NOT_ALLOWED,
            _(
                "Mødet har været holdt og kan ikke ændres. Sager, hvis samtale ikke blev holdt, "
                "flyttes til et nyt møde fra sagen."
            ),
        )
    if Conversation.objects.filter(agenda_item__meeting=meeting).exists():
        raise DomainError(
            MEETING_NOT_ALLOWED,
            _(
                "Der er holdt samtaler på mødet, så det kan ikke længere flyttes eller aflyses. "
                "Flyt de sager, der mangler, hver for sig."
            ),
        )
    return meeting


def _items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's active items, locked (only the items' own rows: the dispatch is an outer
    join, which PostgreSQL does not lock)."""
    return list(
        active_items(meeting)
        .select_related("case__citizen__user", "coordinator", "attendee", "dispatch")
        .select_for_update(of=("self",))
    )


def _participants(case: Case, item: AgendaItem) -> list[Any]:
    return [*_coordinator_if_sent(case, item), item.attendee, case.citizen.user]


def _snapshot(meeting: Meeting) -> dict[str, str]:
    return {
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "location": meeting.location,
        "dispatch_deadline": meeting.dispatch_deadline.isoformat(),
    }


def _reissue_if_known(meeting: Meeting, items: list[AgendaItem], actor: User, notice: str) -> None:
    """A new agenda version when the agenda has cases or was issued before, so nobody works
    from an agenda that no longer holds."""
    if items or IssuedDocument.objects.filter(meeting=meeting).exists():
        _issue_agenda(meeting, actor, notice)


@logs_refusals("meeting", "meeting_id")
@letters.rendered_first
def change_meeting(
    *,
    actor: User,
    meeting_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    reason: str = "",
    extraordinary_reason: str = "",
) -> Meeting:
    """Change the meeting's time or place, or move it to another day, with the reason. The
    agenda moves with it (each item keeps its place relative to the start) and must fit in the
    new time. The dispatch deadline is computed again in working days from the new day; cases
    already sent stay sent, and are flagged when the new deadline lies before the day they were
    sent. Every participant gets the calendar update (same UID, next SEQUENCE) and a
    notification, and the agenda is issued again."""
    reason = reason.strip()
    check_lengths({"reason": (reason, limits.REASON), "location": (location, 200)})
    with transaction.atomic(durable=True):
        meeting = _meeting_to_change(actor, meeting_id)
        location = location.strip() or meeting.location
        if (starts_at, ends_at, location) == (meeting.starts_at, meeting.ends_at, meeting.location):
            raise DomainError(
                workflow.INVALID_INPUT,
                _("Mødet er ikke ændret: tid og sted er de samme som før."),
                fields={"starts_at": _("Skriv den nye tid eller det nye sted.")},
            )
        missing: dict[str, str] = {}
        if ends_at <= starts_at:
            missing["ends_at"] = _("Mødet skal slutte efter, det begynder.")
        if not reason:
            missing["reason"] = _("Skriv årsagen til ændringen; deltagerne får den at vide.")
        if missing:
            raise DomainError(workflow.INVALID_INPUT, " ".join(missing.values()), fields=missing)
        day = timezone.localdate(starts_at)
        # A meeting kept on its unusual day keeps its reason; moved to one, it needs its own.
        kept = meeting.extraordinary_reason if day == meeting.date else ""
        extraordinary = extraordinary_reason_for(starts_at, extraordinary_reason or kept)
        agreement = agreement_on(meeting.municipality.region_id, day)
        refusals = meeting_fits_agreement(agreement, meeting.kind, meeting.team_id is not None, day)
        if refusals:
            fields = dict(refusals)
            raise DomainError(
                MEETING_NOT_ALLOWED,
                " ".join(fields.values()),
                fields={"starts_at": " ".join(fields.values())},
            )
        items = _items(meeting)
        shift = starts_at - meeting.starts_at
        outside = [
            i.case.reference
            for i in items
            if i.starts_at + shift < starts_at or i.ends_at + shift > ends_at
        ]
        if outside:
            message = _(
                "Dagsordenens sager kan ikke være i mødets nye tid: %(cases)s. Gør mødet "
                "længere, eller flyt sagerne til et andet møde først."
            ) % {"cases": ", ".join(outside)}
            raise DomainError(MEETING_NOT_ALLOWED, message, fields={"ends_at": message})
        before = _snapshot(meeting)
        if day != meeting.date:
            meeting.dispatch_deadline = dispatch_deadline(day, agreement.dispatch_working_days)
            meeting.deadline_working_days = agreement.dispatch_working_days
        meeting.date, meeting.starts_at, meeting.ends_at = day, starts_at, ends_at
        meeting.location, meeting.extraordinary_reason = location, extraordinary
        meeting.sequence += 1
        try:
            meeting.full_clean()
        except ValidationError as exc:
            fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
            raise DomainError(
                workflow.INVALID_INPUT, _("Mødet er ikke udfyldt korrekt."), fields=fields
            ) from exc
        meeting.save()
        # Later items first when the meeting moves later (earlier first when earlier), so no two
        # items ever share a start on the way (one active item per slot).
        rule = deadline_rule(meeting, meeting.municipality.region.name)
        for item in sorted(items, key=lambda i: i.starts_at, reverse=shift > dt.timedelta()):
            item.starts_at, item.ends_at = item.starts_at + shift, item.ends_at + shift
            item.dispatch_deadline, item.deadline_rule = meeting.dispatch_deadline, rule
            if item_is_sent(item):
                sent_on = timezone.localdate(item.dispatch.sent_at)
                item.late_after_move = deadline_passed(meeting.dispatch_deadline, sent_on)
            item.sequence += 1
            item.save(
                update_fields=[
                    "starts_at",
                    "ends_at",
                    "dispatch_deadline",
                    "deadline_rule",
                    "late_after_move",
                    "sequence",
                ]
            )
            notify(
                users=_participants(item.case, item),
                kind=NotificationKind.MEETING_CHANGED,
                case=item.case,
                calendar=item_invitation(item),
            )
            citizen_post.appointment(item.case, item, LetterKind.MEETING_CHANGED, actor, reason)
            record_event(
                case=item.case,
                kind=EventKind.MEETING_CHANGED,
                actor=actor,
                role=Role.SECRETARIAT,
                from_state=item.case.status,
                to_state=item.case.status,
                data={
                    "meeting": meeting.pk,
                    "agenda_item": item.pk,
                    "starts_at": item.starts_at.isoformat(),
                    "late_after_move": item.late_after_move,
                },
            )
        # The items' dispatch deadlines moved with the meeting: so does the lists' order.
        refresh_list_order(Case.objects.filter(pk__in=[item.case_id for item in items]))
        MeetingChange.objects.create(
            meeting=meeting,
            kind=MeetingChange.Kind.CHANGED,
            at=clock.now(),
            by=actor,
            before=before,
            after=_snapshot(meeting),
            reason=reason,
        )
        _reissue_if_known(
            meeting,
            items,
            actor,
            _("Mødet er ændret (før: %(before)s, %(place)s). Årsag: %(reason)s")
            % {
                "before": _stamp(dt.datetime.fromisoformat(before["starts_at"])),
                "place": before["location"],
                "reason": reason,
            },
        )
        return meeting


def _move_item(
    case: Case,
    item: AgendaItem,
    target: Meeting,
    actor: User,
    *,
    starts_at: dt.datetime | None = None,
    late_reason: str = "",
    reason: str = "",
) -> AgendaItem:
    """Move the case's agenda item to ``target`` (the ``move`` action): the old item is
    cancelled as moved (never billed), the new one takes the first free slot (or
    ``starts_at``) with the same participants, and a package already sent must be sent again,
    since it named the old meeting."""
    transition, role = _authorise(case, Action.MOVE, actor)
    agreement = agreement_on(case.municipality.region_id, target.date)
    starts_at, ends_at, overlapping = _slot(target, agreement, starts_at)
    workflow.run_guards(
        transition,
        case,
        {
            "today": clock.today(),
            "meeting": target,
            "current_meeting_id": item.meeting_id,
            "meeting_kinds": agreement.meeting_kinds,
            "right_groups": agreement.right_groups,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "overlapping": overlapping,
            "late_reason": late_reason,
            "meeting_day": target.date,
            # The participants go along, if they still may (a coordinator may have left).
            "coordinator_ok": holds_role(
                item.coordinator, Role.COORDINATOR, region_id=case.municipality.region_id
            ),
            "attendee_ok": may_attend(item.attendee, case),
        },
    )
    assert starts_at is not None  # noqa: S101 - the guards refused a missing slot
    was_sent = item_is_sent(item)
    participants = _participants(case, item)
    _cancel_item(item, CancelCode.MEETING_MOVED, reason)
    notify(
        users=participants,
        kind=NotificationKind.CANCELLED,
        case=case,
        calendar=item_invitation(item),
    )
    new = _new_item(
        case,
        target,
        agreement,
        starts_at=starts_at,
        late_reason=late_reason,
        coordinator=item.coordinator,
        attendee=item.attendee,
        companion_name=item.companion_name,
        companion_relation=item.companion_relation,
    )
    # The coordinator hears of the new time with the package, when it is sent again.
    notify(
        users=[new.attendee, case.citizen.user],
        kind=NotificationKind.SCHEDULED,
        case=case,
        calendar=item_invitation(new),
    )
    # One letter tells the citizen the new time (the old one's calendar entry is cancelled).
    citizen_post.appointment(case, new, LetterKind.MEETING_CHANGED, actor, reason)
    _finish(
        case,
        transition,
        actor,
        role,
        data={
            "from_meeting": item.meeting_id,
            "meeting": target.pk,
            "agenda_item": new.pk,
            "was_sent": was_sent,
            "scheduled_late": new.scheduled_late,
        },
    )
    return new


def _target_meeting(meeting_id: int, municipality_id: int) -> Meeting:
    target = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("team")
        .filter(pk=meeting_id, municipality_id=municipality_id)
        .first()
    )
    if target is None:
        raise NotFoundError(
            "not_found", _("Mødet findes ikke."), fields={"meeting": _("Mødet findes ikke.")}
        )
    return target


@_case_refusals_logged
@letters.rendered_first
def move_case(
    *,
    actor: User,
    case_id: int,
    meeting_id: int,
    starts_at: dt.datetime | None = None,
    late_reason: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case on an agenda, sent or not, to another meeting of its municipality's team:
    when its meeting moved or passed without the conversation. The participants stay; a
    package already sent is sent again for the new meeting."""
    check_lengths({"late_reason": (late_reason, limits.REASON), "reason": (reason, limits.REASON)})
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        _authorise(case, Action.MOVE, actor)
        item = _active_item(case)
        target = _target_meeting(meeting_id, case.municipality_id)
        _move_item(
            case, item, target, actor, starts_at=starts_at, late_reason=late_reason, reason=reason
        )
        return case


@logs_refusals("meeting", "meeting_id")
@letters.rendered_first
def cancel_meeting(
    *,
    actor: User,
    meeting_id: int,
    reason_code: str,
    reason: str = "",
    move_to_id: int | None = None,
    late_reason: str = "",
) -> Meeting:
    """Cancel the meeting with a reason code (the coordinator is ill, the meeting moved, other
    with its reason). Each case on it goes back to ``ready`` with that reason (its participants
    get the calendar cancellation), or onto ``move_to_id``, another meeting of the team, in its
    first free slot. All or nothing: a case that cannot be moved refuses the whole
    cancellation, naming the case. The agenda is issued again, marked cancelled."""
    reason = reason.strip()
    check_lengths({"reason": (reason, limits.REASON), "late_reason": (late_reason, limits.REASON)})
    if reason_code not in MEETING_CANCEL_CODES:
        message = _("Vælg en af de faste årsager til at aflyse mødet.")
        raise DomainError(workflow.INVALID_INPUT, message, fields={"reason_code": message})
    if reason_code == CancelCode.OTHER and not reason:
        message = _("Skriv årsagen til aflysningen, når den ikke er en af de faste.")
        raise DomainError(workflow.INVALID_INPUT, message, fields={"reason": message})
    with transaction.atomic(durable=True):
        meeting = _meeting_to_change(actor, meeting_id)
        target = (
            _target_meeting(move_to_id, meeting.municipality_id) if move_to_id is not None else None
        )
        items = _items(meeting)
        # A meeting cancelled for "other" reasons was not cancelled by its citizens: their items
        # say so, and are never billed.
        item_code = CancelCode.MEETING_CANCELLED if reason_code == CancelCode.OTHER else reason_code
        for item in items:
            case = _lock(item.case_id, None, None)  # the meeting's cases: the system moves them
            try:
                if target is not None:
                    _move_item(case, item, target, actor, late_reason=late_reason, reason=reason)
                else:
                    _release(case, item, actor, item_code, reason)
            except DomainError as error:
                raise DomainError(
                    error.code,
                    f"{case.reference}: {error.message}",
                    # A late target asks for the reason at its field; anything else at the
                    # choice of meeting.
                    fields={
                        "late_reason"
                        if error.code == workflow.DEADLINE_PASSED
                        else "move_to": f"{case.reference}: {error.message}"
                    }
                    if target is not None
                    else error.fields,
                    status=error.status,
                ) from error
        meeting.cancelled_at, meeting.cancel_code = clock.now(), reason_code
        meeting.cancel_reason = reason
        meeting.sequence += 1
        meeting.save(update_fields=["cancelled_at", "cancel_code", "cancel_reason", "sequence"])
        MeetingChange.objects.create(
            meeting=meeting,
            kind=MeetingChange.Kind.CANCELLED,
            at=clock.now(),
            by=actor,
            before=_snapshot(meeting),
            after={"code": reason_code, "move_to": target.pk if target else None},
            reason=reason,
        )
        notice = _("Mødet er aflyst: %(code)s.") % {"code": CancelCode(reason_code).label}
        if target is not None:
            notice += " " + _("Sagerne er flyttet til mødet %(day)s.") % {
                "day": _stamp(target.starts_at)
            }
        _reissue_if_known(meeting, items, actor, notice)
        return meeting


def _release(case: Case, item: AgendaItem, actor: User, code: str, reason: str) -> None:
    """A case on a cancelled meeting goes back to ``ready``: taken off the agenda if it was not
    sent, its conversation cancelled if it was (the table's ``unschedule`` and ``cancel``)."""
    action = Action.UNSCHEDULE if case.status == Status.SCHEDULED else Action.CANCEL
    transition, role = _authorise(case, action, actor)
    workflow.run_guards(transition, case, {"reason_code": code, "reason": reason})
    participants = _participants(case, item)
    _cancel_item(item, code, reason)
    notify(
        users=participants,
        kind=NotificationKind.CANCELLED,
        case=case,
        calendar=item_invitation(item),
    )
    citizen_post.appointment(case, item, LetterKind.CANCELLED, actor, CancelCode(code).label)
    _finish(
        case,
        transition,
        actor,
        role,
        data={"agenda_item": item.pk, "code": code, "meeting_cancelled": item.meeting_id},
    )


@logs_refusals("meeting", "meeting_id")
@letters.rendered_first
def reorder_item(*, actor: User, meeting_id: int, item_id: int, direction: int) -> Meeting:
    """Swap an agenda item with its neighbour before (``direction`` -1) or after (+1): the
    earlier one's start goes to the other, each keeps its length, and the pair still lies where
    the two lay. Both get a calendar update (next SEQUENCE) and their participants are told; an
    agenda already issued is issued again."""
    with transaction.atomic(durable=True):
        meeting = _meeting_to_change(actor, meeting_id)
        items = _items(meeting)
        index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
        if index is None:
            raise NotFoundError("not_found", _("Punktet findes ikke på dagsordenen."))
        neighbour = index + (1 if direction > 0 else -1)
        if not 0 <= neighbour < len(items):
            raise DomainError(
                workflow.INVALID_INPUT,
                _("Punktet står allerede først.")
                if direction < 0
                else _("Punktet står allerede sidst."),
            )
        first, second = sorted((items[index], items[neighbour]), key=lambda i: i.starts_at)
        first_length = first.ends_at - first.starts_at
        second_length = second.ends_at - second.starts_at
        start, end = first.starts_at, second.ends_at
        # Out of the way first (just after the last item), so that no two items share a start on
        # the way.
        parked = max(item.ends_at for item in items) + dt.timedelta(minutes=1) - first.starts_at
        first.starts_at, first.ends_at = first.starts_at + parked, first.ends_at + parked
        first.save(update_fields=["starts_at", "ends_at"])
        second.starts_at, second.ends_at = start, start + second_length
        first.starts_at, first.ends_at = end - first_length, end
        for item in (second, first):
            item.sequence += 1
            item.save(update_fields=["starts_at", "ends_at", "sequence"])
            notify(
                users=_participants(item.case, item),
                kind=NotificationKind.MEETING_CHANGED,
                case=item.case,
                calendar=item_invitation(item),
            )
            citizen_post.appointment(item.case, item, LetterKind.MEETING_CHANGED, actor)
            record_event(
                case=item.case,
                kind=EventKind.AGENDA_REORDERED,
                actor=actor,
                role=Role.SECRETARIAT,
                from_state=item.case.status,
                to_state=item.case.status,
                data={
                    "meeting": meeting.pk,
                    "agenda_item": item.pk,
                    "starts_at": item.starts_at.isoformat(),
                },
            )
        _reissue_if_known(meeting, [], actor, _("Rækkefølgen på dagsordenen er ændret."))
        return meeting
