"""``renfort kb redirects``: read and edit a client's redirect directory.

Works on the configured database as its operator (``cli``, with the admin's rights). An
edit is a new version of one entry, in force from ``valid_from`` (default now), exactly as
``PUT /api/v1/kb/{client}/redirects/{key}`` makes it. A bad file or option ends the command
with one line on stderr and exit code 2; nothing is stored.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from renfort.cli.errors import one_line_errors
from renfort.domain.clock import PARIS
from renfort.domain.errors import ValidationError
from renfort.knowledge.articles import HOTLINE_BASE
from renfort.knowledge.redirects import KEYS, problems_of
from renfort.services.principals import Principal, Role

if TYPE_CHECKING:
    from renfort.bootstrap import Runtime

app = typer.Typer(help="Redirect directory: where medical, urgent and psychological "
                       "messages are sent, per client.", no_args_is_help=True)
console = Console()
OPERATOR = Principal(user_id="cli", username="cli", role=Role.ADMIN)
EDITABLE = frozenset({"label", "numbers", "hours", "message", "source", "valid_from"})
READ_ONLY = frozenset({"key", "target", "urgent", "version", "created_by"})
"""Fields ``list --json`` prints that a file may keep: ignored (``key`` must match)."""
ClientOption = Annotated[str, typer.Option(help="the client (slug)")]
KeyOption = Annotated[str, typer.Option(help=" | ".join(KEYS))]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON out")]


def _runtime() -> Runtime:
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings

    return build_runtime(Settings())


def _print(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _paris(iso: str | None) -> str:
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _numbers(entry: dict[str, Any]) -> str:
    return ", ".join(f"{n['number']}{' (SMS)' if n['kind'] == 'sms' else ''}"
                     for n in entry["numbers"])


def instant(text: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is Paris time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"valid_from: {text!r} is not an ISO 8601 date-time "
                              "(e.g. 2020-03-18T00:00+01:00)", {"field": "valid_from"}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def read_entry(path: Path, key: str) -> tuple[dict[str, Any], datetime | None]:
    """The entry of a JSON file (one object) and its ``valid_from``, if it has one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValidationError(f"{path}: not JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise ValidationError(f"{path}: one JSON object is expected "
                              "{label, numbers, hours, message, source}")
    unknown = sorted(set(data) - EDITABLE - READ_ONLY)
    if unknown:
        raise ValidationError(f"{path}: unknown field(s) {', '.join(unknown)}; expected "
                              f"{', '.join(sorted(EDITABLE))}")
    if "key" in data and data["key"] != key:
        raise ValidationError(f"{path}: the file is for {data['key']!r}, not {key!r}")
    start = data.get("valid_from")
    if start is not None and not isinstance(start, str):
        raise ValidationError("valid_from: an ISO 8601 date-time text")
    entry = {k: v for k, v in data.items() if k in EDITABLE and k != "valid_from"}
    return entry, instant(start) if start else None


@app.command("list")
@one_line_errors
def list_(client: ClientOption = HOTLINE_BASE, as_json: JsonOption = False) -> None:
    """The four entries in force: numbers, hours, message, version."""
    entries = _runtime().directory.in_force(OPERATOR, client)
    if as_json:
        _print(entries)
        return
    table = Table(title=f"{client}: redirect directory in force")
    table.add_column("key", no_wrap=True, min_width=14)
    for column in ("version", "since (Paris)", "label", "numbers", "hours"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(e["key"], str(e["version"]), _paris(e["valid_from"]), e["label"],
                      _numbers(e), e["hours"])
    console.print(table)


@app.command("history")
@one_line_errors
def history(key: KeyOption, client: ClientOption = HOTLINE_BASE,
            as_json: JsonOption = False) -> None:
    """Every version of one entry, oldest first (version 0 is the national default)."""
    versions = _runtime().directory.history(OPERATOR, client, key)
    if as_json:
        _print(versions)
        return
    table = Table(title=f"{client} {key}: versions")
    for column in ("version", "from (Paris)", "by", "label", "numbers"):
        table.add_column(column, overflow="fold")
    for v in versions:
        table.add_row(str(v["version"]), _paris(v["valid_from"]), v["created_by"] or "default",
                      v["label"], _numbers(v))
    console.print(table)


@app.command("set")
@one_line_errors
def set_(
    key: KeyOption,
    file: Annotated[Path, typer.Option(help="JSON: {label, numbers: [{label, number, "
                                            "kind}], hours, message, source}")],
    client: ClientOption = HOTLINE_BASE,
    valid_from: Annotated[str | None, typer.Option(
        help="in force from (ISO 8601; Paris time without an offset); default now, or the "
             "file's valid_from")] = None,
) -> None:
    """Publish a new version of one entry."""
    if key not in KEYS:
        raise ValidationError(f"unknown redirect {key!r}: one of {', '.join(KEYS)}")
    entry, start = read_entry(file, key)
    if valid_from is not None:
        start = instant(valid_from)
    try:
        saved = _runtime().directory.edit(OPERATOR, client, key, entry, start)
    except ValidationError as refused:  # every problem, still on one line
        texts = [str(p["message"]) for p in problems_of(refused) if "message" in p]
        if len(texts) > 1:
            raise ValidationError("; ".join(texts), refused.details) from None
        raise
    console.print(f"{client} {key}: version {saved['version']} in force from "
                  f"{_paris(saved['valid_from'])} (Paris)", highlight=False)
