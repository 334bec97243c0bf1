"""iCalendar (RFC 5545) files, built with the ``icalendar`` package from plain appointment data
handed over by the case app (this module reads no model).

Each appointment has a stable UID, so a calendar program updates or removes the same entry: a new
invitation is METHOD:REQUEST with SEQUENCE 0, a moved one the same UID with the next SEQUENCE, and
a cancelled one METHOD:CANCEL with STATUS:CANCELLED and the next SEQUENCE again. Times carry their
Europe/Copenhagen zone (VTIMEZONE included). No health data goes into a calendar: the caller hands
over only the case reference, the place and the people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

from sundhedskoordinator.core import clock

PRODID = "-//Sundhedskoordinator//Ret til sundhedskoordinator//DA"


@dataclass(frozen=True)
class Participant:
    name: str
    email: str


@dataclass(frozen=True)
class Appointment:
    """One calendar event. ``cancelled`` is None for an event that is only published (a team's
    meeting), so it carries no status and no organiser."""

    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str
    organizer: str = ""
    participants: tuple[Participant, ...] = ()
    cancelled: bool | None = None
    # Raised at each change; a calendar replaces the entry of the same UID only by a higher one.
    sequence: int = 0


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _event(appointment: Appointment) -> Event:
    event = Event()
    event.add("uid", f"{appointment.uid}@sundhedskoordinator")
    event.add("dtstamp", clock.now())
    event.add("dtstart", appointment.starts_at.astimezone(_zone()))
    event.add("dtend", appointment.ends_at.astimezone(_zone()))
    event.add("summary", appointment.summary)
    event.add("location", appointment.location)
    event.add("sequence", appointment.sequence)
    if appointment.cancelled is None:
        return event
    event.add("status", "CANCELLED" if appointment.cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = appointment.organizer
    event.add("organizer", organizer)
    for person in appointment.participants:
        if person.email:
            attendee = vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = person.name
            attendee.params["role"] = "REQ-PARTICIPANT"
            event.add("attendee", attendee, encode=False)
    return event


def invitation(appointment: Appointment) -> bytes:
    """The invitation to one appointment, or its cancellation."""
    calendar = _calendar("CANCEL" if appointment.cancelled else "REQUEST")
    calendar.add_component(_event(appointment))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def publication(appointments: Iterable[Appointment]) -> bytes:
    """Several events published together (a meeting and its items, for a team's calendars)."""
    calendar = _calendar("PUBLISH")
    for appointment in appointments:
        calendar.add_component(_event(appointment))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
