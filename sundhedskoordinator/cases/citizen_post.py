"""The letters a case sends its citizen (the summons, the notice that the conversation moved or
was cancelled, the decision), handed to the post app, which sends each by the citizen's
channels and records it on the case."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.functional import Promise

from sundhedskoordinator.citizens.selectors import post_recipient
from sundhedskoordinator.documents import letters
from sundhedskoordinator.post import memo
from sundhedskoordinator.post.choices import LetterKind
from sundhedskoordinator.post.services import Letter, Sender, send_letter

from .appointments import item_invitation

if TYPE_CHECKING:
    from sundhedskoordinator.organisations.models import User

    from .models import AgendaItem, Case


def _send(case: Case, letter: Letter, actor: User | None) -> None:
    send_letter(
        letter=letter,
        recipient=post_recipient(case.citizen),
        sender=Sender.of(case.municipality),
        actor=actor,
    )


def _reservation_uid(item: AgendaItem) -> uuid.UUID:
    """The same calendar entry for the item on every letter (MeMo wants a version-4 form)."""
    derived = uuid.uuid5(uuid.NAMESPACE_URL, f"sundhedskoordinator:agenda-item:{item.pk}")
    return uuid.UUID(bytes=derived.bytes, version=4)


def appointment(
    case: Case,
    item: AgendaItem,
    kind: LetterKind,
    actor: User | None,
    reason: str | Promise = "",
) -> None:
    """Summon the citizen to the conversation of ``item``, or tell her it moved or was
    cancelled, with the calendar invitation (its update or cancellation)."""
    starts = timezone.localtime(item.starts_at)
    pdf = letters.appointment_letter(
        letters.AppointmentLetter(
            head=letters.Letterhead(
                sender=case.municipality.name,
                sender_unit="Jobcentret",
                reference=case.reference,
                issued_on=timezone.localdate(),
            ),
            citizen_name=case.citizen.name,
            kind=str(kind),
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            location=item.meeting.location,
            coordinator=str(item.coordinator),
            caseworker=str(item.attendee) if item.attendee else "",
            reason=str(reason),
        )
    )
    reservation = None
    if kind != LetterKind.CANCELLED:
        reservation = memo.Reservation(
            uid=_reservation_uid(item),
            description=f"Samtale med sundhedskoordinator – sag {case.reference}",
            location=item.meeting.location,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
        )
    _send(
        case,
        Letter(
            kind=kind,
            pdf=pdf,
            filename=f"{kind}-{case.reference}.pdf",
            case_id=case.pk,
            case_reference=case.reference,
            calendar=item_invitation(item),
            reservation=reservation,
            subtitle=f"{starts:%d.%m.%Y}",
        ),
        actor,
    )


def decision(case: Case, pdf: bytes, actor: User | None) -> None:
    _send(
        case,
        Letter(
            kind=LetterKind.DECISION,
            pdf=pdf,
            filename=f"afgoerelse-{case.reference}.pdf",
            case_id=case.pk,
            case_reference=case.reference,
        ),
        actor,
    )
