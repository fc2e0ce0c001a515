"""A stationary single queue through the router agrees with Erlang C and Erlang A.

20 erlangs offered (240 calls an hour, 300 s exponential handle time) for 24 hours, 12
replications; the first hour (the day starts empty) is left out. The formula's value must
lie within the Student t 95 % confidence interval of the replications. Seeds are fixed, so
the test is deterministic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from renfort.queueing.erlang_a import erlang_a_cell
from renfort.queueing.erlang_c import ErlangCCell, erlang_c_cell
from renfort.simulation.metrics import estimate
from renfort.simulation.replication import simulate
from renfort.simulation.scenario import parse_scenario
from renfort.simulation.world import build_world
from tests.unit.simulation.builders import single_queue

LOAD, AHT, THRESHOLD, REPS = 20.0, 300.0, 60.0, 12


def _day(agents: int, patience: float | None) -> dict[str, Any]:
    doc = single_queue(agents=agents, calls_per_hour=LOAD * 3600.0 / AHT, aht=AHT,
                       patience=patience, hours=24)
    doc["sl_seconds"] = THRESHOLD
    return doc


def _measures(doc: dict[str, Any], seed: int) -> dict[str, np.ndarray]:
    world = build_world(parse_scenario(doc))
    out: dict[str, list[float]] = {"sl": [], "abandon": [], "asa": []}
    for rep in simulate(world, REPS, seed):
        c = {k: v[0, 1:].sum() for k, v in rep.counts.items()}  # hours 1..23
        out["sl"].append(c["within"] / c["offered"])
        out["abandon"].append(c["abandoned"] / c["offered"])
        out["asa"].append(c["wait_sum"] / c["answered"])
    return {k: np.asarray(v) for k, v in out.items()}


def _within(samples: np.ndarray, expected: float) -> None:
    est = estimate(samples[:, None])
    low, high = float(est.low[0]), float(est.high[0])
    assert low <= expected <= high, f"{expected:.4f} outside [{low:.4f}, {high:.4f}]"


def test_mmn_agrees_with_erlang_c() -> None:
    agents = 23
    ref = erlang_c_cell(agents, LOAD, AHT, THRESHOLD)
    assert isinstance(ref, ErlangCCell)
    got = _measures(_day(agents, None), seed=11)
    assert got["abandon"].max() == 0.0
    _within(got["sl"], ref.service_level)
    _within(got["asa"], ref.asa)


@pytest.mark.parametrize(("agents", "patience"), [(20, 180.0), (23, 600.0)])
def test_mmn_plus_m_agrees_with_erlang_a(agents: int, patience: float) -> None:
    ref = erlang_a_cell(agents, LOAD, AHT, patience, THRESHOLD)
    got = _measures(_day(agents, patience), seed=12)
    _within(got["sl"], ref.service_level)
    _within(got["abandon"], ref.p_abandon)
    _within(got["asa"], ref.asa)
