"""The conversation with citizen and caseworker, its cancellation, the caseworker's file note
and the coordinator's written advice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sundhedskoordinator.cases import citizen_post, letter_data, limits, workflow
from sundhedskoordinator.cases.appointments import item_invitation
from sundhedskoordinator.cases.choices import Action, DocumentKind, Status
from sundhedskoordinator.cases.limits import check_lengths
from sundhedskoordinator.cases.models import Advice, AdviceDraft, Case, Conversation
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import letters
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.meetings.selectors import agreement_of_meeting
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
    _finish,
    _issue,
    _lock,
)


@_case_refusals_logged
def hold_conversation(
    *,
    actor: User,
    case_id: int,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    attendees: list[dict[str, str]] | None = None,
    present: list[str] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Record that the conversation was held, when, and who attended: ``attendees`` as given,
    or the agenda item's participants, narrowed to ``present`` (of "citizen", "companion" and
    "municipality"; the coordinator who records it is there)."""
    if attendees is not None:
        limits.check_attendees(attendees)
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.HOLD_CONVERSATION, actor)
        item = _active_item(case)
        workflow.run_guards(
            transition,
            case,
            {
                "started_at": started_at,
                "ended_at": ended_at,
                "now": clock.now(),
                "item_starts_at": item.starts_at,
                "early_minutes": agreement_of_meeting(item.meeting).conversation_early_minutes,
            },
        )
        if attendees is None:
            attendees = [
                {"role": Role.CITIZEN.value, "name": case.citizen.name},
                {"role": Role.COORDINATOR.value, "name": str(item.coordinator)},
                {
                    "role": case.responsible_role
                    if item.attendee_id == case.responsible_id
                    else Role.JOB_BROKER.value,
                    "name": str(item.attendee),
                },
            ] + (
                [{"role": "companion", "name": item.companion_name}] if item.companion_name else []
            )
            if present is not None:
                who = {Role.CITIZEN.value: "citizen", "companion": "companion"}
                attendees = [
                    a
                    for a in attendees
                    if a["role"] == Role.COORDINATOR.value
                    or who.get(a["role"], "municipality") in present
                ]
        conversation = Conversation.objects.create(
            agenda_item=item,
            case=case,
            started_at=started_at,
            ended_at=ended_at,
            attendees=attendees,
            recorded_by=actor,
        )
        return _finish(case, transition, actor, role, data={"conversation": conversation.pk})


@_case_refusals_logged
@letters.rendered_first
def cancel_conversation(
    *,
    actor: User,
    case_id: int,
    reason: str = "",
    reason_code: str = CancelCode.OTHER,
    expected_version: int | None = None,
) -> Case:
    """No-show, illness or a moved meeting, with its reason code (``CancelCode``; "other"
    needs the reason written): the case returns to ``ready`` and its slot is freed. Whether
    the region bills it follows from the code (``billing``)."""
    check_lengths({"reason": (reason, limits.REASON)})
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.CANCEL, actor)
        workflow.run_guards(transition, case, {"reason": reason, "reason_code": reason_code})
        item = _active_item(case)
        _cancel_item(item, reason_code, reason)
        notify(
            users=[item.coordinator, item.attendee, case.citizen.user],
            kind=NotificationKind.CANCELLED,
            case=case,
            calendar=item_invitation(item),
        )
        citizen_post.appointment(
            case, item, LetterKind.CANCELLED, actor, CancelCode(reason_code).label
        )
        return _finish(
            case, transition, actor, role, data={"agenda_item": item.pk, "code": reason_code}
        )


@_case_refusals_logged
def record_file_note(
    *, actor: User, case_id: int, text: str, expected_version: int | None = None
) -> Case:
    """The caseworker's note of what was agreed at the conversation (notatpligt)."""
    check_lengths({"text": (text, limits.NOTE)})
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.RECORD_FILE_NOTE, actor)
        if not text.strip():
            raise DomainError(
                workflow.PREREQUISITES_MISSING,
                _("Notatet er tomt."),
                fields={"text": _("Skriv notatet.")},
            )
        conversation = case.conversations.order_by("-started_at").first()
        assert conversation is not None  # noqa: S101 - held states always have one
        if conversation.file_note:
            conversation.file_note_history = [
                *conversation.file_note_history,
                {
                    "text": conversation.file_note,
                    "by": str(conversation.file_note_by or ""),
                    "at": conversation.file_note_at.isoformat()
                    if conversation.file_note_at
                    else None,
                },
            ]
        conversation.file_note, conversation.file_note_by = text, actor
        conversation.file_note_at = clock.now()
        conversation.save(
            update_fields=["file_note", "file_note_by", "file_note_at", "file_note_history"]
        )
        return _finish(case, transition, actor, role)


@_case_refusals_logged
@letters.rendered_first
def write_advice(
    *,
    actor: User,
    case_id: int,
    text: str,
    accommodations: str = "",
    correction_reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """The coordinator's written advice, right after the conversation (target: 15 minutes).
    Once submitted it is never changed; a correction is a new version with a reason."""
    check_lengths(
        {
            "text": (text, limits.ADVICE),
            "accommodations": (accommodations, limits.ADVICE),
            "correction_reason": (correction_reason, limits.REASON),
        }
    )
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        action = Action.WRITE_ADVICE if case.status == Status.HELD else Action.CORRECT_ADVICE
        transition, role = _authorise(case, action, actor)
        workflow.run_guards(
            transition, case, {"text": text, "correction_reason": correction_reason}
        )
        conversation = case.conversations.order_by("-started_at").first()
        assert conversation is not None  # noqa: S101 - held states always have one
        now = clock.now()
        version = (case.advice_versions.aggregate(v=Max("version"))["v"] or 0) + 1
        advice = Advice.objects.create(
            case=case,
            conversation=conversation,
            version=version,
            text=text,
            accommodations=accommodations,
            correction_reason=correction_reason if version > 1 else "",
            submitted_at=now,
            submitted_by=actor,
            minutes_after_conversation=max(
                0, int((now - conversation.ended_at).total_seconds() // 60)
            ),
        )
        _issue(case, DocumentKind.ADVICE, letters.advice(letter_data.advice_letter(advice)), actor)
        # The draft has become the advice; a draft of a coordinator who was replaced goes too.
        AdviceDraft.objects.filter(case=case).delete()
        if version == 1:
            notify(
                users=[case.citizen.user, case.responsible], kind=NotificationKind.ADVICE, case=case
            )
        return _finish(
            case,
            transition,
            actor,
            role,
            data={
                "advice": advice.pk,
                "version": version,
                "minutes_after_conversation": advice.minutes_after_conversation,
            },
        )


@_case_refusals_logged
def save_advice_draft(
    *,
    actor: User,
    case_id: int,
    text: str = "",
    accommodations: str = "",
    correction_reason: str = "",
) -> AdviceDraft:
    """Keep the coordinator's unfinished advice (or correction) as their draft: only one who
    may write the advice now may keep one, it replaces their earlier draft, and nobody else
    sees it. Not an action of the case: its state, version and events stay."""
    check_lengths(
        {
            "text": (text, limits.ADVICE),
            "accommodations": (accommodations, limits.ADVICE),
            "correction_reason": (correction_reason, limits.REASON),
        }
    )
    with transaction.atomic(durable=True):
        case = _lock(case_id, None, actor)
        action = Action.WRITE_ADVICE if case.status == Status.HELD else Action.CORRECT_ADVICE
        _authorise(case, action, actor)
        draft, _created = AdviceDraft.objects.update_or_create(
            case=case,
            author=actor,
            defaults={
                "text": text,
                "accommodations": accommodations,
                "correction_reason": correction_reason,
                "saved_at": clock.now(),
            },
        )
        return draft
