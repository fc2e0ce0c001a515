"""Simulation use cases: replay a staffing plan, run a scenario within size limits.

``scenario_from_plan`` builds a scenario from the output of
``renfort plan staffing --output PLAN.csv``.

Each queue of the plan becomes a queue of the scenario with exponential handle times
(mean ``aht_seconds`` of each interval) and exponential patience (``patience_seconds``;
callers never hang up when the plan has none) and Poisson arrivals of ``volume`` calls per
interval; each queue gets one agent group following the plan's ``agents`` per interval
(``--heads`` uses ``scheduled_heads``: agents before shrinkage). The service-level target
and threshold are the plan's when given.

Intervals must be the same for every queue and contiguous; a queue missing an interval
gets no call and no agent there.

``run_simulation`` is what the CLI and ``POST /api/v1/simulations`` call: it refuses
scenarios over a size cap (expected calls × replications) before running anything.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timedelta
from typing import Any

from renfort.domain.csvtext import csv_buffer, csv_errors
from renfort.domain.errors import ValidationError
from renfort.services.staffing import parse_forecast_csv
from renfort.simulation.report import build_report
from renfort.simulation.runner import Progress, run_replications
from renfort.simulation.scenario import Scenario, parse_scenario
from renfort.simulation.world import build_world

PLAN_COLUMNS = ("agents", "scheduled_heads")


def scenario_from_plan(text: str, *, heads: bool = False, sl_target: float = 0.8,
                       sl_seconds: float = 60.0, name: str = "staffing-plan") -> Scenario:
    """Build the scenario replaying a staffing plan CSV (see the module docstring)."""
    column = "scheduled_heads" if heads else "agents"
    forecast_text, staffing = _split(text, column)
    rows = parse_forecast_csv(forecast_text)
    minutes = {r.interval_minutes for r in rows}
    if len(minutes) != 1:
        raise ValidationError("the plan mixes interval lengths", {"column": "interval_minutes"},
                              reason="plan-mixed-intervals")
    length = timedelta(minutes=minutes.pop())
    start = min(r.interval_start for r in rows)
    end = max(r.interval_start for r in rows) + length
    count = int((end - start) / length)
    if count > 2016:
        raise ValidationError("the plan spans more than 2016 intervals", {"column": None},
                              reason="plan-too-long")
    queues: dict[str, dict[str, list[Any]]] = {}
    for row, agents in zip(rows, staffing, strict=True):
        offset = (row.interval_start - start) / length
        if offset != int(offset):
            raise ValidationError(f"line {row.line}: interval_start is off the interval grid",
                                  {"line": row.line, "column": "interval_start"},
                                  reason="interval-off-grid-line")
        k = int(offset)
        q = queues.setdefault(row.queue, {"volume": [0.0] * count, "aht": [None] * count,
                                          "patience": [None] * count, "agents": [0] * count})
        q["volume"][k] = row.volume
        q["aht"][k] = row.aht_seconds
        q["patience"][k] = row.patience_seconds
        q["agents"][k] = agents
    return parse_scenario(_document(queues, start, minutes=int(length.total_seconds() // 60),
                                    count=count, sl_target=sl_target, sl_seconds=sl_seconds,
                                    name=name))


def _split(text: str, column: str) -> tuple[str, list[int]]:
    """The forecast columns of the plan (for the forecast parser) and the staffing column."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(csv_buffer(text))
    with csv_errors(reader):
        return _split_rows(reader, column)


def _split_rows(reader: Any, column: str) -> tuple[str, list[int]]:
    header: list[str] | None = None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    staffing: list[int] = []
    keep: list[int] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            if column not in header:
                raise ValidationError(f"line 1: missing column {column!r} (is this the "
                                      "output of 'renfort plan staffing --output'?)",
                                      {"line": 1, "column": column}, reason="column-missing")
            keep = [i for i, name in enumerate(header)
                    if name not in PLAN_COLUMNS and name not in _OUTPUTS]
            writer.writerow([header[i] for i in keep])
            continue
        line = reader.line_num
        if len(cells) != len(header):
            raise ValidationError(f"line {line}: {len(cells)} fields where the header has "
                                  f"{len(header)}", {"line": line, "column": None},
                                  reason="field-count")
        raw = cells[header.index(column)].strip()
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError(f"line {line}, column {column}: {raw!r} is not a number",
                                  {"line": line, "column": column}, reason="cell-number") from None
        if not math.isfinite(value) or value < 0 or value != int(value):
            raise ValidationError(f"line {line}, column {column}: {raw!r} is not a headcount",
                                  {"line": line, "column": column}, reason="headcount")
        staffing.append(int(value))
        writer.writerow([cells[i] for i in keep])
    if header is None:
        raise ValidationError("the plan is empty", {"line": 1, "column": None}, reason="plan-empty")
    return out.getvalue(), staffing


_OUTPUTS = ("load_erlangs", "sl", "asa_seconds", "abandon_rate", "occupancy")


def _document(queues: dict[str, dict[str, list[Any]]], start: datetime, *, minutes: int,
              count: int, sl_target: float, sl_seconds: float, name: str) -> dict[str, Any]:
    specs, groups = [], []
    for i, (slug_in, q) in enumerate(queues.items()):
        slug = _slug(slug_in, i)
        aht = _filled(q["aht"])
        patience = q["patience"]
        spec: dict[str, Any] = {
            "slug": slug, "name": slug_in, "arrivals": {"volumes": q["volume"]},
            "handle_time": {"kind": "exponential", "mean": aht[0]}, "handle_time_means": aht,
        }
        if any(p is not None for p in patience):
            means = _filled(patience)
            spec["patience"] = {"kind": "exponential", "mean": means[0]}
            spec["patience_means"] = means
        specs.append(spec)
        groups.append({"name": f"{slug}-agents", "skills": {slug: 3}, "staffing": q["agents"]})
    return {"name": name, "start": start.isoformat(), "interval_minutes": minutes,
            "intervals": count, "sl_target": sl_target, "sl_seconds": sl_seconds,
            "queues": specs, "agents": groups}


def _filled(values: list[float | None]) -> list[float]:
    """Intervals the plan does not list borrow the nearest earlier (else later) value."""
    known = [v for v in values if v is not None]
    last = known[0] if known else 1.0
    out = []
    for v in values:
        last = v if v is not None else last
        out.append(last)
    return out


def _slug(name: str, index: int) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:60]
    return slug if slug and slug[0].isalnum() and slug.isascii() else f"queue-{index + 1}"


MAX_CALL_REPLICATIONS = 1_000_000
"""Cap on expected calls × replications of one request (a few seconds of work per core)."""


def expected_calls(scenario: Scenario) -> float:
    """Calls the scenario expects over its day (sum of every queue's arrivals)."""
    world = build_world(scenario)
    return float(sum(q.expected.sum() for q in world.queues))


def run_simulation(
    scenario: Scenario, *, replications: int, seed: int, workers: int = 1,
    progress: Progress | None = None, max_work: float | None = None,
) -> dict[str, Any]:
    """Simulate *replications* days and return the report (see renfort.simulation.report).

    *max_work* caps expected calls × replications (``ValidationError`` beyond it).
    """
    if not 1 <= replications <= 1000:
        raise ValidationError("replications must lie between 1 and 1000",
                              {"field": "replications"}, reason="replications-range")
    world = build_world(scenario)
    work = float(sum(q.expected.sum() for q in world.queues)) * replications
    if max_work is not None and work > max_work:
        raise ValidationError(
            f"too large: {work:,.0f} expected calls × replications, the limit is "
            f"{max_work:,.0f}; run it with the CLI ('renfort simulate')",
            {"field": "replications"}, reason="simulation-too-large")
    reps = run_replications(world, replications, seed, workers=workers, progress=progress)
    return build_report(world, reps, seed)
