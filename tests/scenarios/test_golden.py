"""Seeded scenarios compared with their checked-in reports (SimPy's docs/conftest.py idea).

Each ``*.yaml`` scenario and each ``*_plan.csv`` staffing plan here is simulated (3
replications, seed 1, one process) and its JSON report must equal ``<name>.golden.json``
byte for byte. After a deliberate change of the routing rules or of the simulator, rewrite
them with ``RENFORT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/scenarios`` and review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from renfort.services.simulations import run_simulation, scenario_from_plan
from renfort.simulation.runner import dumps, load_scenario_file
from renfort.simulation.scenario import Scenario

HERE = Path(__file__).resolve().parent
CASES = sorted([*HERE.glob("*.yaml"), *HERE.glob("*_plan.csv")])


def _scenario(path: Path) -> Scenario:
    if path.suffix == ".csv":
        return scenario_from_plan(path.read_text(encoding="utf-8"), name=path.stem)
    return load_scenario_file(path)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_report_matches_golden(path: Path) -> None:
    report = dumps(run_simulation(_scenario(path), replications=3, seed=1, workers=1))
    golden = path.with_name(f"{path.stem}.golden.json")
    if os.environ.get("RENFORT_UPDATE_GOLDEN") == "1":
        golden.write_text(report, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if report != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), report.splitlines(keepends=True),
            "golden", "now"))[:60])
        pytest.fail(f"{path.name} differs from {golden.name}:\n{diff}")
