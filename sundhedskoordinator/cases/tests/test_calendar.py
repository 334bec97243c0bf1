"""The .ics files parse, carry the right local times, and update or cancel the same event."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.appointments import item_invitation
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def _events(ics):
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


def test_the_meeting_calendar_has_the_meeting_and_its_items_in_copenhagen_time(world, api):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    response = api("sekretariat").get(f"/meetings/{world.meeting.pk}/calendar.ics")
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Copenhagen"
    meeting, item = _events(response.content)
    assert meeting.decoded("DTSTART") == dt.datetime(2026, 12, 15, 9, 0, tzinfo=CPH)
    assert item.decoded("DTSTART") == dt.datetime(2026, 12, 15, 9, 0, tzinfo=CPH)
    assert item.decoded("DTEND") == dt.datetime(2026, 12, 15, 9, 45, tzinfo=CPH)
    assert case.reference in str(item["SUMMARY"])
    assert "ryg" not in response.content.decode().lower()  # no health data in a calendar


def test_a_cancelled_item_cancels_the_same_event(world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    item = case.agenda_items.get()
    invitation = Calendar.from_ical(item_invitation(item))
    services.unschedule_case(actor=world.users["sekretariat"], case_id=case.pk, reason="Ny tid")
    item.refresh_from_db()
    cancellation = Calendar.from_ical(item_invitation(item))
    assert invitation["METHOD"] == "REQUEST" and cancellation["METHOD"] == "CANCEL"
    (first,), (second,) = invitation.walk("VEVENT"), cancellation.walk("VEVENT")
    assert first["UID"] == second["UID"]
    assert second["STATUS"] == "CANCELLED"
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
