"""Seat benchmark: the largest usable seat set under distancing, exact against greedy.

Layouts of 100, 500 and 1,000 seats, three kinds (rows of benches, open space with islands
and free-standing desks, mixed floors; see renfort.sites.generate) and a hard one (hot
desks scattered 1.05 m apart at least), under three rules:
1.5 m, 2 m, and 1.5 m plus one free seat between operators along rows. For each it prints
the conflicting pairs, the min-degree greedy baseline, CP-SAT's count within the time
limit (2 workers), its proven bound, the gap and the seconds. Nothing is asserted.

    .venv/bin/python bench/seats.py                 # 10 s per instance at most
    .venv/bin/python bench/seats.py --time-limit 30 --sizes 1000
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import time

from renfort.sites.distancing import (
    DistancingRule,
    clique_partition_bound,
    conflicts,
    greedy,
    usable_seats,
)
from renfort.sites.generate import KINDS, make_plan
from renfort.sites.layout import Seat, SeatPlan

RULES = {
    "1.5m": DistancingRule(1.5),
    "2m": DistancingRule(2.0),
    "1.5m+row": DistancingRule(1.5, free_seat_between=True),
}


def dense_plan(n: int, seed: int) -> SeatPlan:
    """Hot desks scattered at least 1.05 m apart over a square (Poisson disc): the
    hard case, where neighbourhoods overlap in every direction."""
    rng = random.Random(seed)
    side = math.sqrt(n * 2.0)
    points: list[tuple[float, float]] = []
    while len(points) < n:
        x, y = rng.uniform(0, side), rng.uniform(0, side)
        if all(math.hypot(x - a, y - b) >= 1.05 for a, b in points):
            points.append((x, y))
    return SeatPlan(tuple(Seat(f"D{i:04d}", round(x, 3), round(y, 3), "hot-desks")
                          for i, (x, y) in enumerate(points)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"CP-SAT time limit {args.time_limit:g} s, 2 workers\n")
    header = (f"{'layout':<11}{'seats':>6} {'rule':<9}{'pairs':>6}{'greedy':>8}{'g-bound':>8}"
              f"{'g-ms':>7}{'exact':>7}{'bound':>7}{'gap':>7}{'opt':>5}{'s':>7}{'+vs greedy':>11}")
    print(header)
    print("-" * len(header))
    totals = {"exact": 0, "greedy": 0, "optimal": 0, "runs": 0}
    for n in args.sizes:
        for kind in (*KINDS, "dense"):
            plan = dense_plan(n, args.seed + n) if kind == "dense" \
                else make_plan(kind, n, args.seed + n)
            for name, rule in RULES.items():
                started = time.perf_counter()
                edges = conflicts(plan, rule)
                base = greedy(n, edges)
                base_bound = clique_partition_bound(n, edges)
                greedy_ms = (time.perf_counter() - started) * 1000
                result = usable_seats(plan, rule, time_limit=args.time_limit)
                gain = result.count - len(base)
                totals["exact"] += result.count
                totals["greedy"] += len(base)
                totals["optimal"] += result.optimal
                totals["runs"] += 1
                print(f"{kind:<11}{n:>6} {name:<9}{len(edges):>6}{len(base):>8}"
                      f"{base_bound:>8}{greedy_ms:>7.0f}{result.count:>7}{result.bound:>7}"
                      f"{result.gap:>7.1%}{'yes' if result.optimal else 'no':>5}"
                      f"{result.seconds:>7.2f}{gain:>+11}")
    print(f"\n{totals['optimal']}/{totals['runs']} proven optimal; exact total "
          f"{totals['exact']} seats vs greedy {totals['greedy']} "
          f"({totals['exact'] - totals['greedy']:+d}).")


if __name__ == "__main__":
    main()
