"""Opening and preparing a case: create, change, add documents, request the assessment, approve
it as complete, and hand the case to a colleague."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import (
    handler_role,
    holds_role,
    may_hand_on,
    writes_as_citizen,
)
from sundhedskoordinator.access.services import logs_refusals
from sundhedskoordinator.audit.services import record_event
from sundhedskoordinator.cases import limits, workflow
from sundhedskoordinator.cases.choices import (
    UPLOAD_KINDS,
    Action,
    ConcernAuthor,
    OfferChange,
    RequestChannel,
)
from sundhedskoordinator.cases.limits import check_lengths
from sundhedskoordinator.cases.models import AgendaItem, Case, Document, HealthConcern
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.selectors import has_written_guidance
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents.uploads import accept_upload
from sundhedskoordinator.meetings.selectors import agreement_on
from sundhedskoordinator.notifications.models import NotificationKind
from sundhedskoordinator.notifications.services import notify
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User

from .common import (
    GUIDANCE_MISSING,
    Result,
    Warning,
    _authorise,
    _case_refusals_logged,
    _finish,
    _found,
    _in_scope,
    _land,
    _lock,
    _next_reference,
    _save_offer,
    _store_document,
    _validate,
    offer_values,
)


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
    optionally with the offer and the citizen's description at once. The table's ``create``
    names who opens a case (by scope), the state it starts in and its event."""
    transition = workflow.TRANSITIONS[Action.CREATE]
    assert transition.target is not None  # noqa: S101 - the table opens a case in a state
    municipality_id = citizen.municipality_id
    actor_role = handler_role(actor, municipality_id)
    if actor_role is None or actor_role not in transition.by_scope:
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
            status=transition.target,
        )
        # A case made now has neither an offer nor a description yet: no need to look.
        unwritten = (Case.offer.related, Case.health_concern.related)
        for relation in unwritten:
            relation.set_cached_value(case, None)
        changed = _apply_changes(
            case, actor, actor_role, offer=offer, health_concern=health_concern
        )
        # What was not written now is looked up when asked for later, as on any case read
        # (another action may write it meanwhile).
        for relation in unwritten:
            if relation.get_cached_value(case) is None:
                relation.delete_cached_value(case)
        # One event for the whole action: what it recorded travels in its data.
        record_event(
            case=case,
            kind=transition.event,
            actor=actor,
            role=actor_role,
            to_state=case.status,
            data=changed.event_data() or None,
        )
        _land(case)
    return Result(case, changed.warnings)


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
    check_lengths({"no_health_information_note": (no_health_information_note, limits.NOTE)})
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.UPDATE, actor)
        if writes_as_citizen([role]) and (
            offer is not None or no_health_information_note is not None
        ):
            raise DomainError(
                workflow.ROLE_NOT_ALLOWED,
                _("Som borger kan du kun skrive din egen beskrivelse af helbredshensyn."),
                status=403,
            )
        changes: dict[str, Any] = {}
        changed = _apply_changes(case, actor, role, offer=offer, health_concern=health_concern)
        if no_health_information_note is not None:
            changes["no_health_information_note"] = no_health_information_note
            changed.fields.append("no_health_information_note")
        _finish(case, transition, actor, role, data=changed.event_data(), **changes)
    return Result(case, changed.warnings)


@dataclass
class _Changed:
    """What one create or update recorded, for its single event, and the warnings to show."""

    fields: list[str] = field(default_factory=list)
    written_by: str = ""
    warnings: list[Warning] = field(default_factory=list)

    def event_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"fields": sorted(self.fields)} if self.fields else {}
        if self.written_by:
            data["written_by"] = self.written_by
        return data


def _apply_changes(
    case: Case,
    actor: User,
    role: str,
    *,
    offer: dict[str, Any] | None,
    health_concern: dict[str, Any] | None,
) -> _Changed:
    check_lengths(
        {
            "offer.content": ((offer or {}).get("content"), limits.OFFER_TEXT),
            "offer.demands": ((offer or {}).get("demands"), limits.OFFER_TEXT),
            "health_concern": ((health_concern or {}).get("text"), limits.DESCRIPTION),
        }
    )
    limits.check_list(
        "health_concern.areas",
        list((health_concern or {}).get("areas") or []),
        count=limits.AREAS,
        length=limits.AREA,
    )
    changed = _Changed()
    warnings = changed.warnings
    now = clock.now()
    if offer is not None:
        is_new = getattr(case, "offer", None) is None
        if _save_offer(
            case,
            offer_values(offer),
            OfferChange.REGISTERED if is_new else OfferChange.EDITED,
            actor,
        ):
            changed.fields.append("offer")
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
    if health_concern is not None and not (health_concern.get("text") or "").strip():
        # An emptied description is taken out (health data written by mistake); a request
        # then finds it missing, as for a case that never had one. A citizen's empty text is
        # refused by the model's validation below instead.
        existing = getattr(case, "health_concern", None)
        if existing is not None and not writes_as_citizen([role]):
            existing.delete()
            case._state.fields_cache.pop("health_concern", None)
            changed.fields.append("health_concern")
            health_concern = None
    if health_concern is not None:
        instance = getattr(case, "health_concern", None) or HealthConcern(case=case)
        instance.text = health_concern.get("text") or ""
        instance.areas = list(health_concern.get("areas") or [])
        instance.written_by = (
            ConcernAuthor.CITIZEN if writes_as_citizen([role]) else ConcernAuthor.CASEWORKER
        )
        instance.channel = (
            RequestChannel.SELF_SERVICE
            if writes_as_citizen([role])
            else health_concern.get("channel") or RequestChannel.MEETING
        )
        instance.recorded_by, instance.recorded_at = actor, now
        _validate(instance, "health_concern")
        instance.save()
        case.health_concern = instance
        changed.fields.append("health_concern")
        changed.written_by = instance.written_by
    return changed


@_case_refusals_logged
def add_document(
    *, actor: User, case_id: int, kind: str, filename: str, content: bytes
) -> Document:
    """Attach a file to the case. It comes in through ``documents.uploads.accept_upload``: its
    type is judged from its whole content and its name, and it is scanned for malware; a file of
    a kind the case already holds becomes its next version, and earlier versions stay. The stored
    name is made by the system; the SHA-256 is kept and checked on every download."""
    if kind not in UPLOAD_KINDS:
        raise DomainError(
            workflow.INVALID_INPUT,
            _("Ukendt dokumentart."),
            fields={"kind": _("Vælg en af de kendte dokumentarter.")},
        )
    # Judging the file (its type from its content, the malware scan) takes long for a large one:
    # done before the write transaction, once the actor is known to be allowed to add it, so the
    # write lock is held only while the file and its row are kept.
    unlocked = _in_scope(actor, case_id).select_related(
        "citizen", "municipality__region", "responsible"
    )
    _authorise(_found(unlocked.first(), actor), Action.ADD_DOCUMENT, actor)
    file_type = accept_upload(filename=filename, content=content)
    with transaction.atomic(durable=True):
        case = _lock(case_id, None, actor)
        transition, role = _authorise(case, Action.ADD_DOCUMENT, actor)
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
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.SUBMIT, actor)
        if health_concern is not None:
            _apply_changes(case, actor, role, offer=None, health_concern=health_concern)
        today = clock.today()
        workflow.run_guards(
            transition,
            case,
            {
                "today": today,
                "right_groups": agreement_on(case.municipality.region_id, today).right_groups,
            },
        )
        if writes_as_citizen([role]):
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
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.COMPLETE, actor)
        agreement = agreement_on(case.municipality.region_id, clock.today())
        workflow.run_guards(
            transition,
            case,
            {
                "today": clock.today(),
                "required_document_kinds": agreement.required_document_kinds,
            },
        )
        return _finish(case, transition, actor, role)


@_case_refusals_logged
def reassign_case(
    *, actor: User, case_id: int, responsible_id: int, expected_version: int | None = None
) -> Case:
    """Hand the case to a colleague (DESIGN section 2): only the responsible caseworker or job
    broker, or the manager of the case's municipality, may; the new responsible must be an
    active caseworker or job broker of the municipality. A scheduled conversation follows: the
    new responsible attends where the old one would have. Both are told; the event is logged."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
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
