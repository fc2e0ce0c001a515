"""Property-based checks of the queueing math (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from renfort.queueing.erlang_a import erlang_a
from renfort.queueing.erlang_c import ErlangCCell, erlang_b, erlang_c
from renfort.queueing.staffing import Targets, required_agents

loads = st.floats(min_value=0.01, max_value=3000.0, allow_nan=False)
ahts = st.floats(min_value=10.0, max_value=1800.0)
patiences = st.floats(min_value=5.0, max_value=3600.0)
thresholds = st.floats(min_value=0.0, max_value=900.0)
fractions = st.floats(min_value=0.05, max_value=0.99)
FAST = settings(max_examples=60, deadline=None)


def agents_around(load: float) -> np.ndarray:
    top = int(load * 1.6) + 12
    return np.unique(np.linspace(0, top, 40).astype(int))


@FAST
@given(load=loads)
def test_erlang_b_is_a_probability_falling_with_agents(load: float) -> None:
    n = agents_around(load)
    b = erlang_b(n, load)
    assert ((b >= 0.0) & (b <= 1.0)).all()
    assert (np.diff(b) <= 0.0).all()


@FAST
@given(load=st.floats(min_value=0.01, max_value=200.0), n=st.integers(0, 300))
def test_erlang_b_matches_its_recursion(load: float, n: int) -> None:
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    # 1e-9 is the accuracy the formulas promise; deep in the tail (B ~ 1e-186) the
    # log-space evaluation and the recursion part at ~1e-11.
    assert abs(float(erlang_b(n, load)) - b) <= 1e-9 * b + 1e-300


@FAST
@given(load=loads, aht=ahts, t=thresholds)
def test_erlang_c_wait_probability_and_service_level_are_monotone(
    load: float, aht: float, t: float
) -> None:
    n = agents_around(load)
    res = erlang_c(n, load, aht, t)
    assert (res.stable == (n > load)).all()
    pw = res.p_wait.compressed()
    sl = res.service_level.compressed()
    asa = res.asa.compressed()
    assert ((pw >= 0.0) & (pw <= 1.0)).all()
    assert (np.diff(pw) <= 1e-15).all()
    assert (np.diff(sl) >= -1e-15).all()
    assert (asa >= 0.0).all()
    later = erlang_c(n, load, aht, t + 30.0).service_level.compressed()
    assert (later >= sl - 1e-15).all()


@FAST
@given(load=loads, aht=ahts, patience=patiences, t=thresholds)
def test_erlang_a_measures_are_consistent_and_monotone(
    load: float, aht: float, patience: float, t: float
) -> None:
    n = agents_around(load)
    res = erlang_a(n, load, aht, patience, t)
    for p in (res.p_wait, res.p_abandon, res.service_level, res.service_level_answered):
        assert ((p >= 0.0) & (p <= 1.0 + 1e-12)).all()
    assert (res.service_level <= 1.0 - res.p_abandon + 1e-12).all()
    assert (res.p_abandon <= res.p_wait + 1e-15).all()
    assert (np.diff(res.p_abandon) <= 1e-15).all()
    assert (np.diff(res.service_level) >= -1e-13).all()
    np.testing.assert_allclose(res.mean_wait, res.p_abandon * patience, rtol=1e-13)
    later = erlang_a(n, load, aht, patience, t + 30.0)
    assert (later.service_level >= res.service_level - 1e-13).all()


@FAST
@given(load=st.floats(min_value=0.5, max_value=400.0), aht=ahts, t=thresholds)
def test_erlang_a_with_long_patience_approaches_erlang_c(load: float, aht: float, t: float) -> None:
    n = int(load) + 2
    c = erlang_c(n, load, aht, t).cell()
    assert isinstance(c, ErlangCCell)
    a = erlang_a(n, load, aht, aht * 1e7, t).cell()
    assert abs(a.service_level - c.service_level) < 1e-3


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(st.tuples(loads, ahts, patiences), min_size=1, max_size=8),
    sl=st.one_of(st.none(), fractions),
    t=thresholds,
    max_abandon=st.one_of(st.none(), st.floats(min_value=0.01, max_value=0.5)),
    max_occupancy=st.one_of(st.none(), st.floats(min_value=0.5, max_value=1.0)),
    basis=st.sampled_from(["offered", "answered"]),
)
def test_erlang_a_staffing_is_minimal(
    cells: list[tuple[float, float, float]], sl: float | None, t: float,
    max_abandon: float | None, max_occupancy: float | None, basis: str,
) -> None:
    load, aht, patience = (np.array(v) for v in zip(*cells, strict=True))
    targets = Targets(sl, t, None, max_abandon, max_occupancy, basis)  # type: ignore[arg-type]
    n = required_agents(load, aht, targets, patience=patience).agents

    def ok(m: np.ndarray) -> np.ndarray:
        r = erlang_a(m, load, aht, patience, t)
        good = np.ones(load.shape, dtype=bool)
        if sl is not None:
            good &= (r.service_level if basis == "offered" else r.service_level_answered) >= sl
        if max_abandon is not None:
            good &= r.p_abandon <= max_abandon
        if max_occupancy is not None:
            good &= r.occupancy <= max_occupancy
        return good

    assert ok(n).all()
    assert not ok(np.maximum(n - 1, 0))[n > 0].any()


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(st.tuples(loads, ahts), min_size=1, max_size=8),
    sl=fractions, t=thresholds,
    max_asa=st.one_of(st.none(), st.floats(min_value=1.0, max_value=600.0)),
)
def test_erlang_c_staffing_is_minimal(
    cells: list[tuple[float, float]], sl: float, t: float, max_asa: float | None
) -> None:
    load, aht = (np.array(v) for v in zip(*cells, strict=True))
    n = required_agents(load, aht, Targets(sl, t, max_asa), model="erlang-c").agents

    def ok(m: np.ndarray) -> np.ndarray:
        r = erlang_c(m, load, aht, t)
        good = r.stable & (r.service_level.filled(0.0) >= sl)
        if max_asa is not None:
            good &= r.asa.filled(np.inf) <= max_asa
        return np.asarray(good)

    assert ok(n).all()
    assert not ok(np.maximum(n - 1, 0)).any()
