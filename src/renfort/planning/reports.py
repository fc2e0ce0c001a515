"""The planning results as JSON-ready dictionaries (the CLI's ``--json`` and the API)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from renfort.planning.backtest import METHODS, Backtest, Score
from renfort.planning.forecast import Forecast
from renfort.planning.schedule import Schedule


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def forecast_report(forecast: Forecast) -> dict[str, Any]:
    return {
        "interval_minutes": forecast.minutes,
        "days": [d.isoformat() for d in forecast.days],
        "notes": [n.text for n in forecast.notes],
        "remarks": [{"code": n.code, "values": n.values} for n in forecast.notes],
        "surges": [{"kind": s.kind, "factor": s.factor, "decay_hours": s.decay_hours,
                    "events": s.events} for s in forecast.surges],
        "rows": [{"queue": c.queue, "interval_start": c.start.isoformat(),
                  "interval_minutes": c.minutes, "volume": round(c.volume, 2),
                  "volume_low": round(c.volume_low, 2), "volume_high": round(c.volume_high, 2),
                  "aht_seconds": round(c.aht_seconds, 1),
                  "patience_seconds": round(c.patience_seconds, 1),
                  "surge": round(c.surge, 4)} for c in forecast.cells],
    }


def _score(score: Score) -> dict[str, Any]:
    return {"wape": _round(score.wape), "bias": _round(score.bias), "calls": score.calls}


def backtest_report(result: Backtest) -> dict[str, Any]:
    overall = {m: _score(result.overall[m]) for m in METHODS}
    overall["renfort"]["interval_coverage"] = _round(result.overall["renfort"].coverage)
    best = min((m for m in METHODS if m != "renfort"),
               key=lambda m: result.overall[m].wape or float("inf"))
    ours, theirs = result.overall["renfort"].wape, result.overall[best].wape
    return {
        "origins": [o.isoformat() for o in result.origins],
        "horizon": result.horizon,
        "overall": overall,
        "best_baseline": best,
        "improvement": _round(1 - ours / theirs) if ours is not None and theirs else None,
        "by_horizon": [
            {"horizon": h + 1, **{m: _score(result.by_horizon[m][h]) for m in METHODS}}
            for h in range(result.horizon)],
    }


def schedule_report(result: Schedule) -> dict[str, Any]:
    zone = ZoneInfo(result.time_zone)
    s = result.summary
    return {
        "summary": {"agent_hours": s.agent_hours, "required_hours": s.required_hours,
                    "shortfall_interval_agents": s.shortfall_interval_agents,
                    "status": s.status, "gap": s.gap, "seconds": s.seconds,
                    "shifts": s.shifts, "home_hours": s.home_hours,
                    "peak_on_site": s.peak_on_site, "grid_minutes": s.grid_minutes,
                    "workers": s.workers},
        "time_zone": result.time_zone,
        "shifts": [{"shift": x.id, "template": x.template, "pool": x.pool,
                    "queues": list(x.queues), "location": x.location,
                    "start": x.start.astimezone(zone).isoformat(),
                    "end": x.end.astimezone(zone).isoformat(),
                    "breaks": [{"start": b.astimezone(zone).isoformat(), "minutes": m}
                               for b, m in x.breaks]} for x in result.shifts],
        "coverage": [{"queue": c.queue, "interval_start": c.start.astimezone(zone).isoformat(),
                      "interval_minutes": c.minutes, "required": c.required,
                      "scheduled": c.scheduled, "on_site": c.on_site, "at_home": c.at_home,
                      "shortfall": c.shortfall} for c in result.coverage],
        "seats": [{"site": u.site, "interval_start": u.start.astimezone(zone).isoformat(),
                   "interval_minutes": u.minutes, "heads": u.heads, "seats": u.seats}
                  for u in result.seats],
    }
