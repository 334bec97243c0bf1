"""A meeting that changes, walked in Chromium on Monday 14 December 2026: the secretariat moves a
meeting a day later from its agenda, then cancels it and moves its case to another meeting;
the coordinator opens the start page and finds today's conversation. Each page is checked with
axe, at 1280 px and at 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from conftest import local
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.models import RehabTeam

from .conftest import guided_citizen
from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _meeting(demo_users, team, day: dt.date, start: int = 9, end: int = 12) -> Meeting:
    return meeting_services.create_meeting(
        actor=demo_users["sekretariat"],
        team=team,
        starts_at=local(day, start),
        ends_at=local(day, end),
    )


def test_the_secretariat_moves_and_cancels_a_meeting(
    browser: Browser, live_server, demo_users, tmp_path
):
    team = RehabTeam.objects.get(municipality__code="461")
    first = _meeting(demo_users, team, dt.date(2027, 1, 12))
    other = _meeting(demo_users, team, dt.date(2027, 1, 19))
    cast = Cast(demo_users["sagsbehandler"], demo_users["sekretariat"], demo_users["koordinator"])
    citizen = guided_citizen(demo_users)
    case = walk_case_to(
        new_case(citizen=citizen, caseworker=demo_users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=cast,
        meeting=first,
    )

    ready = walk_case_to(
        new_case(citizen=citizen, caseworker=demo_users["sagsbehandler"]),
        Status.READY,
        cast=cast,
    )

    secretary = Session(browser, live_server.url, "sekretariat", tmp_path)
    page = secretary.page
    page.goto(f"{live_server.url}/moeder/{first.pk}/")
    # The workbench: the ready case goes on the agenda and up front without leaving the page.
    page.get_by_role("button", name="Sæt på dette møde").click()
    expect(page.get_by_text(f"{ready.reference} er sat på dagsordenen.")).to_be_visible()
    page.get_by_role("button", name=f"Flyt {ready.reference} op").click()
    expect(page.get_by_text("Rækkefølgen er ændret", exact=False)).to_be_visible()
    first_row = page.get_by_role("row").nth(1)
    expect(first_row).to_contain_text(ready.reference)
    expect(first_row).to_contain_text("09:00")
    assert page.url.endswith(f"/moeder/{first.pk}/")
    secretary.check("sekretariat-dagsorden-arbejdsbord")

    page.get_by_role("link", name="Ret tid eller sted").click()
    page.get_by_label("Starter").fill("2027-01-13T09:00")
    page.get_by_label("Slutter").fill("2027-01-13T12:00")
    page.get_by_label("Årsag til ændringen").fill("Teamets leder er på kursus.")
    secretary.check("sekretariat-ret-moede")
    page.get_by_role("button", name="Gem ændringen").click()
    expect(page.get_by_text("Mødet er ændret.", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("13. januar 2027")
    expect(page.get_by_text("Teamets leder er på kursus.", exact=False)).to_be_visible()
    secretary.check("sekretariat-flyttet-moede")

    page.get_by_role("link", name="Aflys mødet").click()
    page.get_by_label("Årsag", exact=True).select_option("coordinator_ill")
    page.get_by_label("Flyt sagerne til").select_option(str(other.pk))
    page.get_by_role("button", name="Aflys mødet").click()
    expect(page.get_by_text("Sæt flueben for at bekræfte.").first).to_be_visible()
    page.get_by_label("Jeg vil aflyse mødet", exact=False).check()
    secretary.check("sekretariat-aflys-moede")
    page.get_by_role("button", name="Aflys mødet").click()
    expect(page.get_by_text("Mødet er aflyst, og deltagerne har fået besked.")).to_be_visible()
    expect(page.get_by_text("Sundhedskoordinatoren er syg", exact=False).first).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    secretary.check("sekretariat-390-aflyst-moede")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/moeder/")
    expect(page.get_by_text("2 sager · 2 ikke sendt")).to_be_visible()
    secretary.check("sekretariat-390-moeder")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    secretary.close()

    moved = AgendaItem.objects.get(case=case, cancelled_at__isnull=True)
    assert moved.meeting_id == other.pk


def test_the_coordinator_finds_todays_conversation_on_the_start_page(
    browser: Browser, live_server, demo_users, tmp_path
):
    team = RehabTeam.objects.get(municipality__code="461")
    # Today, Monday 14 December, in the afternoon: put on the agenda late, with the reason.
    today = _meeting(demo_users, team, dt.date(2026, 12, 14), 13, 16)
    cast = Cast(demo_users["sagsbehandler"], demo_users["sekretariat"], demo_users["koordinator"])
    case = walk_case_to(
        new_case(citizen=guided_citizen(demo_users), caseworker=demo_users["sagsbehandler"]),
        Status.SENT,
        cast=cast,
        meeting=today,
        late_reason="Borgeren har akut behov for afklaring.",
    )
    coordinator = Session(browser, live_server.url, "koordinator", tmp_path)
    page = coordinator.page
    expect(page.get_by_role("heading", name="Mine samtaler")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("13:00")
    expect(row).to_contain_text("Samtalen venter")
    coordinator.check("koordinator-mine-samtaler")
    page.set_viewport_size({"width": 390, "height": 844})
    coordinator.check("koordinator-390-mine-samtaler")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    coordinator.close()
