"""``renfort agents move`` on the demo database: preview, move, refusals, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renfort.cli.main import app

runner = CliRunner()


def test_move_home_and_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENFORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RENFORT_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    ids = tmp_path / "ids.txt"
    ids.write_text("ag-atlantique-001\nag-atlantique-002\n", encoding="utf-8")
    preview = runner.invoke(app, ["agents", "move", "--to", "site", "--file", str(ids),
                                  "--dry-run", "--json"])
    assert preview.exit_code == 0, preview.output
    out = json.loads(preview.output)
    assert out["dry_run"] is True and len(out["agents"]) == 2
    moved = runner.invoke(app, ["agents", "move", "--to", "site", "--outsourcer", "azur",
                                "ag-atlantique-001"])
    assert moved.exit_code == 0, moved.output
    assert "0 agent(s)" in moved.output and "unknown-agent" in moved.output
    bad = runner.invoke(app, ["agents", "move", "--to", "garden", "ag-atlantique-001"])
    assert bad.exit_code == 2 and "home or site" in bad.output
    empty = runner.invoke(app, ["agents", "move", "--to", "home"])
    assert empty.exit_code == 2 and "at least one agent" in empty.output


def test_sites_checklist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENFORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RENFORT_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    one = runner.invoke(app, ["sites", "checklist", "--site", "atlantique-nantes"])
    assert one.exit_code == 0, one.output
    assert "atlantique-nantes" in one.output and "not yet" in one.output
    unknown = runner.invoke(app, ["sites", "checklist", "--site", "nowhere"])
    assert unknown.exit_code == 2 and "nowhere" in unknown.output
