"""The documents the procedure issues, built from the case's own data and rendered to PDF.

Each function returns the PDF bytes; the services that issue them store the bytes with the case
(or the meeting, or the guidance) in the same transaction as the step that issues them, so what
was sent can always be shown again exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from sundhedskoordinator.core import clock

from .models import IssuedDocument, IssuedKind
from .pdf import render_pdf

if TYPE_CHECKING:
    from sundhedskoordinator.cases.models import Advice, Case, Decision, Dispatch
    from sundhedskoordinator.citizens.models import Guidance
    from sundhedskoordinator.meetings.models import Meeting
    from sundhedskoordinator.organisations.models import User


def _municipal(case: Case) -> dict[str, Any]:
    return {"sender": case.municipality.name, "reference": case.reference}


def guidance_letter(guidance: Guidance) -> bytes:
    return render_pdf(
        "documents/pdf/guidance_letter.html",
        {
            "sender": guidance.citizen.municipality.name,
            "sender_unit": "Jobcentret",
            "municipality": guidance.citizen.municipality.name,
            "reference": f"V-{guidance.pk}",
            "citizen": guidance.citizen,
            "given_by": guidance.given_by,
            "issued_on": guidance.given_on,
        },
    )


def agenda(meeting: Meeting, items: Sequence[Any]) -> bytes:
    """The meeting's agenda with the items handed over by the case app (each with its case,
    coordinator, attendee and ``sent_on``, the local day its package was sent, or None)."""
    return render_pdf(
        "documents/pdf/agenda.html",
        {
            "sender": meeting.team.municipality.name,
            "sender_unit": meeting.team.name,
            "reference": f"Møde {meeting.date:%d.%m.%Y}",
            "meeting": meeting,
            "items": list(items),
            "issued_on": clock.today(),
        },
    )


def case_package(
    dispatch: Dispatch, *, offer_kinds: dict[str, Any], document_kinds: dict[str, Any]
) -> bytes:
    """The package as sent (its snapshot), with the names of the offer's and the documents'
    kinds handed over by the case app (this module imports none of it)."""
    package = dispatch.snapshot
    return render_pdf(
        "documents/pdf/case_package.html",
        {
            **_municipal(dispatch.case),
            "package": package,
            "offer_kind": offer_kinds.get(package["offer"]["kind"], ""),
            "documents": [
                {**d, "label": document_kinds.get(d["kind"], d["kind"])}
                for d in package["documents"]
            ],
            "starts_at": dt.datetime.fromisoformat(package["agenda_item"]["starts_at"]),
            "ends_at": dt.datetime.fromisoformat(package["agenda_item"]["ends_at"]),
            "sent_at": dispatch.sent_at,
            "late": dispatch.is_late,
            "deadline": dispatch.deadline,
            "issued_on": timezone.localtime(dispatch.sent_at).date(),
        },
    )


def advice(advice: Advice) -> bytes:
    region = advice.case.municipality.region
    return render_pdf(
        "documents/pdf/advice.html",
        {
            "sender": region.clinical_function_name or region.name,
            "sender_unit": region.name,
            "reference": advice.case.reference,
            "advice": advice,
            "issued_on": timezone.localtime(advice.submitted_at).date(),
        },
    )


def decision_letter(decision: Decision, *, heading: str, outcome: str, offer_kind: str) -> bytes:
    """The decision to the citizen; the outcome's heading and label and the offer's kind come
    from the case app."""
    case = decision.case
    return render_pdf(
        "documents/pdf/decision_letter.html",
        {
            **_municipal(case),
            "sender_unit": "Jobcentret",
            "decision": decision,
            "heading": heading,
            "outcome": outcome,
            "offer_kind": offer_kind,
            "advice": case.advice_versions.order_by("-version").first(),
            "appeal_guidance": settings.DECISION_APPEAL_GUIDANCE,
            "issued_on": timezone.localtime(decision.decided_at).date(),
        },
    )


def store_issued(
    *,
    kind: IssuedKind,
    content: bytes,
    actor: User,
    meeting: Meeting | None = None,
    guidance: Guidance | None = None,
) -> IssuedDocument:
    """Keep an issued PDF that belongs to a meeting or a guidance, as its next version."""
    version = 1
    if meeting is not None:
        version = IssuedDocument.objects.filter(meeting=meeting, kind=kind).count() + 1
    document = IssuedDocument(
        kind=kind,
        meeting=meeting,
        guidance=guidance,
        version=version,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_at=clock.now(),
        issued_by=actor,
    )
    document.file.save(f"{kind}.pdf", ContentFile(content), save=False)
    document.save()
    return document
