"""Administration (``/admin``): outsourcers, clients, queues, contracts, sites, agents and
users — lists and create/edit forms over the catalog service, within the caller's tenant.

Forms are described once (:data:`FORMS`), rendered by one template, checked by the JSON
API's own request models, and saved by the same :class:`Catalog` use cases.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from renfort.api.deps import RuntimeDep
from renfort.api.schemas import (
    AgentIn,
    ClientIn,
    ContractIn,
    OutsourcerIn,
    QueueIn,
    RoleIn,
    SiteIn,
    UserIn,
)
from renfort.bootstrap import Runtime
from renfort.domain.errors import RenfortError, ValidationError
from renfort.domain.model import Channel, Sector, TeleworkRule, WorkPlace
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import HUMAN_ROLES, Principal, Role
from renfort.web import admin_cells
from renfort.web.listing import paged, picked
from renfort.web.refusals import invalid_input, refusal
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text, page
from renfort.web.templating import message, render

router = APIRouter(prefix="/admin", dependencies=[Depends(check_origin)])
ADMIN_TABS = ("outsourcers", "clients", "queues", "contracts", "sites", "agents", "users",
              "privacy")
"""``privacy`` is its own page (:mod:`renfort.web.pages.privacy`)."""
MANAGER_TABS = ("sites", "agents", "users")
BODIES: dict[str, type[BaseModel]] = {
    "outsourcers": OutsourcerIn, "clients": ClientIn, "queues": QueueIn,
    "contracts": ContractIn, "sites": SiteIn, "agents": AgentIn, "users": UserIn,
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    """text, number, select, checks (several values), password, picker (a select with a
    search that asks the server for matching choices)."""
    required: bool = True
    options: str | None = None
    """Where the choices come from: an enum name or a catalog kind."""
    admin_only: bool = False
    step: str = "any"


FORMS: dict[str, tuple[Field, ...]] = {
    "outsourcers": (Field("slug"), Field("name")),
    "clients": (Field("slug"), Field("name"), Field("sector", "select", options="sector"),
                Field("priority", "number", required=False, step="1"),
                Field("public", "select", options="yesno")),
    "queues": (Field("slug"), Field("name"), Field("client", "select", options="clients"),
               Field("channels", "checks", options="channel"), Field("skill"),
               Field("sl_target", "number"), Field("sl_seconds", "number"),
               Field("overflow_after_seconds", "number", required=False),
               Field("telework", "select", options="telework"),
               Field("language", required=False),
               Field("public", "select", options="yesno")),
    "contracts": (Field("client", "select", options="clients"),
                  Field("outsourcer", "select", options="outsourcers"),
                  Field("queues", "checks", options="queues"),
                  Field("sl_target", "number"), Field("sl_seconds", "number"),
                  Field("volume_share", "number")),
    "sites": (Field("slug"), Field("name"),
              Field("outsourcer", "select", options="outsourcers", admin_only=True),
              Field("seats", "number", step="1")),
    "agents": (Field("name"), Field("outsourcer", "select", options="outsourcers",
                                    admin_only=True),
               Field("skills"), Field("languages", required=False),
               Field("works_from", "select", options="workplace"),
               Field("site", "select", required=False, options="sites")),
    "users": (Field("username"), Field("password", "password"),
              Field("role", "select", options="role"),
              Field("outsourcer", "select", required=False, options="outsourcers"),
              Field("client", "select", required=False, options="clients"),
              Field("agent", "picker", required=False, options="agents")),
}
ROLE_FIELDS = (Field("role", "select", options="role"),
               Field("outsourcer", "select", required=False, options="outsourcers"),
               Field("client", "select", required=False, options="clients"),
               Field("agent", "picker", required=False, options="agents"))
"""What changes on an existing user: the role and its tenant (the password never shows)."""
COLUMNS: dict[str, tuple[str, ...]] = {
    "outsourcers": ("slug", "name"),
    "clients": ("slug", "name", "sector", "priority_override", "public"),
    "queues": ("slug", "name", "client", "channels", "skill", "sl_target", "sl_seconds",
               "telework", "language", "public"),
    "contracts": ("client", "outsourcer", "queue_ids", "sl_target", "sl_seconds",
                  "volume_share"),
    "sites": ("slug", "name", "outsourcer", "seats"),
    "agents": ("name", "outsourcer", "skills", "works_from", "site_id"),
    "users": ("username", "role", "outsourcer_id", "client_id", "agent_id"),
}
ENUMS: dict[str, list[str]] = {
    "sector": [str(s) for s in Sector], "channel": [str(c) for c in Channel],
    "telework": [str(t) for t in TeleworkRule], "workplace": [str(w) for w in WorkPlace],
    "yesno": ["false", "true"],
}


def tabs_for(who: Principal) -> tuple[str, ...]:
    return ADMIN_TABS if who.role is Role.ADMIN else MANAGER_TABS


def _options(catalog: Catalog, who: Principal, source: str | None) -> list[tuple[str, str]]:
    if source is None:
        return []
    if source == "role":
        roles = HUMAN_ROLES if who.role is Role.ADMIN else (Role.SUPERVISOR, Role.AGENT)
        return [(str(r), message(f"role.{r}")) for r in roles]
    if source in ENUMS:
        return [(v, message(f"enum.{source}.{v}")) for v in ENUMS[source]]
    items = catalog.list(KINDS[source], who)
    return [(str(i["id"]), _label(source, i)) for i in items]


def _label(source: str, item: dict[str, Any]) -> str:
    name = str(item.get("name") or item.get("slug") or item["id"])
    # Agents share first names: their id tells two « Julie M. » apart.
    return f"{name} ({item['id']})" if source == "agents" else name


def _form_values(kind: str, item: dict[str, Any] | None) -> dict[str, Any]:
    """An entity as the form shows it (references by slug, lists as text)."""
    if item is None:
        return {"sl_target": 0.8, "sl_seconds": 60, "volume_share": 1.0, "languages": "fr",
                "works_from": "site", "telework": "allowed", "channels": ["voice"],
                "public": "false"}
    values = dict(item)
    if "public" in values:
        values["public"] = "true" if values["public"] else "false"
    if kind == "agents":
        values["skills"] = ", ".join(f"{k}:{v}" for k, v in item["skills"].items())
        values["languages"] = ", ".join(item["languages"])
    if kind == "contracts":
        values["queues"] = item["queue_ids"]
    if kind == "clients":
        values["priority"] = item.get("priority_override")
    return values


def _parse(kind: str, form: Any, who: Principal, existing: dict[str, Any] | None
           ) -> dict[str, Any]:
    """Form fields → the JSON API's body, validated by the API's own model."""
    data: dict[str, Any] = {}
    for field in FORMS[kind]:
        if field.admin_only and who.role is not Role.ADMIN:
            continue
        if field.kind == "checks":
            data[field.name] = form.getlist(field.name)
            continue
        raw = str(form.get(field.name) or "").strip()
        if not raw:
            if field.required:
                raise refusal(message("admin.required", field=message(
                    f"field.{field.name}")), {"field": field.name})
            continue
        data[field.name] = raw
    if kind == "agents":
        data["skills"] = _skills(data.get("skills", ""))
        data["languages"] = [x.strip() for x in str(data.get("languages", "fr")).split(",")
                             if x.strip()] or ["fr"]
        if existing:
            data["capacity"] = existing.get("capacity")
    if kind == "queues" and existing:
        data["bullseye"] = existing.get("bullseye")
    if existing and "id" not in data and kind != "users":
        data["id"] = existing["id"]
    try:
        body = BODIES[kind].model_validate(data)
    except PydanticError as error:
        raise invalid_input(error.errors()) from None
    return body.model_dump()


def _skills(text: str) -> dict[str, int]:
    skills: dict[str, int] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, _, level = part.partition(":")
        try:
            skills[name.strip()] = int(level.strip() or "3")
        except ValueError:
            raise refusal(message("admin.bad_skills"), {"field": "skills"}) from None
    if not skills:
        raise refusal(message("admin.bad_skills"), {"field": "skills"})
    return skills


def _row_text(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], str]:
    """What a search looks through: the row's shown cells."""
    def text(row: dict[str, Any]) -> str:
        return " ".join([*(str(row.get(c) or "") for c in ("id", *columns)), *row["cells"]])
    return text


def _listing(rt: Runtime, who: Principal, kind: str, q: str = "", page_number: int = 1
             ) -> dict[str, Any]:
    catalog = Catalog(rt.engine)
    columns = COLUMNS[kind]
    known = admin_cells.names(catalog, who, admin_cells.referred_kinds(columns))
    rows = [{**item, "cells": [admin_cells.cell(c, item.get(c), known) for c in columns]}
            for item in catalog.list(KINDS[kind], who)]
    return {"page": paged(rows, q, page_number, _row_text(columns)), "columns": columns}


def _form(rt: Runtime, who: Principal, kind: str, item: dict[str, Any] | None
          ) -> dict[str, Any]:
    catalog = Catalog(rt.engine)
    fields = [f for f in FORMS[kind] if not (f.admin_only and who.role is not Role.ADMIN)]
    if item is not None and kind == "users":
        fields = list(ROLE_FIELDS)
    return {"fields": fields, "options": {f.name: _options(catalog, who, f.options)
                                          for f in fields},
            "values": _form_values(kind, item), "item": item}


async def _render(request: Request, rt: Runtime, who: Principal, kind: str,
                  item: dict[str, Any] | None = None, notice: str | None = None,
                  error: str | None = None, values: dict[str, Any] | None = None,
                  status_code: int = 200, q: str = "", page_number: int = 1
                  ) -> HTMLResponse:
    listing = await asyncio.to_thread(_listing, rt, who, kind, q, page_number)
    form = await asyncio.to_thread(_form, rt, who, kind, item)
    if values is not None:
        form["values"] = values
    return page(request, "admin/page.html", who, "admin",
                {"kind": kind, "tabs": tabs_for(who), "listing": listing, "form": form,
                 "notice": notice, "error": error}, status_code=status_code)


def _kind(who: Principal, kind: str) -> str:
    allow(who, "admin")
    if kind not in tabs_for(who) or kind not in FORMS:
        raise ValidationError(f"unknown section {kind!r}", {"field": "kind"},
                              reason="unknown-section")
    return kind


@router.get("")
def admin_home(who: WebPrincipal) -> Response:
    allow(who, "admin")
    return RedirectResponse(f"/admin/{tabs_for(who)[0]}", status_code=303)


@router.get("/pick/{source}")
async def pick(source: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
               q: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    """A picker's choices matching ``q`` (agents, within the caller's tenant), as
    ``<option>`` elements for the form's select."""
    allow(who, "admin")
    if source != "agents":
        raise ValidationError(f"unknown list {source!r}", {"field": "source"},
                              reason="unknown-list")
    choices = await asyncio.to_thread(_options, Catalog(rt.engine), who, source)
    return render(request, "picker_options.html", {
        "choices": picked(choices, q, lambda c: f"{c[1]} {c[0]}")})


@router.get("/{kind}")
async def section(kind: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                  saved: int = 0, deleted: int = 0, q: str = "",
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """A section's form and its list, searched (``q``) and paged (``page``)."""
    _kind(who, kind)
    notice = message("common.saved") if saved else message("common.deleted") if deleted \
        else None
    return await _render(request, rt, who, kind, notice=notice, q=q, page_number=page)


@router.get("/{kind}/{ref}")
async def edit_form(kind: str, ref: str, request: Request, rt: RuntimeDep,
                    who: WebPrincipal) -> HTMLResponse:
    _kind(who, kind)
    try:
        item = await asyncio.to_thread(Catalog(rt.engine).get, KINDS[kind], who, ref)
    except RenfortError as error:
        return await _render(request, rt, who, kind, error=error_text(error))
    return await _render(request, rt, who, kind, item=item)


async def _save(request: Request, rt: Runtime, who: Principal, kind: str,
                ref: str | None) -> Response:
    catalog = Catalog(rt.engine)
    existing = None
    async with request.form() as form:
        raw_values: dict[str, Any] = {k: (form.getlist(k) if len(form.getlist(k)) > 1 else v)
                      for k, v in form.items()}
        try:
            if ref is not None:
                existing = await asyncio.to_thread(catalog.get, KINDS[kind], who, ref)
            if kind == "users" and ref is not None:
                await asyncio.to_thread(_change_role, rt, who, ref, _role_change(form))
                return RedirectResponse(f"/admin/{kind}?saved=1", status_code=303)
            data = _parse(kind, form, who, existing)
            if kind == "users":
                await asyncio.to_thread(_create_user, rt, who, data)
            else:
                await rt.routing_config.save(KINDS[kind], who, data, ref)
        except RenfortError as error:
            for name in ("channels", "queues"):
                if name in raw_values and not isinstance(raw_values[name], list):
                    raw_values[name] = [raw_values[name]]
            return await _render(request, rt, who, kind, item=existing,
                                 error=error_text(error), values=raw_values)
    return RedirectResponse(f"/admin/{kind}?saved=1", status_code=303)


def _role_change(form: Any) -> RoleIn:
    data = {f.name: str(form.get(f.name) or "").strip() or None for f in ROLE_FIELDS}
    try:
        return RoleIn.model_validate(data)
    except PydanticError as error:
        raise invalid_input(error.errors()) from None


def _change_role(rt: Runtime, who: Principal, ref: str, change: RoleIn) -> None:
    """The same checks as ``PUT /api/v1/users/{ref}/role``; the user's sessions end."""
    catalog = Catalog(rt.engine)
    outsourcer = change.outsourcer or (who.outsourcer_id if change.role is Role.SUPERVISOR
                                       else None)
    user_id = catalog.check_role_change(who, ref, change.role, outsourcer, change.agent)
    rt.auth.change_role(user_id, change.role, outsourcer=outsourcer, client=change.client,
                        agent=change.agent)


def _create_user(rt: Runtime, who: Principal, data: dict[str, Any]) -> None:
    catalog = Catalog(rt.engine)
    role = Role(data["role"])
    outsourcer = data.get("outsourcer") or (who.outsourcer_id if role is Role.SUPERVISOR
                                            else None)
    catalog.check_user_write(who, role, outsourcer, data.get("agent"))
    rt.auth.create_user(data["username"], data["password"], role, outsourcer=outsourcer,
                        client=data.get("client"), agent=data.get("agent"))


@router.post("/{kind}")
async def create(kind: str, request: Request, rt: RuntimeDep, who: WebPrincipal) -> Response:
    return await _save(request, rt, who, _kind(who, kind), None)


@router.post("/{kind}/{ref}")
async def replace(kind: str, ref: str, request: Request, rt: RuntimeDep,
                  who: WebPrincipal) -> Response:
    return await _save(request, rt, who, _kind(who, kind), ref)


@router.post("/{kind}/{ref}/delete")
async def delete(kind: str, ref: str, request: Request, rt: RuntimeDep,
                 who: WebPrincipal) -> Response:
    _kind(who, kind)
    try:
        deleted = await rt.routing_config.delete(KINDS[kind], who, ref)
        if kind == "users":
            rt.auth.revoke_user(deleted)
    except RenfortError as error:
        return await _render(request, rt, who, kind, error=error_text(error))
    return RedirectResponse(f"/admin/{kind}?deleted=1", status_code=303)
