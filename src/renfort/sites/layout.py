"""Seat plans: where the seats of a site are, read from and written to CSV.

A seat is a point in metres on the floor plan (``x`` to the right, ``y`` downwards, as on a
drawing), in a ``zone`` (open space, floor, wing…) and with optional ``equipment`` tags
(``double-screen``, ``pmr``…). The CSV has a header naming at least ``seat_id``, ``x``, ``y``
and ``zone``; ``equipment`` is optional, tags separated by ``;`` or ``|``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from renfort.domain.csvtext import csv_buffer, csv_errors
from renfort.domain.errors import ValidationError

MAX_SEATS = 5_000
"""Largest plan accepted (a very large contact-center building)."""
MAX_COORDINATE = 10_000.0
"""Metres; anything farther is a unit mistake (millimetres instead of metres)."""
REQUIRED_COLUMNS = ("seat_id", "x", "y", "zone")
_SEAT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,39}$")
_TAG_SPLIT = re.compile(r"[;|]")


@dataclass(frozen=True, slots=True)
class Seat:
    """One seat: ``x``, ``y`` in metres."""

    id: str
    x: float
    y: float
    zone: str
    equipment: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not _SEAT_ID.match(self.id):
            raise ValidationError(
                f"seat id {self.id!r}: 1–40 letters, digits or . _ : / -", {"field": "seat_id"},
                reason="seat-id")
        for value in (self.x, self.y):
            if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
                raise ValidationError(
                    f"seat {self.id}: coordinates are metres within ±{MAX_COORDINATE:g}",
                    {"field": "x", "seat": self.id},
                    reason="seat-coordinates", values={"max": MAX_COORDINATE})
        if not self.zone or len(self.zone) > 60:
            raise ValidationError(f"seat {self.id}: zone needs 1–60 characters",
                                  {"field": "zone", "seat": self.id}, reason="seat-zone")

    def distance_to(self, other: Seat) -> float:
        return math.hypot(self.x - other.x, self.y - other.y)


@dataclass(frozen=True, slots=True)
class SeatPlan:
    """The seats of one site, in the order given (that order numbers them for the solver)."""

    seats: tuple[Seat, ...]

    def __post_init__(self) -> None:
        if not self.seats:
            raise ValidationError("a seat plan has at least one seat", {"field": "seats"},
                                  reason="plan-no-seat")
        if len(self.seats) > MAX_SEATS:
            raise ValidationError(f"a seat plan has at most {MAX_SEATS} seats",
                                  {"field": "seats"},
                                  reason="plan-too-many-seats", values={"max": MAX_SEATS})
        seen: set[str] = set()
        for seat in self.seats:
            if seat.id in seen:
                raise ValidationError(f"seat {seat.id} appears twice", {"seat": seat.id},
                                      reason="seat-twice")
            seen.add(seat.id)

    def __len__(self) -> int:
        return len(self.seats)

    def by_id(self) -> Mapping[str, Seat]:
        return {s.id: s for s in self.seats}

    def zones(self) -> tuple[str, ...]:
        """Zones in order of first appearance."""
        return tuple(dict.fromkeys(s.zone for s in self.seats))

    def bounds(self) -> tuple[float, float, float, float]:
        """(min x, min y, max x, max y) in metres."""
        xs = [s.x for s in self.seats]
        ys = [s.y for s in self.seats]
        return min(xs), min(ys), max(xs), max(ys)


def _number(value: str, line: int, column: str) -> float:
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        raise ValidationError(f"line {line}: {column} {value!r} is not a number (metres)",
                              {"line": line, "field": column}, reason="coordinate-number") from None
    return number


def parse_seats_csv(text: str) -> SeatPlan:
    """A plan from CSV text (comma or semicolon separated; decimal comma accepted with ``;``).

    Raises :class:`ValidationError` naming the line of the first problem; nothing is kept.
    """
    text = text.lstrip("\ufeff")
    first = text.replace("\r", "\n").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(csv_buffer(text), delimiter=delimiter)
    with csv_errors(reader):
        return _seats(reader)


def _seats(reader: csv.DictReader[str]) -> SeatPlan:
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValidationError(f"the CSV header lacks {', '.join(missing)} "
                              f"(needs {', '.join(REQUIRED_COLUMNS)}[, equipment])",
                              {"field": "header"},
                              reason="header-missing", values={"columns": list(REQUIRED_COLUMNS)})
    reader.fieldnames = columns
    seats = []
    for line, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            tags = _TAG_SPLIT.split(row.get("equipment") or "")
            seats.append(Seat(
                id=(row["seat_id"] or "").strip(),
                x=_number(row["x"] or "", line, "x"),
                y=_number(row["y"] or "", line, "y"),
                zone=(row["zone"] or "").strip(),
                equipment=frozenset(t.strip() for t in tags if t.strip()),
            ))
        except ValidationError as error:
            if "line" in error.details:
                raise
            raise ValidationError(f"line {line}: {error.message}",
                                  {**error.details, "line": line},
                                  reason="seat-line-invalid") from None
    return SeatPlan(tuple(seats))


def seats_to_csv(seats: Iterable[Seat]) -> str:
    """CSV text that :func:`parse_seats_csv` reads back to the same seats."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["seat_id", "x", "y", "zone", "equipment"])
    for seat in seats:
        writer.writerow([seat.id, f"{seat.x:.3f}", f"{seat.y:.3f}", seat.zone,
                         ";".join(sorted(seat.equipment))])
    return out.getvalue()
