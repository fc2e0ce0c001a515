"""Shifts for a staffing plan: one OR-Tools CP-SAT model over every queue.

The plan says how many agents each queue needs on the phone per interval. The schedule
chooses how many agents start each shift template at each allowed time, at each place
(every site, and home), and where each of their breaks falls; it covers the requirement
while

* each site never seats more agents than its capacity (the distancing result), whatever
  queues they work: heads are counted for the whole shift, breaks included, since a seat
  stays its agent's until they leave;
* home agents, not seat-capped, take only queues whose clients allow telework, and work at
  most ``home_share`` of the agent-hours;
* every stretch of work between breaks stays under ``max_consecutive_hours``.

Coverage is **soft**: a shortfall is allowed and costs more than any shift could, so the
answer always exists and says where agents are missing. The objective is then the
agent-hours paid. Breaks are placed implicitly (Aykin's model): per shift start, counts of
agents taking each break at each offset; the longest-stretch rule between two breaks is a
Hall condition on these counts, so that pairing the breaks in time order always gives
every agent legal stretches. The model is solved on a grid fine enough for the plan's
intervals, the start step and the breaks (15 minutes by default).
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import reduce

import numpy as np

from renfort.domain.errors import ValidationError
from renfort.domain.model import TeleworkRule
from renfort.planning.shift_rules import ShiftRules, Template
from renfort.planning.shift_start import Column, Layout, relaxation, warm_start

HOME = "home"
DEFAULT_SITE = "site"
MAX_SLOTS = 4032
MAX_VARIABLES = 400_000
HOUR_SCALE = 1000
"""A slot paid costs this much, a shift 1 more: among schedules of equal agent-hours, the
one calling in the fewest people. CP-SAT stops once within half a slot of its bound: the
agent-hours are then optimal, the number of shifts nearly so."""
SHORTFALL_WEIGHT = 4
"""Cost of one agent missing for one slot, in multiples of the longest shift's cost."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """Agents one queue needs on the phone during one plan interval."""

    queue: str
    start: datetime
    minutes: int
    agents: int


@dataclass(frozen=True, slots=True)
class SiteCapacity:
    """A place agents sit: ``seats`` per shift (``None``: no cap)."""

    site: str
    seats: int | None


@dataclass(frozen=True, slots=True)
class StaffGroup:
    """Real agents who can work at one place (a site, or home) on some of the plan's
    queues: at most ``count`` shifts a day there for these queues."""

    location: str
    queues: frozenset[str]
    count: int


@dataclass(frozen=True)
class ScheduleRequest:
    requirements: Sequence[Requirement]
    rules: ShiftRules
    sites: Sequence[SiteCapacity] = (SiteCapacity(DEFAULT_SITE, None),)
    home_share: float = 0.0
    """Largest share of the agent-hours worked from home (0: nobody at home)."""
    telework: dict[str, TeleworkRule] = field(default_factory=dict)
    """Queue → telework rule, on top of the rules file's (the federation's queues)."""
    time_limit: float = 10.0
    workers: int = 1
    staff: Sequence[StaffGroup] = ()
    """The agents there are (the federation's); empty: as many as needed."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.home_share <= 1.0:
            raise ValidationError("home_share: between 0 and 1", {"field": "home_share"},
                                  reason="home-share-range")
        if not 0.1 <= self.time_limit <= 600:
            raise ValidationError("time_limit: 0.1 to 600 seconds", {"field": "time_limit"},
                                  reason="time-limit-range")
        if not 1 <= self.workers <= 64:
            raise ValidationError("workers: 1 to 64", {"field": "workers"}, reason="workers-range")
        if not self.sites:
            raise ValidationError("sites: at least one", {"field": "sites"},
                                  reason="sites-required")
        names = [s.site for s in self.sites]
        if HOME in names or len(set(names)) != len(names):
            raise ValidationError("sites: distinct names, none called 'home'",
                                  {"field": "sites"}, reason="sites-distinct")


@dataclass(frozen=True, slots=True)
class Shift:
    """One agent's shift."""

    id: str
    template: str
    pool: str
    queues: tuple[str, ...]
    location: str
    """A site, or ``home``."""
    start: datetime
    end: datetime
    breaks: tuple[tuple[datetime, int], ...]
    """Start and minutes of each break, in time order."""

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True)
class Coverage:
    """One queue in one slot: agents required and scheduled (on the phone)."""

    queue: str
    start: datetime
    minutes: int
    required: int
    scheduled: int
    on_site: int
    at_home: int

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.scheduled)


@dataclass(frozen=True, slots=True)
class SeatUse:
    """Agents present on a capped site in one slot (breaks included) against its seats."""

    site: str
    start: datetime
    minutes: int
    heads: int
    seats: int


@dataclass(frozen=True)
class Summary:
    agent_hours: float
    required_hours: float
    shortfall_interval_agents: int
    status: str
    gap: float
    seconds: float
    shifts: int
    home_hours: float
    peak_on_site: int
    grid_minutes: int
    workers: int


@dataclass(frozen=True)
class Schedule:
    shifts: list[Shift]
    coverage: list[Coverage]
    seats: list[SeatUse]
    summary: Summary
    time_zone: str


@dataclass(frozen=True)
class _Column:
    """A shift start: pool, place, template, first slot; its break offset choices."""

    pool: int
    location: str
    template: Template
    start: int
    length: int
    breaks: tuple[tuple[int, tuple[int, ...]], ...]
    """Per break: its length in slots and the offsets (slots from the start) allowed."""
    day: int
    """Local day of the start, counted from the plan's first day."""


def schedule(request: ScheduleRequest) -> Schedule:
    """The cheapest shifts covering the plan as far as seats allow (module docstring)."""
    started = clock.perf_counter()
    rules = request.rules
    if not request.requirements:
        raise ValidationError("the staffing plan has no rows", {"field": "staffing"},
                              reason="staffing-empty")
    grid = _grid(request)
    t0 = min(r.start for r in request.requirements).astimezone(UTC)
    t1 = max(r.start + timedelta(minutes=r.minutes) for r in request.requirements)
    n = int((t1 - t0).total_seconds() // 60) // grid
    if n > MAX_SLOTS:
        raise ValidationError(f"the plan spans {n} slots of {grid} minutes (at most "
                              f"{MAX_SLOTS}): schedule it a few days at a time",
                              {"field": "staffing"}, reason="staffing-too-long")
    if rules.wrap and n * grid != 1440:
        raise ValidationError("wrap: the plan must span exactly one day",
                              {"field": "wrap"}, reason="wrap-one-day")
    queues = list(dict.fromkeys(r.queue for r in request.requirements))
    required = {q: [0] * n for q in queues}
    planned = {q: [False] * n for q in queues}
    for r in request.requirements:
        offset = (r.start.astimezone(UTC) - t0).total_seconds() / 60
        if offset % grid:
            raise ValidationError(f"queue {r.queue!r}: an interval starts off the "
                                  f"{grid}-minute grid", {"field": "interval_start"},
                                  reason="interval-off-grid",
                                  values={"queue": r.queue, "grid": grid})
        first = int(offset) // grid
        for t in range(first, first + r.minutes // grid):
            required[r.queue][t] = max(required[r.queue][t], r.agents)
            planned[r.queue][t] = True
    pools = _pools(rules, queues)
    telework = {**rules.telework, **request.telework}
    home_ok = {q: telework.get(q, TeleworkRule.ALLOWED) is not TeleworkRule.ON_SITE_ONLY
               for q in queues}
    locations = [s.site for s in request.sites]
    if request.home_share > 0:
        locations.append(HOME)
    supply = _supply(request.staff, pools, locations) if request.staff else None
    columns = _columns(request, pools, locations, home_ok, required, t0, grid, n, supply)
    # the answer is built after the solve: keep a little of the time limit for it
    deadline = started + max(0.1, 0.95 * request.time_limit - 0.25)
    solution = _solve(request, columns, pools, locations, home_ok, required, grid, n,
                      deadline, supply)
    seconds = clock.perf_counter() - started
    return _result(request, solution, columns, pools, locations, home_ok, required, planned,
                   queues, t0, grid, n, seconds)


def _grid(request: ScheduleRequest) -> int:
    values: list[float] = [request.rules.start_step_minutes]
    values += [r.minutes for r in request.requirements]
    for template in request.rules.templates:
        values.append(template.minutes)
        for b in template.breaks:
            values += [b.minutes, b.earliest, b.latest]
    if request.rules.max_consecutive_hours is not None:
        values.append(request.rules.max_consecutive_hours * 60)
    if any(v != int(v) for v in values):
        raise ValidationError("shift rules: use whole minutes", {"field": "rules"},
                              reason="rules-whole-minutes")
    grid = reduce(math.gcd, (int(v) for v in values if v))
    if grid < 5:
        raise ValidationError(f"shift rules and plan need a {grid}-minute grid; keep "
                              "lengths and windows to multiples of 5 minutes",
                              {"field": "rules"}, reason="rules-grid", values={"grid": grid})
    return grid


def _pools(rules: ShiftRules, queues: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    if rules.pools == "separate":
        return [(q, (q,)) for q in queues]
    if rules.pools == "shared":
        return [("all", tuple(queues))]
    out: list[tuple[str, tuple[str, ...]]] = []
    taken: set[str] = set()
    for k, group in enumerate(rules.pools):
        members = tuple(q for q in group if q in queues)
        unknown = [q for q in group if q not in queues]
        if unknown:
            raise ValidationError(f"pools.{k}: queue {unknown[0]!r} is not in the plan",
                                  {"field": "pools"},
                                  reason="pool-queue-unknown", values={"queue": unknown[0]})
        if taken & set(members):
            raise ValidationError(f"pools.{k}: a queue is in two pools", {"field": "pools"},
                                  reason="pool-queue-twice")
        taken |= set(members)
        if members:
            out.append((f"pool-{k + 1}", members))
    out += [(q, (q,)) for q in queues if q not in taken]
    return out


def _supply(staff: Sequence[StaffGroup], pools: list[tuple[str, tuple[str, ...]]],
            locations: list[str]) -> tuple[dict[tuple[int, str], int], dict[str, int]]:
    """Agents a day per (pool, place), and per place for every pool together."""
    planned = {q for _, members in pools for q in members}
    per_pool: dict[tuple[int, str], int] = {}
    per_place: dict[str, int] = {}
    for group in staff:
        if group.location not in locations or not group.queues & planned:
            continue
        per_place[group.location] = per_place.get(group.location, 0) + group.count
        for p, (_, members) in enumerate(pools):
            if group.queues & set(members):
                per_pool[(p, group.location)] = per_pool.get((p, group.location), 0) \
                    + group.count
    return per_pool, per_place


def _columns(request: ScheduleRequest, pools: list[tuple[str, tuple[str, ...]]],
             locations: list[str], home_ok: dict[str, bool], required: dict[str, list[int]],
             t0: datetime, grid: int, n: int,
             supply: tuple[dict[tuple[int, str], int], dict[str, int]] | None
             ) -> list[_Column]:
    rules = request.rules
    zone = rules.zone
    hmax = None if rules.max_consecutive_hours is None \
        else int(rules.max_consecutive_hours * 60) // grid
    demand = [[sum(required[q][t] for q in members) for t in range(n)] for _, members in pools]
    first_day = t0.astimezone(zone).date()
    columns = []
    for template in rules.templates:
        length = int(template.minutes) // grid
        if length > n:
            continue
        windows = [(int(b.minutes) // grid,
                    tuple(range(int(b.earliest) // grid, int(b.latest) // grid + 1)))
                   for b in template.breaks]
        breaks = _legal_breaks(windows, length, hmax, template.name)
        last_start = n - 1 if rules.wrap else n - length
        for s in range(0, last_start + 1):
            begin = t0 + timedelta(minutes=s * grid)
            local = begin.astimezone(zone)
            if (local.hour * 60 + local.minute) % rules.start_step_minutes:
                continue
            if not _within_window(rules, local, template):
                continue
            for p, (_, members) in enumerate(pools):
                if not any(demand[p][(s + k) % n] for k in range(length)):
                    continue
                for location in locations:
                    if location == HOME and not any(home_ok[q] for q in members):
                        continue
                    if supply is not None and not supply[0].get((p, location)):
                        continue
                    columns.append(_Column(p, location, template, s, length, breaks,
                                           (local.date() - first_day).days))
    return columns


def _within_window(rules: ShiftRules, local: datetime, template: Template) -> bool:
    start = local.hour * 60 + local.minute
    if rules.earliest_start is not None and start < rules.earliest_start:
        return False
    return not (rules.latest_end is not None and start + template.minutes > rules.latest_end)


def _legal_breaks(breaks: list[tuple[int, tuple[int, ...]]], length: int, hmax: int | None,
                  name: str) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Break offsets that keep the first and last stretches within ``hmax`` slots."""
    if hmax is None:
        return tuple(breaks)
    if not breaks:
        if length > hmax:
            raise ValidationError(f"template {name!r}: longer than max_consecutive_hours "
                                  "and without a break", {"field": "templates"},
                                  reason="template-too-long", values={"template": name})
        return ()
    out = list(breaks)
    size, offsets = out[0]
    out[0] = (size, tuple(o for o in offsets if o <= hmax))
    size, offsets = out[-1]
    out[-1] = (size, tuple(o for o in out[-1][1] if length - (o + size) <= hmax))
    if any(not offsets for _, offsets in out):
        raise ValidationError(f"template {name!r}: no break placement keeps every stretch "
                              "within max_consecutive_hours", {"field": "templates"},
                              reason="template-breaks", values={"template": name})
    return tuple(out)


@dataclass
class _Solution:
    counts: list[int]
    breaks: list[list[list[int]]]
    """Per column, per break, the number of agents at each allowed offset."""
    assigned: dict[tuple[str, str, int], int]
    """(queue, location, slot) → agents on that queue (pools of several queues)."""
    status: str
    objective: float
    bound: float


class _Program:
    """An integer program as plain rows: built once, handed to the LP (for a warm start)
    and to CP-SAT."""

    def __init__(self) -> None:
        self.upper: list[int] = []
        self.cost: list[int] = []
        self.rows: list[tuple[list[int], list[int], float, float]] = []

    def var(self, upper: int, cost: int = 0) -> int:
        self.upper.append(upper)
        self.cost.append(cost)
        return len(self.upper) - 1

    def row(self, terms: list[tuple[int, int]], low: float, high: float) -> None:
        self.rows.append(([v for v, _ in terms], [c for _, c in terms], low, high))


def _solve(request: ScheduleRequest, columns: list[_Column],
           pools: list[tuple[str, tuple[str, ...]]], locations: list[str],
           home_ok: dict[str, bool], required: dict[str, list[int]], grid: int,
           n: int, deadline: float,
           supply: tuple[dict[tuple[int, str], int], dict[str, int]] | None) -> _Solution:
    size = sum(1 + sum(len(o) for _, o in c.breaks) for c in columns)
    if size > MAX_VARIABLES:
        raise ValidationError(f"the model would have about {size:,} variables (at most "
                              f"{MAX_VARIABLES:,}): schedule fewer days at once, or use "
                              "fewer templates or wider start steps", {"field": "staffing"},
                              reason="model-too-large")
    inf = math.inf
    program = _Program()
    peak = max((sum(required[q][t] for q in required) for t in range(n)), default=0)
    upper = max(1, peak + 2)
    wrap = request.rules.wrap
    x = [program.var(upper, col.length * HOUR_SCALE + 1) for col in columns]
    y: list[list[list[int]]] = []
    work: dict[tuple[int, str, int], list[tuple[int, int]]] = {}
    heads: dict[tuple[str, int], list[tuple[int, int]]] = {}
    hmax = None if request.rules.max_consecutive_hours is None \
        else int(request.rules.max_consecutive_hours * 60) // grid
    for i, col in enumerate(columns):
        chosen = []
        for bsize, offsets in col.breaks:
            vars_b = [program.var(upper) for _ in offsets]
            program.row([(v, 1) for v in vars_b] + [(x[i], -1)], 0, 0)
            chosen.append(vars_b)
            for var, o in zip(vars_b, offsets, strict=True):
                for k in range(bsize):
                    work.setdefault((col.pool, col.location, (col.start + o + k) % n),
                                    []).append((var, -1))
        if hmax is not None:
            _stretch_limits(program, col, chosen, hmax)
        y.append(chosen)
        for k in range(col.length):
            t = (col.start + k) % n if wrap else col.start + k
            work.setdefault((col.pool, col.location, t), []).append((x[i], 1))
            if col.location != HOME:
                heads.setdefault((col.location, t), []).append((x[i], 1))
    caps = {s.site: s.seats for s in request.sites}
    for (site, _t), terms in heads.items():
        cap = caps.get(site)
        if cap is not None:
            program.row(terms, -inf, cap)
    if supply is not None:
        daily: dict[tuple[int, str, int], list[tuple[int, int]]] = {}
        for i, col in enumerate(columns):
            daily.setdefault((col.pool, col.location, col.day), []).append((x[i], 1))
        places: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for (p, location, day), terms in daily.items():
            program.row(terms, -inf, supply[0][(p, location)])
            places.setdefault((location, day), []).extend(terms)
        for (location, _day), terms in places.items():
            program.row(terms, -inf, supply[1][location])
    assigned: dict[tuple[str, str, int], int] = {}
    cover: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for p, (_, members) in enumerate(pools):
        for location in locations:
            for t in range(n):
                terms = work.get((p, location, t), [])
                if not terms:
                    continue
                allowed = [q for q in members if location != HOME or home_ok[q]]
                if len(members) == 1 and allowed:
                    cover.setdefault((members[0], t), []).extend(terms)
                    continue
                share = []
                for q in allowed:
                    if required[q][t] == 0:
                        continue
                    var = program.var(required[q][t])
                    assigned[(q, location, t)] = var
                    cover.setdefault((q, t), []).append((var, 1))
                    share.append((var, 1))
                if share:
                    program.row(share + [(v, -c) for v, c in terms], -inf, 0)
    penalty = SHORTFALL_WEIGHT * max((c.length for c in columns), default=1) * HOUR_SCALE
    shortfalls: dict[tuple[str, int], int] = {}
    for q, needs in required.items():
        for t, need in enumerate(needs):
            if need:
                short = program.var(need, penalty)
                shortfalls[(q, t)] = short
                program.row([*cover.get((q, t), []), (short, 1)], need, inf)
    if request.home_share > 0 and HOME in locations:
        permille = round(request.home_share * 1000)
        terms = [(x[i], (1000 - permille if c.location == HOME else -permille) * c.length)
                 for i, c in enumerate(columns)]
        if any(c.location == HOME for c in columns):
            program.row(terms, -inf, 0)
    layout = Layout(
        [Column(c.pool, c.location, c.location == HOME, c.start, c.length, c.breaks, c.day)
         for c in columns], n, wrap, hmax,
        np.array([[sum(required[q][t] for q in members) for t in range(n)]
                  for _, members in pools], dtype=np.int64).reshape(len(pools), n),
        np.array([[sum(required[q][t] for q in members if home_ok[q]) for t in range(n)]
                  for _, members in pools], dtype=np.int64).reshape(len(pools), n),
        {site: cap for site, cap in caps.items() if cap is not None}, request.home_share,
        supply)
    hint, floor = _hint(program, layout, x, y, pools, locations, home_ok, required, assigned,
                        shortfalls, deadline)
    values, status, objective, bound = _cp_sat(program, hint, floor, request, deadline)
    return _Solution(
        counts=[values[v] for v in x],
        breaks=[[[values[v] for v in vars_b] for vars_b in chosen] for chosen in y],
        assigned={key: values[v] for key, v in assigned.items()},
        status=status, objective=objective, bound=bound)


def _hint(program: _Program, layout: Layout, x: list[int], y: list[list[list[int]]],
          pools: list[tuple[str, tuple[str, ...]]], locations: list[str],
          home_ok: dict[str, bool], required: dict[str, list[int]],
          assigned: dict[tuple[str, str, int], int], shortfalls: dict[tuple[str, int], int],
          deadline: float) -> tuple[dict[int, int], int]:
    """Values of every variable for the warm start of :mod:`shift_start`, and the LP
    relaxation's bound rounded up (empty and 0 when the LP is not solved in a third of the
    time left)."""
    budget = (deadline - clock.perf_counter()) / 3
    if budget < 0.2 or not x:
        return {}, 0
    solution = relaxation(program.cost, program.upper, program.rows, budget)
    if solution is None:
        return {}, 0
    floor = math.ceil(float(np.dot(program.cost, solution)) - 1e-6)
    counts = solution[x]
    splits = [[solution[vars_b] for vars_b in chosen] for chosen in y]
    agents = warm_start(layout, counts, splits)
    hint = dict.fromkeys(range(len(program.upper)), 0)
    n = layout.n
    work: dict[tuple[int, str, int], int] = {}
    for i, offsets in agents:
        col = layout.columns[i]
        hint[x[i]] += 1
        for b, o in enumerate(offsets):
            k = col.breaks[b][1].index(o)
            hint[y[i][b][k]] += 1
        off = {o + j for (size, _), o in zip(col.breaks, offsets, strict=True)
               for j in range(size)}
        for j in range(col.length):
            if j not in off:
                t = (col.start + j) % n
                key = (col.pool, col.location, t)
                work[key] = work.get(key, 0) + 1
    for p, (_, members) in enumerate(pools):
        for t in range(n):
            need = {q: required[q][t] for q in members}
            for location in sorted(locations, key=lambda loc: loc != HOME):
                left = work.get((p, location, t), 0)
                for q in sorted(members, key=lambda q: -need[q]):
                    if location == HOME and not home_ok[q]:
                        continue
                    take = min(left, need[q])
                    if take <= 0:
                        continue
                    left -= take
                    need[q] -= take
                    if (q, location, t) in assigned:
                        hint[assigned[(q, location, t)]] = take
            for q in members:
                if (q, t) in shortfalls:
                    hint[shortfalls[(q, t)]] = need[q]
    return hint, floor


def _cp_sat(program: _Program, hint: dict[int, int], floor: int, request: ScheduleRequest,
            deadline: float) -> tuple[list[int], str, float, float]:
    """CP-SAT from the warm start; the LP bound (*floor*, valid: costs are integers) is
    given to it as a cut, so that it can stop once it proves the warm start optimal."""
    from ortools.sat.python import cp_model  # heavy: loaded only to solve

    model = cp_model.CpModel()
    variables = [model.new_int_var(0, ub, f"v{i}") for i, ub in enumerate(program.upper)]
    for indices, coefs, low, high in program.rows:
        expr = cp_model.LinearExpr.weighted_sum([variables[i] for i in indices], coefs)
        if low == high:
            model.add(expr == int(low))
        elif math.isinf(low):
            model.add(expr <= int(high))
        elif math.isinf(high):
            model.add(expr >= int(low))
        else:
            model.add_linear_constraint(expr, int(low), int(high))
    objective = cp_model.LinearExpr.weighted_sum(variables, program.cost)
    model.minimize(objective)
    if floor > 0:
        model.add(objective >= floor)
    for index, value in hint.items():
        model.add_hint(variables[index], min(value, program.upper[index]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, deadline - clock.perf_counter())
    solver.parameters.num_workers = request.workers
    solver.parameters.random_seed = 1
    solver.parameters.absolute_gap_limit = HOUR_SCALE / 2
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValidationError(f"the solver found no schedule in {request.time_limit:g} s "
                              f"({name}); give it more time", {"field": "time_limit"},
                              reason="solver-no-schedule")
    return ([int(solver.value(v)) for v in variables], name,
            float(solver.objective_value), float(solver.best_objective_bound))


def _stretch_limits(program: _Program, col: _Column, chosen: list[list[int]],
                    hmax: int) -> None:
    """Hall conditions between consecutive breaks b and b+1: an agent whose break b+1
    starts at o' needs a break b starting at or after ``o' - size_b - hmax``. For every
    such threshold, the agents needing it are no more than the breaks b beyond it; then
    pairing the breaks in time order keeps every stretch within ``hmax``."""
    for b in range(len(col.breaks) - 1):
        size, offsets = col.breaks[b]
        _, later = col.breaks[b + 1]
        for start in later:
            threshold = start - size - hmax
            needing = [(v, 1) for v, o in zip(chosen[b + 1], later, strict=True)
                       if o >= start]
            able = [(v, -1) for v, o in zip(chosen[b], offsets, strict=True)
                    if o >= threshold]
            program.row(needing + able, -math.inf, 0)


def _result(request: ScheduleRequest, solution: _Solution, columns: list[_Column],
            pools: list[tuple[str, tuple[str, ...]]], locations: list[str],
            home_ok: dict[str, bool], required: dict[str, list[int]],
            planned: dict[str, list[bool]], queues: list[str], t0: datetime, grid: int,
            n: int, seconds: float) -> Schedule:
    wrap = request.rules.wrap
    slot = timedelta(minutes=grid)
    shifts: list[Shift] = []
    work: dict[tuple[int, str, int], int] = {}
    heads: dict[tuple[str, int], int] = {}
    for i, col in enumerate(columns):
        count = solution.counts[i]
        if not count:
            continue
        per_break = []
        for b, (_, offsets) in enumerate(col.breaks):
            chosen = sorted(o for o, c in zip(offsets, solution.breaks[i][b], strict=True)
                            for _ in range(c))
            per_break.append(chosen)
        name, members = pools[col.pool]
        for k in range(count):
            start = t0 + col.start * slot
            breaks = tuple((start + per_break[b][k] * slot, int(size * grid))
                           for b, (size, _) in enumerate(col.breaks))
            shifts.append(Shift(f"S{len(shifts) + 1:04d}", col.template.name, name, members,
                                col.location, start, start + col.length * slot, breaks))
            off = {(per_break[b][k] + j) for b, (size, _) in enumerate(col.breaks)
                   for j in range(size)}
            for j in range(col.length):
                t = (col.start + j) % n if wrap else col.start + j
                if col.location != HOME:
                    heads[(col.location, t)] = heads.get((col.location, t), 0) + 1
                if j not in off:
                    key = (col.pool, col.location, t)
                    work[key] = work.get(key, 0) + 1
    on_queue = _allocate(solution, pools, locations, home_ok, required, work, n)
    coverage = []
    for q in queues:
        for t in range(n):
            if not planned[q][t]:
                continue
            site = sum(v for (qq, loc, tt), v in on_queue.items()
                       if qq == q and tt == t and loc != HOME)
            home = on_queue.get((q, HOME, t), 0)
            coverage.append(Coverage(q, t0 + t * slot, grid, required[q][t], site + home,
                                     site, home))
    caps = {s.site: s.seats for s in request.sites}
    seats = [SeatUse(site, t0 + t * slot, grid, heads.get((site, t), 0), cap)
             for site, cap in caps.items() if cap is not None for t in range(n)]
    agent_hours = sum(s.hours for s in shifts)
    status = solution.status
    gap = max(0.0, (solution.objective - solution.bound) / max(solution.objective, 1.0))
    summary = Summary(
        agent_hours=round(agent_hours, 2),
        required_hours=round(sum(sum(v) for v in required.values()) * grid / 60.0, 2),
        shortfall_interval_agents=sum(c.shortfall for c in coverage),
        status=status, gap=round(gap, 4), seconds=round(seconds, 3), shifts=len(shifts),
        home_hours=round(sum(s.hours for s in shifts if s.location == HOME), 2),
        peak_on_site=max((sum(v for (site, tt), v in heads.items() if tt == t)
                          for t in range(n)), default=0),
        grid_minutes=grid, workers=request.workers)
    return Schedule(shifts, coverage, seats, summary, request.rules.time_zone)


def _allocate(solution: _Solution, pools: list[tuple[str, tuple[str, ...]]],
              locations: list[str], home_ok: dict[str, bool], required: dict[str, list[int]],
              work: dict[tuple[int, str, int], int], n: int) -> dict[tuple[str, str, int], int]:
    """Agents per queue, place and slot: the solver's split, idle capacity given to the
    pool's busiest queue the place may serve."""
    out: dict[tuple[str, str, int], int] = {}
    for p, (_, members) in enumerate(pools):
        for location in locations:
            allowed = [q for q in members if location != HOME or home_ok[q]]
            if not allowed:
                continue
            for t in range(n):
                capacity = work.get((p, location, t), 0)
                if not capacity:
                    continue
                if len(members) == 1:
                    out[(members[0], location, t)] = capacity
                    continue
                split = {q: solution.assigned.get((q, location, t), 0) for q in allowed}
                spare = capacity - sum(split.values())
                busiest = max(allowed, key=lambda q: required[q][t])
                split[busiest] += max(0, spare)
                for q, v in split.items():
                    if v:
                        out[(q, location, t)] = v
    return out
