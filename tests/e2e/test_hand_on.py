"""Handing a case on, walked in Chromium as the responsible caseworker: the case page leads to
the form's own page, a stale page is refused there with the choice kept, and the case goes to the
colleague chosen, who is then responsible. Checked with axe at 1280 px and at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to

from .conftest import guided_citizen
from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _requested_case(demo_users) -> Case:
    """A requested case of the demo caseworker's, which she or her team's manager may hand on."""
    caseworker = demo_users["sagsbehandler"]
    cast = Cast(caseworker, demo_users["sekretariat"], demo_users["koordinator"])
    return walk_case_to(
        new_case(citizen=guided_citizen(demo_users), caseworker=caseworker),
        Status.REQUESTED,
        cast=cast,
    )


def test_the_caseworker_hands_the_case_to_a_colleague_on_its_own_page(
    browser: Browser, live_server, demo_users, tmp_path
):
    jonas = demo_users["jobformidler"]
    case = _requested_case(demo_users)
    session = Session(browser, live_server.url, "sagsbehandler", tmp_path)
    page = session.page
    page.goto(f"{live_server.url}/sager/{case.pk}/")
    page.get_by_role("link", name="Vælg en kollega").click()
    expect(page.get_by_role("heading", name="Giv sagen videre til en kollega")).to_be_visible()
    choice = page.get_by_label("Ny ansvarlig")
    choice.select_option(str(jonas.pk))
    session.check("hand-on-form")
    # Someone else changes the case meanwhile: the page is refused, the choice kept.
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    page.get_by_role("button", name="Giv videre").click()
    expect(page.get_by_role("alert")).to_contain_text("Der er fejl i formularen")
    expect(choice).to_have_value(str(jonas.pk))
    session.check("hand-on-refused")

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    session.check("hand-on-refused-390")
    page.get_by_role("button", name="Giv videre").click()
    expect(page.get_by_text("Sagen er givet videre.")).to_be_visible()
    assert page.url.endswith(f"/sager/{case.pk}/")
    assert Case.objects.get(pk=case.pk).responsible == jonas
    session.close()


def test_the_teams_manager_hands_the_case_on_and_is_told_who_is_told(
    browser: Browser, live_server, demo_users, tmp_path
):
    """The manager never had the case's health data: the page says who is responsible now and
    that both caseworkers are told, not that she loses access. Checked at 1280 and 390 px."""
    caseworker, jonas = demo_users["sagsbehandler"], demo_users["jobformidler"]
    case = _requested_case(demo_users)
    session = Session(browser, live_server.url, "leder", tmp_path)
    page = session.page
    page.goto(f"{live_server.url}/sager/{case.pk}/")
    expect(page.get_by_text("Den nye og den hidtidige ansvarlige får besked.")).to_be_visible()
    page.get_by_role("link", name="Vælg en kollega").click()
    expect(page.get_by_text(f"Ansvarlig nu: {caseworker.get_full_name()}.")).to_be_visible()
    expect(page.get_by_text("Den nye og den hidtidige ansvarlige får besked.")).to_be_visible()
    expect(page.get_by_text("du mister adgangen")).to_have_count(0)
    session.check("hand-on-manager")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    session.check("hand-on-manager-390")
    page.get_by_label("Ny ansvarlig").select_option(str(jonas.pk))
    page.get_by_role("button", name="Giv videre").click()
    expect(page.get_by_text("Sagen er givet videre.")).to_be_visible()
    assert Case.objects.get(pk=case.pk).responsible == jonas
    session.close()
