"""Saved plans in the store: insert, list within a tenant, read, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, insert, select, true

from renfort.store.planning_tables import saved_plans

FILES = ("forecast_csv", "staffing_csv", "shifts_csv", "coverage_csv", "replay_csv")
_HEADER = [saved_plans.c[name] for name in (
    "id", "name", "created_at", "created_by", "outsourcer_id", "client_id", "first_day",
    "summary")]


def insert_plan(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(saved_plans).values(**row))


def list_plans(conn: Connection, where: ColumnElement[bool], limit: int = 200
               ) -> list[dict[str, Any]]:
    """Newest first, without the files, each with the names of the files it holds."""
    has = [saved_plans.c[name].isnot(None).label(f"has_{name}") for name in FILES]
    rows = conn.execute(select(*_HEADER, *has).where(where)
                        .order_by(saved_plans.c.created_at.desc(), saved_plans.c.id)
                        .limit(limit)).mappings()
    return [_header(dict(r)) for r in rows]


def get_plan(conn: Connection, plan_id: str, where: ColumnElement[bool] = true()
             ) -> dict[str, Any] | None:
    row = conn.execute(select(saved_plans).where(saved_plans.c.id == plan_id, where)
                       ).mappings().first()
    if row is None:
        return None
    out = dict(row)
    for name in FILES:
        out[f"has_{name}"] = out[name] is not None
    return out


def delete_plan(conn: Connection, plan_id: str) -> bool:
    return bool(conn.execute(delete(saved_plans).where(saved_plans.c.id == plan_id)).rowcount)


def _header(row: dict[str, Any]) -> dict[str, Any]:
    row["files"] = [name.removesuffix("_csv") for name in FILES if row.pop(f"has_{name}")]
    return row
