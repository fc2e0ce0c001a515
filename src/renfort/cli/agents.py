"""``renfort agents move``: move a selection of agents home or back to site at once.

Works on the configured database as its operator (or as one outsourcer's manager with
``--outsourcer``). Each agent is checked alone; a refused one is listed with its reason.
A running server reloads its routing configuration when it next changes (or restarts):
prefer ``POST /api/v1/agents/moves`` while the service runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from renfort.cli.errors import one_line_errors
from renfort.domain.errors import ValidationError
from renfort.domain.model import WorkPlace
from renfort.services.principals import Principal, Role

app = typer.Typer(help="Agents: bulk moves between home and site.", no_args_is_help=True)
console = Console()


@app.command("move")
@one_line_errors
def move(
    agents: Annotated[list[str] | None, typer.Argument(help="agent ids")] = None,
    to: Annotated[str, typer.Option("--to", help="home or site")] = "home",
    from_file: Annotated[Path | None, typer.Option(
        "--file", help="a file of agent ids, one a line")] = None,
    outsourcer: Annotated[str | None, typer.Option(
        "--outsourcer", help="act as this outsourcer's manager (its agents only)")] = None,
    site: Annotated[str | None, typer.Option(
        "--site", help="site for agents going back who have none")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="preview only")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """Move agents home (--to home) or back to their site (--to site), with a preview of
    what each queue loses; --dry-run changes nothing."""
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.services.agent_moves import AgentMoves
    from renfort.store import repository as repo
    from renfort.store import tables as t

    if to not in ("home", "site"):
        raise ValidationError("--to: home or site")
    ids = list(agents or [])
    if from_file is not None:
        ids += [line.strip() for line in from_file.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    rt = build_runtime(Settings())
    who = Principal(user_id="cli", username="cli", role=Role.ADMIN)
    if outsourcer is not None:
        with rt.engine.connect() as conn:
            found = repo.find_id(conn, t.outsourcers, outsourcer)
        if found is None:
            raise ValidationError(f"unknown outsourcer {outsourcer!r}")
        who = Principal(user_id="cli", username="cli", role=Role.OUTSOURCER_MANAGER,
                        outsourcer_id=found)
    out = AgentMoves(rt.engine, rt.clock).move(who, ids, WorkPlace(to), site, dry_run)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    verb = "would move" if dry_run else "moved"
    console.print(f"{verb} {out['moved']} agent(s) to {to}; {out['refused']} refused")
    refused = Table(title="refused")
    for column in ("agent", "reason", "detail"):
        refused.add_column(column)
    for agent in out["agents"]:
        if not agent["moved"]:
            refused.add_row(agent["agent_id"], agent["reason"], agent["detail"])
    if out["refused"]:
        console.print(refused)
    queues = Table(title="agents able to take each queue")
    for column in ("queue", "before", "after", "loses"):
        queues.add_column(column, justify="right" if column != "queue" else "left")
    for queue in out["queues"]:
        queues.add_row(queue["queue"], str(queue["before"]), str(queue["after"]),
                       str(queue["loses"]))
    if out["queues"]:
        console.print(queues)
