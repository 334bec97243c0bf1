"""Putting the case on a meeting's agenda and sending its package to the coordinator, one case
or a whole meeting at a time; a substitute coordinator taking over an agenda item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import (
    holds_item,
    holds_role,
    may_attend,
    plans_meetings_of,
)
from sundhedskoordinator.access.services import logs_refusals
from sundhedskoordinator.cases import citizen_post, letter_data, limits, workflow
from sundhedskoordinator.cases.appointments import item_invitation
from sundhedskoordinator.cases.choices import Action, DocumentKind
from sundhedskoordinator.cases.limits import check_lengths
from sundhedskoordinator.cases.models import AdviceDraft, AgendaItem, Case, Dispatch
from sundhedskoordinator.cases.selectors import active_items
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.workingdays import deadline_passed, working_days_between
from sundhedskoordinator.documents import letters
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.meetings.models import CollaborationAgreement, Meeting
from sundhedskoordinator.meetings.selectors import agreement_on
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
    _issue,
    _issue_agenda,
    _lock,
)


def _free_start(meeting: Meeting, length: dt.timedelta) -> dt.datetime | None:
    """The first start time where an item of ``length`` fits between the meeting's items."""
    candidate = meeting.starts_at
    for item in active_items(meeting):
        if candidate + length <= item.starts_at:
            break
        candidate = max(candidate, item.ends_at)
    return candidate if candidate + length <= meeting.ends_at else None


def _slot(
    meeting: Meeting, agreement: CollaborationAgreement, starts_at: dt.datetime | None
) -> tuple[dt.datetime | None, dt.datetime | None, bool]:
    """An item's start, end and whether it overlaps another item of the meeting: one team case
    slot plus the advice block, at ``starts_at`` or the first free time (None if none)."""
    length = dt.timedelta(minutes=agreement.case_slot_minutes + agreement.advice_block_minutes)
    if starts_at is None:
        starts_at = _free_start(meeting, length)
    ends_at = starts_at + length if starts_at else None
    overlapping = (
        bool(starts_at)
        and active_items(meeting).filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists()
    )
    return starts_at, ends_at, overlapping


def _new_item(
    case: Case,
    meeting: Meeting,
    agreement: CollaborationAgreement,
    *,
    starts_at: dt.datetime,
    late_reason: str,
    **participants: Any,
) -> AgendaItem:
    """The case's new agenda item on the meeting, with the meeting's dispatch deadline and the
    rule that made it; scheduled after the deadline, it is flagged and keeps its reason."""
    late = deadline_passed(meeting.dispatch_deadline, clock.today())
    return AgendaItem.objects.create(
        meeting=meeting,
        case=case,
        starts_at=starts_at,
        ends_at=starts_at
        + dt.timedelta(minutes=agreement.case_slot_minutes + agreement.advice_block_minutes),
        slot_minutes=agreement.case_slot_minutes,
        advice_minutes=agreement.advice_block_minutes,
        dispatch_deadline=meeting.dispatch_deadline,
        deadline_rule=deadline_rule(meeting, case.municipality.region.name),
        scheduled_late=late,
        late_reason=late_reason if late else "",
        scheduled_at=clock.now(),
        **participants,
    )


def deadline_rule(meeting: Meeting, region_name: str) -> str:
    """How the item's dispatch deadline was computed, in words kept with it."""
    return _("%(days)d hverdage før mødedagen (samarbejdsaftale for %(region)s)") % {
        "days": meeting.deadline_working_days,
        "region": region_name,
    }


@_case_refusals_logged
@letters.rendered_first
def schedule_case(
    *,
    actor: User,
    case_id: int,
    meeting_id: int,
    coordinator_id: int | None,
    expected_version: int | None = None,
    starts_at: dt.datetime | None = None,
    attendee_id: int | None = None,
    companion_name: str = "",
    late_reason: str = "",
) -> Case:
    """Put the case on a meeting's agenda: one team case slot followed by the advice block, in a
    free slot (the first free one unless a time is given). Participants: the citizen, the
    region's coordinator and the responsible caseworker or a personal job broker instead
    (BEK 2409/2021 § 3), and a companion if the citizen brings one. The dispatch deadline is the
    meeting's, stored on the item with its rule; past it, scheduling needs a reason and is
    flagged."""
    check_lengths(
        {
            "late_reason": (late_reason, limits.REASON),
            "companion": (companion_name, limits.COMPANION_NAME),
        }
    )
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.SCHEDULE, actor)
        # Locking the meeting row serialises two secretaries filling the same agenda.
        # Only the case's own municipality's meetings exist for it: another municipality's
        # meeting answers as if there were none, so its existence is not given away.
        meeting = (
            # Only the meeting's own row: a meeting without a team is an outer join, which
            # PostgreSQL does not lock.
            Meeting.objects.select_for_update(of=("self",))
            .select_related("team")
            .filter(pk=meeting_id, municipality_id=case.municipality_id)
            .first()
        )
        if meeting is None:
            raise NotFoundError(
                "not_found", _("Mødet findes ikke."), fields={"meeting": _("Mødet findes ikke.")}
            )
        # The version of the agreement in force on the meeting day governs its items.
        agreement = agreement_on(case.municipality.region_id, meeting.date)
        starts_at, ends_at, overlapping = _slot(meeting, agreement, starts_at)
        # Participants are resolved after the role check, so an outsider learns nothing of users.
        coordinator = (
            User.objects.filter(pk=coordinator_id, is_active=True).first()
            if coordinator_id
            else None
        )
        attendee = (
            User.objects.filter(pk=attendee_id, is_active=True).first()
            if attendee_id
            else case.responsible
        )
        region_id = case.municipality.region_id
        workflow.run_guards(
            transition,
            case,
            {
                "today": clock.today(),
                "meeting": meeting,
                "meeting_kinds": agreement.meeting_kinds,
                "right_groups": agreement.right_groups,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "overlapping": overlapping,
                "late_reason": late_reason,
                "meeting_day": meeting.date,
                "coordinator_ok": coordinator is not None
                and holds_role(coordinator, Role.COORDINATOR, region_id=region_id),
                "attendee_ok": may_attend(attendee, case),
            },
        )
        # The guards refused a missing slot or coordinator; this narrows the types.
        assert starts_at and ends_at and coordinator and attendee  # noqa: S101
        item = _new_item(
            case,
            meeting,
            agreement,
            starts_at=starts_at,
            late_reason=late_reason,
            coordinator=coordinator,
            attendee=attendee,
            companion_name=companion_name,
        )
        late = item.scheduled_late
        notify(
            users=[*_coordinator_if_sent(case, item), item.attendee, case.citizen.user],
            kind=NotificationKind.SCHEDULED,
            case=case,
            calendar=item_invitation(item),
        )
        citizen_post.appointment(case, item, LetterKind.SUMMONS, actor)
        return _finish(
            case,
            transition,
            actor,
            role,
            data={"meeting": meeting.pk, "agenda_item": item.pk, "scheduled_late": late},
        )


@_case_refusals_logged
@letters.rendered_first
def unschedule_case(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    reason: str = "",
    reason_code: str = CancelCode.OTHER,
) -> Case:
    """Take the case off the agenda before it is sent; the slot is freed. Not sent, it is never
    billed, so a written reason is optional even for "other"."""
    check_lengths({"reason": (reason, limits.REASON)})
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.UNSCHEDULE, actor)
        workflow.run_guards(transition, case, {"reason_code": reason_code, "reason": reason})
        item = _active_item(case)
        _cancel_item(item, reason_code, reason)
        notify(
            users=[*_coordinator_if_sent(case, item), item.attendee, case.citizen.user],
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


def package_snapshot(case: Case, item: AgendaItem) -> dict[str, Any]:
    """The case package as sent: what the coordinator prepares from (regional procedure item 6)."""
    offer, concern = case.offer, case.health_concern
    return {
        "reference": case.reference,
        "citizen": {"name": case.citizen.name, "cpr": case.citizen.cpr_masked},
        "municipality": case.municipality.name,
        "responsible": str(case.responsible),
        "offer": {
            "kind": offer.kind,
            "provider": offer.provider,
            "start_date": offer.start_date.isoformat() if offer.start_date else None,
            "hours_per_week": str(offer.hours_per_week) if offer.hours_per_week else None,
            "content": offer.content,
            "demands": offer.demands,
        },
        "health_concern": {
            "text": concern.text,
            "areas": concern.areas,
            "written_by": concern.written_by,
        },
        "no_health_information_note": case.no_health_information_note,
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "version": d.version,
                "filename": d.filename,
                "sha256": d.sha256,
            }
            for d in case.documents.order_by("kind", "version")
        ],
        "meeting": {"date": item.meeting.date.isoformat(), "location": item.meeting.location},
        "agenda_item": {
            "starts_at": item.starts_at.isoformat(),
            "ends_at": item.ends_at.isoformat(),
            "coordinator": str(item.coordinator),
            "attendee": str(item.attendee),
            "companion": item.companion_name,
        },
    }


def _dispatch_guards(case: Case, item: AgendaItem, transition: workflow.Transition) -> None:
    workflow.run_guards(
        transition,
        case,
        {
            "today": clock.today(),
            "meeting_day": item.meeting.date,
            "right_groups": agreement_on(
                case.municipality.region_id, item.meeting.date
            ).right_groups,
        },
    )


def _unsaved_dispatch(
    case: Case, item: AgendaItem, actor: User, now: dt.datetime, snapshot: dict[str, Any]
) -> Dispatch:
    today = timezone.localdate(now)
    return Dispatch(
        agenda_item=item,
        case=case,
        sent_at=now,
        sent_by=actor,
        deadline=item.dispatch_deadline,
        is_late=deadline_passed(item.dispatch_deadline, today),
        working_days_late=max(0, working_days_between(item.dispatch_deadline, today)),
        snapshot=snapshot,
    )


@_case_refusals_logged
@letters.rendered_first
def dispatch_package(*, actor: User, case_id: int, expected_version: int | None = None) -> Case:
    """Send a frozen snapshot of the case package to the coordinator. Deadline: the 10th working
    day before the meeting (regional procedure item 8); later is allowed and recorded as late.

    The package's PDF is rendered outside the write transaction (``letters.rendered_first``), so
    the database's write lock is held only while the rows are written; the package stored is
    the one of the case as the dispatch commits it. A refusal or a failed rendering writes
    nothing."""
    now = clock.now()
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.DISPATCH, actor)
        item = _active_item(case)
        _dispatch_guards(case, item, transition)
        dispatch = _unsaved_dispatch(case, item, actor, now, package_snapshot(case, item))
        pdf = letters.case_package(letter_data.package_letter(dispatch))
        dispatch.save()
        if case.first_sent_at is None:
            # The case's items now count as sent to the region (``AgendaItem.case_sent``).
            AgendaItem.objects.filter(case=case).update(case_sent=True)
            item.case_sent = True
        _issue(case, DocumentKind.CASE_PACKAGE, pdf, actor)
        # The coordinator's first word of the case, with the invitation to the conversation.
        notify(
            users=[item.coordinator],
            kind=NotificationKind.CASE_SENT,
            case=case,
            calendar=item_invitation(item),
        )
        return _finish(
            case,
            transition,
            actor,
            role,
            data={"dispatch": dispatch.pk, "late": dispatch.is_late},
            first_sent_at=case.first_sent_at or now,
        )


@logs_refusals("meeting", "meeting_id")
def dispatch_meeting(*, actor: User, meeting_id: int) -> tuple[int, list[str]]:
    """Send every item on the meeting's agenda not yet sent, each in its own transaction, then
    issue the agenda as it now stands. Answers how many were sent and why others were not."""
    meeting = Meeting.objects.select_related("team", "municipality").get(pk=meeting_id)
    # Only the team's secretariat sends; anyone else is refused before any case is named.
    if not plans_meetings_of(actor, meeting.municipality_id):
        raise DomainError(
            workflow.ROLE_NOT_ALLOWED,
            _("Kun teamets sekretariat kan sende sager til sundhedskoordinatoren."),
            status=403,
        )
    sent, refused = 0, []
    pending = active_items(meeting).filter(dispatch__isnull=True).select_related("case")
    for item in pending:
        try:
            dispatch_package(actor=actor, case_id=item.case_id)
            sent += 1
        except DomainError as error:
            refused.append(f"{item.case.reference}: {error.message}")
    if sent:
        _agenda_issued(meeting, actor)
    return sent, refused


@letters.rendered_first
def _agenda_issued(meeting: Meeting, actor: User) -> None:
    with transaction.atomic(durable=True):
        _issue_agenda(meeting, actor)


@_case_refusals_logged
def set_companion(
    *,
    actor: User,
    case_id: int,
    name: str,
    relation: str = "",
    expected_version: int | None = None,
) -> Case:
    """The citizen (or her caseworker for her) says who comes with her as companion (bisidder),
    with their relation to her, before the conversation begins; an empty name takes the
    companion off. The coordinator sees it on the case once the package is sent."""
    name, relation = name.strip(), relation.strip()
    check_lengths(
        {
            "name": (name, limits.COMPANION_NAME),
            "relation": (relation, limits.COMPANION_RELATION),
        }
    )
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.SET_COMPANION, actor)
        item = _active_item(case)
        workflow.run_guards(
            transition,
            case,
            {"now": clock.now(), "starts_at": item.starts_at, "name": name, "relation": relation},
        )
        item.companion_name, item.companion_relation = name, relation if name else ""
        item.save(update_fields=["companion_name", "companion_relation"])
        # The event says that a companion was named or taken off, never who (health content).
        return _finish(case, transition, actor, role, data={"companion": bool(name)})


@_case_refusals_logged
def take_over_item(*, actor: User, case_id: int, expected_version: int | None = None) -> Case:
    """A substitute coordinator of the region takes over the case's agenda item (DESIGN section
    2, "overtager"): from now on they, not the one planned, hold the conversation and write the
    advice. Open and logged; the coordinator who had it is told."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.TAKE_OVER, actor)
        item = _active_item(case)
        if holds_item(actor, case):
            raise DomainError(
                workflow.INVALID_TRANSITION, _("Du er allerede sagens sundhedskoordinator.")
            )
        previous = item.coordinator
        item.coordinator = actor
        item.save(update_fields=["coordinator"])
        # The coordinator who had it is no longer on the case: their unfinished draft goes.
        AdviceDraft.objects.filter(case=case, author=previous).delete()
        notify(users=[previous], kind=NotificationKind.TAKEN_OVER, case=case)
        return _finish(
            case,
            transition,
            actor,
            role,
            data={"agenda_item": item.pk, "from": previous.pk, "to": actor.pk},
        )
