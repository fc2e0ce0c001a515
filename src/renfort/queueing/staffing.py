"""Staffing inversion: the fewest agents on the phone meeting every target, per cell.

Units: *load* in erlangs, *aht*, *patience* and every time target in seconds,
rates and fractions in ``[0, 1]``. Cells are any array shape (e.g. queues ×
intervals); all of them are searched at once, NumPy-vectorised.

The search keeps, for each cell, a count ``lo`` known to fail and a count
``hi`` known to pass; it gallops ``hi`` up from a guess near the load, then
bisects. The answer ``n`` therefore always meets the targets and ``n - 1``
never does. Each target is monotone in the number of agents in the models
used (service level on offered calls, ASA, abandonment, occupancy), so ``n``
is also the global minimum. ``lo`` starts at provable failures: an unstable
Erlang C queue, and for Erlang A the fact that fewer than ``target × load``
agents cannot even answer that share of the calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from renfort.domain.errors import ValidationError
from renfort.queueing import _cells, erlang_a, erlang_c
from renfort.queueing._special import BoolArray, FloatArray, IntArray

Model = Literal["erlang-a", "erlang-c"]
SlBasis = Literal["offered", "answered"]


@dataclass(frozen=True)
class Targets:
    """What a staffing level must achieve; ``None`` switches a target off."""

    service_level: float | None = 0.8
    """Share of calls answered within *threshold*, in ``(0, 1]``."""
    threshold: float = 60.0
    """Answer-time threshold of the service level, seconds."""
    max_asa: float | None = None
    """Upper bound on the average speed of answer of answered calls, seconds."""
    max_abandon: float | None = None
    """Upper bound on the share of offered calls that hang up (Erlang A only)."""
    max_occupancy: float | None = None
    """Upper bound on the share of agents' time spent on calls, in ``(0, 1]``."""
    sl_basis: SlBasis = "offered"
    """Count the service level on offered calls (abandons are misses) or on answered calls."""

    def __post_init__(self) -> None:
        _check("service_level", self.service_level, 0.0, 1.0)
        _check("max_abandon", self.max_abandon, 0.0, 1.0)
        _check("max_occupancy", self.max_occupancy, 0.0, 1.0)
        if not (math.isfinite(self.threshold) and self.threshold >= 0.0):
            raise ValidationError("threshold must be a non-negative number of seconds",
                                  {"parameter": "threshold"}, reason="threshold-seconds")
        if self.max_asa is not None and not (math.isfinite(self.max_asa) and self.max_asa > 0.0):
            raise ValidationError("max_asa must be a positive number of seconds",
                                  {"parameter": "max_asa"}, reason="max-asa")
        if self.sl_basis not in ("offered", "answered"):
            raise ValidationError("sl_basis must be 'offered' or 'answered'",
                                  {"parameter": "sl_basis"}, reason="sl-basis")


def _check(name: str, value: float | None, low: float, high: float) -> None:
    if value is not None and not (math.isfinite(value) and low < value <= high):
        raise ValidationError(f"{name} must lie in ({low:g}, {high:g}]", {"parameter": name},
                              reason="number-range-open", values={"low": low, "high": high})


@dataclass(frozen=True)
class Staffing:
    """Agents needed per cell and the measures predicted at that staffing."""

    agents: IntArray
    """Agents on the phone (before shrinkage)."""
    service_level: FloatArray
    """On the basis the targets used (offered calls unless told otherwise)."""
    asa: FloatArray
    """Average speed of answer of answered calls, seconds."""
    abandon_rate: FloatArray
    """Share of offered calls that hang up (0 under Erlang C)."""
    occupancy: FloatArray


def required_agents(
    load: ArrayLike,
    aht: ArrayLike,
    targets: Targets,
    *,
    model: Model = "erlang-a",
    patience: ArrayLike | None = None,
) -> Staffing:
    """Smallest number of agents meeting all *targets* in each cell.

    *load* in erlangs, *aht* and *patience* (mean time before a caller hangs
    up; required for ``erlang-a``) in seconds. A cell without load needs no
    agent. Raises ``ValidationError`` if a target cannot be met by any
    staffing up to ``MAX_AGENTS``.
    """
    a = _cells.floats("load", load)
    h = _cells.floats("aht", aht, positive=True)
    if model == "erlang-a":
        if patience is None:
            raise ValidationError("erlang-a needs a patience", {"parameter": "patience"},
                                  reason="patience-needed")
        p = _cells.floats("patience", patience, positive=True)
    elif model == "erlang-c":
        if targets.max_abandon is not None:
            raise ValidationError("erlang-c assumes nobody hangs up: max_abandon needs erlang-a",
                                  {"parameter": "max_abandon"}, reason="abandon-needs-erlang-a")
        p = np.ones(())
    else:
        raise ValidationError(f"unknown model {model!r}", {"parameter": "model"},
                              reason="model-unknown")
    shape = np.broadcast_shapes(a.shape, h.shape, p.shape)
    af, hf, pf = _cells.flat(a, shape), _cells.flat(h, shape), _cells.flat(p, shape)
    t = np.full(af.shape, targets.threshold)
    agents = np.zeros(af.shape, dtype=np.int64)
    busy = np.flatnonzero(af > 0.0)
    if busy.size:
        ab, hb, pb, tb = af[busy], hf[busy], pf[busy], t[busy]
        if model == "erlang-c":
            ok = _erlang_c_test(ab, hb, tb, targets)
            lo = np.floor(ab).astype(np.int64)  # n <= load is unstable
            if targets.max_occupancy is not None:
                lo = np.maximum(lo, np.ceil(ab / targets.max_occupancy).astype(np.int64) - 2)
            guess = np.ceil(ab + 0.5 * np.sqrt(ab)).astype(np.int64) + 1
        else:
            ok = _erlang_a_test(ab, hb, pb, tb, targets)
            lo = np.full(ab.shape, -1, dtype=np.int64)
            if targets.service_level is not None and targets.sl_basis == "offered":
                # SL on offered calls < answered share < n / load.
                lo = np.maximum(lo, np.floor(targets.service_level * ab).astype(np.int64) - 1)
            if targets.max_abandon is not None:
                # abandon share > 1 - n / load.
                lo = np.maximum(lo, np.floor((1.0 - targets.max_abandon) * ab).astype(np.int64) - 1)
            guess = np.ceil(ab).astype(np.int64)
        agents[busy] = _search(ok, lo, np.maximum(guess, lo + 1), np.sqrt(ab))
    measured = measure(agents, af, hf, t, targets, model=model, patience=pf)
    return Staffing(
        agents=agents.reshape(shape),
        service_level=measured.service_level.reshape(shape),
        asa=measured.asa.reshape(shape),
        abandon_rate=measured.abandon_rate.reshape(shape),
        occupancy=measured.occupancy.reshape(shape),
    )


def measure(
    agents: IntArray, load: FloatArray, aht: FloatArray, threshold: FloatArray, targets: Targets,
    *, model: Model, patience: FloatArray,
) -> Staffing:
    """Predicted measures of flat cells at a given (stable) staffing."""
    if model == "erlang-c":
        res = erlang_c.core(agents, load, aht, threshold)
        zero = np.zeros_like(load)
        return Staffing(agents, res.service_level, res.asa, zero, res.occupancy)
    core = erlang_a.core(agents, load, aht, patience, threshold, with_asa=True)
    sl = core.service_level
    if targets.sl_basis == "answered":
        sl = np.divide(sl, core.answered, out=np.ones_like(sl), where=core.answered > 0.0)
    occ = erlang_a.occupancy(agents, load, core.answered)
    return Staffing(agents, sl, core.asa, core.p_abandon, occ)


def scheduled_heads(agents: ArrayLike, shrinkage: ArrayLike) -> IntArray:
    """Heads to schedule so that ``agents`` remain on the phone after *shrinkage*.

    ``ceil(agents / (1 - shrinkage))``, with a relative tolerance of 1e-12 so
    that 7 agents at 30 % shrinkage give 10 heads, not 11 through rounding.
    """
    n = _cells.agents(agents)
    s = _cells.fraction("shrinkage", shrinkage, allow_one=False)
    heads = np.ceil(n / (1.0 - s) * (1.0 - 1e-12))
    return np.asarray(heads, dtype=np.int64)


_Test = Callable[[IntArray, IntArray], BoolArray]
"""``test(n, cells)``: whether *cells* (indices of searched cells) meet all targets at ``n``."""


def _search(ok: _Test, lo: IntArray, guess: IntArray, spread: FloatArray) -> IntArray:
    """Smallest passing ``n`` per cell, given failing ``lo`` and a first guess ``> lo``."""
    lo = lo.copy()
    hi = guess.copy()
    step = np.ceil(0.5 * spread).astype(np.int64) + 1
    pending = np.arange(lo.size)
    while pending.size:
        passed = ok(hi[pending], pending)
        failed = pending[~passed]
        lo[failed] = hi[failed]
        hi[failed] += step[failed]
        step[failed] *= 2
        if failed.size and hi[failed].max() > _cells.MAX_AGENTS:
            raise ValidationError(
                f"the targets cannot be met with up to {_cells.MAX_AGENTS} agents",
                {"parameter": "targets"},
                reason="targets-unreachable", values={"max": _cells.MAX_AGENTS},
            )
        pending = failed
    active = np.flatnonzero(hi - lo > 1)
    while active.size:
        mid = (lo[active] + hi[active]) // 2
        passed = ok(mid, active)
        hi[active[passed]] = mid[passed]
        lo[active[~passed]] = mid[~passed]
        active = active[hi[active] - lo[active] > 1]
    return hi


def _erlang_c_test(a: FloatArray, aht: FloatArray, t: FloatArray, targets: Targets) -> _Test:
    def ok(n: IntArray, cells: IntArray) -> BoolArray:
        ac = a[cells]
        good = n > ac
        st = np.flatnonzero(good)
        res = erlang_c.core(n[st], ac[st], aht[cells][st], t[cells][st])
        passed = np.ones(st.size, dtype=np.bool_)
        if targets.service_level is not None:
            passed &= res.service_level >= targets.service_level
        if targets.max_asa is not None:
            passed &= res.asa <= targets.max_asa
        if targets.max_occupancy is not None:
            passed &= res.occupancy <= targets.max_occupancy
        good[st] = passed
        return good

    return ok


def _erlang_a_test(
    a: FloatArray, aht: FloatArray, patience: FloatArray, t: FloatArray, targets: Targets
) -> _Test:
    def ok(n: IntArray, cells: IntArray) -> BoolArray:
        ac, hc, pc = a[cells], aht[cells], patience[cells]
        res = erlang_a.core(n, ac, hc, pc, t[cells], with_asa=False)
        passed = np.ones(n.size, dtype=np.bool_)
        if targets.service_level is not None:
            sl = res.service_level
            if targets.sl_basis == "answered":
                sl = np.divide(sl, res.answered, out=np.zeros_like(sl), where=res.answered > 0.0)
            passed &= sl >= targets.service_level
        if targets.max_abandon is not None:
            passed &= res.p_abandon <= targets.max_abandon
        if targets.max_occupancy is not None:
            passed &= erlang_a.occupancy(n, ac, res.answered) <= targets.max_occupancy
        if targets.max_asa is not None:
            # The answered calls' wait is at most all calls' wait over the
            # answered share; only cells this cheap bound cannot clear pay
            # for the exact ASA.
            bound = np.divide(res.p_abandon * pc, res.answered, out=np.full_like(ac, np.inf),
                              where=res.answered > 0.0)
            unsure = np.flatnonzero(passed & (bound > targets.max_asa))
            if unsure.size:
                exact = erlang_a.core(n[unsure], ac[unsure], hc[unsure], pc[unsure],
                                      t[cells][unsure], with_asa=True)
                passed[unsure] = exact.asa <= targets.max_asa
        return passed

    return ok
