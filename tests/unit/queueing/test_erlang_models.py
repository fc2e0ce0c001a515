"""Erlang B, C and A: identities, limits, edge cells, typed results and published values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from renfort.domain.errors import ValidationError
from renfort.queueing.erlang_a import erlang_a, erlang_a_cell
from renfort.queueing.erlang_c import ErlangCCell, Unstable, erlang_b, erlang_c, erlang_c_cell


def erlang_b_recursion(n: int, load: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


# --- Erlang B -----------------------------------------------------------------

def test_erlang_b_matches_the_textbook_recursion_over_a_grid() -> None:
    for load in (0.01, 0.7, 3.0, 12.5, 99.9, 640.0):
        ns = np.arange(0, int(2 * load) + 12)
        expected = [erlang_b_recursion(int(n), load) for n in ns]
        np.testing.assert_allclose(erlang_b(ns, load), expected, rtol=1e-12)


def test_erlang_b_edge_cells() -> None:
    assert float(erlang_b(0, 3.0)) == 1.0
    assert float(erlang_b(0, 0.0)) == 1.0
    assert float(erlang_b(4, 0.0)) == 0.0


# Rappaport, "Wireless Communications: Principles and Practice", 2nd ed.
# (Prentice Hall, 2002), Table 3.4 "Capacity of an Erlang B system": offered
# load (erlangs) that C channels carry at a blocking probability (GOS) of
# 1 %, 0.5 %, 0.2 % and 0.1 %, kept as printed (the decimals give the precision).
RAPPAPORT_TABLE_3_4 = {
    2: ("0.153", "0.105", "0.065", "0.046"),
    4: ("0.869", "0.701", "0.535", "0.439"),
    5: ("1.36", "1.13", "0.900", "0.762"),
    10: ("4.46", "3.96", "3.43", "3.09"),
    20: ("12.0", "11.1", "10.1", "9.41"),
    24: ("15.3", "14.2", "13.0", "12.2"),
}
GOS = (0.01, 0.005, 0.002, 0.001)


@pytest.mark.parametrize(("channels", "capacities"), sorted(RAPPAPORT_TABLE_3_4.items()))
def test_erlang_b_reproduces_published_capacity_table(
    channels: int, capacities: tuple[str, ...]
) -> None:
    for gos, printed in zip(GOS, capacities, strict=True):
        exact = brentq(lambda a, g=gos: float(erlang_b(channels, a)) - g, 1e-6, 100.0, xtol=1e-12)
        decimals = len(printed.split(".")[1])
        assert f"{exact:.{decimals}f}" == printed, (channels, gos, exact)


# --- Erlang C -----------------------------------------------------------------

def test_erlang_c_is_erlang_b_corrected_for_waiting() -> None:
    for n, load in ((1, 0.3), (5, 4.2), (55, 48.0), (400, 380.5)):
        b = erlang_b_recursion(n, load)
        cell = erlang_c_cell(n, load, 240.0, 15.0)
        assert isinstance(cell, ErlangCCell)
        assert cell.p_wait == pytest.approx(n * b / (n - load * (1 - b)), rel=1e-12)
        assert cell.asa == pytest.approx(cell.p_wait * 240.0 / (n - load), rel=1e-12)
        assert cell.occupancy == pytest.approx(load / n)


def test_overloaded_erlang_c_is_a_typed_result_not_a_number() -> None:
    assert erlang_c_cell(48, 48.0, 240.0, 20.0) == Unstable(agents=48, load=48.0)
    assert erlang_c_cell(10, 48.0, 240.0, 20.0) == Unstable(agents=10, load=48.0)
    assert erlang_c_cell(0, 0.5, 240.0, 20.0) == Unstable(agents=0, load=0.5)


def test_erlang_c_array_masks_unstable_cells() -> None:
    res = erlang_c([[1, 2, 3], [4, 5, 6]], [[0.5], [4.5]], 180.0, 20.0)
    assert res.service_level.shape == (2, 3)
    np.testing.assert_array_equal(res.stable, [[True, True, True], [False, True, True]])
    assert res.service_level.mask.tolist() == [[False] * 3, [True, False, False]]
    assert isinstance(res.cell((1, 0)), Unstable)
    assert isinstance(res.cell((1, 1)), ErlangCCell)


def test_erlang_c_without_load_is_perfect_service() -> None:
    cell = erlang_c_cell(0, 0.0, 300.0, 20.0)
    assert cell == ErlangCCell(agents=0, load=0.0, p_wait=0.0, service_level=1.0, asa=0.0,
                               occupancy=0.0)


def test_erlang_c_service_level_at_zero_threshold_is_no_wait() -> None:
    cell = erlang_c_cell(12, 10.0, 180.0, 0.0)
    assert isinstance(cell, ErlangCCell)
    assert cell.service_level == pytest.approx(1.0 - cell.p_wait, rel=1e-14)


def test_bad_parameters_are_refused_by_name() -> None:
    with pytest.raises(ValidationError) as info:
        erlang_c(3, -1.0, 180.0)
    assert info.value.details == {"parameter": "load"}
    with pytest.raises(ValidationError):
        erlang_c(2.5, 1.0, 180.0)
    with pytest.raises(ValidationError):
        erlang_a(3, 1.0, 180.0, 0.0)
    with pytest.raises(ValidationError):
        erlang_b(3, float("nan"))


# --- Erlang A -----------------------------------------------------------------

@pytest.mark.parametrize(("n", "load"), [(3, 2.2), (12, 10.0), (60, 55.5), (900, 880.0)])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(n: int, load: float) -> None:
    c = erlang_c_cell(n, load, 300.0, 20.0)
    assert isinstance(c, ErlangCCell)
    gaps = []
    for patience in (3e4, 3e5, 3e6):
        a = erlang_a_cell(n, load, 300.0, patience, 20.0)
        gaps.append(abs(a.service_level - c.service_level))
        assert a.p_wait == pytest.approx(c.p_wait, rel=30 * 300.0 / patience * n)
    assert gaps[2] < gaps[1] < gaps[0]
    far = erlang_a_cell(n, load, 300.0, 3e9, 20.0)
    assert far.service_level == pytest.approx(c.service_level, rel=1e-5)
    assert far.asa == pytest.approx(c.asa, rel=1e-4)


def test_erlang_a_littles_law_for_abandonment() -> None:
    # Callers hang up at rate θ while waiting: λ·P(abandon) = θ·E[queue]; with
    # E[queue] = λ·E[wait], the mean wait of all calls is P(abandon)·patience.
    res = erlang_a([40, 48, 60], 48.0, 360.0, 180.0, 60.0)
    np.testing.assert_allclose(res.mean_wait, res.p_abandon * 180.0, rtol=1e-14)
    # Answered callers waited; abandoning ones too: E[wait] splits between them.
    assert (res.asa * (1 - res.p_abandon) <= res.mean_wait * (1 + 1e-12)).all()


def test_erlang_a_throughput_identities() -> None:
    res = erlang_a(50, 48.0, 360.0, 180.0, 60.0)
    answered = 1.0 - float(res.p_abandon)
    assert float(res.answered_rate) == pytest.approx(48.0 / 360.0 * answered)
    assert float(res.occupancy) == pytest.approx(48.0 * answered / 50)
    assert float(res.service_level) <= answered
    assert float(res.service_level_answered) == pytest.approx(float(res.service_level) / answered)


def test_erlang_a_stays_finite_when_overloaded() -> None:
    cell = erlang_a_cell(10, 48.0, 240.0, 120.0, 20.0)
    assert 0.0 < cell.service_level < 10 / 48
    assert cell.p_abandon > 1 - 10 / 48


def test_erlang_a_edge_cells() -> None:
    idle = erlang_a_cell(3, 0.0, 300.0, 60.0, 20.0)
    assert (idle.p_wait, idle.p_abandon, idle.service_level, idle.asa) == (0.0, 0.0, 1.0, 0.0)
    nobody = erlang_a_cell(0, 2.0, 300.0, 60.0, 20.0)
    assert (nobody.p_abandon, nobody.service_level, nobody.asa) == (1.0, 0.0, float("inf"))
    assert nobody.mean_wait == 60.0
    assert nobody.occupancy == 1.0  # saturated: the load has nobody to go to


def test_erlang_a_broadcasts_over_queues_and_intervals() -> None:
    loads = np.array([[5.0, 50.0, 500.0], [1.0, 10.0, 100.0]])
    res = erlang_a(np.ceil(loads).astype(int) + 1, loads, 300.0, [[120.0], [240.0]], 20.0)
    assert res.service_level.shape == (2, 3)
    assert res.cell((1, 2)).load == 100.0
