"""``renfort privacy``: the retention purge, and a customer's export and erasure.

The commands work on the configured database as the platform's operator; each run that
changes or reveals personal data is written to the privacy audit (``--actor`` names who
ran it). A bad argument ends the command with one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from renfort.cli.errors import one_line_errors
from renfort.domain import bounds
from renfort.domain.clock import PARIS
from renfort.domain.errors import ValidationError
from renfort.services.principals import Principal, Role

app = typer.Typer(help="Personal data: retention purge, export and erasure (audited).",
                  no_args_is_help=True)
console = Console()
ActorOption = Annotated[str, typer.Option(
    "--actor", help="who runs it, for the audit (default: cli)")]


def _operator(actor: str) -> Principal:
    name = actor.strip()
    if not 1 <= len(name) <= 100:
        raise ValidationError("--actor: 1–100 characters")
    return Principal(user_id="cli", username=name, role=Role.ADMIN)


def parse_as_of(text: str) -> float:
    """``YYYY-MM-DD`` (midnight, Paris time) or an ISO instant (Paris time if naive)."""
    try:
        if len(text.strip()) == 10:
            moment = datetime.combine(date.fromisoformat(text.strip()), datetime.min.time(),
                                      tzinfo=PARIS)
        else:
            moment = datetime.fromisoformat(text.strip())
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=PARIS)
    except ValueError:
        raise ValidationError(f"--as-of: {text!r} is not a date (YYYY-MM-DD) or an "
                              "ISO 8601 instant") from None
    return bounds.check_instant(moment, "--as-of").timestamp()


def _runtime() -> Any:
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings

    return build_runtime(Settings())


@app.command("purge")
@one_line_errors
def purge(
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="purge as if it were this day or instant (default: now)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count only")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
    actor: ActorOption = "cli",
) -> None:
    """Erase the personal data past its retention (RENFORT_RETENTION_*_DAYS); prints how
    many rows of each kind. Contacts stay as anonymous rows: figures do not change."""
    moment = parse_as_of(as_of) if as_of is not None else None
    out = _runtime().privacy.purge(_operator(actor), as_of=moment, dry_run=dry_run)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    console.print(f"{'would purge' if dry_run else 'purged'} as of {out['as_of']}")
    table = Table()
    table.add_column("kind")
    table.add_column("rows", justify="right")
    for kind, count in out["counts"].items():
        table.add_row(kind, str(count))
    console.print(table)


@app.command("export")
@one_line_errors
def export(
    customer_ref: Annotated[str, typer.Option("--customer-ref",
                                              help="as recorded, e.g. +33 6 12 34 56 78")],
    output: Annotated[Path | None, typer.Option(help="JSON file (default: stdout)")] = None,
    actor: ActorOption = "cli",
) -> None:
    """Everything stored about a customer (right of access), as JSON."""
    out = _runtime().privacy.export(_operator(actor), customer_ref)
    text = json.dumps(out, ensure_ascii=False, indent=2)
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"{out['counts']['contacts']} contact(s), "
                      f"{out['counts']['conversations']} conversation(s) written to {output}")


@app.command("erase")
@one_line_errors
def erase(
    customer_ref: Annotated[str, typer.Option("--customer-ref",
                                              help="as recorded, e.g. +33 6 12 34 56 78")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
    actor: ActorOption = "cli",
) -> None:
    """Erase a customer's personal data now (right to erasure); the contacts stay as
    anonymous rows for the figures."""
    out = _runtime().privacy.erase(_operator(actor), customer_ref)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    counts = ", ".join(f"{count} {kind}" for kind, count in out["counts"].items())
    console.print(f"{out['customer_ref']}: erased {counts}")


@app.command("audit")
@one_line_errors
def audit(
    limit: Annotated[int, typer.Option(help="latest entries", min=1, max=1000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """The latest purges, exports and erasures: who, when, what, how many rows."""
    entries = _runtime().privacy.audit(_operator("cli"), limit)
    if as_json:
        print(json.dumps(entries, ensure_ascii=False))
        return
    table = Table(title="privacy audit")
    for column in ("at", "actor", "action", "subject", "counts"):
        table.add_column(column)
    for entry in entries:
        table.add_row(entry["at"], entry["actor"], entry["action"], entry["subject"] or "",
                      ", ".join(f"{k} {v}" for k, v in entry["counts"].items()))
    console.print(table)
