import pytest
from playwright.sync_api import Page, expect

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_caseworker_logs_in_and_sees_the_danish_start_page(page: Page, live_server, demo_users):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/log-ind/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    screenshot(page, "01-log-ind")

    page.get_by_label("Brugernavn").fill("sagsbehandler")
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Sara Holm")
    expect(page.get_by_role("heading", name="Koordinerende sagsbehandler")).to_be_visible()
    expect(page.get_by_text("Odense Kommune, Region Syddanmark")).to_be_visible()
    expect(page.get_by_role("main")).to_be_visible()
    screenshot(page, "02-forside-sagsbehandler")

    page.get_by_role("button", name="Log af").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")


def test_wrong_password_is_refused_in_danish_and_keeps_the_username(
    page: Page, live_server, demo_users
):
    page.goto(f"{live_server.url}/log-ind/")
    page.get_by_label("Brugernavn").fill("sagsbehandler")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_contain_text("Brugernavn eller adgangskode er forkert")
    expect(page.get_by_label("Brugernavn")).to_have_value("sagsbehandler")


def test_language_switch_shows_english_and_back(page: Page, live_server, demo_users):
    page.goto(f"{live_server.url}/log-ind/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
