"""iCalendar (RFC 5545) for meetings and agenda items, built with the ``icalendar`` package.

Each agenda item is one event with a stable UID, so a calendar program updates or removes the
same entry: a new invitation is METHOD:REQUEST with SEQUENCE 0, a cancelled item METHOD:CANCEL
with STATUS:CANCELLED and SEQUENCE 1. Times carry their Europe/Copenhagen zone (VTIMEZONE
included). No health data goes into a calendar: only the case reference and the place.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

from sundhedskoordinator.core import clock

from .models import AgendaItem, Meeting

PRODID = "-//Sundhedskoordinator//Ret til sundhedskoordinator//DA"


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _item_event(item: AgendaItem) -> Event:
    event = Event()
    event.add("uid", f"agenda-item-{item.pk}@sundhedskoordinator")
    event.add("dtstamp", clock.now())
    event.add("dtstart", item.starts_at.astimezone(_zone()))
    event.add("dtend", item.ends_at.astimezone(_zone()))
    event.add("summary", f"Samtale med sundhedskoordinator – sag {item.case.reference}")
    event.add("location", item.meeting.location)
    cancelled = item.cancelled_at is not None
    event.add("sequence", 1 if cancelled else 0)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = str(item.meeting.team)
    event.add("organizer", organizer)
    for person in (item.coordinator, item.attendee):
        if person.email:
            attendee = vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = str(person)
            attendee.params["role"] = "REQ-PARTICIPANT"
            event.add("attendee", attendee, encode=False)
    return event


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def item_invitation(item: AgendaItem) -> bytes:
    """The invitation (or cancellation) for one agenda item."""
    calendar = _calendar("CANCEL" if item.cancelled_at else "REQUEST")
    calendar.add_component(_item_event(item))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def meeting_calendar(meeting: Meeting, items: Iterable[AgendaItem]) -> bytes:
    """The team's meeting as one event, and its active items, for the team's calendars."""
    calendar = _calendar("PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@sundhedskoordinator")
    event.add("dtstamp", clock.now())
    event.add("dtstart", meeting.starts_at.astimezone(_zone()))
    event.add("dtend", meeting.ends_at.astimezone(_zone()))
    event.add("summary", f"{meeting.get_kind_display()} – {meeting.team}")
    event.add("location", meeting.location)
    event.add("sequence", 0)
    calendar.add_component(event)
    for item in items:
        calendar.add_component(_item_event(item))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
