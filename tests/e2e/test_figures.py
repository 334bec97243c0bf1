"""Klinisk Funktion in Chromium: the statistics with their charts and tables, last month's locked
settlement and its Excel file, and a new rate typed the Danish way. Each page passes axe-core."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from sundhedskoordinator.billing.models import Rate

from .test_journey import Session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_klinisk_funktion_reads_the_figures_and_sets_a_rate(browser, live_server, tmp_path):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    klinisk = Session(browser, live_server.url, "klinisk", tmp_path)
    page = klinisk.page

    page.get_by_role("link", name="Statistik").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistik")
    expect(page.get_by_role("img", name="Sager efter status")).to_be_visible()
    expect(page.get_by_role("table", name="Stillingtagen")).to_be_visible()
    klinisk.check("16-klinisk-statistik")

    page.get_by_role("link", name="Afregning").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Afregning")
    expect(page.get_by_text("Godkendt og låst").first).to_be_visible()
    klinisk.check("17-klinisk-afregning")
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som Excel (XLSX)").click()
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    rows = list(workbook["Afregning"].iter_rows(values_only=True))
    assert rows[0][0] == "sagsnummer" and rows[-1][0] == "I alt"

    page.goto(f"{live_server.url}/afregning/takster/")
    page.get_by_label("Takst pr. sag (kr.)").fill("2.275,50")
    page.get_by_label("Gælder fra").fill("2030-01-01")
    page.get_by_label("Ja").check()
    page.get_by_role("button", name="Gem takst").click()
    expect(page.get_by_text("Den nye takst er gemt.")).to_be_visible()
    klinisk.check("18-klinisk-takster")
    assert str(Rate.objects.order_by("-valid_from").first().amount) == "2275.50"
    klinisk.close()
