"""Simulation benchmark: the digital twin against the careful SimPy model, in the same run.

Run: ``.venv/bin/python bench/simulation.py [--reps 3] [--workers 2] [--no-simpy]``.
Needs ``../shared/bench`` (instance.py, simulation_baseline.py) beside the repository and
SimPy (a dev extra). Figures are printed, never asserted.

1. **Large day** (500,000 calls, 20 independent queues, 96 × 15 min, staffing changing every
   interval): Erlang C staffing per cell (the same numbers as pyworkforce's, see
   bench/staffing.py), exponential handle times and patience. SimPy runs the shared model
   (``simulate_simpy``); Renfort runs the same day through the full router, in one process
   and then with the independent queues spread over ``--workers`` processes. Medians over
   ``--reps`` seeds; every run of a seed is done before the next seed, so that a change of
   load on a shared machine hits every run alike. CPU seconds of the process are shown
   beside wall seconds: they are steadier when other work shares the cores.
2. **Overlapping skills**: the same day, but each queue's agents also serve the next queue
   (proficiency 2) once a caller has waited 30 s (bullseye), a ring joining all 20 queues
   into one routing problem. SimPy's model cannot express it.
3. **Stationary day**: each queue at its mean load all day with Erlang A staffing (80 % in
   60 s); service level and abandonment against Erlang A (``renfort.queueing``).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from renfort.queueing.erlang_a import erlang_a
from renfort.queueing.staffing import Targets, required_agents
from renfort.simulation.metrics import Replication, figures, total_counts
from renfort.simulation.replication import combine, run_task
from renfort.simulation.runner import run_replications
from renfort.simulation.scenario import parse_scenario
from renfort.simulation.world import World, build_world

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"


def staffing_for(inst: dict[str, Any], model: str) -> list[list[int]]:
    """Agents per queue and interval meeting 80 % in 60 s (Erlang C or Erlang A)."""
    length = inst["interval_min"] * 60.0
    out = []
    for q in inst["queues"]:
        load = np.asarray(q["calls"]) * q["aht_s"] / length
        result = required_agents(load, q["aht_s"], Targets(0.8, 60.0), model=model,  # type: ignore[arg-type]
                                 patience=q["patience_s"] if model == "erlang-a" else None)
        out.append([int(n) for n in result.agents])
    return out


def world_for(inst: dict[str, Any], staffing: list[list[int]], *, overlap: bool = False) -> World:
    """The instance as a scenario: one queue and one staffing-profile group per queue."""
    names = [q["name"] for q in inst["queues"]]
    queues = []
    for q in inst["queues"]:
        spec: dict[str, Any] = {
            "slug": q["name"], "arrivals": {"volumes": q["calls"]},
            "handle_time": {"kind": "exponential", "mean": q["aht_s"]},
            "patience": {"kind": "exponential", "mean": q["patience_s"]}}
        if overlap:
            spec["bullseye"] = [{"after_seconds": 0, "min_proficiency": 3},
                                {"after_seconds": 30, "min_proficiency": 2}]
        queues.append(spec)
    groups = []
    for i, (name, heads) in enumerate(zip(names, staffing, strict=True)):
        skills = {name: 3}
        if overlap:
            skills[names[(i + 1) % len(names)]] = 2
        groups.append({"name": f"{name}-agents", "skills": skills, "staffing": heads,
                       "capacity": {"voice": 1}})
    return build_world(parse_scenario({
        "name": inst["size"], "interval_minutes": inst["interval_min"],
        "intervals": inst["n_intervals"], "queues": queues, "agents": groups}))


Timing = tuple[float, float]
"""(wall seconds, CPU seconds of this process and of its finished child processes)."""


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ours(world: World, seed: int, workers: int) -> tuple[Timing, Replication]:
    """One day through the router: timings (GC paused, as in the CLI) and counts."""
    gc.collect()
    gc.disable()
    try:
        t0, c0 = time.perf_counter(), _cpu()
        if workers <= 1:
            rep = combine([run_task(world, seed, 0, c.index) for c in world.components])
        else:
            rep = run_replications(world, 1, seed, workers=workers)[0]
        return (time.perf_counter() - t0, _cpu() - c0), rep
    finally:
        gc.enable()


def simpy_day(sim: Any, inst: dict[str, Any], staffing: list[list[int]],
              seed: int) -> tuple[Timing, int, float, float]:
    c0 = _cpu()
    wall, arr, ans_in, _ans, abd, _ev = sim.simulate_simpy(inst, staffing, seed)
    n = int(arr.sum())
    return (wall, _cpu() - c0), n, float(ans_in.sum() / n), float(abd.sum() / n)


def erlang_a_day(inst: dict[str, Any], staffing: list[list[int]]) -> tuple[float, float]:
    """Call-weighted per-interval stationary Erlang A SL and abandonment."""
    length = inst["interval_min"] * 60.0
    w = sl = ab = 0.0
    for q, heads in zip(inst["queues"], staffing, strict=True):
        calls = np.asarray(q["calls"])
        r = erlang_a(np.asarray(heads), calls * q["aht_s"] / length, q["aht_s"],
                     q["patience_s"], 60.0)
        w += calls.sum()
        sl += float((calls * r.service_level).sum())
        ab += float((calls * r.p_abandon).sum())
    return sl / w, ab / w


class Rows:
    """Figures per run label, filled seed by seed (runs interleaved against load drift)."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, list[float]]] = {}

    def add(self, label: str, timing: Timing, calls: float, sl: float, ab: float) -> None:
        d = self.data.setdefault(label, {"wall": [], "cpu": [], "calls": [], "sl": [], "ab": []})
        for key, value in zip(("wall", "cpu", "calls", "sl", "ab"),
                              (*timing, calls, sl, ab), strict=True):
            d[key].append(value)

    def add_rep(self, label: str, timing: Timing, rep: Replication) -> None:
        f = figures(total_counts(rep.counts), axis=-1)
        self.add(label, timing, float(f["offered"][0]), float(f["service_level"][0]),
                 float(f["abandon_rate"][0]))

    def print(self, labels: list[str], ref: tuple[float, float], base: str | None) -> None:
        print(f"{'run':<34} {'calls':>9} {'wall_s':>7} {'cpu_s':>6} {'calls/cpu-s':>11} "
              f"{'vs SimPy':>8} {'SL':>6} {'Ab':>6}   SL_A   Ab_A")
        med = statistics.median
        for label in labels:
            d = self.data[label]
            speed = "-"
            if base is not None:
                b = self.data[base]
                by_wall = med(b["wall"]) / med(d["wall"])
                by_cpu = med(b["cpu"]) / med(d["cpu"])
                speed = f"{by_wall:.2f}x/{by_cpu:.2f}x"
            rate = med(c / x for c, x in zip(d["calls"], d["cpu"], strict=True))
            print(f"{label:<34} {med(d['calls']):>9,.0f} {med(d['wall']):>7.2f} "
                  f"{med(d['cpu']):>6.2f} {rate:>11,.0f} "
                  f"{speed:>8} {np.mean(d['sl']):>6.3f} {np.mean(d['ab']):>6.3f}  "
                  f"{ref[0]:.3f}  {ref[1]:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-simpy", action="store_true")
    ap.add_argument("--seed", type=int, default=1000)
    a = ap.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} not found (the shared benchmark instances)")
        return
    sys.path.insert(0, str(SHARED))
    import instance as inst_mod

    inst = inst_mod.make_instance("large")
    sim = None
    if not a.no_simpy:
        try:
            import simpy
            import simulation_baseline as sim
            print(f"simpy {simpy.__version__}", end=", ")
        except ImportError:
            print("simpy not installed (pip install -e '.[dev]'): SimPy rows skipped")
    print(f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, "
          f"instance large {inst['checksum']}")
    staffing = staffing_for(inst, "erlang-c")
    ref = erlang_a_day(inst, staffing)
    world = world_for(inst, staffing)
    overlap = world_for(inst, staffing, overlap=True)
    flat = dict(inst)
    flat["queues"] = [{**q, "calls": [float(np.mean(q["calls"]))] * inst["n_intervals"]}
                      for q in inst["queues"]]
    flat_staff = staffing_for(flat, "erlang-a")
    stationary = world_for(flat, flat_staff)
    rows = Rows()
    simpy_label, one = "SimPy (shared model)", "Renfort router, 1 process"
    many = f"Renfort router, {a.workers} processes"
    for seed in (a.seed + r for r in range(a.reps)):
        if sim is not None:
            timing, n, sl, ab = simpy_day(sim, inst, staffing, seed)
            rows.add(simpy_label, timing, n, sl, ab)
        rows.add_rep(one, *ours(world, seed, 1))
        if a.workers > 1:
            rows.add_rep(many, *ours(world, seed, a.workers))
        rows.add_rep("overlap: " + one, *ours(overlap, seed, 1))
        rows.add_rep("stationary: " + one, *ours(stationary, seed, 1))
        print(f"  seed {seed} done", file=sys.stderr)
    base = simpy_label if sim is not None else None
    print(f"\n[1] large day, Erlang C staffing, {sum(map(sum, staffing)) // 4:,} agent-hours")
    rows.print([*([simpy_label] if sim else []), one, *([many] if a.workers > 1 else [])],
               ref, base)
    print("\n[2] same day, overlapping skills (ring of 20 queues, bullseye after 30 s)")
    rows.print(["overlap: " + one], ref, base)
    print("\n[3] stationary day, Erlang A staffing (80 % in 60 s), vs Erlang A")
    rows.print(["stationary: " + one], erlang_a_day(flat, flat_staff), None)
    print("\nRuns interleaved seed by seed; medians over seeds. cpu_s: CPU seconds of the "
          "run, worker processes included, steadier than wall time on a shared "
          "machine. vs SimPy: its wall / this wall, then its CPU / this CPU. SL: answered "
          "within 60 s over offered; Ab: abandoned over offered; SL_A/Ab_A: stationary "
          "Erlang A per interval, call-weighted.")


if __name__ == "__main__":
    main()
