"""Reports: ``/api/v1/reports/sla`` — the service level and its companions per period,
broken down by outsourcer, queue, client or channel, within the caller's tenant, as JSON,
CSV or XLSX (definitions in docs/reporting.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.services import access, report_export, reports

router = APIRouter(prefix="/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/sla", response_model=None)
def sla_report(
    rt: RuntimeDep, who: PrincipalDep,
    start: Annotated[str, Query(alias="from", max_length=32,
                                description="first Paris day, e.g. 2020-03-17")],
    end: Annotated[str | None, Query(alias="to", max_length=32,
                                     description="last Paris day (default: from)")] = None,
    group_by: Annotated[Literal["day", "interval"], Query()] = "day",
    by: Annotated[str, Query(max_length=60,
                             description="comma-separated: outsourcer, queue, client, "
                                         "channel")] = "outsourcer",
    interval: Annotated[int, Query(description="15 or 30 (minutes)")] = 30,
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",
) -> dict[str, Any] | Response:
    """Offered, answered, service level against target, abandons, overflow, shares…"""
    access.require(who, *reports.READERS)
    query = reports.ReportQuery.parse(start, end, group_by, by, interval)
    with rt.engine.connect() as conn:
        report = reports.sla_report(conn, who, query)
    if format == "json":
        return report
    name = f"niveau-de-service-{query.first}-{query.last}"
    if format == "csv":
        return Response(report_export.to_csv(report["columns"], report["rows"]),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(report_export.to_xlsx(report_export.report_sheets(report)),
                    media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
