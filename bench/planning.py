"""Planning benchmark: the forecast against statsforecast and the baselines, the schedule
against pyworkforce, side by side in one run.

**Forecast** — the US bank's calls (``../shared/data/us_bank_calls_5min_2003``, 5-minute
counts summed into 30-minute slots, 144 weekdays). Two sets of windows, each forecasting
the next 20 open weekdays from everything before its origin:

* *tuning*: the 16 origins (2003-05-06 … 2003-07-31) on which ``scripts/tune_forecast.py``
  chose the model's defaults (history cut before the last 20 days);
* *reported*: the last 20 weekdays (2003-08-28 … 2003-09-25) from the 124 before them —
  the shape of the blind check (20 held-out weekdays from the 144 before), never used to
  tune anything.

Methods: Renfort's model; seasonal naive (same slot last week); the 4-week same-slot
average; statsforecast's MSTL (daily 29 and weekly 145 open slots; AutoETS on the trend) and
its AutoETS on daily totals spread by the last four weeks' intraday shares (when
statsforecast is installed: it is a dev dependency, numba compiles it on first use).

**Schedule** — the shared instances (``../shared/bench/instance.py``): the requirement is
Erlang C at 80 % in 60 s (pyworkforce's ``ErlangC`` when installed, else Renfort's: the same
numbers at these targets), the instance's 144 templates (4/6/8 h, a start every 30 min,
over midnight, no breaks). pyworkforce's ``MinRequiredResources`` with hours as cost, one
queue at a time (what it offers); Renfort's one CP-SAT model over all queues, with one pool
per queue (the same problem) and with one shared pool (agents taking every queue); a seat
cap at 90 % of the small day's peak; and the large day with Renfort's default shift rules
(breaks placed by the solver).

    /tmp/bench-venv/bin/python bench/planning.py     # with pyworkforce and statsforecast
    .venv/bin/python bench/planning.py               # ours (and statsforecast) only

(the bench venv: ``pip install pyworkforce statsforecast scipy pydantic holidays pyyaml``;
the repository's ``src`` is put on the path.) Nothing is asserted: figures to read.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(SHARED / "bench"))

from bank_calls_history import SOURCE, history_rows  # noqa: E402

from renfort.planning.backtest import BacktestRequest, Score, backtest  # noqa: E402
from renfort.planning.forecast import ForecastRequest, forecast  # noqa: E402
from renfort.planning.history import HistoryRow, parse_history_csv  # noqa: E402
from renfort.planning.schedule import (  # noqa: E402
    Requirement,
    ScheduleRequest,
    SiteCapacity,
    schedule,
)
from renfort.planning.shift_rules import DEFAULT_RULES, parse_rules  # noqa: E402
from renfort.queueing.staffing import Targets, required_agents  # noqa: E402

REPORTED = 20


def _table(rows: list[dict[str, Any]]) -> None:
    cols = list(rows[0])
    width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print("  ".join(c.rjust(width[c]) for c in cols))
    for r in rows:
        print("  ".join(str(r[c]).rjust(width[c]) for c in cols))


# ---------------------------------------------------------------------------- forecast


def bank_rows(source: Path) -> list[HistoryRow]:
    return parse_history_csv("\n".join(",".join(r) for r in history_rows(source, "bank")))


def slot_matrix(rows: list[HistoryRow]) -> tuple[list[date], np.ndarray]:
    """Calls per weekday (rows) and 30-minute slot of 07:00–21:00 (29 columns)."""
    days = sorted({r.start.date() for r in rows})
    index = {d: i for i, d in enumerate(days)}
    out = np.zeros((len(days), 29))
    for r in rows:
        out[index[r.start.date()], (r.start.hour * 60 + r.start.minute - 420) // 30] += r.volume
    return days, out


def statsforecast_methods() -> dict[str, Callable[[np.ndarray, int], np.ndarray]] | None:
    """MSTL(AutoETS) on the slot series; AutoETS on daily totals × recent shares."""
    try:
        from statsforecast.models import MSTL, AutoETS
    except ImportError:  # pragma: no cover - depends on the venv running the bench
        return None

    def mstl(history: np.ndarray, days: int) -> np.ndarray:
        model = MSTL(season_length=[29, 145], trend_forecaster=AutoETS(model="ZZN"))
        fitted = model.fit(history.ravel().astype(float))
        return np.maximum(0.0, fitted.predict(h=29 * days)["mean"]).reshape(days, 29)

    def ets_daily(history: np.ndarray, days: int) -> np.ndarray:
        totals = history.sum(axis=1)
        model = AutoETS(season_length=5).fit(totals.astype(float))
        level = np.maximum(0.0, model.predict(h=days)["mean"])
        shares = history[-20:] / history[-20:].sum(axis=1, keepdims=True)
        weekday = [shares[k::5][-4:].mean(axis=0) for k in range(5)]
        return np.array([level[d] * weekday[(len(history) + d) % 5] for d in range(days)])

    return {"statsforecast MSTL+AutoETS": mstl, "statsforecast AutoETS daily × profile":
            ets_daily}


def _weekdays(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def weekday_grid(days: list[date], matrix: np.ndarray, origin: date
                 ) -> tuple[list[date], np.ndarray]:
    """Every weekday before *origin*, a day without data (holiday, gap) filled with the
    same weekday of the week before: the series statsforecast's seasons need."""
    grid = _weekdays(days[0], origin - timedelta(days=1))
    index = {d: i for i, d in enumerate(days)}
    rows: list[np.ndarray] = []
    for k, day in enumerate(grid):
        rows.append(matrix[index[day]] if day in index else rows[k - 5] if k >= 5
                    else matrix[0])
    return grid, np.array(rows)


def _score(forecasts: np.ndarray, actual: np.ndarray) -> Score:
    score = Score()
    score.add(forecasts.ravel(), actual.ravel())
    return score


def forecast_bench(source: Path) -> None:
    rows = bank_rows(source)
    days, matrix = slot_matrix(rows)
    cut = days[-REPORTED]
    tuning = [r for r in rows if r.start.date() < cut]
    print("\n== Forecast: US bank, 30-minute slots, 20 open weekdays ahead ==")
    others = statsforecast_methods()
    if others is None:
        print("(statsforecast not installed: its lines are left out)")
    results = []
    for label, history, origins, step in (("tuning (16 origins)", tuning, 16, 4),
                                          ("reported (last 20 days)", rows, 1, 4)):
        started = time.perf_counter()
        result = backtest(history, BacktestRequest(horizon=20, origins=origins, step=step,
                                                   interval_minutes=30, country="US"))
        seconds = (time.perf_counter() - started) / max(1, len(result.origins))
        line = {"windows": label, "origins": f"{result.origins[0]}…{result.origins[-1]}"}
        for method, name in (("renfort", "renfort"), ("seasonal_naive", "seasonal naive"),
                             ("four_week_average", "4-week average")):
            score = result.overall[method]
            results.append({**line, "method": name, "WAPE": f"{score.wape:.2%}",
                            "bias": f"{score.bias:+.2%}",
                            "80% interval": f"{score.coverage:.0%}" if method == "renfort"
                            else "", "s/origin": f"{seconds:.2f}" if method == "renfort"
                            else ""})
        for name, method in (others or {}).items():
            total = Score()
            started = time.perf_counter()
            for origin in result.origins:
                _, filled = weekday_grid(days, matrix, origin)
                targets = [d for d in days if d >= origin][:20]
                ahead = _weekdays(origin, targets[-1])
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    predicted = method(filled, len(ahead))
                picked = np.array([predicted[ahead.index(d)] for d in targets])
                actual = np.array([matrix[days.index(d)] for d in targets])
                part = _score(picked, actual)
                total.error += part.error
                total.signed += part.signed
                total.calls += part.calls
            seconds = (time.perf_counter() - started) / len(result.origins)
            results.append({**line, "method": name, "WAPE": f"{total.wape:.2%}",
                            "bias": f"{total.bias:+.2%}", "80% interval": "",
                            "s/origin": f"{seconds:.2f}"})
    _table(results)
    baseline = next(r for r in results if r["windows"].startswith("reported")
                    and r["method"] == "4-week average")
    ours = next(r for r in results if r["windows"].startswith("reported")
                and r["method"] == "renfort")
    gain = 1 - float(ours["WAPE"].rstrip("%")) / float(baseline["WAPE"].rstrip("%"))
    print(f"reported windows: renfort's WAPE is {gain:.1%} below the 4-week average")
    started = time.perf_counter()
    blind = forecast(rows, ForecastRequest(start=days[-1] + timedelta(days=1), days=20,
                                           interval_minutes=30, country="US"))
    print(f"the blind check's forecast (20 open weekdays after {days[-1]}): "
          f"{blind.days[0]} … {blind.days[-1]}, {len(blind.cells)} rows, "
          f"{time.perf_counter() - started:.2f} s; "
          + "; ".join(n.text for n in blind.notes[:1]))


# ---------------------------------------------------------------------------- schedule


def requirements(inst: dict[str, Any], use_pyworkforce: bool) -> list[list[int]]:
    if use_pyworkforce:
        import staffing_baseline

        return [list(map(int, r)) for r in staffing_baseline.requirements(inst)["pw_c"]]
    minutes = inst["interval_min"]
    out = []
    for q in inst["queues"]:
        calls = np.array(q["calls"])
        load = calls * q["aht_s"] / (minutes * 60.0)
        result = required_agents(load, np.full_like(load, q["aht_s"]),
                                 Targets(0.8, 60.0, None, None, None, "offered"),
                                 model="erlang-c")
        out.append([int(a) for a in result.agents])
    return out


def pyworkforce_run(inst: dict[str, Any], reqs: list[list[int]], cap: int | None,
                    time_limit: float) -> dict[str, Any]:
    import scheduling_baseline

    started = time.perf_counter()
    _, statuses, agg = scheduling_baseline.run_variant(
        inst, reqs, "MinReq(hours)", time_limit, cap=cap)
    wall = time.perf_counter() - started
    return {"wall": wall, "status": "/".join(sorted(set(statuses))),
            "agent_h": agg["agent_h"] if agg else None,
            "under": agg["under"] if agg else None}


def renfort_run(inst: dict[str, Any], reqs: list[list[int]], *, pools: str, cap: int | None,
                time_limit: float, workers: int, rules: dict[str, Any] | None = None
                ) -> dict[str, Any]:
    minutes = inst["interval_min"]
    t0 = datetime(2020, 3, 17, tzinfo=UTC)
    requirement = [Requirement(q["name"], t0 + timedelta(minutes=minutes * i), minutes, n)
                   for q, needs in zip(inst["queues"], reqs, strict=True)
                   for i, n in enumerate(needs)]
    if rules is None:
        rules = {"start_step_minutes": 30, "wrap": True, "time_zone": "UTC",
                 "templates": [{"name": f"{h}h", "hours": h} for h in (4, 6, 8)]}
    started = time.perf_counter()
    result = schedule(ScheduleRequest(requirement, parse_rules({**rules, "pools": pools}),
                                      sites=[SiteCapacity("site", cap)],
                                      time_limit=time_limit, workers=workers))
    wall = time.perf_counter() - started
    s = result.summary
    return {"wall": wall, "status": s.status, "agent_h": s.agent_hours, "gap": s.gap,
            "under": s.shortfall_interval_agents, "peak_on_site": s.peak_on_site}


def schedule_bench(sizes: list[str], time_limit: float, workers: int) -> None:
    import instance as shared_instance

    try:
        import pyworkforce  # noqa: F401

        have_pw = True
    except ImportError:  # pragma: no cover - depends on the venv
        have_pw = False
    print("\n== Schedule: shared instances, 144 templates (4/6/8 h every 30 min, over "
          f"midnight, no breaks); CP-SAT workers {workers}, time limit {time_limit:g} s ==")
    if not have_pw:
        print("(pyworkforce not installed: its lines are left out; requirement from "
              "Renfort's Erlang C, identical at 80 %/60 s)")
    rows = []
    for size in sizes:
        inst = shared_instance.make_instance(size)
        reqs = requirements(inst, have_pw)
        req_h = sum(map(sum, reqs)) * inst["interval_min"] / 60.0
        runs: list[tuple[str, Callable[[], dict[str, Any]]]] = []
        if have_pw:
            runs.append(("pyworkforce MinReq(hours), per queue",
                         lambda inst=inst, reqs=reqs: pyworkforce_run(inst, reqs, None,
                                                                      30.0)))
        runs.append(("renfort, one model, a pool per queue",
                     lambda inst=inst, reqs=reqs: renfort_run(
                         inst, reqs, pools="separate", cap=None, time_limit=time_limit,
                         workers=workers)))
        if len(reqs) > 1:
            runs.append(("renfort, one model, shared pool",
                         lambda inst=inst, reqs=reqs: renfort_run(
                             inst, reqs, pools="shared", cap=None, time_limit=time_limit,
                             workers=workers)))
        if size == "small":
            cap = int(0.9 * max(reqs[0]))
            if have_pw:
                runs.append((f"pyworkforce, seat cap {cap}",
                             lambda inst=inst, reqs=reqs, cap=cap: pyworkforce_run(
                                 inst, reqs, cap, 30.0)))
            runs.append((f"renfort, seat cap {cap}",
                         lambda inst=inst, reqs=reqs, cap=cap: renfort_run(
                             inst, reqs, pools="separate", cap=cap,
                             time_limit=time_limit, workers=workers)))
        if size == "large":
            rules = {**DEFAULT_RULES, "time_zone": "UTC"}
            runs.append(("renfort, default rules (breaks placed), pool per queue",
                         lambda inst=inst, reqs=reqs, rules=rules: renfort_run(
                             inst, reqs, pools="separate", cap=None,
                             time_limit=time_limit, workers=workers, rules=rules)))
        for name, run in runs:
            out = run()
            hours = out["agent_h"]
            rows.append({
                "size": size, "method": name, "wall_s": f"{out['wall']:.2f}",
                "status": out["status"], "req_h": f"{req_h:,.0f}",
                "agent_h": "-" if hours is None else f"{hours:,.0f}",
                "over_req": "-" if hours is None else f"{hours / req_h - 1:+.1%}",
                "under": "-" if out["under"] is None else out["under"],
                "gap": f"{out['gap']:.2%}" if "gap" in out else "",
                "peak_on_site": out.get("peak_on_site", "")})
    _table(rows)
    print("under = interval-agents short of the requirement; peak_on_site = most agents "
          "seated at once (≤ the cap when one is set)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-forecast", action="store_true")
    parser.add_argument("--no-schedule", action="store_true")
    args = parser.parse_args()
    import ortools

    print(f"python {platform.python_version()}, ortools {ortools.__version__}, "
          f"cpus {os.cpu_count()}, {platform.machine()}")
    if not args.no_forecast:
        forecast_bench(args.source)
    if not args.no_schedule:
        schedule_bench(args.sizes.split(","), args.time_limit, args.workers)


if __name__ == "__main__":
    main()
