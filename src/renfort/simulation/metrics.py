"""Counts per queue and interval from the logs of one replication, then over replications.

A contact belongs to the interval in which it arrived. Per queue and interval:

* ``offered`` (arrived), ``answered`` (accepted by an agent, callbacks included),
  ``abandoned`` (hung up before an answer), ``waiting_at_end`` (neither when the run
  stopped): offered = answered + abandoned + waiting_at_end;
* ``service_level``: answered within the queue's ``sl_seconds`` over offered (a call that
  hangs up is a miss), ``abandon_rate``: abandoned over offered, ``asa_seconds``: mean wait of
  answered contacts, ``longest_wait_seconds`` over every contact (answered, abandoned or still
  waiting), ``overflow_share``: answered by an outsourcer without a contract, over answered;
* ``occupancy``: seconds agents spent on the queue's contacts during the interval over the
  staffed seconds of the agents able to take them; an agent skilled for several queues has
  its staffed time shared equally among them (exact for single-skill agents).

Replications are independent, so every figure gets a Student t 95 % confidence interval
over replications (``scipy.stats.t``). Pure: arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from renfort.simulation.log import CallLog
from renfort.simulation.world import World

FloatArray = NDArray[np.float64]
COUNTS = ("offered", "answered", "abandoned", "within", "wait_sum", "max_wait", "overflow",
          "callbacks", "busy", "staffed")
RATIOS = ("offered", "answered", "abandoned", "service_level", "abandon_rate", "asa_seconds",
          "occupancy", "longest_wait_seconds", "overflow_share", "callbacks", "waiting_at_end")
"""Figures reported per queue and interval, each with its ``ci95``."""
SHARES = frozenset({"service_level", "abandon_rate", "occupancy", "overflow_share"})
"""The figures that are fractions: their intervals stay within [0, 1]."""


@dataclass(frozen=True)
class Replication:
    """Sums of one replication: each array is [queue, interval]; ``day`` sums over the day."""

    counts: dict[str, FloatArray]
    group_busy: FloatArray
    """[group, interval] seconds on contacts."""
    group_staffed: FloatArray


def measure(world: World, logs: list[CallLog]) -> Replication:
    """Sum the logs of every component of one replication."""
    nq, nk = len(world.queues), world.intervals
    length = world.interval_seconds
    counts = {name: np.zeros((nq, nk)) for name in COUNTS}
    ng = len(world.groups)
    g_busy, g_staffed = np.zeros((ng, nk)), np.zeros((ng, nk))
    sl_seconds = np.array([q.queue.sl_seconds for q in world.queues])
    edges = np.arange(nk + 1, dtype=np.float64) * length
    for log in logs:
        k = np.minimum((log.arrival // length).astype(np.int64), nk - 1)
        q = log.queue
        wait = log.answered_at - log.arrival
        left = np.where(log.abandoned, log.ended_at, log.stop)
        waited = np.where(log.answered, wait, left - log.arrival)
        cell = (q, k)
        np.add.at(counts["offered"], cell, 1.0)
        np.add.at(counts["answered"], cell, log.answered)
        np.add.at(counts["abandoned"], cell, log.abandoned)
        np.add.at(counts["within"], cell, log.answered & (wait <= sl_seconds[q]))
        np.add.at(counts["wait_sum"], cell, np.where(log.answered, wait, 0.0))
        np.maximum.at(counts["max_wait"], cell, waited)
        np.add.at(counts["overflow"], cell, log.answered & log.overflow)
        np.add.at(counts["callbacks"], cell, log.callback)
        start = log.answered_at
        end = np.where(np.isnan(log.ended_at), log.stop, log.ended_at)
        for wq in log.queues:
            mine = log.answered & (q == wq)
            counts["busy"][wq] += _overlap(start[mine], end[mine], edges)
        for g in np.unique(log.group[log.group >= 0]):
            mine = log.group == g
            g_busy[g] += _overlap(start[mine], end[mine], edges)
        for g in np.unique(log.span_group):
            mine = log.span_group == g
            g_staffed[g] += _overlap(log.span_start[mine], log.span_end[mine], edges)
    for group in world.groups:
        for wq in group.queues:
            counts["staffed"][wq] += g_staffed[group.index] / len(group.queues)
    return Replication(counts, g_busy, g_staffed)


def _overlap(starts: FloatArray, ends: FloatArray, edges: FloatArray) -> FloatArray:
    """Seconds of the spans [start, end) falling in each [edges[k], edges[k+1])."""
    def covered(points: FloatArray) -> FloatArray:
        # sum over spans of clip(T - start, 0, end - start) = F(starts) - F(ends),
        # with F(x)(T) = sum over x_i < T of (T - x_i).
        def f(x: FloatArray) -> FloatArray:
            x = np.sort(x)
            csum = np.concatenate([[0.0], np.cumsum(x)])
            idx = np.searchsorted(x, points, side="left")
            out: FloatArray = idx * points - csum[idx]
            return out
        return f(starts) - f(ends)
    if starts.size == 0:
        return np.zeros(edges.size - 1)
    return np.asarray(np.diff(covered(edges)), dtype=np.float64)


def figures(c: dict[str, FloatArray], axis: int | None = None) -> dict[str, FloatArray]:
    """Reported figures from counts; *axis* sums intervals (``-1``) before the ratios."""
    if axis is not None:
        c = {k: (v.max(axis=axis) if k == "max_wait" else v.sum(axis=axis))
             for k, v in c.items()}
    off, ans = c["offered"], c["answered"]
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "offered": off,
            "answered": ans,
            "abandoned": c["abandoned"],
            "service_level": np.where(off > 0, c["within"] / off, np.nan),
            "abandon_rate": np.where(off > 0, c["abandoned"] / off, np.nan),
            "asa_seconds": np.where(ans > 0, c["wait_sum"] / ans, np.nan),
            "occupancy": np.where(c["staffed"] > 0, c["busy"] / c["staffed"], np.nan),
            "longest_wait_seconds": np.where(off > 0, c["max_wait"], np.nan),
            "overflow_share": np.where(ans > 0, c["overflow"] / ans, np.nan),
            "callbacks": c["callbacks"],
            "waiting_at_end": off - ans - c["abandoned"],
        }


def total_counts(c: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """Counts of all queues together, as a single [1, interval] row."""
    return {k: (v.max(axis=0, keepdims=True) if k == "max_wait" else
                v.sum(axis=0, keepdims=True)) for k, v in c.items()}


@dataclass(frozen=True)
class Estimate:
    """Mean over replications and its 95 % confidence interval (``nan`` when undefined)."""

    mean: FloatArray
    low: FloatArray
    high: FloatArray


def estimate(samples: FloatArray, upper: float = np.inf) -> Estimate:
    """Mean and Student t 95 % interval over axis 0 (replications), ignoring ``nan``.

    Every figure is non-negative, and a share is at most ``upper`` = 1: a symmetric interval
    around a mean near a bound would claim impossible values (a service level of 104 %),
    so its ends are clipped to ``[0, upper]``."""
    from scipy import stats  # a second of import time: only when figures are reported

    valid = ~np.isnan(samples)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(samples, axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(valid, samples - mean, 0.0)
        var = (dev ** 2).sum(axis=0) / np.maximum(n - 1, 1)
        half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * np.sqrt(var / np.maximum(n, 1))
    half = np.where(n >= 2, half, np.nan)
    return Estimate(mean, np.clip(mean - half, 0.0, upper), np.clip(mean + half, 0.0, upper))


def estimates(reps: list[dict[str, FloatArray]]) -> dict[str, Estimate]:
    """Per figure, the estimate over the replications' figures."""
    return {name: estimate(np.stack([r[name] for r in reps]),
                           1.0 if name in SHARES else np.inf) for name in RATIOS}
