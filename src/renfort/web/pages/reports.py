"""Reports (``/reports``): the service level per period against its target, volumes,
abandons and overflow, one line per outsourcer; for a client, its queues' history and the
share of its contacts answered from home. Exports link to ``/api/v1/reports/sla``.

The same :func:`renfort.services.reports.sla_report` as the API and ``renfort report sla``,
so the page, the files and the command always show the same figures to the same reader.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from renfort.api.deps import RuntimeDep
from renfort.domain.clock import local_date
from renfort.domain.errors import RenfortError
from renfort.reporting.sla import UNASSIGNED
from renfort.services import reports
from renfort.services.principals import Principal, Role
from renfort.web.charts import line_chart
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text, page
from renfort.web.templating import message, number, percent

router = APIRouter(prefix="/reports", dependencies=[Depends(check_origin)])
GROUPINGS = {"day": ("day", 30), "30": ("interval", 30), "15": ("interval", 15)}


def _label(period: str, group_by: str, several_days: bool) -> str:
    """``03-17`` per day; ``10:30`` per interval, ``17 10:30`` over several days."""
    if group_by == "day":
        return period[5:10]
    return f"{period[8:10]} {period[11:16]}" if several_days else period[11:16]


def _count(value: float) -> str:
    """A volume axis tick, in French: whole numbers bare, a fraction with its comma."""
    return number(value, 0 if value == int(value) else 2)


def _chart(rows: list[dict[str, Any]], dimension: str, figure: str, periods: list[str],
           group_by: str, *, title: str, ratio: bool, target: float | None = None
           ) -> dict[str, Any]:
    names = sorted({str(r[dimension]) for r in rows}, key=lambda n: (n == UNASSIGNED, n))
    cells = {(str(r[dimension]), r["period"]): r.get(figure) for r in rows}
    series = {name: [cells.get((name, p)) for p in periods] for name in names}
    several = len({p[:10] for p in periods}) > 1
    chart = line_chart(series, [_label(p, group_by, several) for p in periods], title=title,
                       y_max=1.0 if ratio else None, target=target,
                       target_label=message("reports.target",
                                            target=percent(target)) if target else "",
                       y_format=percent if ratio else _count,
                       bars=not ratio)
    return {"svg": chart, "series": names, "title": title, "target": target}


def _context(rt: Any, who: Principal, query: reports.ReportQuery) -> dict[str, Any]:
    def over(by: tuple[str, ...], group_by: str | None = None) -> reports.ReportQuery:
        return reports.ReportQuery(query.first, query.last, group_by or query.group_by, by,
                                   query.interval_minutes)

    client_view = who.role in (Role.CLIENT_VIEWER, Role.ADMIN)
    with rt.engine.connect() as conn:
        over_time = reports.sla_report(conn, who, query)
        summary = reports.sla_report(conn, who, over(("outsourcer",), "total"))
        shares = reports.sla_report(conn, who, over(("queue", "outsourcer"), "total"))
        queues = reports.sla_report(conn, who, over(("queue",))) if client_view else None
        queue_totals = reports.sla_report(conn, who, over(("queue",), "total")) \
            if client_view else None
    rows = over_time["rows"]
    periods = sorted({r["period"] for r in rows})
    targets = {r["sl_target"] for r in rows if r["sl_target"] is not None}
    target = targets.pop() if len(targets) == 1 else None
    g = query.group_by
    charts = [
        _chart(rows, "outsourcer", "service_level", periods, g, ratio=True, target=target,
               title=message("reports.chart_sl")),
        _chart(rows, "outsourcer", "offered", periods, g, ratio=False,
               title=message("reports.chart_volumes")),
        _chart(rows, "outsourcer", "abandon_rate", periods, g, ratio=True,
               title=message("reports.chart_abandons")),
        _chart(rows, "outsourcer", "overflow_share", periods, g, ratio=True,
               title=message("reports.chart_overflow")),
    ]
    queue_part = None
    if queues is not None and queue_totals is not None:
        qrows = queues["rows"]
        qperiods = sorted({r["period"] for r in qrows})
        queue_part = {
            "chart": _chart(qrows, "queue", "service_level", qperiods, g, ratio=True,
                            title=message("reports.chart_queues")),
            "telework": _chart(qrows, "queue", "telework_share", qperiods, g, ratio=True,
                               title=message("reports.chart_telework")),
            "totals": queue_totals["rows"],
        }
    return {"charts": charts, "summary": summary["rows"], "queues": queue_part,
            "shares": [r for r in shares["rows"] if r["share_contracted"] is not None],
            "staffing": summary["staffing"], "has_rows": bool(rows)}


@router.get("")
async def reports_page(
    request: Request, rt: RuntimeDep, who: WebPrincipal,
    start: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=32)] = None,
    grouping: Annotated[str, Query(alias="grouping", max_length=5)] = "30",
) -> HTMLResponse:
    allow(who, "reports")
    today = local_date(rt.clock.now()).isoformat()
    first, last = start or today, end or start or today
    group_by, minutes = GROUPINGS.get(grouping, ("interval", 30))
    form = {"from": first, "to": last, "grouping": grouping if grouping in GROUPINGS else "30"}
    context: dict[str, Any] = {"form": form, "groupings": list(GROUPINGS)}
    try:
        query = reports.ReportQuery.parse(first, last, group_by, "outsourcer", minutes)
        context.update(await asyncio.to_thread(_context, rt, who, query))
        params = {"from": query.first.isoformat(), "to": query.last.isoformat(),
                  "group_by": group_by, "interval": str(minutes), "by": "outsourcer,queue"}
        context["exports"] = {kind: "/api/v1/reports/sla?" + urlencode({**params,
                                                                       "format": kind})
                              for kind in ("csv", "xlsx")}
    except RenfortError as error:
        context["error"] = error_text(error)
    return page(request, "reports/page.html", who, "reports", context)
