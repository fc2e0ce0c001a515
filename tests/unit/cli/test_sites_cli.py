"""``renfort sites``: capacity of a CSV plan, plan import, register export, purge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renfort.cli.main import app
from renfort.sites.generate import make_plan
from renfort.sites.layout import seats_to_csv

runner = CliRunner()


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "seats.csv"
    path.write_text(seats_to_csv(make_plan("rows", 120, seed=7).seats), encoding="utf-8")
    return path


def test_capacity_json_and_svg(plan_file: Path, tmp_path: Path) -> None:
    svg = tmp_path / "plan.svg"
    result = runner.invoke(app, ["sites", "capacity", "--seats", str(plan_file),
                                 "--min-distance", "1.5", "--time-limit", "5", "--json",
                                 "--svg", str(svg)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert {"count", "usable_seats", "bound", "optimal", "seconds"} <= set(out)
    assert out["count"] == len(out["usable_seats"]) == 60 == out["bound"]
    assert out["optimal"] is True
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_capacity_table_and_errors(plan_file: Path, tmp_path: Path) -> None:
    table = runner.invoke(app, ["sites", "capacity", "--seats", str(plan_file),
                                "--free-seat-between", "--time-limit", "0"])
    assert table.exit_code == 0 and "proven bound" in table.output
    missing_rule = runner.invoke(app, ["sites", "capacity", "--seats", str(plan_file)])
    assert missing_rule.exit_code == 2 and "--min-distance" in missing_rule.output
    bad = tmp_path / "bad.csv"
    bad.write_text("seat_id,x,y\nA,0,0\n", encoding="utf-8")
    refused = runner.invoke(app, ["sites", "capacity", "--seats", str(bad),
                                  "--min-distance", "1.5"])
    assert refused.exit_code == 2 and "zone" in refused.output
    gone = runner.invoke(app, ["sites", "capacity", "--seats", str(tmp_path / "none.csv"),
                               "--min-distance", "1.5"])
    assert gone.exit_code == 2


def test_import_and_register_on_the_demo(plan_file: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENFORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RENFORT_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    imported = runner.invoke(app, ["sites", "import", "--site", "azur-montpellier",
                                   "--seats", str(plan_file), "--time-limit", "5"])
    assert imported.exit_code == 0, imported.output
    assert "120 seats" in imported.output
    out = tmp_path / "registre.csv"
    exported = runner.invoke(app, ["sites", "register", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 6 * 21
    unknown = runner.invoke(app, ["sites", "import", "--site", "nowhere",
                                  "--seats", str(plan_file)])
    assert unknown.exit_code == 2
    purged = runner.invoke(app, ["sites", "purge-checkins", "--older-than-days", "30"])
    assert purged.exit_code == 0, purged.output
    assert "0 closed check-in(s)" in purged.output
    too_short = runner.invoke(app, ["sites", "purge-checkins", "--older-than-days", "3"])
    assert too_short.exit_code == 2 and "older_than_days" in too_short.output
