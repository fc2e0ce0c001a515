"""Erlang A: the M/M/n+M queue, where waiting callers hang up after an exponential patience.

Units: *load* in erlangs (arrival rate × average handling time), *aht*,
*patience* (mean time a caller is willing to wait) and *threshold* in seconds.
Every function takes scalars or arrays and broadcasts them (NumPy rules).

With abandonment the queue is stable at any load, so every cell has numbers.
The measures follow from the birth-death chain of the number of callers in the
system (Palm's model; Garnett, Mandelbaum & Reiman 2002). With
``x = n·patience/aht`` and ``y = load·patience/aht`` and ``P`` the regularised
lower incomplete gamma function, a caller's *offered wait* ``V`` (the time he
would wait with infinite patience) has ``P(V > t | V > 0) = P(x, y e^{-t/patience}) / P(x, y)``;
he is answered when ``V`` is shorter than his patience. Closed forms are used
where they are accurate; where they would cancel, the chain is summed
directly (see ``_special``).

Two service levels are reported, because a call that abandons is neither
"answered in time" nor "answered late":

* ``service_level`` counts on *offered* calls: answered within the threshold
  over all calls (a call that abandons, at whatever time, counts as a miss);
* ``service_level_answered`` counts on *answered* calls only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, gammainc, gammaincc

from renfort.queueing import _cells
from renfort.queueing._special import (
    FloatArray,
    IntArray,
    log_erlang_b,
    log_poisson_pmf,
    queue_series,
    queue_window_mean_harmonic,
)

# Below this the regularised incomplete gamma function is not trusted to full
# relative precision (and soon underflows); the chain is summed instead.
_TINY_GAMMA = 1e-250


@dataclass(frozen=True)
class ErlangACell:
    """Steady-state measures of one Erlang A queue."""

    agents: int
    load: float
    """Offered load, erlangs."""
    p_wait: float
    """Probability that a caller has to wait (whether answered or not)."""
    p_abandon: float
    """Fraction of offered calls that hang up before being answered."""
    service_level: float
    """Calls answered within the threshold over offered calls."""
    service_level_answered: float
    """Calls answered within the threshold over answered calls."""
    asa: float
    """Average speed of answer of answered calls, seconds (``inf`` if none is answered)."""
    mean_wait: float
    """Mean time in queue of all offered calls, answered or abandoned, seconds."""
    answered_rate: float
    """Answered calls per second."""
    occupancy: float
    """Fraction of agents' time spent on calls (1 when there is load but no agent)."""


@dataclass(frozen=True)
class ErlangA:
    """Erlang A measures for an array of cells (see ``ErlangACell`` for each field)."""

    agents: IntArray
    load: FloatArray
    p_wait: FloatArray
    p_abandon: FloatArray
    service_level: FloatArray
    service_level_answered: FloatArray
    asa: FloatArray
    mean_wait: FloatArray
    answered_rate: FloatArray
    occupancy: FloatArray

    def cell(self, index: int | tuple[int, ...] = ()) -> ErlangACell:
        """The measures of one cell."""
        return ErlangACell(
            agents=int(self.agents[index]),
            load=float(self.load[index]),
            p_wait=float(self.p_wait[index]),
            p_abandon=float(self.p_abandon[index]),
            service_level=float(self.service_level[index]),
            service_level_answered=float(self.service_level_answered[index]),
            asa=float(self.asa[index]),
            mean_wait=float(self.mean_wait[index]),
            answered_rate=float(self.answered_rate[index]),
            occupancy=float(self.occupancy[index]),
        )


@dataclass(frozen=True)
class Core:
    """Flat Erlang A measures (internal; ``asa`` is empty unless asked for)."""

    p_wait: FloatArray
    p_abandon: FloatArray
    answered: FloatArray
    """Fraction of offered calls that are answered."""
    service_level: FloatArray
    asa: FloatArray


def core(
    n: IntArray, a: FloatArray, aht: FloatArray, patience: FloatArray, t: FloatArray,
    *, with_asa: bool,
) -> Core:
    """Erlang A measures on flat arrays of cells."""
    p_wait = np.zeros_like(a)
    p_ab = np.zeros_like(a)
    answered = np.ones_like(a)
    sl = np.ones_like(a)
    asa = np.zeros_like(a) if with_asa else np.empty(0)
    # No agents: every caller waits and, sooner or later, hangs up.
    nobody = (n == 0) & (a > 0.0)
    p_wait[nobody] = 1.0
    p_ab[nobody] = 1.0
    answered[nobody] = 0.0
    sl[nobody] = 0.0
    if with_asa:
        asa[nobody] = np.inf
    live = (n > 0) & (a > 0.0)
    if live.any():
        res = _live(n[live], a[live], aht[live], patience[live], t[live], with_asa=with_asa)
        p_wait[live] = res.p_wait
        p_ab[live] = res.p_abandon
        answered[live] = res.answered
        sl[live] = res.service_level
        if with_asa:
            asa[live] = res.asa
    return Core(p_wait=p_wait, p_abandon=p_ab, answered=answered, service_level=sl, asa=asa)


def _live(
    n: IntArray, a: FloatArray, aht: FloatArray, patience: FloatArray, t: FloatArray,
    *, with_asa: bool,
) -> Core:
    """Measures for cells with at least one agent and some load."""
    nf = n.astype(np.float64)
    ratio = patience / aht  # service rate over abandonment rate
    x, y = nf * ratio, a * ratio
    gap = a - nf
    rho = a / nf
    s = t / patience
    # 1/B(n) - 1 = n / (a B(n-1)): the idle states relative to "all busy".
    log_idle = np.log(nf / a) - log_erlang_b(n - 1, a)

    # Summing the chain is exact when its ratios are well below one, and needed
    # when the closed form of P(abandon | wait) would cancel badly.
    series = (y <= 0.5 * (x + 1.0)) | ((rho < 1.0) & (x * (gap / nf) ** 2 > 100.0 * rho))
    log_inv_g = np.empty_like(a)
    ab_w = np.empty_like(a)  # P(abandon | wait)
    ans_w = np.empty_like(a)  # P(answered | wait)
    ans_t_w = np.empty_like(a)  # P(answered within t | wait)

    g = np.flatnonzero(~series)
    if g.size:
        p_y = gammainc(x[g], y[g])
        bad = p_y < _TINY_GAMMA
        series[g[bad]] = True
        g, p_y = g[~bad], p_y[~bad]
        xg, yg, rg = x[g], y[g], rho[g]
        zg = yg * np.exp(-s[g])
        lig = np.minimum(log_poisson_pmf(xg, yg, diff=gap[g] * ratio[g]) - np.log(p_y), 0.0)
        log_inv_g[g] = lig
        ab_w[g] = (gap[g] / nf[g] + np.exp(lig)) / rg
        ans_w[g] = -np.expm1(lig) / rg
        # P(x+1, y) - P(x+1, z), from whichever tail keeps both terms small.
        upper = zg >= xg + 1.0
        diff = np.empty_like(zg)
        diff[upper] = gammaincc(xg[upper] + 1.0, zg[upper]) - gammaincc(xg[upper] + 1.0, yg[upper])
        lo = ~upper
        diff[lo] = gammainc(xg[lo] + 1.0, yg[lo]) - gammainc(xg[lo] + 1.0, zg[lo])
        ans_t_w[g] = diff / (rg * p_y)

    q = np.flatnonzero(series)
    if q.size:
        xq, yq, sq = x[q], y[q], s[q]
        zq = yq * np.exp(-sq)
        at_y = queue_series(xq, yq)
        at_z = queue_series(xq, zq)
        # log of P(x, z)/P(x, y) without the sums: y(1 - e^-s) - x s.
        delta = gap[q] * ratio[q] * sq - yq * (sq + np.expm1(-sq))
        log_inv_g[q] = -np.log(at_y.total)
        ab_w[q] = at_y.mean_over_y / at_y.total
        ans_w[q] = xq * at_y.tail_over_y / at_y.total
        ans_t_w[q] = xq * (at_y.tail_over_y - np.exp(delta - sq) * at_z.tail_over_y) / at_y.total

    odds = log_idle + log_inv_g  # log P(V = 0) / P(V > 0)
    p_wait = expit(-odds)
    p_now = expit(odds)
    answered = p_now + p_wait * ans_w
    # Cancellation for tiny thresholds can leave a last-bit negative.
    sl = p_now + p_wait * np.clip(ans_t_w, 0.0, ans_w)
    asa = np.empty(0)
    if with_asa:
        # E[wait; answered] = P(wait) · patience/ρ · Σ_m w_m H_m.
        served_wait = p_wait * patience / rho * queue_window_mean_harmonic(x, y)
        asa = served_wait / answered
    return Core(
        p_wait=p_wait, p_abandon=p_wait * ab_w, answered=answered, service_level=sl, asa=asa
    )


def erlang_a(
    agents: ArrayLike,
    load: ArrayLike,
    aht: ArrayLike,
    patience: ArrayLike,
    threshold: ArrayLike = 0.0,
) -> ErlangA:
    """Erlang A measures of each cell.

    *load* in erlangs; *aht*, *patience* (mean, > 0) and *threshold* in seconds.
    A cell with no load has ``p_wait = p_abandon = 0`` and service levels 1; a
    cell with load but no agent loses every call (``asa = inf``).
    """
    n = _cells.agents(agents)
    a = _cells.floats("load", load)
    h = _cells.floats("aht", aht, positive=True)
    p = _cells.floats("patience", patience, positive=True)
    t = _cells.floats("threshold", threshold)
    shape = np.broadcast_shapes(n.shape, a.shape, h.shape, p.shape, t.shape)
    nf, af = _cells.flat(n, shape), _cells.flat(a, shape)
    hf, pf, tf = _cells.flat(h, shape), _cells.flat(p, shape), _cells.flat(t, shape)
    res = core(nf, af, hf, pf, tf, with_asa=True)
    sl_answered = np.divide(
        res.service_level, res.answered, out=np.zeros_like(af), where=res.answered > 0.0
    )
    occ = occupancy(nf, af, res.answered)

    def shaped(v: FloatArray) -> FloatArray:
        return v.reshape(shape)

    return ErlangA(
        agents=nf.reshape(shape),
        load=shaped(af),
        p_wait=shaped(res.p_wait),
        p_abandon=shaped(res.p_abandon),
        service_level=shaped(res.service_level),
        service_level_answered=shaped(sl_answered),
        asa=shaped(res.asa),
        mean_wait=shaped(res.p_abandon * pf),
        answered_rate=shaped(af / hf * res.answered),
        occupancy=shaped(occ),
    )


def occupancy(n: IntArray, a: FloatArray, answered: FloatArray) -> FloatArray:
    """Carried load per agent; a cell with load and no agent counts as saturated (1)."""
    out = np.where(a > 0.0, 1.0, 0.0)
    return np.divide(a * answered, n, out=out, where=n > 0)


def erlang_a_cell(
    agents: int, load: float, aht: float, patience: float, threshold: float = 0.0
) -> ErlangACell:
    """Erlang A measures of a single queue."""
    return erlang_a(agents, load, aht, patience, threshold).cell()
