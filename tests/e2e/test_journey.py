"""The whole procedure in Chromium, each step done by the role that does it, from the caseworker
registering the offer and the citizen's request to the decision the citizen reads. Every page of
the journey is checked with axe-core (no serious or critical violations) and photographed. It
runs on the browser tests' frozen day, so "today" is Monday 14 December 2026 for the test, the
server and the browser alike."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from sundhedskoordinator.cases.walk import SAMPLE_PDF
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings.services import plan_meeting
from sundhedskoordinator.organisations.models import RehabTeam

from .conftest import new_context, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


class Session:
    """One person in their own browser context: logs in, checks each page with axe, and fails
    on any console error."""

    def __init__(self, browser: Browser, base: str, username: str, tmp: Path) -> None:
        # axe is injected as a script; the page's CSP would refuse it, so this context bypasses
        # CSP (the CSP itself is tested elsewhere).
        self.context = new_context(
            browser, bypass_csp=True, viewport={"width": 1280, "height": 900}
        )
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.base, self.username, self.tmp = base, username, tmp
        self.page.goto(f"{base}/log-ind/")
        self.page.get_by_label("Brugernavn").fill(username)
        self.page.get_by_label("Adgangskode").fill("demo")
        self.page.get_by_role("button", name="Log ind").click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Velkommen")

    def check(self, name: str) -> None:
        # The caller has waited for the page it means (its heading or a message); this waits for
        # the rest of it, so axe is never injected into a document that is still being replaced.
        self.page.wait_for_load_state()
        self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .filter(v => ['serious', 'critical'].includes(v.impact))
                 .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target).join(', ')}`)"""
        )
        screenshot(self.page, name)
        assert violations == [], f"{name}: {violations}"
        assert self.errors == [], f"{name}: console errors {self.errors}"

    def close(self) -> None:
        self.context.close()


def test_the_procedure_in_the_browser(browser, live_server, demo_users, tmp_path):
    team = RehabTeam.objects.get(municipality__code="461")
    citizen = citizen_services.create_citizen(
        actor=demo_users["sagsbehandler"],
        cpr="1203851234",
        name="Bente Nielsen",
        municipality=team.municipality,
        course_start=clock.today() - dt.timedelta(days=100),
    )
    citizen.user = demo_users["borger"]
    citizen.save()
    citizen_services.record_guidance(
        actor=demo_users["sagsbehandler"], citizen=citizen, given_on=clock.today(), channel="letter"
    )
    today = clock.today()
    tz = ZoneInfo("Europe/Copenhagen")
    plan_meeting(
        team=team,
        # From 08:00: the conversation (at the first slot) ended 90 minutes before the frozen
        # 10:00, within the two hours after which the page calls the advice late.
        starts_at=dt.datetime(today.year, today.month, today.day, 8, tzinfo=tz),
        ends_at=dt.datetime(today.year, today.month, today.day, 23, 59, tzinfo=tz),
    )
    base = live_server.url
    pdf = tmp_path / "indsatsplan.pdf"
    pdf.write_bytes(SAMPLE_PDF)

    # 1. The caseworker registers the offer.
    caseworker = Session(browser, base, "sagsbehandler", tmp_path)
    page = caseworker.page
    page.get_by_role("link", name="Sager", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sager")
    caseworker.check("01-sagsbehandler-sager")
    # The status filter replaces only the table (htmx) and keeps the address bookmarkable.
    page.get_by_label("Status").select_option("closed")
    expect(page.get_by_text("Der er ingen sager at vise.")).to_be_visible()
    # The address keeps the filter with the order and page size (no search: that is POSTed).
    expect(page).to_have_url(re.compile(r"/sager/\?(.+&)?status=closed(&.+)?$"))
    page.get_by_role("link", name="Opret sag").click()
    page.get_by_label("Borger", exact=True).select_option(label="Bente Nielsen")
    page.get_by_label("Type af tilbud").select_option("company_internship")
    page.get_by_label("Sted/udbyder (valgfrit)").fill("Fynsk Genbrug ApS")
    page.get_by_label("Startdato (valgfrit)").fill((today + dt.timedelta(days=40)).isoformat())
    page.get_by_label("Tilbuddets indhold").fill("Sortering af varer på lager.")
    page.get_by_label("Krav til borgerens deltagelse").fill("Tre dage om ugen kl. 9-13.")
    caseworker.check("02-sagsbehandler-opret-sag")
    page.get_by_role("button", name="Opret sag").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sag RSK-")
    case_url = page.url
    caseworker.check("03-sagsbehandler-sag-kladde")

    # 2. The citizen asks for the conversation in their own words.
    borger = Session(browser, base, "borger", tmp_path)
    borger.page.get_by_role("link", name="Mine sager").first.click()
    expect(borger.page.get_by_role("heading", level=1)).to_have_text("Mine sager")
    borger.check("04-borger-mine-sager")
    borger.page.goto(case_url)
    borger.check("05-borger-anmodning")
    borger.page.get_by_role("button", name="Send anmodning").click()
    expect(borger.page.get_by_role("alert")).to_contain_text("Skriv din beskrivelse.")
    borger.check("06-borger-fejl")
    borger.page.get_by_label("Hvor tager tilbuddet ikke hensyn til dit helbred?").fill(
        "Jeg kan ikke stå op længe, og medicinen gør mig træt om morgenen."
    )
    borger.page.get_by_role("button", name="Send anmodning").click()
    # The receipt says what happens next; from there she goes on to her case.
    expect(borger.page.get_by_role("heading", level=1)).to_have_text(
        "Vi har modtaget din anmodning"
    )
    borger.check("06b-borger-kvittering")
    borger.page.get_by_role("link", name="Gå til din sag").click()
    expect(borger.page.get_by_text("Du har bedt om en samtale")).to_be_visible()
    expect(borger.page.get_by_text("Tilbuddet er sat i bero")).to_be_visible()

    # 3. The caseworker completes the case file.
    page.goto(case_url)
    for kind in ("action_plan", "health_information"):
        page.get_by_label("Dokumentets art").select_option(kind)
        page.get_by_label("Fil (PDF, DOCX, ODT, PNG eller JPEG)").set_input_files(str(pdf))
        page.get_by_role("button", name="Vedhæft").click()
        expect(page.get_by_text("Dokumentet er vedhæftet sagen.")).to_be_visible()
    page.get_by_role("button", name="Godkend sagen som fuldstændig").click()
    expect(page.get_by_text("Klar til planlægning").first).to_be_visible()
    caseworker.check("07-sagsbehandler-klar")

    # 4. The secretariat puts it on today's meeting (past its deadline, with a reason) and sends.
    secretariat = Session(browser, base, "sekretariat", tmp_path)
    secretariat.page.goto(case_url)
    secretariat.page.get_by_label("Møde", exact=True).select_option(index=1)
    secretariat.page.get_by_label("Sundhedskoordinator").select_option(label="Karen Lund")
    secretariat.page.get_by_role("button", name="Sæt på dagsorden").click()
    expect(secretariat.page.get_by_role("alert")).to_contain_text("Fristen")
    secretariat.check("08-sekretariat-frist-overskredet")
    secretariat.page.get_by_label("Begrundelse for sen planlægning").fill(
        "Borgeren har akut brug for afklaring."
    )
    secretariat.page.get_by_role("button", name="Sæt på dagsorden").click()
    expect(secretariat.page.get_by_text("Planlagt efter fristen")).to_be_visible()
    secretariat.page.get_by_role("link", name="Møder", exact=True).first.click()
    expect(secretariat.page.get_by_role("heading", level=1)).to_have_text("Møder")
    secretariat.check("09-sekretariat-moeder")
    secretariat.page.get_by_role("link", name=today.strftime("%Y")).first.click()
    expect(secretariat.page.get_by_role("heading", level=1)).to_contain_text("Dagsorden")
    secretariat.check("10-sekretariat-dagsorden")
    secretariat.page.get_by_role("button", name="Send alle, der ikke er sendt").click()
    expect(secretariat.page.get_by_text("sendt til sundhedskoordinatoren")).to_be_visible()

    # 5. The coordinator holds the conversation and writes the advice right after.
    coordinator = Session(browser, base, "koordinator", tmp_path)
    coordinator.page.goto(case_url)
    expect(coordinator.page.get_by_text("Jeg kan ikke stå op længe").first).to_be_visible()
    expect(coordinator.page.get_by_text("Sagspakken, som den blev sendt")).to_be_visible()
    coordinator.check("11-koordinator-forberedelse")
    coordinator.page.get_by_role("button", name="Samtalen er holdt").click()
    expect(coordinator.page.get_by_text("Skriv rådgivningen inden for 15 minutter")).to_be_visible()
    coordinator.page.get_by_label("Vurdering og anbefalede tilpasninger").fill(
        "Praktikken kan gennemføres med start kl. 10 og mulighed for at sidde."
    )
    coordinator.page.get_by_label("Skånehensyn").fill("Start kl. 10. Siddende arbejde.")
    coordinator.check("12-koordinator-raadgivning")
    coordinator.page.get_by_role("button", name="Afgiv rådgivning").click()
    expect(coordinator.page.get_by_text("Sundhedskoordinatorens rådgivning")).to_be_visible()

    # 6. The caseworker decides: adjusts the offer's demands, reads the letter, sends it.
    page.goto(case_url)
    page.get_by_role("radio", name="Tilbuddet tilpasses").check()
    page.get_by_label("Krav til borgerens deltagelse").fill(
        "Fremmøde tre dage om ugen fra kl. 10, siddende arbejde."
    )
    page.get_by_label("Begrundelse", exact=True).fill(
        "Praktikken starter kl. 10 med siddende arbejde."
    )
    caseworker.check("13-sagsbehandler-stillingtagen")
    page.get_by_role("button", name="Se brevet, før det sendes").click()
    preview = page.get_by_role("region", name="Sådan lyder brevet til borgeren")
    expect(preview).to_contain_text("Dit tilbud fremover")
    expect(preview).to_contain_text("fra kl. 10, siddende arbejde")
    expect(preview).to_contain_text("Klagevejledning")
    caseworker.check("13b-sagsbehandler-brevet-foer-afsendelse")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    caseworker.check("13c-sagsbehandler-brevet-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Send stillingtagen og brevet").click()
    expect(page.get_by_text("Kommunens stillingtagen")).to_be_visible()
    expect(page.get_by_text("Version 2 (tilpasset ved stillingtagen).")).to_be_visible()

    # 7. The citizen reads the advice and the decision, and who has seen their data.
    borger.page.goto(case_url)
    expect(borger.page.get_by_text("Kommunen har taget stilling til dit tilbud.")).to_be_visible()
    expect(borger.page.get_by_text("Praktikken starter kl. 10")).to_be_visible()
    borger.check("14-borger-afgoerelse")
    borger.page.get_by_role("link", name="Hvem har set mine oplysninger?").first.click()
    expect(borger.page.get_by_text("Karen Lund").first).to_be_visible()
    borger.check("15-borger-min-log")

    for session in (caseworker, borger, secretariat, coordinator):
        session.close()
