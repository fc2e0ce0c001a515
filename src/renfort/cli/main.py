"""``renfort``: database, users, demo data, the server and planning tools."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from renfort.cli.agents import app as agents_app
from renfort.cli.errors import OneLineUsageErrors, one_line_errors
from renfort.cli.kb import app as kb_app
from renfort.cli.plan import app as plan_app
from renfort.cli.privacy import app as privacy_app
from renfort.cli.report import app as report_app
from renfort.cli.simulate import simulate
from renfort.cli.sites import app as sites_app
from renfort.services.principals import HUMAN_ROLES, Role

if TYPE_CHECKING:
    # Settings pulls pydantic-settings and the rate limiter: only for commands that run.
    from renfort.config import Settings

app = typer.Typer(help="Renfort: a crisis hotline through outsourced contact centers.",
                  no_args_is_help=True, pretty_exceptions_enable=False,
                  cls=OneLineUsageErrors)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Users and API keys.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo federation and synthetic traffic.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(demo_app, name="demo")

console = Console()


def _settings() -> Settings:
    from renfort.config import Settings

    return Settings()


@db_app.command("upgrade")
@one_line_errors
def db_upgrade() -> None:
    """Create or migrate the schema (SQLite under var/ unless RENFORT_DATABASE_URL is set)."""
    from renfort.store.engine import upgrade

    upgrade(_settings().resolved_database_url())
    console.print("schema up to date")


@user_app.command("create")
@one_line_errors
def user_create(
    username: Annotated[str, typer.Option(help="login name")],
    password: Annotated[str, typer.Option(help="at least 8 characters")],
    role: Annotated[str, typer.Option(help=" | ".join(str(r) for r in HUMAN_ROLES))],
    outsourcer: Annotated[str | None, typer.Option(help="outsourcer slug (staff roles)")] = None,
    client: Annotated[str | None, typer.Option(help="client slug (client_viewer)")] = None,
    agent: Annotated[str | None, typer.Option(help="agent id (agent role)")] = None,
) -> None:
    """Create a user bound to their tenant."""
    from renfort.bootstrap import build_runtime
    from renfort.domain.errors import ValidationError

    try:
        parsed = Role(role)
    except ValueError:
        raise ValidationError(f"unknown role {role!r}; one of "
                              + ", ".join(str(r) for r in HUMAN_ROLES)) from None
    rt = build_runtime(_settings())
    created = rt.auth.create_user(username, password, parsed, outsourcer=outsourcer,
                                  client=client, agent=agent)
    console.print(f"user {created.username} created ({created.role})")


@user_app.command("api-key")
@one_line_errors
def api_key(
    name: Annotated[str, typer.Option(help="what the key is for, e.g. pbx-paris")],
    client: Annotated[str | None, typer.Option(help="limit the key to one client")] = None,
) -> None:
    """Create an API key for a channel integration; it is printed once."""
    from renfort.bootstrap import build_runtime

    rt = build_runtime(_settings())
    print(rt.auth.create_api_key(name, client))


@demo_app.command("load")
@one_line_errors
def demo_load() -> None:
    """Load the demo federation (idempotent): hotline, five clients, three outsourcers."""
    from renfort.bootstrap import build_runtime
    from renfort.services.demo_load import load_demo

    rt = build_runtime(_settings())
    counts = load_demo(rt.engine, rt.auth, datetime.now(UTC))
    table = Table(title="Demo federation")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, count in counts.items():
        table.add_row(what, str(count))
    console.print(table)
    console.print("log in as admin / admin-demo (see README for the other demo users)")


@demo_app.command("traffic")
@one_line_errors
def demo_traffic(
    rate: Annotated[float, typer.Option(help="new contacts per second", min=0.1, max=500)] = 5,
    url: Annotated[str | None, typer.Option(
        help="server address; default http://RENFORT_HOST:RENFORT_PORT (127.0.0.1:8000)")
    ] = None,
    agents: Annotated[int, typer.Option(help="synthetic agents to drive", min=1)] = 60,
    duration: Annotated[float, typer.Option(help="seconds; 0 = until Ctrl-C", min=0)] = 0,
    username: Annotated[str, typer.Option()] = "admin",
    password: Annotated[str, typer.Option()] = "admin-demo",
    seed: Annotated[int, typer.Option()] = 1,
) -> None:
    """Post synthetic contacts and drive synthetic agents through the real API; on stop
    (duration, Ctrl-C), the agents it drove log out and its waiting contacts hang up."""
    from renfort.cli.traffic import run_traffic, server_url

    run_traffic(url=url or server_url(_settings()), rate=rate, n_agents=agents,
                duration=duration, username=username, password=password, seed=seed,
                console=console)


@app.command("serve")
@one_line_errors
def serve(
    host: Annotated[str | None, typer.Option(help="default 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default 8000")] = None,
    workers: Annotated[int | None, typer.Option(
        help="processes serving the API (PostgreSQL only); default RENFORT_WORKERS or 1")
    ] = None,
) -> None:
    """Run the API: one process on SQLite, one or several on PostgreSQL (one leads the
    desk, the others forward to it; if it dies another takes over)."""
    from renfort.api.server import run
    from renfort.store.engine import upgrade

    settings = _settings()
    upgrade(settings.resolved_database_url())
    run(settings, host or settings.host, port or settings.port,
        workers if workers is not None else settings.workers)


app.add_typer(plan_app, name="plan")
app.add_typer(sites_app, name="sites")
app.add_typer(report_app, name="report")
app.add_typer(agents_app, name="agents")
app.command("simulate")(simulate)
app.add_typer(kb_app, name="kb")
app.add_typer(privacy_app, name="privacy")


def main() -> None:  # pragma: no cover
    sys.exit(app())
