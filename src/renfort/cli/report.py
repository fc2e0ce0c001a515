"""``renfort report``: the service-level report (table, JSON, CSV, XLSX) and the rebuild of
the interval facts it is computed from. Run as the platform's operator: every row.

A bad argument ends the command with one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from renfort.cli.errors import one_line_errors
from renfort.domain.errors import ValidationError
from renfort.services.principals import Principal, Role

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(help="Reports: service level per outsourcer, queue, client; facts rebuild.",
                  no_args_is_help=True)
console = Console()
OPERATOR = Principal(user_id="cli", username="cli", role=Role.ADMIN)
SHOWN = ("offered", "answered", "abandoned", "short_abandons", "service_level", "sl_target",
         "asa_seconds", "overflow_share", "share_achieved", "share_contracted")


def _engine() -> Engine:
    from renfort.config import Settings
    from renfort.store.engine import make_engine

    return make_engine(Settings().resolved_database_url())


@app.command("sla")
@one_line_errors
def sla(
    start: Annotated[str, typer.Option("--from", help="first Paris day, e.g. 2020-03-17")],
    end: Annotated[str | None, typer.Option("--to", help="last Paris day (default: --from)")]
    = None,
    by: Annotated[str, typer.Option(help="outsourcer, queue, client, channel (commas)")]
    = "outsourcer",
    group_by: Annotated[str, typer.Option("--group-by", help="day or interval")] = "day",
    interval: Annotated[int, typer.Option(help="15 or 30 minutes (with --group-by "
                                               "interval)")] = 30,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="write CSV here")] = None,
    xlsx_file: Annotated[Path | None, typer.Option("--xlsx", help="write XLSX here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """Offered, answered, abandoned, service level against target, overflow, shares."""
    from renfort.services import report_export, reports

    if csv_file is not None and xlsx_file is not None:
        raise ValidationError("choose one of --csv and --xlsx")
    query = reports.ReportQuery.parse(start, end, group_by, by, interval)
    with _engine().connect() as conn:
        report = reports.sla_report(conn, OPERATOR, query)
    if csv_file is not None:
        csv_file.write_text(report_export.to_csv(report["columns"], report["rows"]),
                            encoding="utf-8")
        console.print(f"{len(report['rows'])} row(s) written to {csv_file}")
        return
    if xlsx_file is not None:
        xlsx_file.write_bytes(report_export.to_xlsx(report_export.report_sheets(report)))
        console.print(f"{len(report['rows'])} row(s) written to {xlsx_file}")
        return
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    dims = [c for c in report["columns"] if c in ("client", "queue", "outsourcer", "channel")]
    table = Table(title=f"service level {report['from']} → {report['to']}")
    for column in ("period", *dims, *SHOWN):
        table.add_column(column, justify="left" if column in ("period", *dims) else "right")
    for row in report["rows"]:
        table.add_row(*(_text(row.get(c)) for c in ("period", *dims, *SHOWN)))
    console.print(table)


def _text(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


@app.command("rebuild")
@one_line_errors
def rebuild() -> None:
    """Recompute the interval facts from every finished contact (one transaction)."""
    from renfort.services import facts

    with _engine().begin() as conn:
        counted = facts.rebuild(conn)
    console.print(f"interval facts rebuilt from {counted} finished contact(s)")
