"""Small scenario builders for the simulator's tests."""

from __future__ import annotations

from typing import Any


def single_queue(
    *, agents: int, calls_per_hour: float, aht: float = 300.0, patience: float | None = None,
    hours: int = 8, drain_minutes: float = 120.0, **queue: Any,
) -> dict[str, Any]:
    """One queue, one group of ``agents`` all day: an M/M/n (+M with *patience*) day."""
    spec: dict[str, Any] = {
        "slug": "hotline", "arrivals": {"rates_per_hour": calls_per_hour},
        "handle_time": {"kind": "exponential", "mean": aht}, **queue}
    if patience is not None:
        spec["patience"] = {"kind": "exponential", "mean": patience}
    return {"name": "single", "interval_minutes": 60, "intervals": hours,
            "drain_minutes": drain_minutes, "queues": [spec],
            "agents": [{"name": "team", "skills": {"hotline": 3}, "count": agents}]}
