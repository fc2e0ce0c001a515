"""Saved plans: keep the files of a run of the planning chain (forecast, staffing plan,
shifts, coverage, replay) and a summary, to reopen and share them.

Tenancy: a plan belongs to the tenant of whoever saves it — their outsourcer (managers and
supervisors), their client (client viewers), or the federation (admins). Its tenant and
admins see it; another tenant's plan is a 404. It is deleted by an admin, by whoever saved
it, or by a manager of its outsourcer. Each call is one transaction; a refused save stores
nothing.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import ColumnElement, Engine, false, true

from renfort.domain.clock import Clock, to_iso
from renfort.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from renfort.domain.ids import new_id
from renfort.services import access
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import planning_repository as prepo
from renfort.store.planning_tables import saved_plans

SAVERS = (Role.OUTSOURCER_MANAGER, Role.SUPERVISOR, Role.CLIENT_VIEWER)
FILES = {name.removesuffix("_csv"): name for name in prepo.FILES}
"""Artefact name (``forecast``, ``staffing``, ``shifts``, ``coverage``, ``replay``) →
column."""
MAX_FILE = 5_000_000
MAX_SUMMARY = 100_000


class SavedPlanService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def save(self, who: Principal, name: str, files: dict[str, str | None],
             summary: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store the files given (at least one) under *name*; returns the plan's header."""
        access.require(who, *SAVERS)
        name = name.strip()
        if not 1 <= len(name) <= 200:
            raise ValidationError("name: 1 to 200 characters", {"field": "name"},
                                  reason="plan-name")
        unknown = sorted(set(files) - set(FILES))
        if unknown:
            raise ValidationError(f"unknown file {unknown[0]!r} (one of {', '.join(FILES)})",
                                  {"field": unknown[0]}, reason="plan-file-unknown")
        kept = {FILES[k]: v for k, v in files.items() if v is not None and v.strip()}
        if not kept:
            raise ValidationError("a plan holds at least one file", {"field": "files"},
                                  reason="plan-no-file")
        for column, text in kept.items():
            if len(text.encode("utf-8")) > MAX_FILE:
                raise ValidationError(f"{column.removesuffix('_csv')}: larger than 5 MB",
                                      {"field": column.removesuffix("_csv")},
                                      reason="file-too-large", values={"mb": 5})
            if "," not in text.splitlines()[0]:
                raise ValidationError(f"{column.removesuffix('_csv')}: not a CSV file",
                                      {"field": column.removesuffix("_csv")}, reason="not-csv")
        summary = summary or {}
        if len(repr(summary)) > MAX_SUMMARY:
            raise ValidationError("summary: too large", {"field": "summary"},
                                  reason="summary-too-large")
        row: dict[str, Any] = {
            "id": new_id(), "name": name, "created_at": self._clock.now(),
            "created_by": who.username,
            "outsourcer_id": who.outsourcer_id if who.role in OUTSOURCER_ROLES else None,
            "client_id": who.client_id if who.role is Role.CLIENT_VIEWER else None,
            "first_day": _first_day(kept.get("forecast_csv") or kept.get("staffing_csv")),
            "summary": summary, **{c: None for c in prepo.FILES}, **kept}
        with self._engine.begin() as conn:
            prepo.insert_plan(conn, row)
            plan = prepo.get_plan(conn, row["id"])
        assert plan is not None
        return _out(plan)

    def list(self, who: Principal) -> list[dict[str, Any]]:
        """The plans the caller may see, newest first (headers only)."""
        access.require(who, *SAVERS)
        with self._engine.connect() as conn:
            return [_out(r) for r in prepo.list_plans(conn, _visible(who))]

    def get(self, who: Principal, plan_id: str) -> dict[str, Any]:
        access.require(who, *SAVERS)
        with self._engine.connect() as conn:
            return _out(self._plan(conn, who, plan_id))

    def file(self, who: Principal, plan_id: str, artefact: str) -> str:
        """One file of a plan (404 when the plan does not hold it)."""
        access.require(who, *SAVERS)
        column = FILES.get(artefact)
        if column is None:
            raise NotFoundError(f"no file {artefact!r} in a plan", {"file": artefact},
                                reason="plan-file-unknown")
        with self._engine.connect() as conn:
            text = self._plan(conn, who, plan_id)[column]
        if text is None:
            raise NotFoundError(f"this plan has no {artefact} file", {"file": artefact},
                                reason="plan-file-missing")
        return str(text)

    def delete(self, who: Principal, plan_id: str) -> None:
        access.require(who, *SAVERS)
        with self._engine.begin() as conn:
            plan = self._plan(conn, who, plan_id)
            allowed = (who.role is Role.ADMIN or plan["created_by"] == who.username
                       or (who.role is Role.OUTSOURCER_MANAGER
                           and plan["outsourcer_id"] == who.outsourcer_id))
            if not allowed:
                raise PermissionDeniedError("only an admin, whoever saved the plan or a "
                                            "manager of its outsourcer can delete it", {},
                                            reason="plan-not-yours")
            prepo.delete_plan(conn, plan_id)

    @staticmethod
    def _plan(conn: Any, who: Principal, plan_id: str) -> dict[str, Any]:
        plan = prepo.get_plan(conn, plan_id, _visible(who))
        if plan is None:
            raise NotFoundError("unknown plan", {"plan": plan_id}, reason="plan-unknown")
        return plan


def _visible(who: Principal) -> ColumnElement[bool]:
    c = saved_plans.c
    if who.role is Role.ADMIN:
        return true()
    if who.role in OUTSOURCER_ROLES:
        return c.outsourcer_id == who.outsourcer_id
    if who.role is Role.CLIENT_VIEWER:
        return c.client_id == who.client_id
    return false()


def _first_day(text: str | None) -> str | None:
    if not text:
        return None
    reader = csv.DictReader(io.StringIO(text))
    first = next(reader, None)
    start = (first or {}).get("interval_start") or ""
    return start[:10] if len(start) >= 10 else None


def _out(plan: dict[str, Any]) -> dict[str, Any]:
    files = plan.get("files")
    if files is None:
        files = [name for name, column in FILES.items() if plan.get(f"has_{column}")]
    return {"id": plan["id"], "name": plan["name"], "created_at": to_iso(plan["created_at"]),
            "created_by": plan["created_by"], "outsourcer_id": plan["outsourcer_id"],
            "client_id": plan["client_id"], "first_day": plan["first_day"],
            "files": files, "summary": plan["summary"]}
