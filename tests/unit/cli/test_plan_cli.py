"""``renfort plan staffing`` through Typer's test runner (the sub-app on its own)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renfort.cli.plan import app

FORECAST = (
    "queue,interval_start,interval_minutes,volume,aht_seconds,patience_seconds\n"
    "numero-vert,2020-03-16T18:00:00Z,30,1600,360,180\n"
    "numero-vert,2020-03-16T18:30:00Z,30,0,360,180\n"
    "banque,2020-03-16T18:00:00Z,30,120,300,240\n"
)


@pytest.fixture
def forecast(tmp_path: Path) -> Path:
    path = tmp_path / "forecast.csv"
    path.write_text(FORECAST, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_prints_a_table_and_the_abandonment_note(forecast: Path) -> None:
    code, out, err = run("staffing", "--forecast", str(forecast), "--shrinkage", "0.3")
    assert code == 0, err
    assert "numero-vert" in out and "banque" in out
    assert "abandon ≤ 5%" in out
    assert "note: Abandonment capped at 5%" in out
    assert err == ""


def test_json_carries_rows_in_order_and_applied_targets(forecast: Path) -> None:
    code, out, _ = run("staffing", "--forecast", str(forecast), "--json", "--sl", "0.9",
                       "--within", "20", "--max-occupancy", "0.95")
    assert code == 0
    plan = json.loads(out)
    assert plan["targets"] == {
        "model": "erlang-a", "service_level": 0.9, "within_seconds": 20.0, "sl_basis": "offered",
        "max_asa_seconds": None, "max_abandon": 0.05, "max_occupancy": 0.95, "shrinkage": 0.0,
    }
    assert [r["queue"] for r in plan["rows"]] == ["numero-vert", "numero-vert", "banque"]
    assert plan["rows"][1]["agents"] == 0
    assert all(r["sl"] >= 0.9 for r in plan["rows"])


def test_erlang_c_model_and_answered_basis_flags(forecast: Path) -> None:
    code, out, _ = run("staffing", "--forecast", str(forecast), "--json", "--model", "erlang-c",
                       "--max-asa", "15")
    assert code == 0
    plan = json.loads(out)
    assert plan["targets"]["model"] == "erlang-c" and plan["targets"]["max_abandon"] is None
    code, out, _ = run("staffing", "--forecast", str(forecast), "--json", "--sl-basis",
                       "answered", "--max-abandon", "0.1")
    assert json.loads(out)["targets"]["sl_basis"] == "answered"


def test_output_writes_input_columns_plus_outputs(forecast: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    code, out, _ = run("staffing", "--forecast", str(forecast), "--output", str(target),
                       "--shrinkage", "0.25")
    assert code == 0
    assert "wrote 3 rows" in out
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert list(rows[0]) == [
        "queue", "interval_start", "interval_minutes", "volume", "aht_seconds",
        "patience_seconds", "load_erlangs", "agents", "scheduled_heads", "sl", "asa_seconds",
        "abandon_rate", "occupancy",
    ]
    assert rows[0]["interval_start"] == "2020-03-16T18:00:00Z"
    assert int(rows[0]["scheduled_heads"]) >= int(rows[0]["agents"]) / 0.75 - 1e-9
    assert rows[1]["agents"] == "0"


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (FORECAST.replace(",120,", ",-3,"), (), "line 4, column volume"),
        (FORECAST.replace(",180\n", ",\n", 1), (), "patience_seconds is required"),
        (FORECAST, ("--sl", "1.5"), "--sl"),
        (FORECAST, ("--shrinkage", "1"), "--shrinkage"),
        (FORECAST, ("--model", "erlang-c", "--max-abandon", "0.05"), "max_abandon needs erlang-a"),
    ],
)
def test_bad_input_is_one_line_on_stderr_exit_2_and_nothing_written(
    tmp_path: Path, content: str, args: tuple[str, ...], message: str
) -> None:
    source = tmp_path / "forecast.csv"
    source.write_text(content, encoding="utf-8")
    target = tmp_path / "plan.csv"
    code, out, err = run("staffing", "--forecast", str(source), "--output", str(target), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert "Traceback" not in err
    assert not target.exists()


def test_missing_file_and_conflicting_outputs(tmp_path: Path, forecast: Path) -> None:
    code, _, err = run("staffing", "--forecast", str(tmp_path / "absent.csv"))
    assert code == 2 and err.count("\n") == 1 and "cannot read" in err
    code, _, err = run("staffing", "--forecast", str(forecast), "--json", "--output",
                       str(tmp_path / "x.csv"))
    assert code == 2 and "either --json or --output" in err
