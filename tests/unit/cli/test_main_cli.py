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


def test_usage_errors_are_one_line_with_where_to_find_help(data_dir: Path) -> None:
    for args, message in (
        (["demo", "traffic", "--rate", "abc"], "Invalid value for '--rate'"),
        (["kb", "eval", "--bogus"], "No such option: --bogus"),
        (["nosuch"], "No such command 'nosuch'"),
        (["user", "create"], "Missing option '--username'"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.output.count("\n") == 1, result.output
        assert result.output.startswith("error: ") and message in result.output
        assert "--help" in result.output and "╭" not in result.output
    # Asking for nothing still shows the help.
    assert "Usage" in runner.invoke(app, ["kb"]).output


def test_an_agent_user_is_bound_to_its_agents_outsourcer_or_refused(data_dir: Path) -> None:
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.store import tables as t

    runner.invoke(app, ["demo", "load"])
    rt = build_runtime(Settings())
    with rt.engine.connect() as conn:
        agent_id, outsourcer = conn.execute(
            t.agents.select().with_only_columns(t.agents.c.id, t.outsourcers.c.slug)
            .join_from(t.agents, t.outsourcers, t.agents.c.outsourcer_id == t.outsourcers.c.id)
            .where(t.outsourcers.c.slug == "azur").limit(1)).one()
    wrong = runner.invoke(app, ["user", "create", "--username", "agent-x", "--password",
                                "long-enough", "--role", "agent", "--agent", agent_id,
                                "--outsourcer", "nordcom"])
    assert wrong.exit_code == 2
    assert len(wrong.output.strip().splitlines()) == 1
    assert "works for outsourcer 'azur', not 'nordcom'" in wrong.output
    right = runner.invoke(app, ["user", "create", "--username", "agent-x", "--password",
                                "long-enough", "--role", "agent", "--agent", agent_id,
                                "--outsourcer", outsourcer])
    assert right.exit_code == 0, right.output
    with rt.engine.connect() as conn:
        stored = conn.execute(t.users.select().where(t.users.c.username == "agent-x")).one()
        azur = conn.execute(t.outsourcers.select().where(t.outsourcers.c.slug == "azur")).one()
    assert stored.outsourcer_id == azur.id


def test_traffic_defaults_to_the_configured_port(monkeypatch: pytest.MonkeyPatch) -> None:
    from renfort.cli.traffic import server_url
    from renfort.config import Settings

    monkeypatch.setenv("RENFORT_PORT", "8123")
    assert server_url(Settings()) == "http://127.0.0.1:8123"
    monkeypatch.setenv("RENFORT_HOST", "0.0.0.0")
    assert server_url(Settings()) == "http://127.0.0.1:8123"
