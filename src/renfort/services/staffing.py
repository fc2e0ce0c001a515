"""Staffing plan from a forecast: how many agents each queue needs, interval by interval.

A forecast is a table of cells with the columns ``queue``, ``interval_start``
(ISO 8601 with an offset or ``Z``), ``interval_minutes``, ``volume`` (calls
expected in the interval), ``aht_seconds`` (average handling time) and, for
Erlang A, ``patience_seconds`` (mean time before a caller hangs up); the
``volume_low`` and ``volume_high`` of ``renfort plan forecast`` are read past. It comes
as CSV text (``parse_forecast_csv``) or as a list of mappings, e.g. a JSON body
(``parse_forecast_records``). A bad cell refuses the whole forecast with one
``ValidationError`` whose details name its ``line`` and ``column``; nothing is
planned from a partly read forecast.

``plan_staffing`` then finds, per row and in input order, the fewest agents
on the phone meeting every target, the heads to schedule once shrinkage is
taken out, and the service level, ASA, abandonment and occupancy predicted.
No I/O here: the CLI and the HTTP API read and write.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from renfort.domain.csvtext import csv_buffer, csv_errors
from renfort.domain.errors import ValidationError
from renfort.queueing.staffing import Targets, required_agents, scheduled_heads

REQUIRED_COLUMNS = ("queue", "interval_start", "interval_minutes", "volume", "aht_seconds")
OPTIONAL_COLUMNS = ("patience_seconds",)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
FORECAST_EXTRAS = ("volume_low", "volume_high")
"""Columns of ``renfort plan forecast`` (the 80 % interval) read past without use."""
_Bad = Callable[[str, str], ValidationError]
DEFAULT_MAX_ABANDON = 0.05
"""Abandonment cap applied with Erlang A unless the caller sets one: on a crisis
evening a service-level target alone still lets one caller in seven hang up."""


class ForecastRow(BaseModel):
    """One queue × interval cell of the forecast."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    """Where the row came from: CSV line (the header is line 1) or record number from 1."""
    queue: str
    interval_start: datetime
    """Start of the interval, timezone-aware, in UTC."""
    interval_minutes: int
    volume: float
    """Calls expected in the interval."""
    aht_seconds: float
    patience_seconds: float | None = None


class StaffingOptions(BaseModel):
    """Model and targets of a staffing plan; ``None`` switches a bound off."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: Literal["erlang-a", "erlang-c"] = "erlang-a"
    service_level: float = Field(0.8, gt=0.0, le=1.0)
    """Share of calls to answer within ``within_seconds``."""
    within_seconds: float = Field(60.0, ge=0.0, allow_inf_nan=False)
    max_asa_seconds: float | None = Field(None, gt=0.0, allow_inf_nan=False)
    max_abandon: float | None = Field(None, gt=0.0, le=1.0)
    """``None`` means the 5 % default with Erlang A, no bound with Erlang C."""
    max_occupancy: float | None = Field(None, gt=0.0, le=1.0)
    shrinkage: float = Field(0.0, ge=0.0, lt=1.0)
    """Share of paid time off the phone (absence, breaks, training)."""
    sl_basis: Literal["offered", "answered"] = "offered"


class AppliedTargets(BaseModel):
    """The targets the plan was actually computed with (defaults filled in)."""

    model: Literal["erlang-a", "erlang-c"]
    service_level: float
    within_seconds: float
    sl_basis: Literal["offered", "answered"]
    max_asa_seconds: float | None
    max_abandon: float | None
    max_occupancy: float | None
    shrinkage: float


class StaffingRow(ForecastRow):
    """A forecast row with its staffing and predicted measures."""

    load_erlangs: float
    agents: int
    """Agents on the phone needed in the interval."""
    scheduled_heads: int
    """Agents to schedule: ``ceil(agents / (1 - shrinkage))``."""
    sl: float
    """Predicted service level, on ``sl_basis``."""
    asa_seconds: float
    """Predicted average speed of answer of answered calls."""
    abandon_rate: float
    """Predicted share of offered calls that hang up (0 under Erlang C)."""
    occupancy: float


REMARKS: dict[str, str] = {
    "erlang_c_no_abandon": "Erlang C assumes callers wait as long as it takes: nobody hangs up.",
    "abandon_capped": (
        "Abandonment capped at {cap:.0%} (Erlang A default; max_abandon, --max-abandon on the "
        "command line, changes it). The service-level target alone would let {lost:.1%} of "
        "calls hang up (up to {worst:.1%} in an interval); the cap costs {extra:.0f} more "
        "agent-hours."),
    "sl_on_answered": "Service level counted on answered calls: callers who hang up are left "
                      "out.",
    "idle_intervals": "{idle} interval(s) without calls need no agent.",
    "predicted_abandon": "Predicted abandonment over the forecast: {lost:.1%} of calls.",
}
"""English wording of each remark; the web pages word them from the message catalog
(``planner.remark.<code>``) with the same figures."""


class Remark(BaseModel):
    """A remark for the reader: a code and its figures (rates as fractions, hours)."""

    code: str
    values: dict[str, int | float] = {}

    @property
    def text(self) -> str:
        return REMARKS[self.code].format(**self.values)


class StaffingPlan(BaseModel):
    """Rows in input order, the targets applied, and remarks for the reader.

    ``notes`` are the remarks in English (CLI, API); ``remarks`` carry code and figures.
    """

    targets: AppliedTargets
    notes: list[str]
    remarks: list[Remark]
    rows: list[StaffingRow]


def parse_forecast_csv(text: str) -> list[ForecastRow]:
    """Rows of a CSV forecast (comma-separated, or semicolon with decimal commas)."""
    text = text.removeprefix("\ufeff")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    semicolon = ";" in first and "," not in first
    reader = csv.reader(csv_buffer(text), delimiter=";" if semicolon else ",")
    with csv_errors(reader):
        return _forecast_rows(reader, semicolon)


def _forecast_rows(reader: Any, semicolon: bool) -> list[ForecastRow]:
    header: list[str] | None = None
    rows: list[ForecastRow] = []
    seen: dict[tuple[str, datetime], int] = {}
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        if header is None:
            header = [c.strip() for c in cells]
            _check_header(header, line)
            continue
        if len(cells) != len(header):
            column = header[len(cells)] if len(cells) < len(header) else None
            raise ValidationError(
                f"line {line}: {len(cells)} fields where the header has {len(header)}",
                {"line": line, "column": column},
                reason="field-count",
            )
        record = dict(zip(header, (c.strip() for c in cells), strict=True))
        rows.append(_row(record, line, decimal_comma=semicolon, seen=seen))
    if header is None:
        raise ValidationError("the forecast is empty", {"line": 1, "column": None},
                              reason="table-empty")
    if not rows:
        raise ValidationError("the forecast has a header but no rows", {"line": 2, "column": None},
                              reason="table-no-rows")
    return rows


def parse_forecast_records(records: Sequence[Mapping[str, object]]) -> list[ForecastRow]:
    """Rows of a forecast given as mappings (e.g. JSON objects); ``line`` counts records from 1."""
    if not records:
        raise ValidationError("the forecast has no rows", {"line": 1, "column": None},
                              reason="forecast-empty")
    seen: dict[tuple[str, datetime], int] = {}
    rows = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise ValidationError(f"line {number}: a row must be an object",
                                  {"line": number, "column": None}, reason="row-object")
        unknown = sorted(set(record) - set(COLUMNS) - set(FORECAST_EXTRAS))
        if unknown:
            raise ValidationError(f"line {number}: unknown column {unknown[0]!r}",
                                  {"line": number, "column": unknown[0]}, reason="column-unknown")
        rows.append(_row(record, number, decimal_comma=False, seen=seen))
    return rows


def plan_staffing(rows: Sequence[ForecastRow], options: StaffingOptions) -> StaffingPlan:
    """Fewest agents per row meeting every target of *options*; rows keep their order."""
    if not rows:
        raise ValidationError("the forecast has no rows", {"line": 1, "column": None},
                              reason="forecast-empty")
    erlang_a = options.model == "erlang-a"
    if erlang_a:
        missing = next((r for r in rows if r.patience_seconds is None), None)
        if missing is not None:
            raise ValidationError(
                f"line {missing.line}: patience_seconds is required by erlang-a "
                "(or plan with erlang-c)",
                {"line": missing.line, "column": "patience_seconds"},
                reason="patience-required",
            )
    max_abandon = options.max_abandon
    capped_by_default = erlang_a and max_abandon is None
    if capped_by_default:
        max_abandon = DEFAULT_MAX_ABANDON
    if not erlang_a and max_abandon is not None:
        raise ValidationError("max_abandon needs erlang-a: erlang-c assumes nobody hangs up",
                              {"line": None, "column": None, "option": "max_abandon"},
                              reason="abandon-needs-erlang-a")
    targets = Targets(
        service_level=options.service_level,
        threshold=options.within_seconds,
        max_asa=options.max_asa_seconds,
        max_abandon=max_abandon,
        max_occupancy=options.max_occupancy,
        sl_basis=options.sl_basis,
    )
    volume = np.array([r.volume for r in rows])
    aht = np.array([r.aht_seconds for r in rows])
    minutes = np.array([r.interval_minutes for r in rows], dtype=np.float64)
    load = volume * aht / (minutes * 60.0)
    patience = np.array([r.patience_seconds or 1.0 for r in rows])
    result = required_agents(load, aht, targets, model=options.model,
                             patience=patience if erlang_a else None)
    heads = scheduled_heads(result.agents, options.shrinkage)
    remarks = _remarks(options, load, aht, patience, volume, minutes, result.agents,
                   result.abandon_rate, capped_by_default)
    out = [
        StaffingRow(
            **row.model_dump(),
            load_erlangs=float(load[i]),
            agents=int(result.agents[i]),
            scheduled_heads=int(heads[i]),
            sl=float(result.service_level[i]),
            asa_seconds=float(result.asa[i]),
            abandon_rate=float(result.abandon_rate[i]),
            occupancy=float(result.occupancy[i]),
        )
        for i, row in enumerate(rows)
    ]
    applied = AppliedTargets(
        model=options.model,
        service_level=options.service_level,
        within_seconds=options.within_seconds,
        sl_basis=options.sl_basis,
        max_asa_seconds=options.max_asa_seconds,
        max_abandon=max_abandon,
        max_occupancy=options.max_occupancy,
        shrinkage=options.shrinkage,
    )
    return StaffingPlan(targets=applied, notes=[r.text for r in remarks], remarks=remarks,
                        rows=out)


def _remarks(
    options: StaffingOptions,
    load: NDArray[np.float64],
    aht: NDArray[np.float64],
    patience: NDArray[np.float64],
    volume: NDArray[np.float64],
    minutes: NDArray[np.float64],
    agents: NDArray[np.int64],
    abandon: NDArray[np.float64],
    capped_by_default: bool,
) -> list[Remark]:
    remarks = []
    calls = float(volume.sum())
    if options.model == "erlang-c":
        remarks.append(Remark(code="erlang_c_no_abandon"))
    if capped_by_default:
        uncapped = required_agents(
            load, aht, Targets(options.service_level, options.within_seconds,
                               options.max_asa_seconds, None, options.max_occupancy,
                               options.sl_basis),
            model="erlang-a", patience=patience,
        )
        lost = float((uncapped.abandon_rate * volume).sum() / calls) if calls else 0.0
        extra = float(((agents - uncapped.agents) * minutes).sum() / 60.0)
        remarks.append(Remark(code="abandon_capped", values={
            "cap": DEFAULT_MAX_ABANDON, "lost": lost,
            "worst": float(uncapped.abandon_rate.max()), "extra": extra}))
    if options.model == "erlang-a" and options.sl_basis == "answered":
        remarks.append(Remark(code="sl_on_answered"))
    idle = int((volume == 0.0).sum())
    if idle:
        remarks.append(Remark(code="idle_intervals", values={"idle": idle}))
    if calls and options.model == "erlang-a":
        lost_now = float((abandon * volume).sum() / calls)
        remarks.append(Remark(code="predicted_abandon", values={"lost": lost_now}))
    return remarks


def _check_header(header: list[str], line: int) -> None:
    for name in header:
        if name not in COLUMNS and name not in FORECAST_EXTRAS:
            raise ValidationError(
                f"line {line}: unknown column {name!r} (expected {', '.join(COLUMNS)})",
                {"line": line, "column": name},
                reason="column-unknown",
            )
        if header.count(name) > 1:
            raise ValidationError(f"line {line}: column {name!r} appears twice",
                                  {"line": line, "column": name}, reason="column-twice")
    for name in REQUIRED_COLUMNS:
        if name not in header:
            raise ValidationError(f"line {line}: missing column {name!r}",
                                  {"line": line, "column": name}, reason="column-missing")


def _row(
    record: Mapping[str, object], line: int, *, decimal_comma: bool,
    seen: dict[tuple[str, datetime], int],
) -> ForecastRow:
    def bad(column: str, why: str) -> ValidationError:
        return ValidationError(f"line {line}, column {column}: {why}",
                               {"line": line, "column": column}, reason="cell-invalid")

    def number(column: str) -> float | None:
        raw = record.get(column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, bool):
            raise bad(column, f"{raw!r} is not a number")
        if isinstance(raw, int | float):
            value = float(raw)
        elif isinstance(raw, str):
            text = raw.strip().replace(",", ".") if decimal_comma else raw.strip()
            try:
                value = float(text)
            except ValueError:
                raise bad(column, f"{raw!r} is not a number") from None
        else:
            raise bad(column, f"{raw!r} is not a number")
        if not math.isfinite(value):
            raise bad(column, f"{raw!r} is not a finite number")
        return value

    def required(column: str) -> float:
        value = number(column)
        if value is None:
            raise bad(column, "missing value")
        return value

    queue = record.get("queue")
    if not isinstance(queue, str) or not queue.strip():
        raise bad("queue", "missing queue name")
    start = _instant(record.get("interval_start"), bad)
    minutes = required("interval_minutes")
    if minutes != int(minutes) or not 0 < minutes <= 1440:
        raise bad("interval_minutes", f"{minutes:g} is not a whole number of minutes in 1..1440")
    volume = required("volume")
    if volume < 0.0:
        raise bad("volume", f"{volume:g} calls: a volume cannot be negative")
    aht = required("aht_seconds")
    if aht <= 0.0:
        raise bad("aht_seconds", f"{aht:g} s: the handling time must be positive")
    patience = number("patience_seconds")
    if patience is not None and patience <= 0.0:
        raise bad("patience_seconds", f"{patience:g} s: the patience must be positive")
    key = (queue.strip(), start)
    if key in seen:
        raise bad("interval_start",
                  f"queue {key[0]!r} already has this interval on line {seen[key]}")
    seen[key] = line
    return ForecastRow(line=line, queue=key[0], interval_start=start,
                       interval_minutes=int(minutes), volume=volume, aht_seconds=aht,
                       patience_seconds=patience)


def _instant(raw: object, bad: _Bad) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise bad("interval_start", f"{raw!r} is not an ISO 8601 date-time") from None
    else:
        raise bad("interval_start", "missing date-time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise bad("interval_start", f"{raw!s} has no UTC offset (add Z or +01:00)")
    return value.astimezone(UTC)
