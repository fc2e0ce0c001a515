"""``renfort simulate``: a scenario or a staffing plan in, a report out; bad input exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from renfort.cli.main import app
from tests.unit.simulation.builders import single_queue

runner = CliRunner()
PLAN = Path(__file__).resolve().parents[2] / "scenarios" / "evening_plan.csv"


def _scenario(tmp_path: Path, **changes: object) -> Path:
    doc = single_queue(agents=4, calls_per_hour=40, patience=180, hours=4)
    doc.update(changes)
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_json_report_has_the_promised_fields(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(_scenario(tmp_path)), "--replications", "3",
                                 "--seed", "4", "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["replications"] == 3 and report["seed"] == 4
    (queue,) = report["queues"]
    for key in ("queue", "offered", "answered", "abandoned", "service_level", "abandon_rate",
                "asa_seconds", "ci95", "intervals"):
        assert key in queue
    low, high = queue["ci95"]["service_level"]
    assert low <= queue["service_level"] <= high
    assert len(queue["intervals"]) == 4
    assert set(queue["intervals"][0]["ci95"]) >= {"offered", "answered", "abandoned",
                                                  "service_level", "abandon_rate",
                                                  "asa_seconds"}


def test_output_folder_gets_json_csv_and_chart(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["simulate", str(_scenario(tmp_path)), "--replications", "2",
                                 "--output", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "hotline" in result.stdout
    assert json.loads((out / "simulation.json").read_text())["queues"][0]["queue"] == "hotline"
    rows = (out / "simulation.csv").read_text().splitlines()
    assert rows[0].startswith("queue,interval_start,offered") and len(rows) == 1 + 4 + 1
    svg = (out / "service_level.svg").read_text()
    assert svg.startswith("<svg") and "polyline" in svg and "target" in svg


def test_staffing_plan_replay() -> None:
    result = runner.invoke(app, ["simulate", "--staffing", str(PLAN), "--replications", "2",
                                 "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [q["queue"] for q in report["queues"]] == ["hotline", "banque"]
    assert len(report["queues"][0]["intervals"]) == 8


def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    bad = _scenario(tmp_path, intervals=0)
    broken_plan = tmp_path / "plan.csv"
    broken_plan.write_text("queue,volume\nhotline,3\n", encoding="utf-8")
    for args, message in (
        ([str(bad)], "intervals: Input should be greater than or equal to 1"),
        ([str(tmp_path / "missing.yaml")], "cannot read"),
        (["--staffing", str(broken_plan)], "missing column 'agents'"),
        ([], "give a scenario file or --staffing"),
        ([str(bad), "--staffing", str(PLAN)], "give a scenario file or --staffing"),
    ):
        result = runner.invoke(app, ["simulate", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
        assert result.stderr.count("\n") == 1 and result.stdout == ""
