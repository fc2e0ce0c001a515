"""Reading the planning CSV files: comma-separated, or semicolon-separated with decimal
commas (a French spreadsheet's export), a header line, one record per line.

Every refusal is one :class:`ValidationError` naming its ``line`` (the header is line 1)
and ``column``; nothing is half-read.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from renfort.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Record:
    """One data line of a table: its line number and its cells by column name."""

    line: int
    cells: dict[str, str]
    decimal_comma: bool

    def bad(self, column: str, why: str) -> ValidationError:
        return ValidationError(f"line {self.line}, column {column}: {why}",
                               {"line": self.line, "column": column}, reason="cell-invalid")

    def text(self, column: str) -> str | None:
        value = self.cells.get(column, "").strip()
        return value or None

    def number(self, column: str) -> float | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            value = float(raw.replace(",", ".") if self.decimal_comma else raw)
        except ValueError:
            raise self.bad(column, f"{raw!r} is not a number") from None
        if not math.isfinite(value):
            raise self.bad(column, f"{raw!r} is not a finite number")
        return value

    def required_number(self, column: str) -> float:
        value = self.number(column)
        if value is None:
            raise self.bad(column, "missing value")
        return value

    def instant(self, column: str) -> datetime:
        """An ISO 8601 date-time with its UTC offset, kept as written (not moved to UTC)."""
        raw = self.text(column)
        if raw is None:
            raise self.bad(column, "missing date-time")
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise self.bad(column, f"{raw!r} is not an ISO 8601 date-time") from None
        if value.tzinfo is None or value.utcoffset() is None:
            raise self.bad(column, f"{raw} has no UTC offset (add Z or +01:00)")
        return value


def read_table(text: str, *, required: Sequence[str], optional: Sequence[str] = (),
               what: str, others: bool = False) -> Iterator[Record]:
    """The records of *text*, after checking its header against the columns allowed
    (any other column is refused, unless *others*: then it is ignored)."""
    text = text.removeprefix("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    semicolon = ";" in first and "," not in first
    reader = csv.reader(io.StringIO(text), delimiter=";" if semicolon else ",")
    header: list[str] | None = None
    allowed = (*required, *optional)
    rows = 0
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            _check_header(header, reader.line_num, required,
                          allowed if not others else (*allowed, *header))
            continue
        line = reader.line_num
        if len(cells) != len(header):
            column = header[len(cells)] if len(cells) < len(header) else None
            raise ValidationError(
                f"line {line}: {len(cells)} fields where the header has {len(header)}",
                {"line": line, "column": column}, reason="field-count")
        rows += 1
        yield Record(line, dict(zip(header, cells, strict=True)), semicolon)
    if header is None:
        raise ValidationError(f"the {what} is empty", {"line": 1, "column": None},
                              reason="table-empty")
    if rows == 0:
        raise ValidationError(f"the {what} has a header but no rows",
                              {"line": 2, "column": None}, reason="table-no-rows")


def _check_header(header: list[str], line: int, required: Sequence[str],
                  allowed: Sequence[str]) -> None:
    for name in header:
        if name not in allowed:
            raise ValidationError(
                f"line {line}: unknown column {name!r} (expected {', '.join(allowed)})",
                {"line": line, "column": name}, reason="column-unknown")
        if header.count(name) > 1:
            raise ValidationError(f"line {line}: column {name!r} appears twice",
                                  {"line": line, "column": name}, reason="column-twice")
    for name in required:
        if name not in header:
            raise ValidationError(f"line {line}: missing column {name!r}",
                                  {"line": line, "column": name}, reason="column-missing")


def format_number(value: float, digits: int = 6) -> str:
    """A number as a CSV cell: integers without a decimal point, else *digits* significant."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"
