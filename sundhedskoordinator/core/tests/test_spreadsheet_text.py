"""Property-based: text in the CSV and XLSX exports (the settlement, the monthly statistics) comes
out as typed, and never as a formula (CSV/formula injection, OWASP): a CSV text cell that starts
with = + - @, a tab or a carriage return gets a leading apostrophe, which a spreadsheet shows as
text; an XLSX text cell is always stored as text, so it is shown exactly as typed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from sundhedskoordinator.billing.choices import Basis, LineKind
from sundhedskoordinator.billing.exports import settlement_csv, settlement_xlsx
from sundhedskoordinator.billing.selectors import SettlementView
from sundhedskoordinator.billing.services import DraftLine
from sundhedskoordinator.core.spreadsheets import csv_bytes
from sundhedskoordinator.organisations.models import Municipality, Region

FORMULA_STARTS = "=+-@\t\r"

#: What people type: Danish letters, emoji, right-to-left marks and text, HTML, formula signs,
#: quotes and the CSV separators, line breaks.
TYPED = st.lists(
    st.sampled_from(
        list("abcæøåÆØÅ 019,;.'\"<>&/=+-@\t\r\n")
        + ["😀", "👩🏽‍⚕️", "\u200f", "\u202e", "שלום", "مرحبا", "<script>", "=HYPERLINK("]
    ),
    max_size=20,
).map("".join)


def _csv_cells(content: bytes, *, for_programs: bool) -> list[list[str]]:
    text = content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="," if for_programs else ";"))


def _as_shown(typed: str) -> str:
    return "'" + typed if typed[:1] and typed[0] in FORMULA_STARTS else typed


@given(TYPED, st.booleans())
@example("=1+1", False)
@example("1=1", False)
@example("-", True)
@example("@SUM(A1)", True)
@example("", False)
def test_a_csv_text_cell_is_the_typed_text_made_inert(typed: str, for_programs: bool) -> None:
    content = csv_bytes(["tekst", "beløb"], [[typed, Decimal("-150")]], for_programs=for_programs)
    header, row = _csv_cells(content, for_programs=for_programs)
    assert row[0] == _as_shown(typed)
    assert not row[0][:1] or row[0][0] not in FORMULA_STARTS
    # A negative amount is a number, not text: it is not touched.
    assert row[1] == ("-150" if for_programs else "-150,00")


def _view(note: str, municipality: str, region: str) -> SettlementView:
    """A settlement as the exports receive it, with text typed by people in it."""
    place = Municipality(code="461", name=municipality, region=Region(code="1083", name=region))
    line = DraftLine(
        case_id=1,
        reference="RHT-2026-00001",
        kind=LineKind.CORRECTION,
        basis=Basis.HELD,
        service_on=dt.date(2026, 12, 15),
        rate=None,
        amount=Decimal("-2150.00"),
        note=note,
    )
    return SettlementView(
        municipality=place,
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 31),
        lines=[line],
        total=Decimal("-2150.00"),
        is_locked=False,
    )


@given(TYPED, TYPED, TYPED)
@example("=cmd|' /C calc'!A0", "+Odense", "@Region")
def test_the_settlement_exports_show_typed_text_as_text(
    note: str, municipality: str, region: str
) -> None:
    view = _view(note, municipality, region)
    for for_programs in (False, True):
        _, line = _csv_cells(settlement_csv(view, machine=for_programs), for_programs=for_programs)
        assert line[-1] == _as_shown(note)

    workbook = load_workbook(io.BytesIO(settlement_xlsx(view)))
    sheet, info = workbook.worksheets
    shown = {cell.coordinate: cell for row in sheet.iter_rows() for cell in row}
    shown |= {f"info!{cell.coordinate}": cell for row in info.iter_rows() for cell in row}
    assert shown["G2"].value == (note or None)
    assert shown["info!B1"].value == (municipality or None)
    assert shown["info!B2"].value == (region or None)
    assert shown["F2"].value == Decimal("-2150.00") or shown["F2"].value == -2150
    assert not [where for where, cell in shown.items() if cell.data_type == "f"]


@pytest.mark.parametrize("typed", ["=1+1", "+45 12345678", "-2", "@x", "\tx", "\rx"])
def test_each_formula_start_is_made_inert_in_csv(typed: str) -> None:
    (_, row) = _csv_cells(csv_bytes(["a"], [[typed]]), for_programs=False)
    assert row == ["'" + typed]
