"""``renfort kb redirects`` through Typer's test runner, on a copy of the demo database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from renfort.cli.kb import app
from renfort.config import Settings

ENTRY = {"label": "Lignes d'écoute (région)", "hours": "tous les jours, 8 h – 22 h",
         "numbers": [{"label": "Écoute régionale", "number": "0 800 000 444"},
                     {"label": "SOS Amitié", "number": "09 72 39 40 50", "kind": "tel"}],
         "message": "Vous pouvez en parler à quelqu'un : Écoute régionale au 0 800 000 444.",
         "source": "https://example.org/ecoute-regionale"}


@pytest.fixture
def database(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RENFORT_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.delenv("RENFORT_DATABASE_URL", raising=False)
    return demo_settings.data_dir


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["redirects", *args])
    return result.exit_code, result.stdout, result.stderr


def _file(tmp_path: Path, data: Any, name: str = "entry.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
                    encoding="utf-8")
    return str(path)


def _versions(key: str, client: str = "numero-vert") -> list[int]:
    code, out, err = run("history", "--key", key, "--client", client, "--json")
    assert code == 0, err
    return [v["version"] for v in json.loads(out)]


def test_list_shows_the_four_entries_in_force(database: Path) -> None:
    code, out, err = run("list", "--client", "numero-vert", "--json")
    assert code == 0, err
    entries = {e["key"]: e for e in json.loads(out)}
    assert set(entries) == {"medical_urgent", "suicide", "medical", "psychological"}
    assert entries["medical_urgent"]["numbers"][0]["href"] == "tel:15"
    assert entries["suicide"]["numbers"][0]["number"] == "3114"
    code, out, _ = run("list")
    assert code == 0 and "medical_urgent" in out and "3114" in out


def test_set_publishes_a_new_version_now_or_later(database: Path, tmp_path: Path) -> None:
    code, out, err = run("set", "--client", "numero-vert", "--key", "psychological",
                         "--file", _file(tmp_path, ENTRY))
    assert code == 0, err
    assert "psychological: version 1 in force from" in out
    code, out, _ = run("list", "--json")
    entry = next(e for e in json.loads(out) if e["key"] == "psychological")
    assert entry["version"] == 1 and entry["created_by"] == "cli"
    assert entry["numbers"][0]["href"] == "tel:0800000444"
    # a later version: in the history, not yet in force
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    code, out, err = run("set", "--key", "psychological", "--file",
                         _file(tmp_path, {**ENTRY, "hours": "24 h/24"}),
                         "--valid-from", tomorrow)
    assert code == 0, err
    assert "version 2" in out
    assert _versions("psychological") == [0, 1, 2]
    code, out, _ = run("list", "--json")
    assert next(e for e in json.loads(out) if e["key"] == "psychological")["version"] == 1
    # what list --json prints can be edited and sent back (its read-only fields ignored)
    exported = next(e for e in json.loads(out) if e["key"] == "medical")
    exported.pop("valid_from")
    code, out, err = run("set", "--key", "medical", "--file", _file(tmp_path, exported))
    assert code == 0, err
    assert _versions("medical") == [0, 1]


@pytest.mark.parametrize(("args", "content", "expected"), [
    (["--key", "medical_urgent"], "{not json", "not JSON"),
    (["--key", "medical_urgent"], [ENTRY], "one JSON object"),
    (["--key", "medical_urgent"], {**ENTRY, "colour": "red"}, "unknown field(s) colour"),
    (["--key", "medical_urgent"], {**ENTRY, "key": "medical"}, "is for 'medical'"),
    (["--key", "medical_urgent"], ENTRY, "an urgent message starts with the number"),
    (["--key", "medical_urgent"], {**ENTRY, "message": "Appelez le 15 maintenant, svp.",
                                   "numbers": [{"label": "SAMU", "number": "15 ou 112"}]},
     "digits and spaces only"),
    (["--key", "medical_urgent"], {**ENTRY, "numbers": []}, "1 to 5 numbers"),
    (["--key", "medical_urgent", "--valid-from", "2020-01-01T00:00+01:00"],
     {**ENTRY, "message": "Appelez le 0 800 000 444."}, "cannot be in the past"),
    (["--key", "medical_urgent", "--valid-from", "demain"], ENTRY, "not an ISO 8601"),
    (["--key", "urgence"], ENTRY, "unknown redirect 'urgence'"),
    (["--key", "medical_urgent", "--client", "nulle-part"],
     {**ENTRY, "message": "Appelez le 0 800 000 444."}, "no knowledge base"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_is_stored(
        database: Path, tmp_path: Path, args: list[str], content: Any, expected: str) -> None:
    code, _, err = run("set", *args, "--file", _file(tmp_path, content))
    assert code == 2, err
    assert err.count("\n") == 1 and expected in err, err
    assert _versions("medical_urgent") == [0]


def test_every_problem_is_on_the_one_line(database: Path, tmp_path: Path) -> None:
    bad = {**ENTRY, "label": "", "hours": "", "numbers": [{"label": "x", "number": "abc"}]}
    code, _, err = run("set", "--key", "medical", "--file", _file(tmp_path, bad))
    assert code == 2 and err.count("\n") == 1
    assert "label: 2–120" in err and "digits and spaces" in err and "hours: 2–300" in err
    assert _versions("medical") == [0]


def test_missing_file_is_one_line_exit_2(database: Path) -> None:
    code, _, err = run("set", "--key", "medical", "--file", "/nonexistent/entry.json")
    assert code == 2 and err.count("\n") == 1
