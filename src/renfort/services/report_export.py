"""A report's rows as a spreadsheet: CSV (UTF-8, comma) or XLSX (openpyxl).

Both carry the same columns as the JSON answer, in the same order; redirects by destination
are one cell ("samu-15: 2; psy: 1"). Text cells that a spreadsheet would run as a formula
are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    return [[_cell(row.get(c)) for c in columns] for row in rows]


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for line in table(columns, rows):
        writer.writerow(["" if v is None else v for v in line])
    return out.getvalue()


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[dict[str, Any]]]]) -> bytes:
    """One worksheet per ``(title, columns, rows)``; numbers stay numbers."""
    from openpyxl import Workbook  # imported when asked: only exports need it

    book = Workbook()
    first = True
    for title, columns, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = title[:31]
        sheet.append(list(columns))
        for line in table(columns, rows):
            sheet.append(line)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_sheets(report: dict[str, Any]) -> list[tuple[str, Sequence[str],
                                                        Sequence[dict[str, Any]]]]:
    """The SLA report as worksheets: the figures, then the staffing."""
    sheets: list[tuple[str, Sequence[str], Sequence[dict[str, Any]]]] = [
        ("niveau-de-service", report["columns"], report["rows"])]
    if report["staffing"]:
        sheets.append(("effectifs", ["period", "outsourcer", "staffed", "on_site", "at_home"],
                       report["staffing"]))
    return sheets
