"""``renfort plan forecast | backtest | schedule`` and ``renfort simulate --federation``:
files in, files out; bad input ends in one line on stderr and exit code 2."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renfort.cli.main import app
from tests.unit.planning.builders import history_csv

runner = CliRunner()
MONDAY = date(2020, 1, 6)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(history_csv(MONDAY, 10 * 7, queues=("hotline", "bank"), noise=0.05),
                    encoding="utf-8")
    return path


def test_forecast_then_staffing_then_schedule_under_a_seat_cap(history: Path,
                                                               tmp_path: Path) -> None:
    forecast = tmp_path / "forecast.csv"
    start = (MONDAY + timedelta(weeks=10)).isoformat()
    code, out, err = run("plan", "forecast", "--history", str(history), "--start", start,
                         "--days", "1", "--output", str(forecast))
    assert code == 0, err
    assert "wrote 32 rows" in out
    plan = tmp_path / "plan.csv"
    code, _, err = run("plan", "staffing", "--forecast", str(forecast), "--model", "erlang-c",
                       "--output", str(plan))
    assert code == 0, err
    heads = [int(r["scheduled_heads"]) for r in _rows(plan)]
    by_slot: dict[int, int] = {}
    for k, h in enumerate(heads):
        by_slot[k % 16] = by_slot.get(k % 16, 0) + h
    peak = max(by_slot.values())
    cap = peak * 2 // 3
    folder = tmp_path / "schedule"
    code, out, err = run("plan", "schedule", "--staffing", str(plan), "--seat-cap", str(cap),
                         "--time-limit", "5", "--workers", "1", "--output", str(folder))
    assert code == 0, err
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["shortfall_interval_agents"] > 0
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    seats = _rows(folder / "seats.csv")
    assert seats and all(int(r["heads"]) <= cap == int(r["seats"]) for r in seats)
    coverage = _rows(folder / "coverage.csv")
    on_site: dict[str, int] = {}
    for r in coverage:
        on_site[r["interval_start"]] = on_site.get(r["interval_start"], 0) + int(r["on_site"])
    assert max(on_site.values()) <= cap
    assert sum(int(r["shortfall"]) for r in coverage) == summary["shortfall_interval_agents"]
    assert f"shortfall {summary['shortfall_interval_agents']}" in out.replace("\n", " ")


def test_forecast_json_and_table(history: Path) -> None:
    start = (MONDAY + timedelta(weeks=10)).isoformat()
    code, out, _ = run("plan", "forecast", "--history", str(history), "--start", start,
                       "--days", "2", "--json", "--country", "none")
    assert code == 0
    report = json.loads(out)
    assert report["days"] == [start, (MONDAY + timedelta(weeks=10, days=1)).isoformat()]
    assert {r["queue"] for r in report["rows"]} == {"hotline", "bank"}
    code, out, _ = run("plan", "forecast", "--history", str(history), "--start", start)
    assert code == 0 and "hotline" in out and "80 % interval" in out


def test_backtest_prints_every_horizon_and_the_baselines(history: Path) -> None:
    code, out, err = run("plan", "backtest", "--history", str(history), "--horizon", "5",
                         "--origins", "2", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert len(report["by_horizon"]) == 5 and len(report["origins"]) == 2
    assert set(report["overall"]) == {"renfort", "seasonal_naive", "four_week_average"}


@pytest.mark.parametrize(("args", "message"), [
    (("plan", "forecast", "--history", "{h}", "--start", "tomorrow"), "--start"),
    (("plan", "forecast", "--history", "{h}", "--start", "2020-01-10"), "within the history"),
    (("plan", "forecast", "--history", "{h}", "--start", "2020-06-01", "--country", "XX"),
     "no public holidays"),
    (("plan", "forecast", "--history", "{h}", "--start", "2020-06-01", "--timezone", "Nowhere"),
     "unknown time zone"),
    (("plan", "forecast", "--history", "missing.csv", "--start", "2020-06-01"), "cannot read"),
    (("plan", "schedule", "--staffing", "{h}"), "missing column 'scheduled_heads'"),
    (("plan", "schedule", "--staffing", "{h}", "--seat-cap", "3", "--federation"),
     "choose one of"),
])
def test_bad_input_is_one_line_and_exit_two(history: Path, args: tuple[str, ...],
                                            message: str) -> None:
    code, out, err = run(*(a.replace("{h}", str(history)) for a in args))
    assert code == 2
    assert message in err and len(err.strip().splitlines()) <= 2
    assert out == ""


def test_simulate_replays_a_schedule_with_the_federations_agents(
        tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    monkeypatch.setenv("RENFORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RENFORT_DATABASE_URL", raising=False)
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "queue,interval_start,interval_minutes,volume,aht_seconds,patience_seconds\n"
        + "".join(f"hotline-general,2020-03-18T{8 + k // 2:02d}:{30 * (k % 2):02d}:00+01:00,"
                  f"30,60,300,180\n" for k in range(8)), encoding="utf-8")
    staffing = tmp_path / "plan.csv"
    code, _, err = run("plan", "staffing", "--forecast", str(forecast), "--output",
                       str(staffing))
    assert code == 0, err
    folder = tmp_path / "schedule"
    code, _, err = run("plan", "schedule", "--staffing", str(staffing), "--federation",
                       "--home-share", "0.3", "--time-limit", "5", "--workers", "1",
                       "--output", str(folder))
    assert code == 0, err
    shifts = _rows(folder / "shifts.csv")
    assert shifts and {r["location"] for r in shifts} <= {
        "atlantique-nantes", "atlantique-poitiers", "nordcom-lille", "nordcom-amiens",
        "azur-marseille", "azur-montpellier", "home"}
    code, out, err = run("simulate", "--federation", "--forecast", str(forecast),
                         "--schedule", str(folder / "shifts.csv"), "--replications", "2",
                         "--json")
    assert code == 0, err
    report = json.loads(out)
    staffed = report["staffing"]
    assert staffed["filled"] == len(shifts) and staffed["unfilled"] == 0
    assert report["queues"][0]["queue"] == "hotline-general"
    assert report["queues"][0]["offered"] > 0
    code, _, err = run("simulate", "--federation", "--forecast", str(forecast))
    assert code == 2 and "--schedule" in err
