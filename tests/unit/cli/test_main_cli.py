"""The ``renfort`` command: schema, demo data, users and keys, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from renfort.cli.main import app

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RENFORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RENFORT_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return tmp_path


def test_demo_load_is_idempotent(data_dir: Path) -> None:
    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "agents" in first.output and "300" in first.output
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0


def test_user_create_and_its_errors(data_dir: Path) -> None:
    runner.invoke(app, ["demo", "load"])
    ok = runner.invoke(app, ["user", "create", "--username", "sup2", "--password",
                             "long-enough", "--role", "supervisor", "--outsourcer", "azur"])
    assert ok.exit_code == 0, ok.output
    for args, message in (
        (["--username", "sup2", "--password", "long-enough", "--role", "supervisor",
          "--outsourcer", "azur"], "already exists"),
        (["--username", "x3", "--password", "long-enough", "--role", "wizard"], "unknown role"),
        (["--username", "sup3", "--password", "short", "--role", "admin"], "at least 8"),
        (["--username", "sup4", "--password", "long-enough", "--role", "supervisor"],
         "needs --outsourcer"),
        (["--username", "sup5", "--password", "long-enough", "--role", "client_viewer",
          "--client", "nobody"], "unknown client"),
    ):
        result = runner.invoke(app, ["user", "create", *args])
        assert result.exit_code == 2
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_api_key_is_printed_once(data_dir: Path) -> None:
    runner.invoke(app, ["demo", "load"])
    result = runner.invoke(app, ["user", "api-key", "--name", "pbx", "--client",
                                 "numero-vert"])
    assert result.exit_code == 0
    assert result.output.startswith("rk_")
    again = runner.invoke(app, ["user", "api-key", "--name", "pbx"])
    assert again.exit_code == 2
