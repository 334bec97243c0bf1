"""Settlements and rates through the API, and the CSV and XLSX exports read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from conftest import World, local
from sundhedskoordinator.billing.models import Settlement
from sundhedskoordinator.billing.services import (
    NOT_ALLOWED,
    PERIOD_LOCKED,
    SETTLEMENT_CHANGED,
    set_rate,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.periods import INVALID_PERIOD

pytestmark = pytest.mark.django_db

FEB_10, MAR_10 = dt.date(2026, 2, 10), dt.date(2026, 3, 10)


@pytest.fixture
def billed(world: World, treat: Any) -> dict[str, Any]:
    """Two cases in February at 2.000 kr. and one in March at 2.150,50 kr."""
    with clock.frozen(local(dt.date(2025, 12, 1), 10)):
        for amount, valid_from in (
            ("2000.00", dt.date(2026, 1, 1)),
            ("2150.50", dt.date(2026, 3, 1)),
        ):
            set_rate(
                actor=world.users["klinisk"],
                region_id=world.team.municipality.region_id,
                amount=Decimal(amount),
                valid_from=valid_from,
                bills_cancelled_after_dispatch=False,
            )
    cases = [treat(FEB_10).case, treat(FEB_10).case, treat(MAR_10).case]
    return {
        "cases": cases,
        "query": {
            "municipality": world.team.municipality_id,
            "from": "2026-02-01",
            "to": "2026-03-31",
        },
    }


def test_the_draft_settlement_lists_lines_and_a_decimal_total(api: Any, billed: Any) -> None:
    response = api("klinisk").get("/settlements", **billed["query"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["currency"] == "DKK"
    assert body["total"] == "6150.50"  # a decimal string, never a float
    assert sorted(line["reference"] for line in body["lines"]) == sorted(
        c.reference for c in billed["cases"]
    )
    assert {line["amount"] for line in body["lines"]} == {"2000.00", "2150.50"}
    assert body["lines"][0]["rate"]["valid_from"] == "2026-01-01"


def test_managers_read_and_only_klinisk_funktion_approves(
    api: Any, billed: Any, world: World
) -> None:
    assert api("leder").get("/settlements", **billed["query"]).status_code == 200
    for outsider in ("koordinator", "sagsbehandler", "sekretariat", "borger", "sagsbehandler2"):
        response = api(outsider).get("/settlements", **billed["query"])
        assert response.status_code == 404, outsider
    body = {**billed["query"], "expected_total": "6150.50"}
    refused = api("leder").post("/settlements", body)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, NOT_ALLOWED)

    stale = api("klinisk").post("/settlements", {**body, "expected_total": "6000.00"})
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, SETTLEMENT_CHANGED)
    assert not Settlement.objects.exists()

    approved = api("klinisk").post("/settlements", body)
    assert approved.status_code == 201, approved.content
    assert approved.json()["status"] == "approved"
    again = api("leder").get("/settlements", **billed["query"]).json()
    assert (again["status"], again["total"], again["approved_by"]) == (
        "approved",
        "6150.50",
        str(world.users["klinisk"]),
    )
    overlapping = api("klinisk").get(
        "/settlements",
        municipality=world.team.municipality_id,
        **{"from": "2026-03-01", "to": "2026-04-30"},
    )
    assert (overlapping.status_code, overlapping.json()["error"]["code"]) == (422, PERIOD_LOCKED)


def test_bad_periods_answer_with_a_stable_code(api: Any, billed: Any) -> None:
    backwards = {**billed["query"], "from": "2026-03-31", "to": "2026-02-01"}
    response = api("klinisk").get("/settlements", **backwards)
    assert (response.status_code, response.json()["error"]["code"]) == (422, INVALID_PERIOD)
    response = api("klinisk").get("/settlements", **{**billed["query"], "from": "31-02-2026"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_input")
    assert "from" in response.json()["error"]["fields"]
    response = api("klinisk").get("/settlements", **{**billed["query"], "municipality": "abc"})
    assert response.status_code == 400


def test_the_csv_export_reads_back_line_for_line(api: Any, billed: Any) -> None:
    """By default for a Danish spreadsheet (issue 17, point 5): semicolons, decimal comma,
    day-month-year, a BOM, and a file name with the municipality and the period."""
    response = api("klinisk").get("/settlements.csv", **billed["query"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "afregning-odense-kommune-2026-02-01-2026-03-31.csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "sagsnummer"
    assert sorted(r[0] for r in rows[1:]) == sorted(c.reference for c in billed["cases"])
    assert all("," in r[5] and "." not in r[5] for r in rows[1:])
    assert sum(Decimal(r[5].replace(",", ".")) for r in rows[1:]) == Decimal("6150.50")
    assert {r[1] for r in rows[1:]} == {"10-02-2026", "10-03-2026"}


def test_the_csv_export_for_programs_on_request(api: Any, billed: Any) -> None:
    response = api("klinisk").get("/settlements.csv", **billed["query"], csv_format="machine")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sum(Decimal(r[5]) for r in rows[1:]) == Decimal("6150.50")
    assert {r[1] for r in rows[1:]} == {"2026-02-10", "2026-03-10"}
    refused = api("klinisk").get("/settlements.csv", **billed["query"], csv_format="excel")
    assert refused.status_code in (400, 422)


def test_the_xlsx_export_opens_with_openpyxl_and_totals(api: Any, billed: Any) -> None:
    response = api("leder").get("/settlements.xlsx", **billed["query"])
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Afregning", "Oplysninger"]
    rows = list(workbook["Afregning"].iter_rows(values_only=True))
    lines, total = rows[1:-1], rows[-1]
    assert sorted(r[0] for r in lines) == sorted(c.reference for c in billed["cases"])
    assert sum(Decimal(str(r[5])) for r in lines) == Decimal("6150.50")
    assert (total[0], Decimal(str(total[5]))) == ("I alt", Decimal("6150.50"))
    info = dict(workbook["Oplysninger"].iter_rows(values_only=True))
    assert info["Kommune"] == "Odense Kommune"
    assert info["Status"] == "Kladde, ikke godkendt"


def test_rates_through_the_api(api: Any, billed: Any, world: World) -> None:
    listed = api("leder").get("/rates")
    assert listed.status_code == 200
    assert [r["amount"] for r in listed.json()] == []  # a municipal manager reads no region's rates
    rates = api("klinisk").get("/rates").json()
    assert [r["amount"] for r in rates] == ["2150.50", "2000.00"]
    region = world.team.municipality.region_id
    created = api("klinisk").post(
        "/rates", {"region": region, "amount": "2200.00", "valid_from": "2027-01-01"}
    )
    assert created.status_code == 201, created.content
    refused = api("klinisk").post(
        "/rates", {"region": region, "amount": "-5", "valid_from": "2028-01-01"}
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "rate_invalid")
    # The region's rates are outside a municipality's manager's figures (he reads none of
    # them above), so a write to them answers as if the region did not exist (DESIGN section 2).
    assert (
        api("leder")
        .post("/rates", {"region": region, "amount": "1.00", "valid_from": "2028-01-01"})
        .status_code
        == 404
    )
