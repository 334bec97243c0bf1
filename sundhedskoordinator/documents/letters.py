"""The documents the procedure issues, rendered to PDF from plain data the issuing app hands
over (one dataclass per letter, below): this module reads no case, meeting or citizen.

Each function returns the PDF bytes; the services that issue them store the bytes with the case
(or the meeting, or the guidance) in the same transaction as the step that issues them, so what
was sent can always be shown again exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sundhedskoordinator.core import clock

from .models import IssuedDocument, IssuedKind
from .pdf import render_html, render_pdf
from .storage import store_version

if TYPE_CHECKING:
    from sundhedskoordinator.organisations.models import User


@dataclass(frozen=True)
class Letterhead:
    """Who sends the letter, its reference and the day it is issued."""

    sender: str
    reference: str
    issued_on: dt.date
    sender_unit: str = ""

    def context(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "sender_unit": self.sender_unit,
            "reference": self.reference,
            "issued_on": self.issued_on,
        }


@dataclass(frozen=True)
class GuidanceLetter:
    head: Letterhead
    citizen_name: str
    municipality: str
    given_by: str
    meeting_phrase: str = "et møde i rehabiliteringsteamet"


@dataclass(frozen=True)
class AgendaRow:
    starts_at: dt.datetime
    ends_at: dt.datetime
    reference: str
    citizen_name: str
    with_companion: bool
    coordinator: str
    attendee: str
    sent_on: dt.date | None


@dataclass(frozen=True)
class AgendaLetter:
    head: Letterhead
    team: str
    date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    dispatch_deadline: dt.date
    rows: list[AgendaRow] = field(default_factory=list)
    # What changed since the last version (the meeting moved or was cancelled), said first.
    notice: str = ""
    cancelled: bool = False


@dataclass(frozen=True)
class PackageLetter:
    """The package as sent: its frozen snapshot, with the labels of its kinds."""

    head: Letterhead
    package: dict[str, Any]
    offer_kind: str
    documents: list[dict[str, Any]]
    starts_at: dt.datetime
    ends_at: dt.datetime
    sent_at: dt.datetime
    late: bool
    deadline: dt.date


@dataclass(frozen=True)
class AdviceLetter:
    head: Letterhead
    citizen_name: str
    municipality: str
    conversation_started_at: dt.datetime
    conversation_ended_at: dt.datetime
    text: str
    accommodations: str
    version: int
    correction_reason: str
    submitted_at: dt.datetime
    submitted_by: str


@dataclass(frozen=True)
class LetterOffer:
    """The offer as the decision leaves it: adjusted, or the other offer."""

    kind: str
    provider: str
    start_date: dt.date | None
    hours_per_week: Decimal | None
    content: str
    demands: str


@dataclass(frozen=True)
class DecisionLetter:
    head: Letterhead
    citizen_name: str
    heading: str
    outcome: str
    offer_kind: str
    provider: str
    text: str
    decided_at: dt.datetime
    decided_by: str
    advice_submitted_at: dt.datetime | None
    appeal_guidance: str
    new_offer: LetterOffer | None = None


@dataclass(frozen=True)
class AppointmentLetter:
    """The citizen's summons to the conversation, or the notice that it moved or was cancelled."""

    head: Letterhead
    citizen_name: str
    #: "summons", "meeting_changed" or "cancelled".
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    coordinator: str
    caseworker: str
    #: Why it moved or was cancelled, as the municipality wrote it (no health data).
    reason: str = ""


def _render(template: str, letter: Any) -> bytes:
    return render_pdf(f"documents/pdf/{template}.html", {**letter.head.context(), "letter": letter})


def appointment_letter(letter: AppointmentLetter) -> bytes:
    return _render("appointment_letter", letter)


def guidance_letter(letter: GuidanceLetter) -> bytes:
    return _render("guidance_letter", letter)


def agenda(letter: AgendaLetter) -> bytes:
    return _render("agenda", letter)


def case_package(letter: PackageLetter) -> bytes:
    return _render("case_package", letter)


def advice(letter: AdviceLetter) -> bytes:
    return _render("advice", letter)


def decision_letter(letter: DecisionLetter) -> bytes:
    return _render("decision_letter", letter)


def decision_letter_html(letter: DecisionLetter) -> str:
    """The decision letter's text as the PDF has it, for the caseworker to read before sending
    (the body the PDF template includes, without its page layout)."""
    return render_html(
        "documents/pdf/decision_letter_body.html",
        {**letter.head.context(), "letter": letter, "level": 3},
    )


def store_issued(
    *,
    kind: IssuedKind,
    content: bytes,
    actor: User,
    meeting_id: int | None = None,
    guidance_id: int | None = None,
) -> IssuedDocument:
    """Keep an issued PDF that belongs to a meeting (an agenda) or a guidance (its letter), as its
    next version (``storage.store_version``)."""
    document = IssuedDocument(
        kind=kind,
        meeting_id=meeting_id,
        guidance_id=guidance_id,
        issued_at=clock.now(),
        issued_by=actor,
    )
    owner = {"meeting_id": meeting_id} if meeting_id is not None else {"guidance_id": guidance_id}
    return store_version(
        document,
        content,
        name=f"{kind}.pdf",
        versions=IssuedDocument.objects.filter(kind=kind, **owner),
    )
