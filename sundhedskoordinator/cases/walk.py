"""Walking a case along the procedure's happy path through the real services, used by the demo
world and by tests ("reach a state through the services, never by setting the field")."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfWriter

from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import deadline_passed
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.models import User

from . import services
from .choices import DocumentKind, OfferKind, Outcome, RejectionReason, RequestChannel, Status
from .models import OFFER_FIELDS, Case

HAPPY_PATH = [
    Status.DRAFT,
    Status.REQUESTED,
    Status.READY,
    Status.SCHEDULED,
    Status.SENT,
    Status.HELD,
    Status.ADVISED,
    Status.DECIDED,
    Status.CLOSED,
]

SAMPLE_OFFER: dict[str, Any] = {
    "kind": "company_internship",
    "provider": "Fynsk Genbrug ApS, Odense",
    "start_date": None,
    "hours_per_week": "12",
    "content": "Virksomhedspraktik på lager med sortering og registrering af varer.",
    "demands": "Fremmøde tre dage om ugen kl. 9–13, let løft op til 10 kg, skiftende "
    "arbejdsstillinger og samarbejde med kolleger.",
}
SAMPLE_CONCERN: dict[str, Any] = {
    "text": "Jeg har kroniske smerter i lænden og kan ikke stå eller løfte i længere tid. "
    "Fremmøde kl. 9 er svært på grund af medicinen.",
    "areas": ["fysisk belastning", "arbejdstid"],
    "channel": RequestChannel.MEETING,
}


def _sample_pdf() -> bytes:
    """A real one-page PDF (made with pypdf), so the walk attaches files that pass inspection."""

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


SAMPLE_PDF = _sample_pdf()


@dataclass(frozen=True)
class Cast:
    """The people who move a case along."""

    caseworker: User
    secretariat: User
    coordinator: User


def new_case(
    *,
    citizen: Citizen,
    caseworker: User,
    offer: dict[str, Any] | None = None,
    concern: dict[str, Any] | None = SAMPLE_CONCERN,
) -> Case:
    """A draft with the sample offer and, unless ``concern=None``, the citizen's description."""
    offer = dict(SAMPLE_OFFER if offer is None else offer)
    return services.create_case(
        actor=caseworker, citizen=citizen, offer=offer, health_concern=concern
    ).case


def decided_offer(case: Case, outcome: str) -> dict[str, Any] | None:
    """The offer a sample decision records: the case's offer with the advice's accommodations
    (adjust), a mentor programme starting in two weeks (other offer), or none (unchanged)."""
    if outcome == Outcome.ADJUST:
        return {
            **{k: getattr(case.offer, k) for k in OFFER_FIELDS},
            "demands": "Fremmøde tre dage om ugen kl. 10–13, ingen løft over 5 kg, skiftende "
            "arbejdsstillinger og en pause hver time.",
        }
    if outcome == Outcome.OTHER_OFFER:
        return {
            "kind": OfferKind.MENTOR,
            "provider": "Jobcentrets mentorkorps",
            "start_date": clock.today() + dt.timedelta(days=14),
            "hours_per_week": "6",
            "content": "Mentorforløb med samtaler og afprøvning af opgaver i roligt tempo.",
            "demands": "Fremmøde to formiddage om ugen; ingen fysiske krav.",
        }
    return None


def walk_case_to(
    case: Case,
    target: Status,
    *,
    cast: Cast,
    meeting: Meeting | None = None,
    late_reason: str = "",
    outcome: str = Outcome.ADJUST,
) -> Case:
    """Take ``case`` from its state along the happy path to ``target``. Steps up to dispatch run
    at the current (possibly frozen) time; the conversation and what follows run at the meeting's
    time, as they would."""
    if target == Status.WITHDRAWN:
        return services.withdraw_case(
            actor=cast.caseworker, case_id=case.pk, reason="Borgeren ønsker ikke at gå videre."
        )
    if target == Status.REJECTED:
        if case.status == Status.DRAFT:
            case = walk_case_to(case, Status.REQUESTED, cast=cast)
        return services.reject_case(
            actor=cast.caseworker,
            case_id=case.pk,
            reason="Borgerens ressourceforløb er ophørt.",
            reason_code=RejectionReason.NOT_IN_RESOURCE_COURSE,
        )
    steps = HAPPY_PATH[HAPPY_PATH.index(Status(case.status)) + 1 : HAPPY_PATH.index(target) + 1]
    for step in steps:
        case = _step(case, step, cast, meeting, late_reason, outcome)
    return case


def _step(
    case: Case, step: Status, cast: Cast, meeting: Meeting | None, late_reason: str, outcome: str
) -> Case:
    pk = case.pk
    if step == Status.REQUESTED:
        return services.submit_case(
            actor=cast.caseworker, case_id=pk, channel=RequestChannel.MEETING
        )
    if step == Status.READY:
        services.add_document(
            actor=cast.caseworker,
            case_id=pk,
            kind=DocumentKind.ACTION_PLAN,
            filename="indsatsplan.pdf",
            content=SAMPLE_PDF,
        )
        services.add_document(
            actor=cast.caseworker,
            case_id=pk,
            kind=DocumentKind.HEALTH_INFORMATION,
            filename="laegeattest.pdf",
            content=SAMPLE_PDF,
        )
        return services.complete_case(actor=cast.caseworker, case_id=pk)
    if step == Status.SCHEDULED:
        assert meeting is not None, "scheduling needs a meeting"  # noqa: S101
        reason = late_reason or (
            "Borgeren har akut behov for afklaring."
            if deadline_passed(meeting.dispatch_deadline, clock.today())
            else ""
        )
        return services.schedule_case(
            actor=cast.secretariat,
            case_id=pk,
            meeting_id=meeting.pk,
            coordinator_id=cast.coordinator.pk,
            late_reason=reason,
        )
    if step == Status.SENT:
        return services.dispatch_package(actor=cast.secretariat, case_id=pk)
    item = case.agenda_items.get(cancelled_at__isnull=True)
    started, ended = item.starts_at, item.starts_at + dt.timedelta(minutes=item.slot_minutes)
    if step == Status.HELD:
        with clock.frozen(max(clock.now(), ended + dt.timedelta(minutes=1))):
            return services.hold_conversation(
                actor=cast.coordinator, case_id=pk, started_at=started, ended_at=ended
            )
    if step == Status.ADVISED:
        with clock.frozen(max(clock.now(), ended + dt.timedelta(minutes=12))):
            return services.write_advice(
                actor=cast.coordinator,
                case_id=pk,
                text="Praktikken kan gennemføres, hvis arbejdet tilrettelægges med skiftende "
                "stillinger og uden gentagne løft.",
                accommodations="Ingen løft over 5 kg. Start kl. 10. Pauser hver time.",
            )
    if step == Status.DECIDED:
        with clock.frozen(max(clock.now(), ended + dt.timedelta(hours=2))):
            return services.decide_case(
                actor=cast.caseworker,
                case_id=pk,
                outcome=outcome,
                text="Praktikken tilpasses efter sundhedskoordinatorens rådgivning: start kl. 10 "
                "og ingen løft over 5 kg.",
                offer=decided_offer(case, outcome),
            )
    if step == Status.CLOSED:
        with clock.frozen(max(clock.now(), ended + dt.timedelta(days=1))):
            return services.close_case(actor=cast.caseworker, case_id=pk)
    raise ValueError(step)
