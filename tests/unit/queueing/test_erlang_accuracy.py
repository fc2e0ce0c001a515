"""Erlang B, C and A against high-precision and brute-force references.

* mpmath (50+ digits) evaluates the textbook definitions directly: the
  Erlang B recursion, the birth-death chain of M/M/n+M summed term by term,
  the incomplete gamma functions as their defining series. The float64 code
  must agree to a relative 1e-9 from 0.01 to 20,000 erlangs and up to 25,000
  agents (values that underflow below 1e-290 are compared absolutely).
* For small queues, a brute-force continuous-time Markov chain of a tagged
  caller (matrix exponential) checks the Erlang A service level and ASA
  formulas themselves, independently of how they were derived.
"""

from __future__ import annotations

import functools

import mpmath as mp
import numpy as np
import pytest
from scipy.linalg import expm, solve

from renfort.queueing.erlang_a import erlang_a
from renfort.queueing.erlang_c import ErlangCCell, erlang_b, erlang_c

REL = 1e-9
TINY = 1e-290


def close(ours: float, ref: mp.mpf) -> bool:
    r = float(ref)
    if abs(r) < TINY:
        return abs(ours) < 1e-280
    return abs(ours - r) <= REL * abs(r)


@functools.cache
def mp_inverse_b(n: int, load: str) -> mp.mpf:
    """1/B(n, a) by the recursion 1/B(k) = 1 + k/a · 1/B(k-1), 60 digits."""
    with mp.workdps(60):
        a = mp.mpf(load)
        inv = mp.mpf(1)
        for k in range(1, n + 1):
            inv = 1 + k / a * inv
        return inv


def mp_kummer(x: mp.mpf, y: mp.mpf) -> mp.mpf:
    """Σ_j Π_{i≤j} y/(x+i) (= 1F1(1; x+1; y)), summed until the terms vanish."""
    total = term = mp.mpf(1)
    j = 0
    while True:
        j += 1
        term *= y / (x + j)
        total += term
        if j > y - x and term < total * mp.mpf(10) ** (-mp.mp.dps - 5):
            return total


def mp_lower_gamma_regularized(s: mp.mpf, z: mp.mpf) -> mp.mpf:
    """P(s, z) = z^s e^-z / Γ(s+1) · 1F1(1; s+1; z)."""
    return mp.exp(s * mp.log(z) - z - mp.loggamma(s + 1)) * mp_kummer(s, z)


def mp_erlang_a(n: int, load: float, aht: float, patience: float, t: float) -> dict[str, mp.mpf]:
    """M/M/n+M measures from the chain: queue weights U_j = Π y/(x+i), summed exactly."""
    a, h, p, tt = (mp.mpf(v) for v in (load, aht, patience, t))
    c = p / h
    x, y, theta = n * c, a * c, 1 / p
    idle = mp_inverse_b(n, repr(load)) - 1  # Σ_{k<n} p_k / p_n
    weights = []
    total = mp.mpf(0)
    term = mp.mpf(1)
    j = 0
    while True:
        weights.append(term)
        total += term
        j += 1
        term *= y / (x + j)
        if j > y - x and term < total * mp.mpf(10) ** (-mp.mp.dps - 5):
            break
    p_wait = total / (idle + total)
    # A caller with k ahead is answered with probability x / (x + k + 1), after
    # Σ_{i=1..k+1} 1/(θ (x + i)) on average.
    abandon = mp.mpf(0)
    served_wait = mp.mpf(0)
    harmonic = mp.mpf(0)
    for k, w in enumerate(weights):
        abandon += w * (k + 1) / (x + k + 1)
        harmonic += 1 / (x + k + 1)
        served_wait += w * x / (x + k + 1) * harmonic
    p_ab = p_wait * abandon / total
    answered = 1 - p_ab
    rho = a / n
    z = y * mp.exp(-tt * theta)
    within = (mp_lower_gamma_regularized(x + 1, y) - mp_lower_gamma_regularized(x + 1, z)) / (
        mp_lower_gamma_regularized(x, y) * rho
    )
    return {
        "p_wait": p_wait,
        "p_abandon": p_ab,
        "service_level": 1 - p_wait + p_wait * within,
        "asa": p_wait * served_wait / total / theta / answered,
        "mean_wait": p_ab * p,
    }


# (agents, load): loads from 0.01 to 20,000 erlangs, agents up to 25,000,
# including loads above the agents (Erlang B only).
B_GRID = [
    (1, 0.01), (2, 0.01), (25_000, 0.01), (1, 0.5), (3, 2.5), (10, 5.0), (7, 7.3),
    (30, 25.0), (55, 48.0), (40, 48.0), (1300, 1234.5), (1100, 1234.5), (1235, 1234.5),
    (20_001, 20_000.0), (20_150, 20_000.0), (25_000, 20_000.0), (19_000, 20_000.0),
    (15_000, 20_000.0), (100, 20_000.0), (1, 20_000.0),
]


@pytest.mark.parametrize(("n", "load"), B_GRID)
def test_erlang_b_matches_mpmath(n: int, load: float) -> None:
    ours = float(erlang_b(n, load))
    assert close(ours, 1 / mp_inverse_b(n, repr(load)))


@pytest.mark.parametrize(("n", "load"), [(n, a) for n, a in B_GRID if n > a])
@pytest.mark.parametrize(("aht", "t"), [(360.0, 60.0), (30.0, 1.0), (900.0, 600.0)])
def test_erlang_c_matches_mpmath(n: int, load: float, aht: float, t: float) -> None:
    with mp.workdps(60):
        b = 1 / mp_inverse_b(n, repr(load))
        a = mp.mpf(load)
        c = n * b / (n - a * (1 - b))
        ref = {
            "p_wait": c,
            "service_level": 1 - c * mp.exp(-(n - a) * mp.mpf(t) / mp.mpf(aht)),
            "asa": c * mp.mpf(aht) / (n - a),
        }
    cell = erlang_c(n, load, aht, t).cell()
    assert isinstance(cell, ErlangCCell)
    for name, value in ref.items():
        assert close(getattr(cell, name), value), name


# (agents, load, aht, patience, threshold)
A_GRID = [
    (1, 0.01, 360.0, 180.0, 60.0), (3, 0.01, 360.0, 1.0, 60.0), (1, 0.5, 300.0, 30.0, 20.0),
    (2, 2.5, 300.0, 3000.0, 20.0), (5, 7.3, 240.0, 120.0, 0.0), (50, 48.0, 360.0, 180.0, 60.0),
    (40, 48.0, 360.0, 180.0, 600.0), (60, 48.0, 360.0, 36.0, 20.0),
    (1300, 1234.5, 360.0, 180.0, 60.0), (1100, 1234.5, 360.0, 1800.0, 60.0),
    (1240, 1234.5, 200.0, 2000.0, 20.0), (2000, 1234.5, 360.0, 180.0, 60.0),
    (20_000, 20_000.0, 360.0, 180.0, 60.0), (25_000, 20_000.0, 360.0, 180.0, 60.0),
    (19_000, 20_000.0, 360.0, 180.0, 60.0), (15_000, 20_000.0, 360.0, 180.0, 60.0),
    (20_100, 20_000.0, 300.0, 3000.0, 20.0),
]


@pytest.mark.parametrize(("n", "load", "aht", "patience", "t"), A_GRID)
def test_erlang_a_matches_mpmath(
    n: int, load: float, aht: float, patience: float, t: float
) -> None:
    with mp.workdps(50):
        ref = mp_erlang_a(n, load, aht, patience, t)
    cell = erlang_a(n, load, aht, patience, t).cell()
    for name, value in ref.items():
        assert close(getattr(cell, name), value), (name, getattr(cell, name), value)


def tagged_caller_reference(
    n: int, load: float, aht: float, patience: float, t: float
) -> tuple[float, float, float]:
    """(SL on offered calls, P(abandon), ASA of answered) from a brute-force chain.

    The number in system is truncated far in its tail; a tagged arrival who
    finds k callers waiting moves forward at rate nμ + kθ, is answered from
    k = 0 at rate nμ, and hangs up at rate θ. P(answered by t) comes from the
    matrix exponential, E[wait; answered] from T⁻² applied to the exit rates.
    """
    mu, theta = 1.0 / aht, 1.0 / patience
    lam = load * mu
    depth = 200
    weights = np.zeros(n + depth)
    weights[0] = 1.0
    for k in range(1, n + depth):
        weights[k] = weights[k - 1] * lam / (min(k, n) * mu + max(k - n, 0) * theta)
    pi = weights / weights.sum()
    size = depth  # transient states: k = 0..depth-1 callers ahead
    gen = np.zeros((size, size))
    to_served = np.zeros(size)
    for k in range(size):
        gen[k, k] = -(n * mu + k * theta + theta)
        if k == 0:
            to_served[k] = n * mu
        else:
            gen[k, k - 1] = n * mu + k * theta
    served_by_t = (np.eye(size) - expm(gen * t)) @ solve(-gen, to_served)
    served = solve(-gen, to_served)
    served_time = solve(gen, solve(gen, to_served))
    queue = pi[n:]
    p_now = pi[:n].sum()
    answered = p_now + queue @ served
    sl = p_now + queue @ served_by_t
    return float(sl), float(1.0 - answered), float(queue @ served_time / answered)


@pytest.mark.parametrize(
    ("n", "load", "aht", "patience", "t"),
    [(3, 2.5, 300.0, 180.0, 20.0), (5, 6.0, 300.0, 120.0, 60.0), (8, 6.5, 240.0, 600.0, 30.0),
     (2, 4.0, 360.0, 90.0, 45.0)],
)
def test_erlang_a_formulas_match_a_brute_force_chain(
    n: int, load: float, aht: float, patience: float, t: float
) -> None:
    sl, p_ab, asa = tagged_caller_reference(n, load, aht, patience, t)
    cell = erlang_a(n, load, aht, patience, t).cell()
    assert cell.service_level == pytest.approx(sl, rel=1e-9)
    assert cell.p_abandon == pytest.approx(p_ab, rel=1e-9)
    assert cell.asa == pytest.approx(asa, rel=1e-9)
