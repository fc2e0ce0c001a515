"""Digital twin of a real call center: the Anonymous Bank (1999) replayed through the router.

    .venv/bin/python scripts/bank_twin.py [--data ../shared/data] [--replications 10]

Data: ``anonymous_bank_call_center_1999`` (Technion SEE Center; see shared/data/SOURCES.md),
call by call for January and October 1999. For every day of the data a scenario is built:

* **queues**: one per call type (PS regular, NW prospects, NE stock exchange, IN internet,
  TT call-backs, PE English), one bank client, 30-minute intervals;
* **arrivals**: the calls offered to an agent in each interval (``AGENT`` + queued
  ``HANG`` calls, PHANTOM excluded), as Poisson volumes;
* **handle times**: empirical, resampled from the type's observed ``ser_time`` over the
  whole data;
* **patience**: exponential, its mean fitted per type by the censored maximum likelihood
  ``mean = total queued seconds / abandons`` (answered callers' waits are censored);
* **agents**: the 42 real agents; each serves the types it was seen serving that month.
  When it works is inferred from its service records of the day (``--presence``):

  - ``activity`` (default): from the start of a call to the end of the last one, a gap of
    more than ``--gap-minutes`` (5) between two calls splitting the shift: agents are
    staffed while they are seen working, their short idle gaps included;
  - ``interval``: every whole half-hour in which the agent served a call (one short call
    counts a full half-hour: the agents' occupancy then comes out at 47 %, far too idle).

  Both miss what the records do not show (after-call work, outbound calls, breaks within
  an interval), the usual limit of staffing inferred from service records.

It prints, per day and over all days, the service level (answered within 20 s and within
60 s over offered), the abandonment and the ASA observed and simulated (mean of the
replications, each figure pooled over the day).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TYPES = ("PS", "NW", "NE", "IN", "TT", "PE")
INTERVAL = 1800
DATASET = "anonymous_bank_call_center_1999"


def data_dir(explicit: Path | None = None) -> Path | None:
    """``--data``, else ``$RENFORT_SHARED_DATA``, else ``../shared/data`` beside the repo."""
    for candidate in (explicit, os.environ.get("RENFORT_SHARED_DATA"),
                      Path(__file__).resolve().parents[2] / "shared" / "data"):
        if candidate and (Path(candidate) / DATASET).is_dir():
            return Path(candidate) / DATASET
    return None


def _seconds(clock: str) -> int:
    h, m, s = (int(x) for x in clock.split(":"))
    return h * 3600 + m * 60 + s


@dataclass(frozen=True)
class Call:
    date: str
    type: str
    queued_at: int
    """Seconds of the day the caller asked for an agent (left the voice menu)."""
    wait: int
    answered: bool
    service: int
    served_from: int
    agent: str


def load_calls(folder: Path) -> list[Call]:
    """Calls that asked for an agent (AGENT, or HANG after queueing), as in the intervals."""
    calls = []
    with (folder / "calls_1999-01_1999-10.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            answered = r["outcome"] == "AGENT"
            if not answered and not (r["outcome"] == "HANG" and r["q_start"] != "0:00:00"):
                continue
            calls.append(Call(
                r["date"], r["type"], _seconds(r["vru_exit"]), int(r["q_time"]), answered,
                int(r["ser_time"]) if answered else 0,
                _seconds(r["ser_start"]) if answered else 0, r["agent"]))
    return calls


def fitted(calls: list[Call]) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Per type: observed handle times (s) and the patience mean fitted by censored MLE."""
    handle: dict[str, list[float]] = defaultdict(list)
    waited: dict[str, float] = defaultdict(float)
    gave_up: dict[str, int] = defaultdict(int)
    for c in calls:
        waited[c.type] += c.wait
        if c.answered and c.service > 0:
            handle[c.type].append(float(c.service))
        if not c.answered:
            gave_up[c.type] += 1
    patience = {t: waited[t] / gave_up[t] if gave_up[t] else 3600.0 for t in TYPES}
    return dict(handle), patience


def day_scenario(calls: list[Call], date: str, handle: dict[str, list[float]],
                 patience: dict[str, float], sl_seconds: float = 20.0, *,
                 presence: str = "activity", gap_minutes: float = 5.0) -> dict[str, Any]:
    """The scenario of one day (a plain document for ``parse_scenario``)."""
    month = date[:7]
    today = [c for c in calls if c.date == date]
    volumes = {t: [0] * 48 for t in TYPES}
    for c in today:
        volumes[c.type][min(c.queued_at // INTERVAL, 47)] += 1
    skills: dict[str, set[str]] = defaultdict(set)
    for c in calls:
        if c.answered and c.agent and c.date.startswith(month):
            skills[c.agent].add(c.type)
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in today:
        if c.answered and c.agent:
            spans[c.agent].append((c.served_from, c.served_from + max(c.service, 1)))
    queues = [{"slug": t.lower(), "name": t, "skill": t,
               "arrivals": {"volumes": volumes[t]},
               "handle_time": {"kind": "empirical", "values": handle.get(t) or [180.0]},
               "patience": {"kind": "exponential", "mean": patience[t]}}
              for t in TYPES]
    agents = [{"name": agent.lower().replace("_", "-"), "count": 1,
               "skills": {t: 3 for t in sorted(skills[agent])},
               "shifts": _shifts(spans[agent], presence, gap_minutes * 60.0)}
              for agent in sorted(spans) if skills[agent]]
    return {"name": f"anonymous-bank-{date}", "start": f"{date}T00:00:00+02:00",
            "interval_minutes": 30, "intervals": 48, "drain_minutes": 60,
            "sl_seconds": sl_seconds, "clients": [{"slug": "bank", "sector": "banking"}],
            "queues": queues, "agents": agents}


def _shifts(spans: list[tuple[int, int]], presence: str, gap: float) -> list[dict[str, float]]:
    """Shifts (minutes of the day) of an agent from its service spans (seconds)."""
    if presence == "interval":
        seen = {k for a, b in spans for k in range(a // INTERVAL, min((b - 1) // INTERVAL, 47) + 1)}
        return [{"start": a * 30.0, "end": b * 30.0} for a, b in _runs(seen)]
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a - merged[-1][1] <= gap:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [{"start": a / 60.0, "end": max(b, a + 60) / 60.0} for a, b in merged]


def _runs(intervals: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous runs of interval indices as [start, end) pairs."""
    out: list[tuple[int, int]] = []
    for k in sorted(intervals):
        if out and out[-1][1] == k:
            out[-1] = (out[-1][0], k + 1)
        else:
            out.append((k, k + 1))
    return out


def observed(calls: list[Call], date: str) -> dict[str, float]:
    """Pooled figures of one day as recorded."""
    today = [c for c in calls if c.date == date]
    n = len(today)
    answered = [c for c in today if c.answered]
    return {"offered": n,
            "sl20": sum(c.wait <= 20 for c in answered) / n,
            "sl60": sum(c.wait <= 60 for c in answered) / n,
            "abandon": (n - len(answered)) / n,
            "asa": statistics.fmean(c.wait for c in answered) if answered else 0.0}


def simulated(doc: dict[str, Any], replications: int, seed: int) -> dict[str, float]:
    """Pooled figures of the day's twin: SL at 20 s and 60 s, abandonment, ASA."""
    from renfort.simulation.metrics import figures, total_counts
    from renfort.simulation.replication import simulate
    from renfort.simulation.scenario import parse_scenario
    from renfort.simulation.world import build_world

    out: dict[str, list[float]] = defaultdict(list)
    for sl_seconds, key in ((20.0, "sl20"), (60.0, "sl60")):
        world = build_world(parse_scenario({**doc, "sl_seconds": sl_seconds}))
        for rep in simulate(world, replications, seed):
            f = figures(total_counts(rep.counts), axis=-1)
            out[key].append(float(f["service_level"][0]))
            if key == "sl20":
                out["offered"].append(float(f["offered"][0]))
                out["abandon"].append(float(f["abandon_rate"][0]))
                out["asa"].append(float(f["asa_seconds"][0]))
    return {k: statistics.fmean(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=0, help="only the first N days (0: all)")
    ap.add_argument("--presence", choices=("activity", "interval"), default="activity")
    ap.add_argument("--gap-minutes", type=float, default=5.0)
    a = ap.parse_args()
    folder = data_dir(a.data)
    if folder is None:
        sys.exit(f"no {DATASET} folder: pass --data or set RENFORT_SHARED_DATA")
    calls = load_calls(folder)
    handle, patience = fitted(calls)
    print("patience means (s): " + ", ".join(f"{t} {patience[t]:.0f}" for t in TYPES))
    dates = sorted({c.date for c in calls})[: a.days or None]
    print(f"{'day':<10} {'calls':>5} | {'SL20 obs':>8} {'sim':>6} | {'SL60 obs':>8} {'sim':>6} | "
          f"{'ab obs':>6} {'sim':>6} | {'ASA obs':>7} {'sim':>6}")
    totals: dict[str, list[float]] = defaultdict(list)
    for date in dates:
        obs = observed(calls, date)
        doc = day_scenario(calls, date, handle, patience, presence=a.presence,
                           gap_minutes=a.gap_minutes)
        sim = simulated(doc, a.replications, a.seed)
        for k in ("sl20", "sl60", "abandon", "asa"):
            totals[f"obs_{k}"].append(obs[k] * obs["offered"])
            totals[f"sim_{k}"].append(sim[k] * obs["offered"])
        totals["n"].append(obs["offered"])
        print(f"{date:<10} {obs['offered']:>5.0f} | {obs['sl20']:>8.1%} {sim['sl20']:>6.1%} | "
              f"{obs['sl60']:>8.1%} {sim['sl60']:>6.1%} | {obs['abandon']:>6.1%} "
              f"{sim['abandon']:>6.1%} | {obs['asa']:>7.1f} {sim['asa']:>6.1f}")
    n = sum(totals["n"])
    print("all days, call-weighted:")
    for k, label in (("sl20", "SL 20 s"), ("sl60", "SL 60 s"), ("abandon", "abandonment")):
        o, s = sum(totals[f"obs_{k}"]) / n, sum(totals[f"sim_{k}"]) / n
        print(f"  {label:<12} observed {o:6.1%}  simulated {s:6.1%}  ({(s - o) * 100:+.1f} points)")
    o, s = sum(totals["obs_asa"]) / n, sum(totals["sim_asa"]) / n
    print(f"  {'ASA (s)':<12} observed {o:6.1f}  simulated {s:6.1f}")
    daily = [abs(so - oo) / w for so, oo, w in
             zip(totals["sim_sl20"], totals["obs_sl20"], totals["n"], strict=True)]
    print(f"  days: {len(dates)}; median |SL20 sim - obs| per day "
          f"{statistics.median(daily) * 100:.1f} points")


if __name__ == "__main__":
    main()
