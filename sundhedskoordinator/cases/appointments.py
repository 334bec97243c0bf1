"""The calendar files of a meeting and its agenda items: the case app hands the calendar module
the plain data of each appointment (``documents.calendar`` reads no model)."""

from __future__ import annotations

from collections.abc import Iterable

from sundhedskoordinator.documents.calendar import (
    Appointment,
    Participant,
    invitation,
    publication,
)
from sundhedskoordinator.meetings.models import Meeting

from .models import AgendaItem


def item_appointment(item: AgendaItem) -> Appointment:
    """The conversation of one agenda item: the case reference and the place, never health data."""
    return Appointment(
        uid=f"agenda-item-{item.pk}",
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        summary=f"Samtale med sundhedskoordinator – sag {item.case.reference}",
        location=item.meeting.location,
        organizer=item.meeting.host_name,
        participants=tuple(
            Participant(name=str(person), email=person.email)
            for person in (item.coordinator, item.attendee)
        ),
        cancelled=item.cancelled_at is not None,
        sequence=item.sequence,
    )


def item_invitation(item: AgendaItem) -> bytes:
    """The invitation (or cancellation) for one agenda item."""
    return invitation(item_appointment(item))


def meeting_calendar(meeting: Meeting, items: Iterable[AgendaItem]) -> bytes:
    """The team's meeting as one event, and its active items, for the team's calendars."""
    whole = Appointment(
        uid=f"meeting-{meeting.pk}",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=f"{meeting.get_kind_display()} – {meeting.host_name}",
        location=meeting.location,
        sequence=meeting.sequence,
        # A cancelled meeting stays in the published calendar, marked cancelled.
        cancelled=True if meeting.cancelled_at else None,
    )
    return publication([whole, *(item_appointment(item) for item in items)])
