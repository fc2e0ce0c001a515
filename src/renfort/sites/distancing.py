"""Distancing: which seats may be occupied together, and the largest such set.

A :class:`DistancingRule` says when two seats **conflict** (cannot both be occupied): closer
than ``min_distance`` metres, and/or neighbours along a row when one free seat must separate
two operators. The usable seats are a maximum independent set of that conflict graph; its
size is the site's capacity per shift.

:func:`usable_seats` solves it exactly with OR-Tools CP-SAT (up to :data:`EXACT_MAX_SEATS`
seats) within a time limit. The model gets one "at most one" constraint per clique of a
greedy edge-clique cover (much tighter than one per edge), and the greedy solution as a hint;
CP-SAT runs on two workers without its presolve (faster proofs on these models).
When the limit is hit the best solution found is returned with the solver's proven upper
bound, so the gap is known. The min-degree greedy is used alone only as a fallback (larger
plans, OR-Tools missing, no time given); its bound then comes from a clique partition.

This module is the only one of :mod:`renfort.sites` that imports OR-Tools.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from renfort.domain.errors import ValidationError
from renfort.sites.layout import SeatPlan

EXACT_MAX_SEATS = 1_000
"""Largest plan handed to CP-SAT; larger ones get the greedy solution and its bound."""
DEFAULT_TIME_LIMIT = 10.0
"""Seconds given to CP-SAT by default."""
WORKERS = 2
Method = Literal["cp-sat", "greedy", "no-conflict"]


@dataclass(frozen=True, slots=True)
class DistancingRule:
    """When two seats cannot both be occupied.

    *min_distance*: metres that must separate two occupied seats (a pair exactly that far
    apart is allowed); ``None`` for no distance rule. *free_seat_between*: along a row (same
    zone, same ``y`` within *row_tolerance* metres), two neighbouring seats may not both be
    occupied; seats more than *max_row_gap* metres apart along a row are across an aisle and
    not neighbours.
    """

    min_distance: float | None = 1.5
    free_seat_between: bool = False
    row_tolerance: float = 0.3
    max_row_gap: float = 2.5

    def __post_init__(self) -> None:
        if self.min_distance is None and not self.free_seat_between:
            raise ValidationError("a distancing rule needs a minimum distance or one free "
                                  "seat between operators", {"field": "min_distance"},
                                  reason="distancing-rule")
        if self.min_distance is not None and not 0 < self.min_distance <= 20:
            raise ValidationError("min_distance: metres, more than 0 and at most 20",
                                  {"field": "min_distance"}, reason="min-distance")
        if not 0 <= self.row_tolerance <= 2 or not 0 < self.max_row_gap <= 10:
            raise ValidationError("row_tolerance 0–2 m and max_row_gap 0–10 m",
                                  {"field": "row_tolerance"}, reason="row-tolerance")

    def describe(self) -> str:
        """The rule in French, for plans and reports."""
        parts = []
        if self.min_distance is not None:
            parts.append(f"{self.min_distance:g} m minimum entre deux postes occupés")
        if self.free_seat_between:
            parts.append("un poste libre entre deux conseillers dans chaque rangée")
        return " ; ".join(parts)


@dataclass(frozen=True, slots=True)
class CapacityResult:
    """The usable seats of a plan under a rule.

    *count* seats (``usable``: their ids, in plan order); *bound*: a proven upper bound on
    the largest usable set; *optimal* when ``count == bound`` is proven; *seconds* spent.
    """

    count: int
    usable: tuple[str, ...]
    bound: int
    optimal: bool
    seconds: float
    method: Method
    conflicts: int
    """Number of conflicting seat pairs."""

    @property
    def gap(self) -> float:
        """Relative gap ``(bound - count) / bound``: 0 when optimal."""
        return (self.bound - self.count) / self.bound if self.bound else 0.0


# ---------------------------------------------------------------------- conflict graph

def _row_pairs(plan: SeatPlan, rule: DistancingRule) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    order = sorted(range(len(plan.seats)),
                   key=lambda i: (plan.seats[i].zone, plan.seats[i].y, plan.seats[i].x))
    rows: list[list[int]] = []
    for i in order:
        seat = plan.seats[i]
        last = plan.seats[rows[-1][-1]] if rows else None
        if last is not None and last.zone == seat.zone \
                and seat.y - last.y <= rule.row_tolerance:
            rows[-1].append(i)
        else:
            rows.append([i])
    for row in rows:
        row.sort(key=lambda i: plan.seats[i].x)
        for a, b in itertools.pairwise(row):
            if plan.seats[b].x - plan.seats[a].x <= rule.max_row_gap:
                pairs.add((min(a, b), max(a, b)))
    return pairs


def conflicts(plan: SeatPlan, rule: DistancingRule) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of seat indexes that cannot both be occupied, sorted."""
    pairs: set[tuple[int, int]] = set()
    if rule.min_distance is not None and len(plan.seats) > 1:
        from scipy.spatial import cKDTree  # SciPy is slow to import: only for seat plans

        points = np.array([(s.x, s.y) for s in plan.seats], dtype=float)
        tree = cKDTree(points)
        for i, j in tree.query_pairs(rule.min_distance, output_type="ndarray").tolist():
            if math.dist(points[i], points[j]) < rule.min_distance:
                pairs.add((min(i, j), max(i, j)))
    if rule.free_seat_between:
        pairs |= _row_pairs(plan, rule)
    return sorted(pairs)


def _adjacency(n: int, edges: Sequence[tuple[int, int]]) -> list[set[int]]:
    adjacency: list[set[int]] = [set() for _ in range(n)]
    for i, j in edges:
        adjacency[i].add(j)
        adjacency[j].add(i)
    return adjacency


def greedy(n: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Min-degree greedy independent set: take a seat with the fewest remaining conflicts
    (lowest index on ties), drop its neighbours, repeat. Returns sorted indexes."""
    adjacency = _adjacency(n, edges)
    alive = set(range(n))
    degree = [len(a) for a in adjacency]
    chosen = []
    buckets: dict[int, set[int]] = {}
    for v in range(n):
        buckets.setdefault(degree[v], set()).add(v)
    while alive:
        low = min(d for d, b in buckets.items() if b)
        v = min(buckets[low])
        chosen.append(v)
        removed = {v} | (adjacency[v] & alive)
        for u in removed:
            alive.discard(u)
            buckets[degree[u]].discard(u)
        for u in removed:
            for w in adjacency[u]:
                if w in alive:
                    buckets[degree[w]].discard(w)
                    degree[w] -= 1
                    buckets.setdefault(degree[w], set()).add(w)
    return sorted(chosen)


def edge_clique_cover(n: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Cliques (sorted, 2+ seats) that together contain every conflicting pair.

    Each clique starts from an uncovered pair and grows greedily with the common neighbour
    that closes the most uncovered pairs, so geometric neighbourhoods become one clique.
    """
    adjacency = _adjacency(n, edges)
    covered: set[tuple[int, int]] = set()
    cliques = []
    for i, j in edges:
        if (i, j) in covered:
            continue
        clique = [i, j]
        candidates = adjacency[i] & adjacency[j]
        while candidates:
            best = max(sorted(candidates), key=lambda c: sum(
                (min(c, m), max(c, m)) not in covered for m in clique))
            clique.append(best)
            candidates &= adjacency[best]
        clique.sort()
        for a_index, a in enumerate(clique):
            for b in clique[a_index + 1:]:
                covered.add((a, b))
        cliques.append(clique)
    return cliques


def clique_partition_bound(n: int, edges: Sequence[tuple[int, int]]) -> int:
    """An upper bound on any independent set: the number of cliques in a greedy partition
    of the seats into cliques (at most one occupied seat per clique)."""
    adjacency = _adjacency(n, edges)
    parts: list[list[int]] = []
    order = sorted(range(n), key=lambda v: (-len(adjacency[v]), v))
    assigned = [False] * n
    for v in order:
        if assigned[v]:
            continue
        part = [v]
        assigned[v] = True
        for u in sorted(adjacency[v], key=lambda u: (-len(adjacency[u]), u)):
            if not assigned[u] and all(u in adjacency[m] for m in part):
                part.append(u)
                assigned[u] = True
        parts.append(part)
    return len(parts)


# ---------------------------------------------------------------------- solving

def _cp_sat(n: int, edges: Sequence[tuple[int, int]], hint: Sequence[int],
            time_limit: float, workers: int) -> tuple[list[int], int, bool] | None:
    """(chosen indexes, proven bound, optimal) from CP-SAT, or None without a solution."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:  # pragma: no cover - ortools is a dependency
        return None
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"s{i}") for i in range(n)]
    for clique in edge_clique_cover(n, edges):
        model.add_at_most_one(x[i] for i in clique)
    model.maximize(sum(x))
    chosen_hint = set(hint)
    for i in range(n):
        model.add_hint(x[i], i in chosen_hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    # With two workers, CP-SAT's presolve (its symmetry and clause rewriting) weakens the
    # LP bound of these clique models so much that sparse plans it solves in milliseconds
    # without it stay unproven for the whole time limit (see bench/seats.py).
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [i for i in range(n) if solver.boolean_value(x[i])]
    bound = math.floor(solver.best_objective_bound + 1e-6)
    return chosen, max(bound, len(chosen)), status == cp_model.OPTIMAL


def usable_seats(plan: SeatPlan, rule: DistancingRule, *,
                 time_limit: float = DEFAULT_TIME_LIMIT, workers: int = WORKERS,
                 timer: Callable[[], float] = time.perf_counter) -> CapacityResult:
    """The largest set of seats that may be occupied together under ``rule``.

    *time_limit*: seconds for CP-SAT (0: greedy only). *timer* only measures the seconds
    reported; the result never depends on it beyond where the solver stopped.
    """
    if time_limit < 0 or not math.isfinite(time_limit):
        raise ValidationError("time_limit: seconds, 0 or more", {"field": "time_limit"},
                              reason="time-limit-seconds")
    started = timer()
    n = len(plan.seats)
    edges = conflicts(plan, rule)
    ids = [s.id for s in plan.seats]
    if not edges:
        return CapacityResult(n, tuple(ids), n, True, timer() - started, "no-conflict", 0)
    greedy_set = greedy(n, edges)
    bound = clique_partition_bound(n, edges)
    chosen, method, optimal = greedy_set, "greedy", len(greedy_set) == bound
    if not optimal and time_limit > 0 and n <= EXACT_MAX_SEATS:
        solved = _cp_sat(n, edges, greedy_set, time_limit, workers)
        if solved is not None:
            exact, cp_bound, cp_optimal = solved
            bound = min(bound, cp_bound)
            if len(exact) >= len(greedy_set):
                chosen, method = exact, "cp-sat"
            optimal = cp_optimal or len(chosen) == bound
    method_out: Method = "cp-sat" if method == "cp-sat" else "greedy"
    return CapacityResult(
        count=len(chosen), usable=tuple(ids[i] for i in sorted(chosen)),
        bound=max(bound, len(chosen)), optimal=optimal, seconds=timer() - started,
        method=method_out, conflicts=len(edges),
    )


def is_independent(plan: SeatPlan, rule: DistancingRule, seat_ids: Sequence[str]) -> bool:
    """Whether the given seats may all be occupied together under ``rule``."""
    index = {s.id: i for i, s in enumerate(plan.seats)}
    chosen = {index[s] for s in seat_ids}
    return not any(i in chosen and j in chosen for i, j in conflicts(plan, rule))
