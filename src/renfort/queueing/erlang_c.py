"""Erlang B (M/M/n/n) and Erlang C (M/M/n, callers wait without limit).

Units: *load* is the offered load in erlangs (arrival rate × average handling
time), *aht* and *threshold* are seconds, *agents* are agents on the phone.
Every function takes scalars or arrays and broadcasts them (NumPy rules).

Erlang C has no steady state when the load reaches the number of agents: the
queue grows without bound. Such cells are *unstable*; the scalar API returns
``Unstable`` and the array API masks them, so no made-up number (∞, NaN, a
probability above one) ever stands in for "this queue explodes". A cell with
zero load is stable whatever its agents (nobody ever waits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from renfort.queueing import _cells
from renfort.queueing._special import BoolArray, FloatArray, IntArray, log_erlang_b

MaskedFloats = np.ma.MaskedArray[tuple[int, ...], np.dtype[np.float64]]


def erlang_b(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """Probability that a call finds all *agents* busy and is lost (Erlang's loss formula).

    *load* in erlangs. ``B(0, a) = 1``; ``B(n, 0) = 0`` for ``n ≥ 1``.
    """
    n = _cells.agents(agents)
    a = _cells.floats("load", load)
    shape = np.broadcast_shapes(n.shape, a.shape)
    out = np.exp(log_erlang_b(_cells.flat(n, shape), _cells.flat(a, shape)))
    return np.asarray(out.reshape(shape), dtype=np.float64)


@dataclass(frozen=True)
class Unstable:
    """An Erlang C queue whose offered load is at least its number of agents.

    Waiting times grow without bound: there is no service level, no ASA.
    """

    agents: int
    load: float
    """Offered load, erlangs."""


@dataclass(frozen=True)
class ErlangCCell:
    """Steady-state measures of one stable Erlang C queue."""

    agents: int
    load: float
    """Offered load, erlangs."""
    p_wait: float
    """Probability that a call waits at all (Erlang's delay formula C)."""
    service_level: float
    """Probability that a call is answered within the threshold."""
    asa: float
    """Average speed of answer, seconds (all calls are answered)."""
    occupancy: float
    """Fraction of agents' time spent on calls."""


@dataclass(frozen=True)
class ErlangC:
    """Erlang C measures for an array of cells; unstable cells are masked."""

    agents: IntArray
    load: FloatArray
    stable: BoolArray
    """True where the queue has a steady state (load < agents, or no load)."""
    p_wait: MaskedFloats
    service_level: MaskedFloats
    asa: MaskedFloats
    """Average speed of answer, seconds."""
    occupancy: MaskedFloats

    def cell(self, index: int | tuple[int, ...] = ()) -> ErlangCCell | Unstable:
        """The measures of one cell, or ``Unstable``."""
        n, a = int(self.agents[index]), float(self.load[index])
        if not self.stable[index]:
            return Unstable(agents=n, load=a)
        return ErlangCCell(
            agents=n,
            load=a,
            p_wait=float(self.p_wait.data[index]),
            service_level=float(self.service_level.data[index]),
            asa=float(self.asa.data[index]),
            occupancy=float(self.occupancy.data[index]),
        )


@dataclass(frozen=True)
class _Core:
    """Flat Erlang C measures of stable cells only (internal)."""

    p_wait: FloatArray
    service_level: FloatArray
    asa: FloatArray
    occupancy: FloatArray


def core(n: IntArray, a: FloatArray, aht: FloatArray, t: FloatArray) -> _Core:
    """Erlang C measures for flat arrays of stable cells (``n > a`` or ``a = 0``)."""
    n_f = n.astype(np.float64)
    p_wait = np.zeros_like(a)
    sl = np.ones_like(a)
    asa = np.zeros_like(a)
    occ = np.zeros_like(a)
    busy = a > 0.0
    nb, ab, hb, tb = n_f[busy], a[busy], aht[busy], t[busy]
    b = np.exp(log_erlang_b(n[busy], ab))
    rho = ab / nb
    gap = (nb - ab) / nb  # 1 - rho without cancellation
    denom = gap + rho * b  # = 1 - rho (1 - B) > 0
    c = b / denom
    one_minus_c = (1.0 - b) * gap / denom
    decay = (nb - ab) * tb / hb
    p_wait[busy] = c
    # 1 - C e^{-s} written as (1 - C) + C (1 - e^{-s}): two non-negative terms.
    sl[busy] = one_minus_c - c * np.expm1(-decay)
    asa[busy] = c * hb / (nb - ab)
    occ[busy] = rho
    return _Core(p_wait=p_wait, service_level=sl, asa=asa, occupancy=occ)


def erlang_c(
    agents: ArrayLike, load: ArrayLike, aht: ArrayLike, threshold: ArrayLike = 0.0
) -> ErlangC:
    """Erlang C measures: wait probability, service level within *threshold*, ASA, occupancy.

    *load* in erlangs, *aht* (average handling time) and *threshold* in seconds.
    """
    n = _cells.agents(agents)
    a = _cells.floats("load", load)
    h = _cells.floats("aht", aht, positive=True)
    t = _cells.floats("threshold", threshold)
    shape = np.broadcast_shapes(n.shape, a.shape, h.shape, t.shape)
    nf, af = _cells.flat(n, shape), _cells.flat(a, shape)
    hf, tf = _cells.flat(h, shape), _cells.flat(t, shape)
    stable = (nf > af) | (af == 0.0)
    fields = [np.zeros(af.shape, dtype=np.float64) for _ in range(4)]
    if stable.any():
        res = core(nf[stable], af[stable], hf[stable], tf[stable])
        for field, values in zip(
            fields, (res.p_wait, res.service_level, res.asa, res.occupancy), strict=True
        ):
            field[stable] = values
    masked = [_masked(f.reshape(shape), ~stable.reshape(shape)) for f in fields]
    return ErlangC(
        agents=nf.reshape(shape),
        load=af.reshape(shape),
        stable=stable.reshape(shape),
        p_wait=masked[0],
        service_level=masked[1],
        asa=masked[2],
        occupancy=masked[3],
    )


def erlang_c_cell(
    agents: int, load: float, aht: float, threshold: float = 0.0
) -> ErlangCCell | Unstable:
    """Erlang C measures of one queue, or ``Unstable`` when ``0 < load`` and ``agents ≤ load``."""
    return erlang_c(agents, load, aht, threshold).cell()


def _masked(values: FloatArray, mask: BoolArray) -> MaskedFloats:
    return np.ma.MaskedArray(values, mask=mask)
