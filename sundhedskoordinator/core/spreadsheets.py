"""Tables as files for spreadsheets: CSV for a Danish spreadsheet by default (semicolons, decimal
comma, day-month-year, UTF-8 with BOM so æøå read right) or for programs on request (commas, a
decimal point, ISO dates). The settlement and the statistics write theirs through this."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

#: A cell that starts with one of these is read as a formula by spreadsheet programs (OWASP, CSV
#: injection): typed text such as "=HYPERLINK(...)" or "@SUM(...)" would run when opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def inert(text: str) -> str:
    """Text for a CSV cell: one that a spreadsheet would read as a formula gets a leading
    apostrophe, so it is shown as text. Numbers and dates are not text and are not touched."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def append_text_safe(sheet: Worksheet, row: Sequence[object]) -> None:
    """Append ``row`` to an XLSX sheet with every text cell stored as text: openpyxl stores a
    string that starts with "=" as a formula, which the spreadsheet would run."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def danish(value: object) -> object:
    """A cell as a Danish spreadsheet reads it: 2150,00 and 15-12-2026."""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, dt.date):
        return f"{value:%d-%m-%Y}"
    return value


def machine(value: object) -> object:
    """A cell for programs: 2150.00 and 2026-12-15."""
    return value.isoformat() if isinstance(value, dt.date) else value


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, for_programs: bool = False
) -> bytes:
    """The table under its header row, as CSV for a Danish spreadsheet or for programs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if for_programs else ";", lineterminator="\r\n")
    writer.writerow(header)
    cell = machine if for_programs else danish
    for row in rows:
        writer.writerow(
            [
                "" if value is None else inert(value) if isinstance(value, str) else cell(value)
                for value in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
