"""Staffing benchmark: renfort.queueing against pyworkforce on the shared crisis-day instances.

The instances come from ../shared/bench/instance.py (relative to the repo): small
(1 queue x 48 intervals), medium (5 x 48), large (20 x 96). For each, the same cells
go through

* renfort Erlang C staffing (80 % within 60 s), vectorised over all cells;
* pyworkforce ``ErlangC(...).required_positions`` cell by cell, when importable;
* renfort Erlang A staffing (patience per queue), without and with the 5 % cap.

It prints wall times (median of repeats), every staffing disagreement with its
explanation, a wider sweep of loads and lax targets where pyworkforce's search start
shows, and the abandonment that 80 %/60 s Erlang A staffing lets through with and
without the cap. Nothing is asserted: these are figures to read.

pyworkforce lives in a scratch venv outside the repo:

    python3 -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install pyworkforce numpy scipy
    /tmp/bench-venv/bin/python bench/staffing.py        # ours + pyworkforce
    .venv/bin/python bench/staffing.py                  # ours only (pyworkforce missing)
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"
sys.path.insert(0, str(REPO / "src"))  # the bench venv does not install renfort
sys.path.insert(0, str(SHARED))

import instance as shared_instance  # noqa: E402

from renfort.queueing.erlang_c import erlang_c  # noqa: E402
from renfort.queueing.staffing import Targets, required_agents  # noqa: E402

try:
    import pyworkforce
    from pyworkforce.queuing import ErlangC as PwErlangC
except ImportError:  # pragma: no cover - depends on the venv running the bench
    pyworkforce = None
    PwErlangC = None

CAP = 0.05


class Cells:
    """One instance flattened to cells (queue-major), in the units of each tool."""

    def __init__(self, inst: dict[str, Any]) -> None:
        self.inst = inst
        self.minutes = float(inst["interval_min"])
        self.sl = float(inst["sl_target"])
        self.t = float(inst["sl_threshold_s"])
        q = inst["queues"]
        self.calls = np.array([c for qq in q for c in qq["calls"]])
        self.aht = np.array([qq["aht_s"] for qq in q for _ in qq["calls"]])
        self.patience = np.array([qq["patience_s"] for qq in q for _ in qq["calls"]])
        self.queue = np.array([i for i, qq in enumerate(q) for _ in qq["calls"]])
        self.interval = np.array([i for qq in q for i in range(len(qq["calls"]))])
        self.load = self.calls * self.aht / (self.minutes * 60.0)


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    out, times = None, []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def ours_c(cells: Cells) -> np.ndarray:
    return required_agents(cells.load, cells.aht, Targets(cells.sl, cells.t),
                           model="erlang-c").agents


def ours_a(cells: Cells, cap: float | None) -> Any:
    return required_agents(cells.load, cells.aht, Targets(cells.sl, cells.t, max_abandon=cap),
                           model="erlang-a", patience=cells.patience)


def pw_c(cells: Cells) -> np.ndarray:
    out = [PwErlangC(transactions=float(c), aht=float(h) / 60.0, asa=cells.t / 60.0,
                     interval=cells.minutes).required_positions(service_level=cells.sl)
           ["raw_positions"] for c, h in zip(cells.calls, cells.aht, strict=True)]
    return np.array(out)


def explain(load: float, ours: int, theirs: int) -> str:
    """Why pyworkforce and renfort disagree on one cell."""
    first_stable = math.floor(load) + 1
    start = round(load + 1)
    if theirs == ours + 1 and ours == first_stable and start > first_stable:
        return (f"pyworkforce starts its search at round(A+1) = {start} and never tries "
                f"{first_stable}, the smallest stable count, which already meets the target")
    return "UNEXPLAINED"


def report_disagreements(cells: Cells, ours: np.ndarray, theirs: np.ndarray) -> int:
    bad = np.flatnonzero(ours != theirs)
    for i in bad:
        sl_ours = erlang_c(int(ours[i]), cells.load[i], cells.aht[i], cells.t).cell()
        print(f"    q{cells.queue[i]:02d} interval {cells.interval[i]:3d}: load "
              f"{cells.load[i]:.3f} E, renfort {ours[i]}, pyworkforce {theirs[i]} "
              f"(SL at renfort's count {getattr(sl_ours, 'service_level', float('nan')):.4f})"
              f" -> {explain(float(cells.load[i]), int(ours[i]), int(theirs[i]))}")
    return int(bad.size)


def sweep() -> None:
    """Loads 0.01..60 E, AHT 360 s, four thresholds x three targets (the shared baseline grid)."""
    loads = np.linspace(0.01, 60.0, 1500)
    print("\n[sweep] Erlang C staffing, renfort vs pyworkforce, 1500 loads in (0, 60] E, AHT 360 s")
    print("  threshold  target  disagreements  explained  examples")
    for t in (20.0, 60.0, 300.0, 900.0):
        for target in (0.5, 0.8, 0.95):
            ours = required_agents(loads, 360.0, Targets(target, t), model="erlang-c").agents
            theirs = np.array([PwErlangC(transactions=a * 1800 / 360.0, aht=6.0, asa=t / 60,
                                         interval=30).required_positions(
                                             service_level=target)["raw_positions"]
                               for a in loads])
            bad = np.flatnonzero(ours != theirs)
            why = [explain(float(loads[i]), int(ours[i]), int(theirs[i])) for i in bad]
            explained = sum(w != "UNEXPLAINED" for w in why)
            examples = ", ".join(f"A={loads[i]:.2f}: {ours[i]} vs {theirs[i]}" for i in bad[:3])
            print(f"  {t:9.0f}  {target:6.2f}  {bad.size:13d}  {explained:9d}  {examples}")
    print("  (explained = pyworkforce's search starts at round(A+1), skipping floor(A)+1 when "
          "frac(A) >= 0.5; that count is stable and meets lax targets)")


def abandonment(cells: Cells, label: str) -> None:
    free, capped = ours_a(cells, None), ours_a(cells, CAP)
    hours = cells.minutes / 60.0
    print(f"\n[abandonment] {label}: Erlang A staffing for {cells.sl:.0%} within {cells.t:.0f} s")
    print("  staffing           agent-hours  peak agents  day abandon  worst interval  day SL")
    for name, res in (("SL target only", free), (f"+ abandon <= {CAP:.0%}", capped)):
        weights = cells.calls / cells.calls.sum()
        per_interval = np.bincount(cells.interval, weights=res.agents)
        print(f"  {name:17s}  {res.agents.sum() * hours:11.0f}  {per_interval.max():11.0f}"
              f"  {float(weights @ res.abandon_rate):11.1%}  {res.abandon_rate.max():14.1%}"
              f"  {float(weights @ res.service_level):6.1%}")


def reference_check(cells: Cells, ours_counts: np.ndarray, cap: float | None) -> None:
    """Erlang A staffing against the shared float reference (birth-death chain, bisection)."""
    from erlang_ref import erlang_a_required  # shared/bench, slow pure-Python reference

    start = time.perf_counter()
    ref = np.array([erlang_a_required(c / (cells.minutes * 60.0), h, p, cells.t, cells.sl,
                                      max_abandon=cap)[0]
                    for c, h, p in zip(cells.calls, cells.aht, cells.patience, strict=True)])
    took = time.perf_counter() - start
    label = "SL only" if cap is None else f"cap {cap:.0%}"
    print(f"  Erlang A ({label}) vs shared erlang_ref: {int((ref != ours_counts).sum())} "
          f"disagreements over {ref.size} cells (reference took {took * 1e3:.0f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("--no-ref", action="store_true",
                    help="skip the check against ../shared/bench/erlang_ref.py")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    pw = pyworkforce.__version__ if pyworkforce else "MISSING (only renfort figures below)"
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__},"
          f" pyworkforce {pw}; wall times are medians in ms")
    rows = []
    large: Cells | None = None
    for size in args.sizes.split(","):
        cells = Cells(shared_instance.make_instance(size))
        repeats = args.repeats
        ours_c(cells)  # warm-up: first NumPy/SciPy calls pay for imports and caches
        t_c, counts_c = timed(lambda c=cells: ours_c(c), repeats)
        t_a, res_a = timed(lambda c=cells: ours_a(c, None), repeats)
        t_a5, res_a5 = timed(lambda c=cells: ours_a(c, CAP), repeats)
        row = {"size": size, "cells": cells.load.size, "ours_C": t_c, "ours_A": t_a,
               "ours_A_cap": t_a5}
        print(f"\n[{size}] checksum {cells.inst['checksum']}, {cells.load.size} cells")
        if PwErlangC is not None:
            t_pw, counts_pw = timed(lambda c=cells: pw_c(c), max(1, repeats // 2))
            row["pw_C"] = t_pw
            n_bad = report_disagreements(cells, counts_c, counts_pw)
            print(f"  Erlang C staffing, renfort vs pyworkforce: {n_bad} disagreements over "
                  f"{cells.load.size} cells; {counts_c.sum()} agents in both" if n_bad == 0 else
                  f"  Erlang C staffing: {n_bad} disagreements (listed above)")
        if not args.no_ref:
            reference_check(cells, res_a.agents, None)
            reference_check(cells, res_a5.agents, CAP)
        rows.append(row)
        if size == "large":
            large = cells
    print("\n[timing] whole instance, all queues x intervals (ms)")
    print("    size  cells  renfort_C  pyworkforce_C  speed-up  renfort_A  renfort_A+cap")
    for r in rows:
        pw_t = r.get("pw_C")
        pw_s = f"{pw_t * 1e3:13.1f}" if pw_t is not None else f"{'missing':>13s}"
        speed = f"{pw_t / r['ours_C']:7.0f}x" if pw_t is not None else f"{'-':>8s}"
        print(f"  {r['size']:>6s}  {r['cells']:5d}  {r['ours_C'] * 1e3:9.2f}  {pw_s}  {speed}"
              f"  {r['ours_A'] * 1e3:9.1f}  {r['ours_A_cap'] * 1e3:13.1f}")
    if PwErlangC is not None and not args.no_sweep:
        sweep()
        try:
            PwErlangC(transactions=0, aht=6.0, asa=1.0, interval=30)
            print("\n[zero volume] pyworkforce accepts transactions=0")
        except ValueError as error:
            print(f"\n[zero volume] pyworkforce ErlangC(transactions=0) raises: {error}")
        zero = required_agents([0.0, 5.0], 360.0, Targets(), model="erlang-c").agents
        print(f"  renfort: a zero-volume interval needs {zero[0]} agents")
    if large is not None:
        abandonment(large, "large instance")


if __name__ == "__main__":
    main()
