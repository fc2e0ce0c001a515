"""A warm start for the shift model: its LP relaxation rounded down, then repaired.

CP-SAT alone wanders on large days (twenty queues, breaks to place: tens of thousands of
integer counts), while the LP relaxation of this covering problem is tight. So the LP is
solved first (HiGHS, through SciPy), every shift count rounded down, each agent given
break times from the LP's own split (clamped to legal stretches), and the coverage lost
to rounding won back greedily: at the earliest slot still short, the shift covering the
most short slots per hour paid is added, its breaks put where nobody is missing, within
seat caps and the home share. CP-SAT then starts from that complete, feasible schedule
and improves it while time remains; its bound says how far from optimal the answer is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Column:
    """A shift start: pool, place, first slot, length; its break sizes and offsets."""

    pool: int
    location: str
    home: bool
    start: int
    length: int
    breaks: tuple[tuple[int, tuple[int, ...]], ...]
    day: int = 0


@dataclass(frozen=True)
class Layout:
    """What the warm start needs to know of the model."""

    columns: Sequence[Column]
    n: int
    wrap: bool
    hmax: int | None
    demand: NDArray[np.int64]
    """``demand[pool, slot]``: agents the pool's queues need."""
    home_demand: NDArray[np.int64]
    """``home_demand[pool, slot]``: of which on queues home agents may take."""
    caps: dict[str, int]
    home_share: float
    supply: tuple[dict[tuple[int, str], int], dict[str, int]] | None = None
    """Agents a day per (pool, place) and per place; ``None``: unlimited."""


Agent = tuple[int, tuple[int, ...]]
"""A column and the offset of each of its breaks."""


def relaxation(costs: Sequence[int], upper: Sequence[int],
               rows: Sequence[tuple[list[int], list[int], float, float]],
               time_limit: float) -> NDArray[np.float64] | None:
    """The LP relaxation's solution (HiGHS), or ``None`` when it is not found in time."""
    from scipy.optimize import linprog  # heavy: loaded only to schedule
    from scipy.sparse import csr_matrix, vstack

    data: list[int] = []
    row_index: list[int] = []
    col_index: list[int] = []
    for r, (variables, coefs, _, _) in enumerate(rows):
        row_index.extend([r] * len(variables))
        col_index.extend(variables)
        data.extend(coefs)
    matrix = csr_matrix((data, (row_index, col_index)), shape=(len(rows), len(upper)))
    low = np.array([r[2] for r in rows], dtype=np.float64)
    high = np.array([r[3] for r in rows], dtype=np.float64)
    equal = low == high
    above = np.isfinite(high) & ~equal
    below = np.isfinite(low) & ~equal
    result = linprog(np.asarray(costs, dtype=np.float64),
                     A_ub=vstack([matrix[above], -matrix[below]]),
                     b_ub=np.concatenate([high[above], -low[below]]),
                     A_eq=matrix[equal], b_eq=high[equal],
                     bounds=np.column_stack([np.zeros(len(upper)),
                                             np.asarray(upper, dtype=np.float64)]),
                     method="highs", options={"time_limit": max(0.1, time_limit)})
    if result.status != 0 or result.x is None:
        return None
    return np.asarray(result.x, dtype=np.float64)


def warm_start(layout: Layout, counts: NDArray[np.float64],
               splits: Sequence[Sequence[NDArray[np.float64]]]) -> list[Agent]:
    """Agents from the LP's shift *counts* and break *splits*, rounded down and repaired."""
    state = _State(layout)
    agents: list[Agent] = []
    for i, col in enumerate(layout.columns):
        k = math.floor(counts[i] + 1e-6)
        for j in range(k):
            wanted = tuple(_quantile(offsets, splits[i][b], (j + 0.5) / k)
                           for b, (_, offsets) in enumerate(col.breaks))
            agent = (i, _legal(col, wanted, layout.hmax))
            agents.append(agent)
            state.add(agent)
    agents = state.trim_home(agents)
    agents += state.repair()
    return agents


def _quantile(offsets: Sequence[int], weights: NDArray[np.float64], q: float) -> int:
    total = float(weights.sum())
    if total <= 0:
        return offsets[len(offsets) // 2]
    cumulative = np.cumsum(weights) / total
    return offsets[min(int(np.searchsorted(cumulative, q)), len(offsets) - 1)]


def _bounds(col: Column, hmax: int | None) -> list[int]:
    """For each break, the smallest offset that still lets the later ones be legal."""
    lowest = [min(offsets) for _, offsets in col.breaks]
    if hmax is None:
        return lowest
    for b in range(len(col.breaks) - 2, -1, -1):
        size, offsets = col.breaks[b]
        need = lowest[b + 1] - size - hmax
        lowest[b] = min((o for o in offsets if o >= need), default=max(offsets))
    return lowest


def _legal(col: Column, wanted: Sequence[int], hmax: int | None) -> tuple[int, ...]:
    """*wanted* offsets moved into the nearest legal combination."""
    lowest = _bounds(col, hmax)
    out: list[int] = []
    for b, (_, offsets) in enumerate(col.breaks):
        top = max(offsets)
        if out and hmax is not None:
            top = min(top, out[-1] + col.breaks[b - 1][0] + hmax)
        options = [o for o in offsets if lowest[b] <= o <= top] or [lowest[b]]
        out.append(min(options, key=lambda o: abs(o - wanted[b])))
    return tuple(out)


class _State:
    """Agents working per pool and slot (site and home apart) and heads per site."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        pools, n = layout.demand.shape
        self.site = np.zeros((pools, n), dtype=np.int64)
        self.home = np.zeros((pools, n), dtype=np.int64)
        self.heads = {site: np.zeros(n, dtype=np.int64) for site in layout.caps}
        self.hours = 0
        self.home_hours = 0
        self.per_pool: dict[tuple[int, str, int], int] = {}
        self.per_place: dict[tuple[str, int], int] = {}
        self.by_pool: dict[int, list[int]] = {}
        for i, col in enumerate(layout.columns):
            self.by_pool.setdefault(col.pool, []).append(i)

    def slots(self, col: Column) -> NDArray[np.int64]:
        span = np.arange(col.start, col.start + col.length)
        return span % self.layout.n if self.layout.wrap else span

    def working(self, col: Column, offsets: Sequence[int]) -> NDArray[np.bool_]:
        mask = np.ones(col.length, dtype=bool)
        for (size, _), o in zip(col.breaks, offsets, strict=True):
            mask[o:o + size] = False
        return mask

    def add(self, agent: Agent, sign: int = 1) -> None:
        col = self.layout.columns[agent[0]]
        slots = self.slots(col)
        work = slots[self.working(col, agent[1])]
        target = self.home if col.home else self.site
        np.add.at(target[col.pool], work, sign)
        if col.location in self.heads:
            np.add.at(self.heads[col.location], slots, sign)
        self.hours += sign * col.length
        if col.home:
            self.home_hours += sign * col.length
        key = (col.pool, col.location, col.day)
        self.per_pool[key] = self.per_pool.get(key, 0) + sign
        place = (col.location, col.day)
        self.per_place[place] = self.per_place.get(place, 0) + sign

    def deficit(self, pool: int) -> NDArray[np.int64]:
        d = self.layout
        usable_home = np.minimum(self.home[pool], d.home_demand[pool])
        short: NDArray[np.int64] = np.maximum(0, d.demand[pool] - self.site[pool] - usable_home)
        return short

    def trim_home(self, agents: list[Agent]) -> list[Agent]:
        """Drop home agents while rounding left the home share above its limit."""
        share = self.layout.home_share
        kept = list(agents)
        while self.home_hours > share * self.hours + 1e-9:
            index = next(k for k in range(len(kept) - 1, -1, -1)
                         if self.layout.columns[kept[k][0]].home)
            self.add(kept.pop(index), -1)
        return kept

    def repair(self) -> list[Agent]:
        """Add agents at the earliest slot still short until none can help."""
        added: list[Agent] = []
        hopeless: set[tuple[int, int]] = set()
        while True:
            short = self._earliest_short(hopeless)
            if short is None:
                return added
            pool, slot = short
            best: tuple[float, Agent] | None = None
            for i in self.by_pool.get(pool, []):
                candidate = self._candidate(i, pool, slot)
                if candidate is not None and (best is None or candidate[0] > best[0]):
                    best = candidate
            if best is None:
                hopeless.add(short)
                continue
            self.add(best[1])
            added.append(best[1])

    def _earliest_short(self, hopeless: set[tuple[int, int]]) -> tuple[int, int] | None:
        first: tuple[int, int] | None = None
        for pool in self.by_pool:
            for slot in np.flatnonzero(self.deficit(pool)):
                if (pool, int(slot)) in hopeless:
                    continue
                if first is None or slot < first[1]:
                    first = (pool, int(slot))
                break
        return first

    def _candidate(self, i: int, pool: int, slot: int) -> tuple[float, Agent] | None:
        layout = self.layout
        col = layout.columns[i]
        slots = self.slots(col)
        where = np.flatnonzero(slots == slot)
        if where.size == 0:
            return None
        cap = layout.caps.get(col.location)
        if cap is not None and (self.heads[col.location][slots] >= cap).any():
            return None
        if col.home and self.home_hours + col.length > layout.home_share * (
                self.hours + col.length) + 1e-9:
            return None
        if layout.supply is not None and (
                self.per_pool.get((col.pool, col.location, col.day), 0)
                >= layout.supply[0].get((col.pool, col.location), 0)
                or self.per_place.get((col.location, col.day), 0)
                >= layout.supply[1].get(col.location, 0)):
            return None
        deficit = self.deficit(pool)[slots]
        if col.home:
            useful = (deficit > 0) & (self.home[pool][slots] < layout.home_demand[pool][slots])
        else:
            useful = deficit > 0
        offsets = self._breaks(col, useful, int(where[0]))
        if offsets is None:
            return None
        gain = float(useful[self.working(col, offsets)].sum())
        return gain / col.length, (i, offsets)

    def _breaks(self, col: Column, useful: NDArray[np.bool_], keep: int
                ) -> tuple[int, ...] | None:
        """Break offsets losing the fewest useful slots, never on slot *keep*."""
        hmax = self.layout.hmax
        lowest = _bounds(col, hmax)
        out: list[int] = []
        for b, (size, offsets) in enumerate(col.breaks):
            top = max(offsets)
            if out and hmax is not None:
                top = min(top, out[-1] + col.breaks[b - 1][0] + hmax)
            options = [o for o in offsets if lowest[b] <= o <= top
                       and not o <= keep < o + size]
            if not options:
                return None
            out.append(min(options, key=lambda o: (int(useful[o:o + size].sum()), -o)))
        return tuple(out)
