"""The result document of a simulation: JSON-ready dictionaries and CSV rows.

Shape (``renfort simulate --json``)::

    {"scenario": ..., "replications": R, "seed": S, "start": ISO, "interval_minutes": M,
     "total": {figures, "ci95": {...}},
     "queues": [{"queue": slug, "sl_target": .8, "sl_seconds": 60, figures...,
                 "ci95": {figure: [low, high], ...},
                 "intervals": [{"start": ISO, figures..., "ci95": {...}}, ...]}, ...],
     "groups": [{"group": name, "staffed_hours", "busy_hours", "occupancy"}, ...]}

Figures are means over replications (see :mod:`renfort.simulation.metrics` for their
definitions); ``ci95`` gives the Student t 95 % interval of each, ``null`` with a single
replication or where a figure is undefined (no call, no agent). Floats are rounded to 6
decimals so that a document is byte-for-byte reproducible.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import numpy as np

from renfort.simulation.metrics import (
    RATIOS,
    Estimate,
    Replication,
    estimates,
    figures,
    total_counts,
)
from renfort.simulation.world import World

Json = dict[str, Any]


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 6)


def _block(est: dict[str, Estimate], index: tuple[int, ...]) -> Json:
    out: Json = {name: _num(est[name].mean[index]) for name in RATIOS}
    out["ci95"] = {
        name: None if math.isnan(est[name].low[index]) else
        [_num(est[name].low[index]), _num(est[name].high[index])]
        for name in RATIOS
    }
    return out


def build_report(world: World, reps: list[Replication], seed: int) -> Json:
    """The document described in the module docstring."""
    s = world.scenario
    per_cell = estimates([figures(r.counts) for r in reps])
    per_queue = estimates([figures(r.counts, axis=-1) for r in reps])
    total = estimates([figures(total_counts(r.counts), axis=-1) for r in reps])
    starts = [s.start + timedelta(seconds=k * world.interval_seconds)
              for k in range(world.intervals)]
    queues = []
    for q in world.queues:
        entry: Json = {"queue": q.queue.slug, "sl_target": q.queue.sl_target,
                       "sl_seconds": q.queue.sl_seconds}
        entry.update(_block(per_queue, (q.index,)))
        entry["intervals"] = [
            {"start": starts[k].isoformat().replace("+00:00", "Z"),
             **_block(per_cell, (q.index, k))}
            for k in range(world.intervals)
        ]
        queues.append(entry)
    busy = np.mean([r.group_busy.sum(axis=1) for r in reps], axis=0)
    staffed = np.mean([r.group_staffed.sum(axis=1) for r in reps], axis=0)
    groups = [
        {"group": g.spec.name, "staffed_hours": _num(staffed[g.index] / 3600.0),
         "busy_hours": _num(busy[g.index] / 3600.0),
         "occupancy": _num(busy[g.index] / staffed[g.index]) if staffed[g.index] > 0 else None}
        for g in world.groups
    ]
    return {
        "scenario": s.name,
        "replications": len(reps),
        "seed": seed,
        "start": s.start.isoformat().replace("+00:00", "Z"),
        "interval_minutes": s.interval_minutes,
        "sl_target": s.sl_target,
        "total": _block(total, (0,)),
        "queues": queues,
        "groups": groups,
    }


CSV_COLUMNS = ("queue", "interval_start", *RATIOS, *(f"{n}_ci_low" for n in RATIOS),
               *(f"{n}_ci_high" for n in RATIOS))


def csv_rows(report: Json) -> list[list[str]]:
    """One row per queue and interval, then one per queue (``interval_start`` = ``day``)."""
    def cells(block: Json) -> list[str]:
        ci = block["ci95"]
        return ([_cell(block[n]) for n in RATIOS]
                + [_cell(None if ci[n] is None else ci[n][0]) for n in RATIOS]
                + [_cell(None if ci[n] is None else ci[n][1]) for n in RATIOS])

    rows = [list(CSV_COLUMNS)]
    for q in report["queues"]:
        for iv in q["intervals"]:
            rows.append([q["queue"], iv["start"], *cells(iv)])
    for q in report["queues"]:
        rows.append([q["queue"], "day", *cells(q)])
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
