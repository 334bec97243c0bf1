"""Property-based: the text of a calendar file (the summary, the place, the people's names) is
read back by a calendar parser exactly as it was handed over, whatever it holds: Danish letters,
emoji, right-to-left text, HTML, and the characters iCalendar must escape (, ; \\ and line
breaks, where CR LF and CR are read back as the one line break iCalendar has); no text can add
a property or a component of its own."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from sundhedskoordinator.documents.calendar import Appointment, Participant, invitation, publication

PIECES = [
    *"abcæøåÆØÅ 019,;:\\\"'<>&/=+-@\n",
    "😀",
    "\u200f",
    "\u202e",
    "שלום",
    "<script>alert(1)</script>",
    "\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:indsat",
    "\r\nATTENDEE:mailto:x@example.org",
]
TYPED = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
#: A name is a parameter (CN), where RFC 5545 has no escapes and a backslash is a plain character
#: (paramtext); the icalendar package's reader takes it for an escape, so names are compared
#: without one here and ``test_a_backslash_in_a_name_is_written_as_rfc_5545_says`` checks it.
NAMES = st.lists(st.sampled_from([p for p in PIECES if "\\" not in p]), max_size=10).map("".join)

START = dt.datetime(2026, 12, 15, 8, 0, tzinfo=dt.UTC)


def _appointment(summary: str, location: str, name: str, cancelled: bool | None) -> Appointment:
    return Appointment(
        uid="case-1",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
        summary=summary,
        location=location,
        organizer=name,
        participants=(Participant(name=name, email="borger@example.org"),),
        cancelled=cancelled,
    )


def _line_breaks(text: str) -> str:
    """iCalendar text has one line break (RFC 5545 3.3.11: written "\\n"), so CR LF and CR
    come back as LF: the same break, not other text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@given(TYPED, TYPED, NAMES, st.sampled_from([None, False, True]))
@settings(deadline=None)
@example("Samtale; RHT-2026-00001, Ærø", "Ørbækvej 64\\n, 5220", 'Bente "B" Nielsen', False)
@example("a\r\nb\rc", "", "", None)
def test_calendar_text_is_read_back_as_typed(
    summary: str, location: str, name: str, cancelled: bool | None
) -> None:
    appointment = _appointment(summary, location, name, cancelled)
    summary, location, name = (_line_breaks(text) for text in (summary, location, name))
    for content in (invitation(appointment), publication([appointment])):
        calendar = Calendar.from_ical(content)
        (event,) = calendar.walk("VEVENT")
        assert str(event.get("summary")) == summary
        assert str(event.get("location")) == location
        if cancelled is not None:
            assert event.get("organizer").params["cn"] == name
            attendees = event["attendee"]
            (attendee,) = attendees if isinstance(attendees, list) else [attendees]
            assert attendee.params["cn"] == name


def test_a_backslash_in_a_name_is_written_as_rfc_5545_says() -> None:
    """paramtext (RFC 5545 3.1) allows a backslash and ends at the colon: CN is "Anne\\"."""
    content = invitation(_appointment("Samtale", "Odense", "Anne\\", cancelled=False))
    assert b"ORGANIZER;CN=Anne\\:mailto:" in content.replace(b"\r\n ", b"")
