"""What the case app hands the letters (``documents.letters``): the plain data of each document it
issues, read from the case, the meeting and their people here, so that the letters read no model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from sundhedskoordinator.core import clock
from sundhedskoordinator.documents.letters import (
    AdviceLetter,
    AgendaLetter,
    AgendaRow,
    DecisionLetter,
    Letterhead,
    LetterOffer,
    PackageLetter,
)
from sundhedskoordinator.meetings.models import Meeting

from .choices import OUTCOME_HEADINGS, DocumentKind, OfferKind, Outcome
from .models import Advice, AgendaItem, Case, Decision, Dispatch
from .texts import DEFAULT_APPEAL_GUIDANCE


def _municipal(case: Case, issued_on: dt.date, unit: str = "") -> Letterhead:
    return Letterhead(
        sender=case.municipality.name,
        sender_unit=unit,
        reference=case.reference,
        issued_on=issued_on,
    )


def agenda_letter(meeting: Meeting, items: Iterable[AgendaItem], notice: str = "") -> AgendaLetter:
    """The agenda as it stands, from ``selectors.agenda_items`` (each with ``sent_on``), with a
    notice of what changed since the last version."""
    return AgendaLetter(
        notice=notice,
        cancelled=meeting.cancelled_at is not None,
        head=Letterhead(
            sender=meeting.municipality.name,
            sender_unit=meeting.host_name,
            reference=f"Møde {meeting.date:%d.%m.%Y}",
            issued_on=clock.today(),
        ),
        team=meeting.host_name,
        date=meeting.date,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        dispatch_deadline=meeting.dispatch_deadline,
        rows=[
            AgendaRow(
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                reference=item.case.reference,
                citizen_name=item.case.citizen.name,
                with_companion=bool(item.companion_name),
                coordinator=str(item.coordinator),
                attendee=str(item.attendee),
                sent_on=getattr(item, "sent_on", None),
            )
            for item in items
        ],
    )


def package_letter(dispatch: Dispatch) -> PackageLetter:
    """The package exactly as its snapshot froze it, with the names of its kinds."""
    package = dispatch.snapshot
    offer_kinds, document_kinds = dict(OfferKind.choices), dict(DocumentKind.choices)
    return PackageLetter(
        head=_municipal(dispatch.case, timezone.localtime(dispatch.sent_at).date()),
        package=package,
        offer_kind=str(offer_kinds.get(package["offer"]["kind"], "")),
        documents=[
            {**d, "label": str(document_kinds.get(d["kind"], d["kind"]))}
            for d in package["documents"]
        ],
        starts_at=dt.datetime.fromisoformat(package["agenda_item"]["starts_at"]),
        ends_at=dt.datetime.fromisoformat(package["agenda_item"]["ends_at"]),
        sent_at=dispatch.sent_at,
        late=dispatch.is_late,
        deadline=dispatch.deadline,
    )


def advice_letter(advice: Advice) -> AdviceLetter:
    """The coordinator's written advice, sent by the region's Klinisk Funktion."""
    case = advice.case
    region = case.municipality.region
    return AdviceLetter(
        head=Letterhead(
            sender=region.clinical_function_name or region.name,
            sender_unit=region.name,
            reference=case.reference,
            issued_on=timezone.localtime(advice.submitted_at).date(),
        ),
        citizen_name=case.citizen.name,
        municipality=case.municipality.name,
        conversation_started_at=advice.conversation.started_at,
        conversation_ended_at=advice.conversation.ended_at,
        text=advice.text,
        accommodations=advice.accommodations,
        version=advice.version,
        correction_reason=advice.correction_reason,
        submitted_at=advice.submitted_at,
        submitted_by=str(advice.submitted_by),
    )


def appeal_guidance_for(case: Case) -> str:
    """The municipality's own appeal guidance, else the deployment's, else the default text."""
    return (
        case.municipality.appeal_guidance.strip()
        or settings.DECISION_APPEAL_GUIDANCE.strip()
        or DEFAULT_APPEAL_GUIDANCE
    )


def decision_letter(decision: Decision) -> DecisionLetter:
    """The decision to the citizen, with the latest advice's date and the appeal guidance."""
    case = decision.case
    latest = case.advice_versions.order_by("-version").first()
    outcome = Outcome(decision.outcome)
    after = decision.offer_version
    # The offer the citizen asked about: the one before the decision's version (a preview's
    # version is not saved, so the case's offer is still that one).
    before = (
        case.offer_versions.filter(version__lt=after.version).first()
        if after is not None and after.pk is not None
        else None
    ) or case.offer
    new_offer = (
        LetterOffer(
            kind=str(OfferKind(after.kind).label),
            provider=after.provider,
            start_date=after.start_date,
            hours_per_week=after.hours_per_week,
            content=after.content,
            demands=after.demands,
        )
        if after is not None
        else None
    )
    return DecisionLetter(
        head=_municipal(case, timezone.localtime(decision.decided_at).date(), "Jobcentret"),
        citizen_name=case.citizen.name,
        heading=str(OUTCOME_HEADINGS[outcome]),
        outcome=str(outcome.label),
        offer_kind=str(OfferKind(before.kind).label),
        provider=before.provider,
        text=decision.text,
        decided_at=decision.decided_at,
        decided_by=str(decision.decided_by),
        advice_submitted_at=latest.submitted_at if latest else None,
        appeal_guidance=appeal_guidance_for(case),
        new_offer=new_offer,
    )
