"""Every write to a case: one service per action of the transition table (``workflow.py``).

Each service has the same shape: one durable transaction -> lock the case and check its version
-> find the actor's role and check the state (``workflow``) -> run the guards -> write -> bump the
version -> append one audit event. A refused action raises ``DomainError`` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import (
    action_roles,
    handler_role,
    holds_item,
    holds_role,
    item_is_sent,
    may_attend,
    may_hand_on,
)
from sundhedskoordinator.access.services import logs_refusals
from sundhedskoordinator.audit.services import record_event
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.selectors import has_written_guidance
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import ConflictError, DomainError, NotFoundError
from sundhedskoordinator.core.workingdays import deadline_passed, working_days_between
from sundhedskoordinator.documents import letters
from sundhedskoordinator.documents.inspection import inspect_upload
from sundhedskoordinator.documents.models import IssuedKind
from sundhedskoordinator.documents.scanning import scan as scan_for_malware
from sundhedskoordinator.meetings.calendar import item_invitation
from sundhedskoordinator.meetings.models import AgendaItem, Dispatch, Meeting
from sundhedskoordinator.meetings.selectors import active_items, agreement_for
from sundhedskoordinator.notifications.models import NotificationKind
from sundhedskoordinator.notifications.services import notify
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User

from . import workflow
from .choices import (
    OFFER_ON_HOLD_STATES,
    TERMINAL_STATES,
    UPLOAD_KINDS,
    Action,
    ConcernAuthor,
    DocumentKind,
    Outcome,
    RejectionReason,
    RequestChannel,
    Status,
)
from .models import (
    Advice,
    Case,
    CaseSequence,
    Conversation,
    Decision,
    Document,
    HealthConcern,
    Offer,
)

GUIDANCE_MISSING = "guidance_missing"


@dataclass
class Warning:
    """Something the user should act on that does not stop the action (e.g. missing guidance)."""

    code: str
    message: str


@dataclass
class Result:
    case: Case
    warnings: list[Warning] = field(default_factory=list)


# --- The shared shape -------------------------------------------------------------------------
_case_refusals_logged = logs_refusals(
    "case", "case_id", case_of=lambda pk: Case.objects.filter(pk=pk).first()
)


def _lock(case_id: int, expected_version: int | None) -> Case:
    """The case, locked for this transaction, at the version the caller last saw."""
    case = (
        Case.objects.select_for_update()
        .select_related("citizen", "municipality__region", "responsible")
        .get(pk=case_id)
    )
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            workflow.STALE_VERSION,
            _("Sagen er ændret af en anden, siden du hentede den. Hent den igen og prøv igen."),
        )
    return case


def _authorise(case: Case, action: Action, actor: User) -> tuple[workflow.Transition, str]:
    """The actor's role for this action on this case: they must be on the case (or the action
    must allow their role by scope), and the case in a state the action starts from."""
    transition = workflow.TRANSITIONS[action]
    roles = action_roles(actor, case)
    role = workflow.allowed_role(transition, roles.scoped, roles.on_case)
    workflow.check_state(transition, case)
    return transition, role


def _finish(
    case: Case,
    transition: workflow.Transition,
    actor: User,
    role: str,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Case:
    """Move the case to the transition's target, bump the version and log the event."""
    from_state = case.status
    if transition.target is not None:
        case.status = transition.target
    for name, value in changes.items():
        setattr(case, name, value)
    case.version += 1
    case.save()
    record_event(
        case=case,
        kind=transition.event,
        actor=actor,
        role=role,
        from_state=from_state,
        to_state=case.status,
        data=data,
    )
    return case


def _next_reference(year: int) -> tuple[int, str]:
    """Draw the next number of the year under a row lock: RSK-2026-000123."""
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number, f"RSK-{year}-{sequence.last_number:06d}"


# --- Creating and editing -----------------------------------------------------------------------
@logs_refusals("citizen", "citizen")
def create_case(
    *,
    actor: User,
    citizen: Citizen,
    responsible: User | None = None,
    responsible_role: str = Role.CASEWORKER,
    offer: dict[str, Any] | None = None,
    health_concern: dict[str, Any] | None = None,
) -> Result:
    """Open a draft case for a citizen of the actor's municipality (regional procedure item 4),
    optionally with the offer and the citizen's description at once."""
    municipality_id = citizen.municipality_id
    actor_role = handler_role(actor, municipality_id)
    if actor_role is None:
        raise DomainError(
            workflow.ROLE_NOT_ALLOWED,
            _("Kun kommunens sagsbehandlere og jobformidlere kan oprette sager."),
            status=403,
        )
    responsible = responsible or actor
    if responsible != actor and not holds_role(
        responsible, responsible_role, municipality_id=municipality_id
    ):
        raise DomainError(
            workflow.INVALID_PARTICIPANT,
            _("Den ansvarlige skal være sagsbehandler eller jobformidler i kommunen."),
            fields={"responsible": _("Vælg en sagsbehandler eller jobformidler i kommunen.")},
        )
    if responsible == actor:
        responsible_role = actor_role
    with transaction.atomic(durable=True):
        now = clock.now()
        number, reference = _next_reference(now.year)
        case = Case.objects.create(
            reference=reference,
            year=now.year,
            number=number,
            citizen=citizen,
            municipality_id=municipality_id,
            responsible=responsible,
            responsible_role=responsible_role,
            created_at=now,
        )
        record_event(
            case=case,
            kind=workflow.EventKind.CASE_CREATED,
            actor=actor,
            role=actor_role,
            to_state=case.status,
        )
        warnings = _apply_changes(
            case, actor, actor_role, offer=offer, health_concern=health_concern
        )
    return Result(case, warnings)


@_case_refusals_logged
def update_case(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    offer: dict[str, Any] | None = None,
    health_concern: dict[str, Any] | None = None,
    no_health_information_note: str | None = None,
) -> Result:
    """Record or change the offer, the citizen's description, or the note that there is no
    relevant health information, while the case is a draft or a request. A citizen may only
    write their own description. Handing the case to a colleague is its own action
    (``reassign_case``)."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.UPDATE, actor)
        if role == Role.CITIZEN and (offer is not None or no_health_information_note is not None):
            raise DomainError(
                workflow.ROLE_NOT_ALLOWED,
                _("Som borger kan du kun skrive din egen beskrivelse af helbredshensyn."),
                status=403,
            )
        changes: dict[str, Any] = {}
        if no_health_information_note is not None:
            changes["no_health_information_note"] = no_health_information_note
        warnings = _apply_changes(case, actor, role, offer=offer, health_concern=health_concern)
        _finish(
            case,
            transition,
            actor,
            role,
            data={
                "fields": sorted(
                    [
                        k
                        for k, v in {
                            "offer": offer,
                            "health_concern": health_concern,
                            **changes,
                        }.items()
                        if v is not None
                    ]
                )
            },
            **changes,
        )
    return Result(case, warnings)


def _apply_changes(
    case: Case,
    actor: User,
    role: str,
    *,
    offer: dict[str, Any] | None,
    health_concern: dict[str, Any] | None,
) -> list[Warning]:
    warnings: list[Warning] = []
    now = clock.now()
    if offer is not None:
        values = {
            k: offer.get(k)
            for k in ("kind", "provider", "start_date", "hours_per_week", "content", "demands")
            if k in offer
        }
        for text_field in ("provider", "content", "demands"):
            if text_field in values and values[text_field] is None:
                values[text_field] = ""
        if "hours_per_week" in values and values["hours_per_week"] is not None:
            values["hours_per_week"] = Decimal(str(values["hours_per_week"]))
        instance = getattr(case, "offer", None) or Offer(case=case)
        for k, v in values.items():
            setattr(instance, k, v)
        instance.registered_by, instance.registered_at = actor, now
        _validate(instance, "offer")
        instance.save()
        case.offer = instance
        record_event(case=case, kind=workflow.EventKind.OFFER_REGISTERED, actor=actor, role=role)
        # BEK 2409/2021 § 2: written guidance no later than when the offer is presented.
        if not has_written_guidance(case.citizen, on_or_before=clock.today()):
            warnings.append(
                Warning(
                    GUIDANCE_MISSING,
                    _(
                        "Borgeren har ikke fået skriftlig vejledning om retten til en "
                        "sundhedskoordinator. "
                        "Vejledningen skal gives senest samtidig med tilbuddet: send "
                        "vejledningsbrevet og "
                        "registrér det."
                    ),
                )
            )
    if health_concern is not None:
        instance = getattr(case, "health_concern", None) or HealthConcern(case=case)
        instance.text = health_concern.get("text") or ""
        instance.areas = list(health_concern.get("areas") or [])
        instance.written_by = (
            ConcernAuthor.CITIZEN if role == Role.CITIZEN else ConcernAuthor.CASEWORKER
        )
        instance.channel = (
            RequestChannel.SELF_SERVICE
            if role == Role.CITIZEN
            else health_concern.get("channel") or RequestChannel.MEETING
        )
        instance.recorded_by, instance.recorded_at = actor, now
        _validate(instance, "health_concern")
        instance.save()
        case.health_concern = instance
        record_event(
            case=case,
            kind=workflow.EventKind.HEALTH_CONCERN_RECORDED,
            actor=actor,
            role=role,
            data={"written_by": instance.written_by},
        )
    return warnings


def _validate(instance: Any, prefix: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=["case"])
    except ValidationError as exc:
        fields = {f"{prefix}.{k}": " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise DomainError(workflow.INVALID_INPUT, " ".join(fields.values()), fields=fields) from exc


@_case_refusals_logged
def add_document(
    *, actor: User, case_id: int, kind: str, filename: str, content: bytes
) -> Document:
    """Attach a file to the case. Its type is decided from its content
    (``documents.inspection``) and it is scanned for malware (``documents.scanning``); a file of
    a kind the case already holds becomes its next version, and earlier versions stay. The stored
    name is made by the system; the SHA-256 is kept and checked on every download."""
    if kind not in UPLOAD_KINDS:
        raise DomainError(
            workflow.INVALID_INPUT,
            _("Ukendt dokumentart."),
            fields={"kind": _("Vælg en af de kendte dokumentarter.")},
        )
    with transaction.atomic(durable=True):
        case = _lock(case_id, None)
        transition, role = _authorise(case, Action.ADD_DOCUMENT, actor)
        file_type = inspect_upload(content)
        scan_for_malware(content)
        document = _store_document(
            case,
            kind,
            content,
            filename=filename,
            content_type=file_type.content_type,
            suffix=file_type.suffix,
            actor=actor,
        )
        _finish(
            case,
            transition,
            actor,
            role,
            data={"document": document.pk, "kind": kind, "version": document.version},
        )
    return document


def _store_document(
    case: Case,
    kind: str,
    content: bytes,
    *,
    filename: str,
    content_type: str,
    suffix: str,
    actor: User,
) -> Document:
    """Keep the bytes as the next version of the case's document of this kind, with their
    SHA-256, under a name the system makes."""
    version = (case.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
    document = Document(
        case=case,
        kind=kind,
        version=version,
        filename=filename[:200],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    document.file.save(f"{kind}{suffix}", ContentFile(content), save=False)
    document.save()
    return document


def _issue(case: Case, kind: str, content: bytes, actor: User) -> Document:
    """Store a PDF the system issued in this step with the case."""
    return _store_document(
        case,
        kind,
        content,
        filename=f"{case.reference}-{kind}.pdf",
        content_type="application/pdf",
        suffix=".pdf",
        actor=actor,
    )


# --- The transitions ----------------------------------------------------------------------------
@_case_refusals_logged
def submit_case(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    channel: str = "",
    health_concern: dict[str, Any] | None = None,
) -> Case:
    """The request (anmodning): by the citizen, or by the caseworker on the citizen's behalf,
    noting the channel. Needs the described offer, the citizen's description and an active
    ressourceforløb. A request before the offer starts puts the offer on hold (LAB § 113, stk.
    3). ``health_concern`` records the description in the same transaction, so a refused request
    writes nothing."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.SUBMIT, actor)
        if health_concern is not None:
            _apply_changes(case, actor, role, offer=None, health_concern=health_concern)
        today = clock.today()
        workflow.run_guards(transition, case, {"today": today})
        if role == Role.CITIZEN:
            channel = RequestChannel.SELF_SERVICE
        elif channel not in RequestChannel.values:
            raise DomainError(
                workflow.INVALID_INPUT,
                _("Angiv, hvordan borgeren anmodede."),
                fields={"channel": _("Angiv, hvordan borgeren anmodede.")},
            )
        start = case.offer.start_date
        on_hold = start is not None and today < start
        return _finish(
            case,
            transition,
            actor,
            role,
            data={"channel": channel, "offer_on_hold": on_hold},
            submitted_at=clock.now(),
            request_channel=channel,
            offer_on_hold=on_hold,
        )


@_case_refusals_logged
def complete_case(*, actor: User, case_id: int, expected_version: int | None = None) -> Case:
    """The case file holds what the coordinator needs (regional procedure item 4)."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.COMPLETE, actor)
        agreement = agreement_for(case.municipality.region)
        workflow.run_guards(
            transition,
            case,
            {
                "today": clock.today(),
                "required_document_kinds": agreement.required_document_kinds,
            },
        )
        return _finish(case, transition, actor, role)


def _free_start(meeting: Meeting, length: dt.timedelta) -> dt.datetime | None:
    """The first start time where an item of ``length`` fits between the meeting's items."""
    candidate = meeting.starts_at
    for item in active_items(meeting):
        if candidate + length <= item.starts_at:
            break
        candidate = max(candidate, item.ends_at)
    return candidate if candidate + length <= meeting.ends_at else None


@_case_refusals_logged
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
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.SCHEDULE, actor)
        # Locking the meeting row serialises two secretaries filling the same agenda.
        # Only the case's own municipality's meetings exist for it: another municipality's
        # meeting answers as if there were none, so its existence is not given away.
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("team")
            .filter(pk=meeting_id, team__municipality_id=case.municipality_id)
            .first()
        )
        if meeting is None:
            raise NotFoundError(
                "not_found", _("Mødet findes ikke."), fields={"meeting": _("Mødet findes ikke.")}
            )
        agreement = agreement_for(case.municipality.region)
        length = dt.timedelta(minutes=agreement.case_slot_minutes + agreement.advice_block_minutes)
        if starts_at is None:
            starts_at = _free_start(meeting, length)
        ends_at = starts_at + length if starts_at else None
        overlapping = (
            bool(starts_at)
            and active_items(meeting).filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists()
        )
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
                "starts_at": starts_at,
                "ends_at": ends_at,
                "overlapping": overlapping,
                "late_reason": late_reason,
                "coordinator_ok": coordinator is not None
                and holds_role(coordinator, Role.COORDINATOR, region_id=region_id),
                "attendee_ok": may_attend(attendee, case),
            },
        )
        # The guards refused a missing slot or coordinator; this narrows the types.
        assert starts_at and ends_at and coordinator and attendee  # noqa: S101
        late = deadline_passed(meeting.dispatch_deadline, clock.today())
        item = AgendaItem.objects.create(
            meeting=meeting,
            case=case,
            starts_at=starts_at,
            ends_at=ends_at,
            slot_minutes=agreement.case_slot_minutes,
            advice_minutes=agreement.advice_block_minutes,
            coordinator=coordinator,
            attendee=attendee,
            companion_name=companion_name,
            dispatch_deadline=meeting.dispatch_deadline,
            deadline_rule=_("%(days)d hverdage før mødedagen (samarbejdsaftale for %(region)s)")
            % {"days": meeting.deadline_working_days, "region": case.municipality.region.name},
            scheduled_late=late,
            late_reason=late_reason if late else "",
            scheduled_at=clock.now(),
        )
        notify(
            users=[*_coordinator_if_sent(case, item), item.attendee, case.citizen.user],
            kind=NotificationKind.SCHEDULED,
            case=case,
            calendar=item_invitation(item),
        )
        return _finish(
            case,
            transition,
            actor,
            role,
            data={"meeting": meeting.pk, "agenda_item": item.pk, "scheduled_late": late},
        )


def _active_item(case: Case) -> AgendaItem:
    return case.agenda_items.select_for_update().get(cancelled_at__isnull=True)


@_case_refusals_logged
def unschedule_case(
    *, actor: User, case_id: int, expected_version: int | None = None, reason: str = ""
) -> Case:
    """Take the case off the agenda before it is sent; the slot is freed."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.UNSCHEDULE, actor)
        item = _active_item(case)
        item.cancelled_at, item.cancel_reason = clock.now(), reason
        item.save(update_fields=["cancelled_at", "cancel_reason"])
        notify(
            users=[*_coordinator_if_sent(case, item), item.attendee, case.citizen.user],
            kind=NotificationKind.CANCELLED,
            case=case,
            calendar=item_invitation(item),
        )
        return _finish(case, transition, actor, role, data={"agenda_item": item.pk})


def _coordinator_if_sent(case: Case, item: AgendaItem) -> list[User]:
    """The coordinator hears of an agenda item only once its package has been sent to them
    (DESIGN section 2): before that, no inbox entry, e-mail or invitation names the case to
    them, even when the case was sent once before to another coordinator."""
    return [item.coordinator] if item_is_sent(item) else []


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


@_case_refusals_logged
def dispatch_package(*, actor: User, case_id: int, expected_version: int | None = None) -> Case:
    """Send a frozen snapshot of the case package to the coordinator. Deadline: the 10th working
    day before the meeting (regional procedure item 8); later is allowed and recorded as late."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.DISPATCH, actor)
        item = _active_item(case)
        now, today = clock.now(), clock.today()
        late_days = max(0, working_days_between(item.dispatch_deadline, today))
        dispatch = Dispatch.objects.create(
            agenda_item=item,
            case=case,
            sent_at=now,
            sent_by=actor,
            deadline=item.dispatch_deadline,
            is_late=deadline_passed(item.dispatch_deadline, today),
            working_days_late=late_days,
            snapshot=package_snapshot(case, item),
        )
        _issue(case, DocumentKind.CASE_PACKAGE, letters.case_package(dispatch), actor)
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
    meeting = Meeting.objects.select_related("team__municipality").get(pk=meeting_id)
    # Only the team's secretariat sends; anyone else is refused before any case is named.
    if not holds_role(actor, Role.SECRETARIAT, municipality_id=meeting.team.municipality_id):
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
        with transaction.atomic():
            # The meeting row is the lock that gives concurrent sends distinct agenda versions.
            Meeting.objects.select_for_update().get(pk=meeting.pk)
            letters.store_issued(
                kind=IssuedKind.AGENDA,
                content=letters.agenda(meeting),
                actor=actor,
                meeting=meeting,
            )
    return sent, refused


@_case_refusals_logged
def hold_conversation(
    *,
    actor: User,
    case_id: int,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    attendees: list[dict[str, str]] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Record that the conversation was held, when, and who attended."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.HOLD_CONVERSATION, actor)
        workflow.run_guards(
            transition, case, {"started_at": started_at, "ended_at": ended_at, "now": clock.now()}
        )
        item = _active_item(case)
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
def cancel_conversation(
    *, actor: User, case_id: int, reason: str, expected_version: int | None = None
) -> Case:
    """No-show or rescheduling: the case returns to ``ready`` and its slot is freed."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.CANCEL, actor)
        workflow.run_guards(transition, case, {"reason": reason})
        item = _active_item(case)
        item.cancelled_at, item.cancel_reason = clock.now(), reason
        item.save(update_fields=["cancelled_at", "cancel_reason"])
        notify(
            users=[item.coordinator, item.attendee, case.citizen.user],
            kind=NotificationKind.CANCELLED,
            case=case,
            calendar=item_invitation(item),
        )
        return _finish(case, transition, actor, role, data={"agenda_item": item.pk})


@_case_refusals_logged
def record_file_note(
    *, actor: User, case_id: int, text: str, expected_version: int | None = None
) -> Case:
    """The caseworker's note of what was agreed at the conversation (notatpligt)."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
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
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
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
        _issue(case, DocumentKind.ADVICE, letters.advice(advice), actor)
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
def decide_case(
    *, actor: User, case_id: int, outcome: str, text: str, expected_version: int | None = None
) -> Case:
    """Adjust the offer, start another, or keep it, with reasons (regional procedure item 7).
    The offer is no longer on hold."""
    if outcome not in Outcome.values:
        raise DomainError(
            workflow.INVALID_INPUT,
            _("Vælg en stillingtagen."),
            fields={"outcome": _("Vælg tilpas, andet tilbud eller fastholdt.")},
        )
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.DECIDE, actor)
        workflow.run_guards(transition, case, {"text": text})
        decision = Decision.objects.create(
            case=case, outcome=outcome, text=text, decided_at=clock.now(), decided_by=actor
        )
        _issue(case, DocumentKind.DECISION_LETTER, letters.decision_letter(decision), actor)
        notify(users=[case.citizen.user], kind=NotificationKind.DECISION, case=case)
        return _finish(
            case, transition, actor, role, data={"outcome": outcome}, offer_on_hold=False
        )


@_case_refusals_logged
def close_case(*, actor: User, case_id: int, expected_version: int | None = None) -> Case:
    """Archive the decided case."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.CLOSE, actor)
        return _finish(case, transition, actor, role, closed_at=clock.now())


@_case_refusals_logged
def withdraw_case(
    *, actor: User, case_id: int, reason: str = "", expected_version: int | None = None
) -> Case:
    """The citizen (or the caseworker for them) withdraws the request before the package is
    sent; an agenda slot is freed."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.WITHDRAW, actor)
        if case.status == Status.SCHEDULED:
            item = _active_item(case)
            item.cancelled_at, item.cancel_reason = clock.now(), reason
            item.save(update_fields=["cancelled_at", "cancel_reason"])
        return _finish(
            case,
            transition,
            actor,
            role,
            closed_at=clock.now(),
            end_reason=reason,
            offer_on_hold=False,
        )


@_case_refusals_logged
def reject_case(
    *,
    actor: User,
    case_id: int,
    reason: str,
    reason_code: str = RejectionReason.OTHER,
    expected_version: int | None = None,
) -> Case:
    """The municipality refuses the request (e.g. the citizen is not in a ressourceforløb),
    with a written reason and one of the reason codes statistics count refusals by."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.REJECT, actor)
        workflow.run_guards(transition, case, {"reason": reason, "reason_code": reason_code})
        return _finish(
            case,
            transition,
            actor,
            role,
            closed_at=clock.now(),
            end_reason=reason,
            rejection_reason=reason_code,
            offer_on_hold=False,
        )


@_case_refusals_logged
def reassign_case(
    *, actor: User, case_id: int, responsible_id: int, expected_version: int | None = None
) -> Case:
    """Hand the case to a colleague (DESIGN section 2): only the responsible caseworker or job
    broker, or the manager of the case's municipality, may; the new responsible must be an
    active caseworker or job broker of the municipality. A scheduled conversation follows: the
    new responsible attends where the old one would have. Both are told; the event is logged."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.REASSIGN, actor)
        if not may_hand_on(actor, case, role):
            raise DomainError(
                workflow.NOT_ON_CASE,
                _("Kun sagens ansvarlige eller teamets leder kan give sagen videre."),
                status=403,
            )
        new = User.objects.filter(pk=responsible_id, is_active=True).first()
        new_role = next(
            (
                r
                for r in (Role.CASEWORKER, Role.JOB_BROKER)
                if new is not None and holds_role(new, r, municipality_id=case.municipality_id)
            ),
            None,
        )
        if new is None or new_role is None or new.pk == case.responsible_id:
            raise DomainError(
                workflow.INVALID_PARTICIPANT,
                _("Vælg en anden sagsbehandler eller jobformidler i kommunen."),
                fields={"responsible": _("Vælg en anden sagsbehandler eller jobformidler.")},
            )
        previous = case.responsible
        AgendaItem.objects.filter(case=case, cancelled_at__isnull=True, attendee=previous).update(
            attendee=new
        )
        notify(users=[previous, new], kind=NotificationKind.REASSIGNED, case=case)
        return _finish(
            case,
            transition,
            actor,
            role,
            data={"from": previous.pk, "to": new.pk},
            responsible=new,
            responsible_role=new_role,
        )


@_case_refusals_logged
def take_over_item(*, actor: User, case_id: int, expected_version: int | None = None) -> Case:
    """A substitute coordinator of the region takes over the case's agenda item (DESIGN section
    2, "overtager"): from now on they, not the one planned, hold the conversation and write the
    advice. Open and logged; the coordinator who had it is told."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version)
        transition, role = _authorise(case, Action.TAKE_OVER, actor)
        item = _active_item(case)
        if holds_item(actor, case):
            raise DomainError(
                workflow.INVALID_TRANSITION, _("Du er allerede sagens sundhedskoordinator.")
            )
        previous = item.coordinator
        item.coordinator = actor
        item.save(update_fields=["coordinator"])
        notify(users=[previous], kind=NotificationKind.TAKEN_OVER, case=case)
        return _finish(
            case,
            transition,
            actor,
            role,
            data={"agenda_item": item.pk, "from": previous.pk, "to": actor.pk},
        )


#: The service that carries out each action of the transition table: the one place where an
#: action's name meets its service's (``dispatch`` is ``dispatch_package``, ``decide`` is
#: ``decide_case``). The API paths are mapped in ``api/cases.py``, the events in the table.
ACTION_SERVICES: dict[Action, Callable[..., Any]] = {
    Action.SUBMIT: submit_case,
    Action.COMPLETE: complete_case,
    Action.SCHEDULE: schedule_case,
    Action.UNSCHEDULE: unschedule_case,
    Action.DISPATCH: dispatch_package,
    Action.HOLD_CONVERSATION: hold_conversation,
    Action.CANCEL: cancel_conversation,
    Action.WRITE_ADVICE: write_advice,
    Action.CORRECT_ADVICE: write_advice,
    Action.DECIDE: decide_case,
    Action.CLOSE: close_case,
    Action.WITHDRAW: withdraw_case,
    Action.REJECT: reject_case,
    Action.UPDATE: update_case,
    Action.ADD_DOCUMENT: add_document,
    Action.RECORD_FILE_NOTE: record_file_note,
    Action.REASSIGN: reassign_case,
    Action.TAKE_OVER: take_over_item,
}


def run_action(
    action: Action,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    **inputs: Any,
) -> Any:
    """Carry out ``action`` on the case through its service (``ACTION_SERVICES``), with the
    action's own inputs; the page forms and the API endpoints call this. An upload takes no
    version: a new file adds a version of its own and changes nothing the caller saw."""
    if expected_version is not None:
        inputs["expected_version"] = expected_version
    return ACTION_SERVICES[action](actor=actor, case_id=case_id, **inputs)


def offer_is_on_hold(case: Case) -> bool:
    """Shown to everyone: the citizen need not start the offer yet (LAB § 113, stk. 3)."""
    return case.offer_on_hold and case.status in OFFER_ON_HOLD_STATES


def anonymise_case(*, case_id: int) -> Case:
    """Remove what identifies the citizen and every free text and file from a closed case, keep
    the fields statistics and settlement count on (states, dates, outcome, lateness, minutes to
    advice), and log it. The citizen record is anonymised too once none of their cases is left
    un-anonymised. Retention: DESIGN section 4 (default 10 years after closing)."""
    from sundhedskoordinator.citizens.cpr import mask_cpr

    with transaction.atomic(durable=True):
        case = _lock(case_id, None)
        if case.status not in TERMINAL_STATES or case.anonymised_at is not None:
            raise DomainError(workflow.INVALID_TRANSITION, _("Kun afsluttede sager anonymiseres."))
        Offer.objects.filter(case=case).update(provider="", content="", demands="")
        HealthConcern.objects.filter(case=case).update(text="", areas=[])
        Advice.objects.filter(case=case).update(text="", accommodations="", correction_reason="")
        Decision.objects.filter(case=case).update(text="")
        for conversation in case.conversations.all():
            conversation.attendees = [{"role": a.get("role", "")} for a in conversation.attendees]
            conversation.file_note = ""
            conversation.save(update_fields=["attendees", "file_note"])
        Dispatch.objects.filter(case=case).update(snapshot={})
        AgendaItem.objects.filter(case=case).update(
            companion_name="", late_reason="", cancel_reason=""
        )
        for document in case.documents.all():
            document.file.delete(save=False)
            document.delete()
        now = clock.now()
        case.no_health_information_note = case.end_reason = ""
        case.anonymised_at = now
        case.version += 1
        case.save()
        record_event(
            case=case,
            kind=workflow.EventKind.CASE_ANONYMISED,
            actor=None,
            role="system",
            from_state=case.status,
            to_state=case.status,
        )
        citizen = case.citizen
        if not citizen.cases.filter(anonymised_at__isnull=True).exists():
            citizen.name = _("Anonymiseret borger")
            citizen.cpr_encrypted = ""
            citizen.cpr_hash = f"anonymised-{citizen.pk}"
            citizen.cpr_masked = mask_cpr("")
            citizen.email = ""
            citizen.user = None
            citizen.save()
    return case
