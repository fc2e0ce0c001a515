"""The Anonymous Bank twin (scripts/bank_twin.py) builds valid days that track the data.

Reads ``../shared/data``; skipped when it is not there.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from renfort.simulation.scenario import parse_scenario


def _script() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "scripts" / "bank_twin.py"
    spec = importlib.util.spec_from_file_location("bank_twin", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bank_twin"] = module
    spec.loader.exec_module(module)
    return module


def test_a_busy_day_is_replayed_close_to_what_was_observed() -> None:
    twin = _script()
    folder = twin.data_dir()
    if folder is None:
        pytest.skip("../shared/data/anonymous_bank_call_center_1999 is not available")
    calls = twin.load_calls(folder)
    handle, patience = twin.fitted(calls)
    assert 100.0 < patience["PS"] < 2000.0
    date = "1999-10-04"
    doc = twin.day_scenario(calls, date, handle, patience)
    scenario = parse_scenario(doc)
    assert len(scenario.queues) == 6 and 10 <= len(scenario.agents) <= 42
    obs = twin.observed(calls, date)
    sim = twin.simulated(doc, 2, 1)
    assert sim["offered"] == pytest.approx(obs["offered"], rel=0.1)
    assert abs(sim["sl60"] - obs["sl60"]) < 0.15
    assert abs(sim["abandon"] - obs["abandon"]) < 0.08
