"""The live server answers on the tests' frozen day (``BEFORE_CHRISTMAS``, Monday 14 December
2026), not on the wall clock's: the case page marks a dispatch deadline as passed by the
server's own ``clock.today()``. Two cases sit on meetings either side of Christmas, with
deadlines counted by hand: Tuesday 29 December (deadline Friday 11 December, passed) and
Wednesday 30 December (deadline Monday 14 December, today, not passed)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser

from conftest import BEFORE_CHRISTMAS, local
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.organisations.models import RehabTeam

from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_server_counts_deadlines_from_the_frozen_day(
    browser: Browser, live_server, demo_users, tmp_path
):
    assert clock.now() == BEFORE_CHRISTMAS
    team = RehabTeam.objects.get(municipality__code="461")
    cast = Cast(demo_users["sagsbehandler"], demo_users["sekretariat"], demo_users["koordinator"])
    citizen = citizen_services.create_citizen(
        actor=cast.caseworker,
        cpr="1203851234",
        name="Bente Nielsen",
        municipality=team.municipality,
        course_start=dt.date(2026, 6, 1),
    )
    citizen_services.record_guidance(
        actor=cast.caseworker, citizen=citizen, given_on=dt.date(2026, 6, 1), channel="letter"
    )
    urls = {}
    for day in (dt.date(2026, 12, 29), dt.date(2026, 12, 30)):
        meeting = meeting_services.create_meeting(
            actor=cast.secretariat, team=team, starts_at=local(day, 9), ends_at=local(day, 12)
        )
        case = walk_case_to(
            new_case(citizen=citizen, caseworker=cast.caseworker),
            Status.SCHEDULED,
            cast=cast,
            meeting=meeting,
        )
        urls[day] = f"{live_server.url}/sager/{case.pk}/"

    caseworker = Session(browser, live_server.url, "sagsbehandler", tmp_path)
    page = caseworker.page
    page.goto(urls[dt.date(2026, 12, 29)])
    deadline = page.locator("dt", has_text="Frist for afsendelse").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert "11. december 2026" in deadline.inner_text()
    assert "Overskredet" in deadline.inner_text()
    page.goto(urls[dt.date(2026, 12, 30)])
    assert "14. december 2026" in deadline.inner_text()
    assert "Overskredet" not in deadline.inner_text()
    caseworker.close()
