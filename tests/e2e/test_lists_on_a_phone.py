"""The caseworker's two lists with their new filters and search, at 1280 px and on a 390 px
phone: nothing scrolls sideways, and axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sundhedskoordinator.cases.walk import new_case

from .conftest import guided_citizen
from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_case_list_and_the_register_fit_a_phone(
    browser: Browser, live_server, demo_users, tmp_path
):
    citizen = guided_citizen(demo_users, of_borger=False)
    new_case(citizen=citizen, caseworker=demo_users["sagsbehandler"])
    session = Session(browser, live_server.url, "sagsbehandler", tmp_path)
    page = session.page
    for path, name, heading in (("/sager/", "sager", "Sager"), ("/borgere/", "borgere", "Borgere")):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.get_by_label("Søg efter", exact=False).fill("1203851234")
        page.get_by_role("button", name="Søg", exact=True).click()
        expect(page.get_by_text("120385-XXXX").first).to_be_visible()
        assert "1203851234" not in page.url
        session.check(f"sagsbehandler-{name}-1280")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        session.check(f"sagsbehandler-{name}-390")
    session.close()
