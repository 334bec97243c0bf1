"""Two things a person would notice, walked in Chromium: the citizen names her companion on her
phone before the conversation, and the caseworker's withdrawal stops at the tick that names what
will happen. Checked with axe."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from conftest import local
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.organisations.models import RehabTeam

from .conftest import guided_citizen
from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_companion_on_a_phone_and_a_confirmed_withdrawal(
    browser: Browser, live_server, demo_users, tmp_path
):
    team = RehabTeam.objects.get(municipality__code="461")
    caseworker = demo_users["sagsbehandler"]
    citizen = guided_citizen(demo_users)
    meeting = meeting_services.create_meeting(
        actor=demo_users["sekretariat"],
        team=team,
        starts_at=local(dt.date(2027, 1, 12), 9),
        ends_at=local(dt.date(2027, 1, 12), 12),
    )
    cast = Cast(caseworker, demo_users["sekretariat"], demo_users["koordinator"])
    case = walk_case_to(
        new_case(citizen=citizen, caseworker=caseworker),
        Status.SCHEDULED,
        cast=cast,
        meeting=meeting,
    )

    borger = Session(browser, live_server.url, "borger", tmp_path)
    page = borger.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/sager/{case.pk}/")
    page.get_by_text("Tag en bisidder med").click()
    page.get_by_label("Bisidderens navn").fill("Hanne Hansen")
    page.get_by_label("Bisidderens forhold til dig").fill("søster")
    borger.check("borger-390-bisidder")
    page.get_by_role("button", name="Gem bisidderen").click()
    expect(page.get_by_text("Bisidderen er gemt.")).to_be_visible()
    expect(page.get_by_text("Hanne Hansen (søster)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    borger.close()

    worker = Session(browser, live_server.url, "sagsbehandler", tmp_path)
    page = worker.page
    page.goto(f"{live_server.url}/sager/{case.pk}/")
    page.get_by_label("Begrundelse").last.fill("Borgeren ønsker ikke at gå videre.")
    page.get_by_role("button", name="Træk tilbage").click()
    expect(page.get_by_text("Sæt flueben for at bekræfte.").first).to_be_visible()
    worker.check("sagsbehandler-traek-tilbage-uden-flueben")
    page.get_by_label("Jeg vil trække sagen tilbage", exact=False).check()
    page.get_by_role("button", name="Træk tilbage").click()
    expect(
        page.get_by_text("Anmodningen er trukket tilbage, og sagen er afsluttet.")
    ).to_be_visible()
    worker.close()
