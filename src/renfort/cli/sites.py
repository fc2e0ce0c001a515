"""``renfort sites``: seat-plan capacity under distancing, plan import, register export,
purge of old check-ins.

``capacity`` works on a CSV file alone (no database); the others work on the
configured database (``RENFORT_*`` settings) as its operator. A bad input ends the command
with one line on stderr and exit code 2, and nothing is stored.
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
from renfort.services.principals import Principal, Role

app = typer.Typer(help="Sites under distancing: capacity, seat plans, sanitary register.",
                  no_args_is_help=True)
console = Console()
OPERATOR = Principal(user_id="cli", username="cli", role=Role.ADMIN)
"""The command line acts as the platform's operator."""


@app.command("capacity")
@one_line_errors
def capacity(
    seats: Annotated[Path, typer.Option("--seats", help="CSV: seat_id,x,y,zone[,equipment]")],
    min_distance: Annotated[float | None, typer.Option(
        "--min-distance", help="metres between two occupied seats")] = None,
    free_seat_between: Annotated[bool, typer.Option(
        "--free-seat-between", help="one free seat between two operators along rows")] = False,
    time_limit: Annotated[float, typer.Option(
        "--time-limit", help="seconds for the exact solver (0: greedy only)")] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
    svg: Annotated[Path | None, typer.Option("--svg", help="write the plan as SVG")] = None,
) -> None:
    """Largest set of seats usable together under the rule: the capacity per shift."""
    from renfort.sites.distancing import DistancingRule, usable_seats
    from renfort.sites.layout import parse_seats_csv
    from renfort.sites.svg import render_svg

    if min_distance is None and not free_seat_between:
        raise ValidationError("give --min-distance, --free-seat-between, or both")
    if time_limit < 0:
        raise ValidationError("--time-limit: seconds, 0 or more")
    plan = parse_seats_csv(seats.read_text(encoding="utf-8"))
    rule = DistancingRule(min_distance, free_seat_between)
    result = usable_seats(plan, rule, time_limit=time_limit)
    if svg is not None:
        svg.write_text(render_svg(plan, result.usable, title=f"{seats.name} – {result.count} "
                                  f"postes utilisables ({rule.describe()})",
                                  min_distance=min_distance), encoding="utf-8")
    if as_json:
        print(json.dumps({
            "count": result.count, "usable_seats": list(result.usable),
            "bound": result.bound, "optimal": result.optimal,
            "seconds": round(result.seconds, 3), "gap": round(result.gap, 4),
            "method": result.method, "seats": len(plan), "conflicts": result.conflicts,
        }, ensure_ascii=False))
        return
    table = Table(title=seats.name)
    table.add_column("what")
    table.add_column("value", justify="right")
    for what, value in (("rule", rule.describe()), ("seats", len(plan)),
                        ("usable (capacity)", result.count),
                        ("proven bound", result.bound),
                        ("optimal", "yes" if result.optimal else f"no, gap {result.gap:.1%}"),
                        ("method", result.method), ("seconds", f"{result.seconds:.2f}")):
        table.add_row(what, str(value))
    console.print(table)


@app.command("import")
@one_line_errors
def import_plan(
    site: Annotated[str, typer.Option("--site", help="site slug or id")],
    seats: Annotated[Path, typer.Option("--seats", help="CSV: seat_id,x,y,zone[,equipment]")],
    time_limit: Annotated[float, typer.Option("--time-limit")] = 10.0,
) -> None:
    """Replace a site's seat plan and recompute its capacity under its rule."""
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.services.sites import SiteService

    rt = build_runtime(Settings())
    out = SiteService(rt.engine, rt.clock).import_plan(
        OPERATOR, site, seats.read_text(encoding="utf-8"), time_limit=time_limit)
    state = "optimal" if out["optimal"] else f"bound {out['bound']}"
    console.print(f"{out['site']}: {out['seats']} seats, {out['count']} usable ({state})")


@app.command("register")
@one_line_errors
def register(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")],
    site: Annotated[str | None, typer.Option("--site", help="one site (default: all)")] = None,
) -> None:
    """Export the sanitary register's history as CSV (works council, labour inspectorate)."""
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.services.measures import MeasureService

    rt = build_runtime(Settings())
    text = MeasureService(rt.engine, rt.clock).export_csv(OPERATOR, site)
    out.write_text(text, encoding="utf-8")
    console.print(f"{max(0, text.count(chr(10)) - 1)} changes written to {out}")


@app.command("purge-checkins")
@one_line_errors
def purge_checkins(
    older_than_days: Annotated[float, typer.Option(
        "--older-than-days", help="closed check-ins that ended before then are deleted")] = 30.0,
) -> None:
    """Delete old closed check-ins (who sat where): personal data kept no longer than the
    longest exposure-trace window needs. Run it daily, e.g. from cron."""
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.services.tracing import TracingService

    rt = build_runtime(Settings())
    out = TracingService(rt.engine, rt.clock).purge_stays(
        OPERATOR, older_than_days=older_than_days)
    console.print(f"{out['deleted']} closed check-in(s) ended before {out['before']} deleted")


@app.command("checklist")
@one_line_errors
def checklist(
    site: Annotated[str | None, typer.Option("--site", help="one site (default: all)")] = None,
    days: Annotated[int, typer.Option("--days", help="days looked back, today included")] = 7,
) -> None:
    """Daily consultations of the staff representatives: held today? days missed?"""
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.services.consultations import ConsultationService
    from renfort.services.sites_access import visible_sites

    rt = build_runtime(Settings())
    service = ConsultationService(rt.engine, rt.clock)
    if site is not None:
        rows = [service.checklist(OPERATOR, site, days)]
    else:
        with rt.engine.connect() as conn:
            slugs = [s["slug"] for s in visible_sites(conn, OPERATOR)]
        rows = [service.checklist(OPERATOR, slug, days) for slug in slugs]
    table = Table(title="consultations")
    for column in ("site", "today", "missed"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["site"], "held" if row["today_held"] else "not yet",
                      ", ".join(row["missed"]) or "-")
    console.print(table)
