"""A settlement as CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read æøå) and as XLSX
(openpyxl). Amounts are written from Decimal: CSV for a Danish spreadsheet by default (semicolons,
decimal comma, two decimals) or for programs on request, XLSX as numbers with a kroner format. No
citizen data: a line names the case by its reference."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from sundhedskoordinator.core.downloads import download
from sundhedskoordinator.core.spreadsheets import CONTENT_TYPES, append_text_safe, csv_bytes

from .choices import Basis, LineKind
from .selectors import SettlementView

MONEY_FORMAT = "#,##0.00"


def _header() -> list[str]:
    return [
        _("sagsnummer"),
        _("mødedato"),
        _("grundlag"),
        _("linjetype"),
        _("takst gyldig fra"),
        _("beløb (kr.)"),
        _("bemærkning"),
    ]


def _rows(view: SettlementView) -> list[list[object]]:
    # Each label translated once, not once a line.
    bases = {basis: str(basis.label) for basis in Basis}
    kinds = {kind: str(kind.label) for kind in LineKind}
    return [
        [
            line.reference,
            line.service_on,
            bases[line.basis],
            kinds[line.kind],
            line.rate.valid_from if line.rate else None,
            line.amount,
            line.note,
        ]
        for line in view.lines
    ]


def filename(view: SettlementView, extension: str) -> str:
    """Named by the municipality and the period, as a person would file it."""
    return (
        f"afregning-{slugify(view.municipality.name)}-{view.period_start:%Y-%m-%d}-"
        f"{view.period_end:%Y-%m-%d}.{extension}"
    )


def settlement_csv(view: SettlementView, *, machine: bool = False) -> bytes:
    """One row per line under a header row; the total is the sum of the amount column. By
    default for a Danish spreadsheet (semicolons, decimal comma, day-month-year); ``machine``
    gives commas, a decimal point and ISO dates. UTF-8 with BOM either way."""
    return csv_bytes(_header(), _rows(view), for_programs=machine)


def settlement_xlsx(view: SettlementView) -> bytes:
    """Sheet "Afregning": header, one row per line and a total row; sheet "Oplysninger": the
    municipality, the period and whether it is approved and locked."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    sheet = workbook.create_sheet(_("Afregning"))
    append_text_safe(sheet, _header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(view):
        append_text_safe(sheet, row)
        sheet.cell(row=sheet.max_row, column=2).number_format = "dd-mm-yyyy"
        sheet.cell(row=sheet.max_row, column=5).number_format = "dd-mm-yyyy"
        sheet.cell(row=sheet.max_row, column=6).number_format = MONEY_FORMAT
    append_text_safe(sheet, [_("I alt"), None, None, None, None, view.total, None])
    total_row = sheet.max_row
    sheet.cell(row=total_row, column=1).font = Font(bold=True)
    sheet.cell(row=total_row, column=6).font = Font(bold=True)
    sheet.cell(row=total_row, column=6).number_format = MONEY_FORMAT
    for column, width in zip("ABCDEFG", (16, 12, 26, 30, 16, 14, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"

    info = workbook.create_sheet(_("Oplysninger"))
    append_text_safe(info, [_("Kommune"), view.municipality.name])
    append_text_safe(info, [_("Region"), view.municipality.region.name])
    append_text_safe(info, [_("Periode fra"), view.period_start])
    append_text_safe(info, [_("Periode til og med"), view.period_end])
    append_text_safe(
        info, [_("Status"), _("Godkendt og låst") if view.is_locked else _("Kladde, ikke godkendt")]
    )
    if view.settlement is not None:
        append_text_safe(info, [_("Godkendt af"), str(view.settlement.approved_by)])
        append_text_safe(
            info,
            [_("Godkendt"), f"{timezone.localtime(view.settlement.approved_at):%d.%m.%Y %H:%M}"],
        )
    append_text_safe(info, [_("Antal linjer"), len(view.lines)])
    append_text_safe(info, [_("I alt (kr.)"), view.total])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def settlement_download(view: SettlementView, fmt: str, *, machine: bool = False) -> HttpResponse:
    """The settlement as an attachment in ``fmt`` ("csv" or "xlsx"), for the page and the API."""
    content = settlement_csv(view, machine=machine) if fmt == "csv" else settlement_xlsx(view)
    return download(content, CONTENT_TYPES[fmt], filename(view, fmt))
