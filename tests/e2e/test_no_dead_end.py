"""The dead end of a draft that cannot be sent, walked in Chromium as the caseworker: "Send
anmodning" is refused for the missing demands and description, the page opens the edit form with
the errors at those fields, and the request goes out after they are written there, without
leaving the case. Checked with axe at 1280 px and at 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.organisations.models import RehabTeam

from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_draft_missing_its_demands_is_completed_on_the_case_page(
    browser: Browser, live_server, demo_users, tmp_path
):
    team = RehabTeam.objects.get(municipality__code="461")
    caseworker = demo_users["sagsbehandler"]
    citizen = citizen_services.create_citizen(
        actor=caseworker,
        cpr="1203851234",
        name="Bente Nielsen",
        municipality=team.municipality,
        course_start=dt.date(2026, 6, 1),
    )
    citizen_services.record_guidance(
        actor=caseworker, citizen=citizen, given_on=dt.date(2026, 6, 1), channel="letter"
    )
    case = new_case(
        citizen=citizen, caseworker=caseworker, offer={**SAMPLE_OFFER, "demands": ""}, concern=None
    )
    session = Session(browser, live_server.url, "sagsbehandler", tmp_path)
    page = session.page
    page.goto(f"{live_server.url}/sager/{case.pk}/")
    expect(page.get_by_text("Næste skridt: sagsbehandleren (eller borgeren)")).to_be_visible()
    page.get_by_label("Hvordan anmodede borgeren?").select_option("meeting")
    page.get_by_role("button", name="Send anmodning").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Krav til borgerens deltagelse")
    session.check("dead-end-refused")
    # The summary's link leads to the field, which is open and shows its error.
    alert.get_by_role("link", name="Krav til borgerens deltagelse").click()
    demands = page.locator("#id_edit-demands")
    expect(demands).to_be_visible()
    expect(demands).to_be_focused()
    demands.fill("Fremmøde tre dage om ugen kl. 9–13.")
    page.locator("#id_edit-health_concern").fill("Borgeren kan ikke stå længe ad gangen.")
    page.get_by_role("button", name="Gem ændringerne").click()
    expect(page.get_by_text("Tilbuddet og borgerens beskrivelse er gemt.")).to_be_visible()

    page.get_by_label("Hvordan anmodede borgeren?").select_option("meeting")
    page.get_by_role("button", name="Send anmodning").click()
    expect(page.get_by_text("Anmodningen er sendt.")).to_be_visible()
    expect(page.get_by_text("Anmodet").first).to_be_visible()
    assert page.url.endswith(f"/sager/{case.pk}/")
    session.check("dead-end-sent")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    session.check("dead-end-sent-390")
    session.close()
