"""The monthly figures as CSV (for a Danish spreadsheet by default, or for programs) and as XLSX,
like the settlement: one row per month, one column per series, and the scope in words."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from sundhedskoordinator.core.downloads import download
from sundhedskoordinator.core.spreadsheets import CONTENT_TYPES, append_text_safe, csv_bytes


def _table(data: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    header = [_("måned")] + [entry["label"] for entry in data["series"]]
    rows = [
        [row["month"]] + [row[entry["key"]] for entry in data["series"]] for row in data["months"]
    ]
    return header, rows


def filename(data: dict[str, Any], extension: str) -> str:
    """Named by the municipalities (or how many) and the period, as a person would file it."""
    names = data["municipalities"]
    place = slugify(names[0]) if len(names) == 1 else f"{len(names)}-kommuner"
    return (
        f"statistik-pr-maaned-{place}-{data['period_start']:%Y-%m-%d}-"
        f"{data['period_end']:%Y-%m-%d}.{extension}"
    )


def monthly_csv(data: dict[str, Any], *, for_programs: bool = False) -> bytes:
    """One row per month (its first day) and one column per series."""
    header, rows = _table(data)
    return csv_bytes(header, rows, for_programs=for_programs)


def monthly_xlsx(data: dict[str, Any]) -> bytes:
    """Sheet "Pr. måned": the table, months as dates shown as month and year; sheet
    "Oplysninger": the municipalities, the period and whose cases are counted."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    sheet = workbook.create_sheet(_("Pr. måned"))
    header, rows = _table(data)
    append_text_safe(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_text_safe(sheet, row)
        sheet.cell(row=sheet.max_row, column=1).number_format = "mmm yyyy"
    sheet.column_dimensions["A"].width = 12
    for index in range(2, len(header) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 22
    sheet.freeze_panes = "B2"
    info = workbook.create_sheet(_("Oplysninger"))
    append_text_safe(info, [_("Kommuner"), ", ".join(data["municipalities"])])
    append_text_safe(info, [_("Periode fra"), data["period_start"]])
    append_text_safe(info, [_("Periode til og med"), data["period_end"]])
    append_text_safe(info, [_("Hvis sager tælles med"), data["scope"]["description"]])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def monthly_download(data: dict[str, Any], fmt: str, *, for_programs: bool = False) -> HttpResponse:
    content = monthly_csv(data, for_programs=for_programs) if fmt == "csv" else monthly_xlsx(data)
    return download(content, CONTENT_TYPES[fmt], filename(data, fmt))
