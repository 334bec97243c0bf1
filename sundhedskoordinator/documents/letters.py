"""The documents the procedure issues, rendered to PDF from plain data the issuing app hands
over (one dataclass per letter, below): this module reads no case, meeting or citizen.

Each function returns the PDF bytes; the services that issue them store the bytes with the case
(or the meeting, or the guidance) in the same transaction as the step that issues them, so what
was sent can always be shown again exactly.

Rendering takes tenths of a second to seconds, and a write transaction holds locks (on SQLite the
one write lock of the whole database) for as long as it is open. So a step that issues letters
runs under ``rendered_first``: asked inside its transaction for a letter it has not rendered yet,
the step is rolled back, the letter is rendered with no transaction open, and the step runs again
and finds it. The letter is compared by its data, so what is stored is exactly the letter of
the state the step commits.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext_lazy

from sundhedskoordinator.core import clock, files
from sundhedskoordinator.core.errors import ConflictError

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
    rendered = _rendered.get()
    if rendered is not None and _in_transaction():
        for done in rendered:
            if done.template == template and done.letter == letter:
                return done.pdf
        raise _Unrendered(template, letter)
    return _pdf(template, letter)


def _pdf(template: str, letter: Any) -> bytes:
    return render_pdf(f"documents/pdf/{template}.html", {**letter.head.context(), "letter": letter})


@dataclass(frozen=True)
class _Rendered:
    template: str
    letter: Any
    pdf: bytes

    @property
    def kind(self) -> tuple[str, str]:
        """Which letter it is, whatever it says: its template and its reference."""
        return self.template, self.letter.head.reference


#: The letters rendered for the step running under ``rendered_first`` (None outside one).
_rendered: ContextVar[list[_Rendered] | None] = ContextVar("letters_rendered", default=None)


class _Unrendered(Exception):  # noqa: N818 - a signal to render and try again, not an error
    """A letter asked for inside the step's transaction before it was rendered."""

    def __init__(self, template: str, letter: Any) -> None:
        super().__init__(template)
        self.template, self.letter = template, letter
        self.kind = (template, letter.head.reference)


def _in_transaction() -> bool:
    """Whether a transaction of the application is open (a test's own wrapping one is not)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


#: How many times one letter (its kind and reference) is rendered for one step before the step
#: gives up: each rendering beyond the first means what it says changed while it was rendered.
RENDERINGS_OF_A_LETTER = 3
#: How many letters one step renders at most before it gives up (a moved meeting writes to each
#: of its citizens; a letter whose reference changes with every run would never be found).
RENDERINGS_OF_A_STEP = 100
_CHANGED = gettext_lazy("Andre har ændret det samme imens. Hent siden igen og prøv igen.")


def rendered_first[**P, R](step: Callable[P, R]) -> Callable[P, R]:
    """Run ``step`` (which writes in its own transaction) so that no letter is rendered while
    its transaction is open: each letter it asks for there and has not had is rendered after the
    rollback, and the step runs again, at the same moment on the clock, until it finds every
    letter it asks for. Files the rolled-back runs saved are deleted. A step whose letter keeps
    changing while it is rendered is refused as changed by another."""

    @functools.wraps(step)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _rendered.get() is not None:  # a step within a step: the outer one renders
            return step(*args, **kwargs)
        rendered: list[_Rendered] = []
        token = _rendered.set(rendered)
        try:
            with clock.frozen(clock.now()):
                while True:
                    try:
                        with files.removed_if_failed():
                            return step(*args, **kwargs)
                    except _Unrendered as missing:
                        same = [r for r in rendered if r.kind == missing.kind]
                        if (
                            len(same) >= RENDERINGS_OF_A_LETTER
                            or len(rendered) >= RENDERINGS_OF_A_STEP
                        ):
                            raise ConflictError("stale_version", _CHANGED) from None
                        pdf = _pdf(missing.template, missing.letter)
                        rendered.append(_Rendered(missing.template, missing.letter, pdf))
        finally:
            _rendered.reset(token)

    return run


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
