"""Staffing inversion: minimal agents per cell, checked with the public Erlang functions."""

from __future__ import annotations

import numpy as np
import pytest

from renfort.domain.errors import ValidationError
from renfort.queueing.erlang_a import erlang_a
from renfort.queueing.erlang_c import erlang_c
from renfort.queueing.staffing import Targets, required_agents, scheduled_heads

LOADS = np.array([0.05, 0.6, 1.0, 2.5, 9.47, 48.0, 144.8, 512.3, 1500.0, 7446.5])
AHT = 360.0
PATIENCE = 180.0


def meets(n: np.ndarray, load: np.ndarray, targets: Targets, model: str) -> np.ndarray:
    """Independent check of every target at staffing *n* (public API only)."""
    if model == "erlang-c":
        c = erlang_c(n, load, AHT, targets.threshold)
        ok = np.asarray(c.stable).copy()
        sl, asa, occ = c.service_level.filled(0.0), c.asa.filled(np.inf), c.occupancy.filled(1.0)
        ab = np.zeros_like(load)
    else:
        a = erlang_a(n, load, AHT, PATIENCE, targets.threshold)
        ok = np.ones(load.shape, dtype=bool)
        sl = a.service_level if targets.sl_basis == "offered" else a.service_level_answered
        asa, occ, ab = a.asa, a.occupancy, a.p_abandon
    if targets.service_level is not None:
        ok &= sl >= targets.service_level
    if targets.max_asa is not None:
        ok &= asa <= targets.max_asa
    if targets.max_abandon is not None:
        ok &= ab <= targets.max_abandon
    if targets.max_occupancy is not None:
        ok &= occ <= targets.max_occupancy
    return ok


CASES = [
    ("erlang-c", Targets(0.8, 60.0)),
    ("erlang-c", Targets(0.5, 900.0)),
    ("erlang-c", Targets(0.95, 5.0, max_asa=4.0)),
    ("erlang-c", Targets(None, 20.0, max_occupancy=0.85)),
    ("erlang-c", Targets(0.8, 20.0, max_asa=30.0, max_occupancy=0.9)),
    ("erlang-a", Targets(0.8, 60.0)),
    ("erlang-a", Targets(0.8, 60.0, max_abandon=0.05)),
    ("erlang-a", Targets(0.9, 20.0, max_asa=10.0)),
    ("erlang-a", Targets(0.8, 60.0, sl_basis="answered")),
    ("erlang-a", Targets(None, 60.0, max_abandon=0.02, max_occupancy=0.9)),
]


@pytest.mark.parametrize(("model", "targets"), CASES)
def test_staffing_is_minimal_in_every_cell(model: str, targets: Targets) -> None:
    res = required_agents(LOADS, AHT, targets, model=model,  # type: ignore[arg-type]
                          patience=PATIENCE if model == "erlang-a" else None)
    n = res.agents
    assert meets(n, LOADS, targets, model).all()
    below = np.maximum(n - 1, 0)
    assert not meets(below, LOADS, targets, model)[n > 0].any()


@pytest.mark.parametrize(("model", "targets"), CASES[:2] + CASES[5:7])
def test_staffing_equals_a_linear_scan_on_small_loads(model: str, targets: Targets) -> None:
    loads = np.linspace(0.01, 30.0, 61)
    res = required_agents(loads, AHT, targets, model=model,  # type: ignore[arg-type]
                          patience=PATIENCE if model == "erlang-a" else None)
    for load, n in zip(loads, res.agents, strict=True):
        scan = np.arange(0, 80)
        first = int(np.argmax(meets(scan, np.full(scan.shape, load), targets, model)))
        assert n == first, load


def test_zero_volume_needs_no_agent_and_reports_perfect_service() -> None:
    for model in ("erlang-c", "erlang-a"):
        res = required_agents([0.0, 4.0], AHT, Targets(), model=model, patience=PATIENCE)
        assert res.agents[0] == 0
        assert (res.service_level[0], res.asa[0], res.abandon_rate[0]) == (1.0, 0.0, 0.0)
        assert res.agents[1] > 0


def test_erlang_c_staffing_is_always_stable() -> None:
    res = required_agents(LOADS, AHT, Targets(0.01, 3600.0), model="erlang-c")
    assert (res.agents > LOADS).all()
    assert (res.agents == np.floor(LOADS) + 1).all()


def test_abandonment_cap_adds_agents_and_holds() -> None:
    loads = np.array([50.0, 300.0, 1200.0])
    free = required_agents(loads, AHT, Targets(0.8, 60.0), patience=PATIENCE)
    capped = required_agents(loads, AHT, Targets(0.8, 60.0, max_abandon=0.05), patience=PATIENCE)
    assert (free.abandon_rate > 0.05).all()  # 80 %/60 s alone lets many hang up
    assert (capped.abandon_rate <= 0.05).all()
    assert (capped.agents > free.agents).all()


def test_vectorised_over_queues_and_intervals() -> None:
    loads = np.array([[1.0, 10.0, 100.0], [2.0, 20.0, 0.0]])
    ahts = np.array([[300.0], [420.0]])
    res = required_agents(loads, ahts, Targets(), patience=[[120.0], [240.0]])
    assert res.agents.shape == (2, 3)
    single = required_agents(20.0, 420.0, Targets(), patience=240.0)
    assert res.agents[1, 1] == single.agents


def test_model_and_target_mismatches_are_refused() -> None:
    with pytest.raises(ValidationError):
        required_agents(5.0, AHT, Targets(max_abandon=0.05), model="erlang-c")
    with pytest.raises(ValidationError):
        required_agents(5.0, AHT, Targets(), model="erlang-a")
    with pytest.raises(ValidationError):
        Targets(service_level=1.2)
    with pytest.raises(ValidationError):
        Targets(max_asa=0.0)


def test_unreachable_targets_are_refused() -> None:
    with pytest.raises(ValidationError):
        required_agents(1.0, AHT, Targets(None, 20.0, max_occupancy=1e-9), model="erlang-c")


@pytest.mark.parametrize(
    ("agents", "shrinkage", "heads"),
    [(7, 0.3, 10), (81, 0.3, 116), (0, 0.5, 0), (10, 0.0, 10), (1, 0.99, 100)],
)
def test_scheduled_heads_cover_shrinkage(agents: int, shrinkage: float, heads: int) -> None:
    assert int(scheduled_heads(agents, shrinkage)) == heads
    assert heads * (1 - shrinkage) >= agents - 1e-9
