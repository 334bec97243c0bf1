"""The citizen on a 390 px phone: the borger.dk theme, her cases and her access log as one card
per row (no sideways scrolling), and the receipt after her request. Checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sundhedskoordinator.cases.walk import new_case

from .conftest import guided_citizen
from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _narrow_and_unscrolled(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_citizen_on_a_phone(browser: Browser, live_server, demo_users, tmp_path):
    caseworker = demo_users["sagsbehandler"]
    citizen = guided_citizen(demo_users)
    case = new_case(citizen=citizen, caseworker=caseworker, concern=None)
    session = Session(browser, live_server.url, "borger", tmp_path)
    page = session.page

    page.goto(f"{live_server.url}/sager/")
    _narrow_and_unscrolled(page)
    sheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert sheet is not None and "dkfds-borgerdk" in sheet
    cell = page.locator("table.app-cards td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Sag"'
    session.check("borger-390-mine-sager")

    page.get_by_role("link", name=case.reference).click()
    page.get_by_label("Hvor tager tilbuddet ikke hensyn til dit helbred?").fill(
        "Jeg kan ikke stå længe ad gangen."
    )
    page.get_by_role("button", name="Send anmodning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vi har modtaget din anmodning")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    session.check("borger-390-kvittering")

    page.goto(f"{live_server.url}/min-log/?mine=1")
    _narrow_and_unscrolled(page)
    assert page.locator("table.app-cards tr").count() >= 1
    session.check("borger-390-min-log")
    session.close()
