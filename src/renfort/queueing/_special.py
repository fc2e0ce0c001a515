"""Numerically stable building blocks of the Erlang formulas (private).

Everything here works on NumPy arrays of cells and stays finite from 0.01 to
20,000 erlangs and 25,000 agents:

* ``log_poisson_pmf`` evaluates ``log(e^-m m^k / Γ(k+1))`` for real ``k`` with
  Loader's saddle-point split (deviance ``bd0`` plus Stirling's error term), so
  the huge terms ``k log m`` and ``log Γ(k+1)`` never cancel each other.
* ``log_erlang_b`` is Erlang's loss formula in log space: the Poisson
  probability over the Poisson distribution function, or a short positive
  series where the distribution function is a deep lower tail.
* ``queue_series`` sums the queue part of the M/M/n+M birth-death chain where
  its ratios are well below one.
* ``queue_window`` gives the normalised queue-length law over a window around
  its mode, for the average speed of answer of answered calls.

Notation used across the package: ``x = n·patience/aht`` and
``y = load·patience/aht`` (agents and offered load counted in units of the
abandonment rate), and ``U_j = Π_{i=1..j} y/(x+i)`` is the stationary weight of
``j`` callers waiting behind ``n`` busy agents, relative to ``j = 0``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import digamma, gammaincc, gammaln

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
# Below this, Stirling's series is not yet accurate; Γ is evaluated directly and
# the terms are small enough that nothing cancels.
_STIRLING_FROM = 15.0
# A term this far (in log) below the largest one is negligible for doubles.
_NEGLIGIBLE_LOG = 40.0
# Largest temporary 2-D block of terms (cells × terms), 16 MiB of float64.
_MAX_BLOCK = 1 << 21


def stirling_error(k: FloatArray) -> FloatArray:
    """``log Γ(k+1) - (k+½) log k + k - ½ log 2π`` for ``k > 0``."""
    out = np.empty_like(k)
    big = k >= _STIRLING_FROM
    kb = k[big]
    inv2 = 1.0 / (kb * kb)
    # Asymptotic series; the first omitted term is below 2e-16 at k = 15.
    out[big] = (
        1.0 / 12.0
        - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 / 1188.0)))
    ) / kb
    ks = k[~big]
    out[~big] = gammaln(ks + 1.0) - (ks + 0.5) * np.log(ks) + ks - _HALF_LOG_2PI
    return out


def log_poisson_pmf(k: FloatArray, mean: FloatArray, diff: FloatArray | None = None) -> FloatArray:
    """Log of ``e^-mean mean^k / Γ(k+1)`` for real ``k ≥ 0`` and ``mean > 0``.

    *diff* is ``mean - k`` when the caller knows it more accurately than the
    subtraction would give it (it drives the deviance term).
    """
    if diff is None:
        diff = mean - k
    out = np.empty_like(mean)
    zero = k == 0.0
    out[zero] = -mean[zero]
    small = ~zero & (k < _STIRLING_FROM)
    ks, ms = k[small], mean[small]
    out[small] = ks * np.log(ms) - ms - gammaln(ks + 1.0)
    big = k >= _STIRLING_FROM
    kb = k[big]
    d = diff[big] / kb
    # k·(d - log1p(d)) is the deviance m - k - k log(m/k); its rounding error
    # is about eps·|m - k|, which the exponent can afford.
    out[big] = -kb * (d - np.log1p(d)) - stirling_error(kb) - _HALF_LOG_2PI - 0.5 * np.log(kb)
    return out


def log_erlang_b(n: IntArray, load: FloatArray) -> FloatArray:
    """Log of the Erlang B blocking probability for ``n ≥ 0`` agents, ``load ≥ 0`` erlangs.

    Returns ``0`` for ``n = 0`` and ``-inf`` for ``load = 0 < n``.
    """
    n_f = n.astype(np.float64)
    out = np.zeros(np.broadcast(n, load).shape, dtype=np.float64)
    n_f, load = np.broadcast_arrays(n_f, load)
    idle = (load == 0.0) & (n_f > 0)
    out[idle] = -np.inf
    live = (n_f > 0) & (load > 0.0)
    # Deep lower tail of the Poisson law: 1/B = Σ_j Π_{i<j} (n-i)/a has
    # positive terms shrinking at least as fast as (n/a)^j.
    tail = live & (n_f <= 0.8 * load)
    if tail.any():
        out[tail] = -np.log(_inverse_b_series(n_f[tail], load[tail]))
    body = live & ~tail
    if body.any():
        nb, ab = n_f[body], load[body]
        out[body] = log_poisson_pmf(nb, ab) - np.log(gammaincc(nb + 1.0, ab))
    return out


def _inverse_b_series(n: FloatArray, load: FloatArray) -> FloatArray:
    """``1/B(n, a)`` by its positive series, for ``n ≤ 0.8 a``."""
    ratio = n / load
    terms = int(np.ceil(_NEGLIGIBLE_LOG / -np.log(ratio.max()))) + 2
    i = np.arange(terms, dtype=np.float64)
    factors = np.clip((n[:, None] - i) / load[:, None], 0.0, None)
    return np.asarray(1.0 + np.cumprod(factors, axis=1).sum(axis=1), dtype=np.float64)


@dataclass(frozen=True)
class QueueSums:
    """Sums over the queue weights ``U_j`` (see module docstring), per cell.

    *total* is ``G = Σ_{j≥0} U_j``; *tail_over_y* is ``Σ_{j≥1} U_j / y``;
    *mean_over_y* is ``Σ_{j≥1} j U_j / y``. Dividing by ``y`` is folded into
    the terms, so a vanishing load never divides zero by zero.
    """

    total: FloatArray
    tail_over_y: FloatArray
    mean_over_y: FloatArray


def series_terms(x: FloatArray, y: FloatArray) -> IntArray:
    """How many terms ``queue_series`` needs for ``y < x + 1``.

    The ratios ``y/(x+i)`` fall below ``y/(x+1)``, and the product also decays
    like ``exp(-j²/2x)``; whichever bound is shorter decides.
    """
    geometric = np.ceil(_NEGLIGIBLE_LOG / np.log((x + 1.0) / y))
    gaussian = np.ceil(9.5 * np.sqrt(x + 1.0)) + 10.0
    return (np.minimum(geometric, gaussian) + 2.0).astype(np.int64)


def queue_series(x: FloatArray, y: FloatArray) -> QueueSums:
    """Queue sums for cells with ``0 < y < x + 1`` (ratios below one), by direct summation."""
    total = np.empty_like(x)
    tail = np.empty_like(x)
    mean = np.empty_like(x)
    for sel, width in _blocks(series_terms(x, y)):
        xs, ys = x[sel][:, None], y[sel][:, None]
        j = np.arange(1, width + 1, dtype=np.float64)
        factors = ys / (xs + j)
        factors[:, 0] = 1.0 / (xs[:, 0] + 1.0)
        q = np.cumprod(factors, axis=1)  # q_j = U_j / y
        tail_sel = q.sum(axis=1)
        tail[sel] = tail_sel
        mean[sel] = (q * j).sum(axis=1)
        total[sel] = 1.0 + y[sel] * tail_sel
    return QueueSums(total=total, tail_over_y=tail, mean_over_y=mean)


def queue_window_mean_harmonic(x: FloatArray, y: FloatArray) -> FloatArray:
    """``Σ_{m≥1} w_m H_m`` with ``w_m = U_m / G`` and ``H_m = Σ_{k=1..m} 1/(x+k)``.

    ``w`` is the law of the number of callers ahead of an arrival that has to
    wait; ``H_m/θ`` is the mean time such a caller spends queueing before
    being answered. The law is summed over a window of about ``±12√y`` around
    its mode, outside which it is below ``e^-70`` of its peak, and normalised
    over that window, so no incomplete gamma function is needed.
    """
    out = np.empty_like(x)
    mode = np.floor(np.maximum(y - x, 0.0))
    half = np.ceil(12.0 * np.sqrt(y)) + 40.0
    low = np.maximum(mode - half, 0.0)
    # Starting from zero costs little when the window nearly reaches it, and
    # avoids the digamma difference for small offsets.
    low = np.where(low < 4.0 * half, 0.0, low)
    high = mode + half
    for sel, size in _blocks((high - low + 1.0).astype(np.int64)):
        xs, ys, lo = x[sel][:, None], y[sel][:, None], low[sel][:, None]
        m = lo + np.arange(size, dtype=np.float64)  # m = lo, lo+1, ...
        valid = m <= high[sel][:, None]
        step = np.log(ys) - np.log(xs + m)  # log U_m - log U_{m-1}
        step[:, 0] = 0.0
        log_w = np.cumsum(step, axis=1)
        log_w = np.where(valid, log_w, -np.inf)
        w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
        inv = np.where(valid, 1.0 / (xs + m), 0.0)
        inv[:, 0] = 0.0
        x0, l0 = xs[:, 0], lo[:, 0]
        start = np.where(l0 > 0.0, digamma(x0 + l0 + 1.0) - digamma(x0 + 1.0), 0.0)
        harmonic = start[:, None] + np.cumsum(inv, axis=1)
        out[sel] = (w * harmonic).sum(axis=1) / w.sum(axis=1)
    return out


def _blocks(widths: IntArray) -> Iterator[tuple[IntArray, int]]:
    """Groups of cells summed together as one 2-D block, with the block's width.

    Cells are grouped by the power of two above their term count, so one
    slow-converging cell does not pad every other cell's row, and groups are
    cut so that no block exceeds ``_MAX_BLOCK`` terms.
    """
    buckets = np.ceil(np.log2(np.maximum(widths, 8))).astype(np.int64)
    for b in np.unique(buckets):
        members = np.flatnonzero(buckets == b)
        width = int(widths[members].max())
        rows = max(1, _MAX_BLOCK // width)
        for start in range(0, members.size, rows):
            yield members[start:start + rows], width
