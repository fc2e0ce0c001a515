"""The authorisation matrix, generated from the OpenAPI document.

Every operation the API documents has a rule below: which roles may call it on a resource
of their own tenant, and which on another tenant's. The test sends every operation as every
role (and anonymously), on its own tenant's resource and on another's, and checks the
answer: allowed → one of the rule's success codes (a state conflict, 409, counts as allowed:
the caller got past the tenant checks); anonymous → 401; any other refusal → 403 or 404,
with nothing stored. A route added without a rule fails :func:`test_every_route_has_a_rule`.

The principals all belong to one side: Atlantique (outsourcer), the numéro vert (client)
and its knowledge base. The other side is Azur, Nordcom's health queue and the bank, none of
which Atlantique, the hotline's viewer, its editor or its integration key may reach.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from renfort.api.app import create_app
from renfort.config import Settings
from renfort.demo.history import demo_history
from renfort.domain.clock import ManualClock
from renfort.store import operations_tables as o
from renfort.store import tables as t
from tests.conftest import T0

ROLES = ("anonymous", "admin", "outsourcer_manager", "supervisor", "agent", "client_viewer",
         "knowledge_editor", "integration", "staff_rep")
USERS = {"admin": "admin", "outsourcer_manager": "manager-atlantique",
         "supervisor": "sup-atlantique", "agent": "agent-hotline",
         "client_viewer": "client-numero-vert", "knowledge_editor": "editor",
         "staff_rep": "rep-atlantique"}
A, M, S, G = "admin", "outsourcer_manager", "supervisor", "agent"
C, E, KEY, ANON = "client_viewer", "knowledge_editor", "integration", "anonymous"
P = "staff_rep"
LOGGED = frozenset(ROLES) - {ANON}
EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
SEATS = "seat_id,x,y,zone\nS1,0,0,a\nS2,3,0,a\nS3,6,0,a\nS4,9,0,a\n"
FORECAST = ("queue,interval_start,interval_minutes,volume,aht_seconds,patience_seconds\n"
            "hotline-general,2020-03-17T09:00:00+01:00,30,100,300,120\n")
SCENARIO = {"name": "matrix", "interval_minutes": 60, "intervals": 1, "drain_minutes": 30,
            "queues": [{"slug": "q", "arrivals": {"rates_per_hour": 20},
                        "handle_time": {"kind": "fixed", "value": 120}}],
            "agents": [{"name": "team", "skills": {"q": 3}, "count": 3}]}
_serial = itertools.count(1)


def _n() -> int:
    return next(_serial)


World = dict[str, str]
"""The resources of one side, by kind (``site``, ``queue``, ``contact_held``…)."""


@dataclass
class Call:
    """What one cell sends (all optional)."""

    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    data: dict[str, str] | None = None
    content: str | None = None
    content_type: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] | None = None
    """Replaces the principal's credentials (a fresh session to close, say)."""


@dataclass(frozen=True)
class Rule:
    own: frozenset[str]
    """Roles allowed on their own side's resource (or on the route, when it names none)."""
    other: frozenset[str] | None = None
    """Roles allowed on the other side's resource; ``None``: the route names no tenant."""
    ok: frozenset[int] = frozenset({200})
    denied: frozenset[int] = frozenset({403, 404})
    ref: str = ""
    """What ``{ref}`` names in the path: a key of the world."""
    call: Callable[[Matrix, World, str], Call] | None = None
    stream: bool = False
    """An event stream: only its refusals are checked here (the live tests read streams)."""
    shared: frozenset[str] | None = None
    """Roles allowed on a contact of a queue Atlantique serves with other outsourcers, held
    by another outsourcer's agent: visible to Atlantique, never acted on in that agent's
    name."""


def R(own: frozenset[str] | set[str], other: frozenset[str] | set[str] | None = None, *,
      ok: set[int] | None = None, denied: set[int] | None = None, ref: str = "",
      call: Callable[[Matrix, World, str], Call] | None = None,
      stream: bool = False, shared: set[str] | None = None) -> Rule:
    return Rule(frozenset(own), None if other is None else frozenset(other),
                frozenset(ok or {200}), frozenset(denied or {403, 404}), ref, call, stream,
                None if shared is None else frozenset(shared))


OK_CREATED = {201}
OK_STATE = {200, 409}
OK_ACTION = {200, 409, 422}


class Matrix:
    """The application, its principals' credentials and the two worlds."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.headers: dict[str, dict[str, str]] = {ANON: {}}
        for role, username in USERS.items():
            self.headers[role] = self.bearer(username)
        key = client.app.state.runtime.auth.create_api_key(  # type: ignore[attr-defined]
            "matrix", "numero-vert")
        self.headers[KEY] = {"X-API-Key": key}
        self.own: World = {}
        self.other: World = {}
        self.shared: World = {}

    def bearer(self, username: str) -> dict[str, str]:
        reply = self.client.post("/api/v1/auth/token", data={
            "username": username, "password": f"{username}-demo"})
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['access_token']}"}

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        self.client.cookies.clear()
        headers = {**self.headers[A], **kwargs.pop("headers", {})}
        reply = self.client.request(method, path, headers=headers, **kwargs)
        assert reply.status_code < 300, (method, path, reply.text)
        return reply.json() if reply.content else None

    def as_(self, role: str, method: str, path: str, **kwargs: Any) -> Any:
        self.client.cookies.clear()
        reply = self.client.request(method, path, headers=self.headers[role], **kwargs)
        assert reply.status_code < 300, (role, method, path, reply.text)
        return reply.json() if reply.content else None


# ---------------------------------------------------------------------- request builders

def _replace(kind: str, key: str, fields: tuple[str, ...],
             extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None
             ) -> Callable[[Matrix, World, str], Call]:
    """PUT the entity (``w[key]``) as it is: idempotent."""
    def build(m: Matrix, w: World, role: str) -> Call:
        item = m.admin("GET", f"/api/v1/{kind}/{w[key]}")
        body = {k: item[k] for k in fields if k in item}
        body.update(extra(item) if extra else {})
        return Call(json=body)
    return build


def _agent_body(item: dict[str, Any]) -> dict[str, Any]:
    return {"outsourcer": item["outsourcer"], "site": item["site_id"]}


def _contract_body(item: dict[str, Any]) -> dict[str, Any]:
    return {"client": item["client"], "outsourcer": item["outsourcer"],
            "queues": item["queue_ids"]}


def _fresh_contract(m: Matrix, w: World, role: str) -> Call:
    queue = "hotline-callback" if w is m.own else "bank-accounts"
    made = m.admin("POST", "/api/v1/contracts", json={
        "id": f"ct-matrix-{_n()}", "client": w["client"], "outsourcer": w["outsourcer_of_client"],
        "queues": [queue]})
    return Call(params={"ref": made["id"]})


def _fresh_waiver(m: Matrix, w: World, role: str) -> Call:
    made = m.admin("POST", "/api/v1/waivers", json=_waiver_body(w))
    return Call(params={"ref": made["id"]})


def _waiver_body(w: World) -> dict[str, Any]:
    return {"client": w["client"], "queues": [w["queue"]], "conditions": "VPN",
            "valid_from": "2020-03-17T00:00:00Z", "valid_to": "2020-04-17T00:00:00Z"}


def _fresh_user(m: Matrix, w: World, role: str) -> Call:
    made = m.admin("POST", "/api/v1/users", json={
        "username": f"tmp-{_n()}", "password": "temporary-pass", "role": "supervisor",
        "outsourcer": w["outsourcer"]})
    return Call(params={"ref": made["id"]})


def _fresh_session(m: Matrix, w: World, role: str) -> Call:
    if role in USERS:
        return Call(headers=m.bearer(USERS[role]))
    return Call()


def _fresh_article(m: Matrix, w: World, role: str) -> Call:
    ref = f"matrix-{_n()}"
    m.admin("POST", f"/api/v1/kb/{w['client']}/articles", json={**ARTICLE, "id": ref})
    return Call(params={"ref": ref, "number": "1"})


ARTICLE = {"question": "Une question de test ?", "answer": "Une réponse.",
           "category": "divers", "source": "Gouvernement", "source_date": "2020-03-17"}


TOMORROW_CALLBACK = {"number": "+33 6 00 00 00 01", "window_start": "2020-03-18T14:00:00+01:00",
                     "window_end": "2020-03-18T15:00:00+01:00"}
"""Never due while the matrix runs (its clock stands still): the desk's timer leaves it."""

REDIRECT_ENTRY = {"label": "Ligne d'écoute", "numbers": [{"label": "Écoute",
                                                          "number": "0800858858"}],
                  "hours": "tous les jours", "message": "Vous pouvez en parler : 0800858858.",
                  "source": "Croix-Rouge française"}


def _fresh_flag(m: Matrix, w: World, role: str) -> Call:
    """A flag not yet acknowledged, on the side's client."""
    runtime = m.client.app.state.runtime  # type: ignore[attr-defined]
    client_id = m.admin("GET", f"/api/v1/clients/{w['client']}")["id"]
    with runtime.engine.begin() as conn:
        event = runtime.flags.raise_flag(
            conn, client_id=client_id, origin="agent", raised_by="matrix", key="medical",
            label="medical", rule=None, text="test")
    return Call(params={"flag_id": str(event.data["flag"])})


_CHAIN: dict[str, str] = {}


def _chain(m: Matrix) -> dict[str, str]:
    """A history and what the planning chain makes of it (made once, by the admin)."""
    if _CHAIN:
        return _CHAIN
    history = demo_history(date(2020, 3, 17))
    forecast = m.admin("POST", "/api/v1/plans/forecast", json={
        "history": history, "start": "2020-03-17", "days": 1})
    rows = [{k: row[k] for k in ("queue", "interval_start", "interval_minutes", "volume",
                                 "aht_seconds", "patience_seconds")}
            for row in forecast["rows"]]
    plan = m.admin("POST", "/api/v1/plans/staffing", json={"rows": rows})
    columns = ["queue", "interval_start", "interval_minutes", "volume", "aht_seconds",
               "agents", "scheduled_heads"]
    staffing = "\n".join([",".join(columns)] + [",".join(str(row[c]) for c in columns)
                                                for row in plan["rows"]]) + "\n"
    m.client.cookies.clear()
    shifts = m.client.post("/api/v1/plans/schedule?format=shifts.csv", headers=m.headers[A],
                           json={"staffing": staffing, "seat_cap": 10, "time_limit": 1}).text
    forecast_csv = m.client.post("/api/v1/plans/forecast?format=csv", headers=m.headers[A],
                                 json={"history": history, "start": "2020-03-17"}).text
    _CHAIN.update(history=history, staffing=staffing, shifts=shifts, forecast=forecast_csv)
    return _CHAIN


def _plan_of(m: Matrix, w: World, role: str) -> Call:
    """A plan of the side's tenant: the role's own on its side, Azur's manager's on the
    other."""
    savers = {M: "manager-atlantique", S: "sup-atlantique", C: "client-numero-vert"}
    username = savers.get(role, "manager-atlantique") if w is m.own else "manager-azur"
    m.client.cookies.clear()
    made = m.client.post("/api/v1/plans/saved", headers=m.bearer(username), json={
        "name": f"plan-{_n()}", "forecast": "queue,interval_start\n"}).json()
    return Call(params={"plan_id": made["id"]})


def _checkin(m: Matrix, w: World, role: str) -> Call:
    return Call(json={"agent": "me" if role == G else w["agent"], "seat": "S1"})


def _checkout(m: Matrix, w: World, role: str) -> Call:
    return Call(json={"agent": "me" if role == G else w["agent"]})


def _body(value: Any) -> Callable[[Matrix, World, str], Call]:
    return lambda m, w, role: Call(json=value(w) if callable(value) else value)


# ---------------------------------------------------------------------- the rules

READ_OWN_SITE = {A, M, S, G, P}
SEATING = {A, M, S, G}
STAFF = {A, M, S}
HOTLINE_READERS = LOGGED - {E, P}
NO_REP = LOGGED - {P}
HISTORY = {A, E, C}

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): R(EVERYONE),
    ("GET", "/readyz"): R(EVERYONE),
    ("GET", "/livez"): R(EVERYONE),
    ("POST", "/api/v1/auth/token"): R(EVERYONE, call=lambda m, w, r: Call(
        data={"username": "admin", "password": "admin-demo"})),
    ("POST", "/api/v1/auth/session"): R(EVERYONE, call=_body(
        {"username": "admin", "password": "admin-demo"})),
    ("DELETE", "/api/v1/auth/session"): R(EVERYONE, ok={204}, call=_fresh_session),
    ("GET", "/api/v1/auth/me"): R(LOGGED),
    # -- the federation's reference data
    ("GET", "/api/v1/outsourcers"): R(LOGGED),
    ("POST", "/api/v1/outsourcers"): R({A}, ok=OK_CREATED, call=lambda m, w, r: Call(
        json={"slug": f"os-matrix-{_n()}", "name": "Nouveau"})),
    ("GET", "/api/v1/outsourcers/{ref}"): R({A, M, S, G, C, P}, {A}, ref="outsourcer"),
    ("PUT", "/api/v1/outsourcers/{ref}"): R({A}, {A}, ref="outsourcer", call=_replace(
        "outsourcers", "outsourcer_ref", ("slug", "name"))),
    ("DELETE", "/api/v1/outsourcers/{ref}"): R({A}, {A}, ok={204, 409}, ref="outsourcer"),
    ("GET", "/api/v1/clients"): R(LOGGED),
    ("POST", "/api/v1/clients"): R({A}, ok=OK_CREATED, call=lambda m, w, r: Call(
        json={"slug": f"cl-matrix-{_n()}", "name": "Nouveau", "sector": "other"})),
    ("GET", "/api/v1/clients/{ref}"): R(LOGGED, {A}, ref="client"),
    ("PUT", "/api/v1/clients/{ref}"): R({A}, {A}, ref="client", call=_replace(
        "clients", "client", ("slug", "name", "sector", "public"),
        lambda item: {"priority": item["priority_override"]})),
    ("DELETE", "/api/v1/clients/{ref}"): R({A}, {A}, ok={409}, ref="client"),
    ("GET", "/api/v1/queues"): R(LOGGED),
    ("POST", "/api/v1/queues"): R({A}, ok=OK_CREATED, call=lambda m, w, r: Call(json={
        "slug": f"q-matrix-{_n()}", "client": "numero-vert", "name": "File",
        "channels": ["voice"], "skill": "covid-info"})),
    ("GET", "/api/v1/queues/{ref}"): R(HOTLINE_READERS, {A}, ref="queue"),
    ("PUT", "/api/v1/queues/{ref}"): R({A}, {A}, ref="queue", call=_replace(
        "queues", "queue", ("slug", "client", "name", "channels", "skill", "sl_target",
                            "sl_seconds", "overflow_after_seconds", "telework", "bullseye",
                            "language", "public"))),
    ("DELETE", "/api/v1/queues/{ref}"): R({A}, {A}, ok={409}, ref="queue"),
    ("GET", "/api/v1/contracts"): R(LOGGED),
    ("POST", "/api/v1/contracts"): R({A}, ok=OK_CREATED, call=_body({
        "client": "phare-assurances", "outsourcer": "azur", "queues": ["insurance-claims"]})),
    ("GET", "/api/v1/contracts/{ref}"): R({A, C, M, S}, {A}, ref="contract"),
    ("PUT", "/api/v1/contracts/{ref}"): R({A}, {A}, ref="contract", call=_replace(
        "contracts", "contract", ("sl_target", "sl_seconds", "volume_share"), _contract_body)),
    ("DELETE", "/api/v1/contracts/{ref}"): R({A}, {A}, ok={204}, call=_fresh_contract),
    ("GET", "/api/v1/sites"): R(LOGGED),
    ("POST", "/api/v1/sites"): R({A, M}, {A}, ok=OK_CREATED, call=lambda m, w, r: Call(json={
        "slug": f"site-matrix-{_n()}", "outsourcer": w["outsourcer"], "name": "Site",
        "seats": 10})),
    ("GET", "/api/v1/sites/{ref}"): R(SEATING, {A}, ref="site"),
    ("PUT", "/api/v1/sites/{ref}"): R({A, M}, {A}, ref="site", call=_replace(
        "sites", "site", ("slug", "outsourcer", "name", "seats"))),
    ("DELETE", "/api/v1/sites/{ref}"): R({A, M}, {A}, ok={409}, ref="site"),
    ("GET", "/api/v1/agents"): R(LOGGED),
    ("POST", "/api/v1/agents"): R({A, M}, {A}, ok=OK_CREATED, call=lambda m, w, r: Call(
        json={"outsourcer": w["outsourcer"], "name": "Nouvel agent", "works_from": "home",
              "skills": {"covid-info": 3}})),
    ("GET", "/api/v1/agents/{ref}"): R({A, M, S, G}, {A}, ref="agent"),
    ("PUT", "/api/v1/agents/{ref}"): R({A, M}, {A}, ref="agent", call=_replace(
        "agents", "agent", ("name", "skills", "languages", "works_from", "capacity"), _agent_body)),
    ("DELETE", "/api/v1/agents/{ref}"): R({A, M}, {A}, ok={409}, ref="agent"),
    ("GET", "/api/v1/waivers"): R(LOGGED),
    ("POST", "/api/v1/waivers"): R({A, C}, {A}, ok=OK_CREATED, call=_body(_waiver_body)),
    ("GET", "/api/v1/waivers/{ref}"): R({A, C, M, S}, {A}, ref="waiver"),
    ("PUT", "/api/v1/waivers/{ref}"): R({A, C}, {A}, ref="waiver", call=_replace(
        "waivers", "waiver", ("client", "queues", "conditions", "valid_from", "valid_to",
                    "accepted_by", "revocable"), lambda item: {"queues": item["queue_ids"]})),
    ("DELETE", "/api/v1/waivers/{ref}"): R({A, C}, {A}, ok={204}, call=_fresh_waiver),
    ("POST", "/api/v1/waivers/{ref}/revoke"): R({A, C}, {A}, ok=OK_STATE, ref="waiver"),
    ("GET", "/api/v1/users"): R(LOGGED),
    ("POST", "/api/v1/users"): R({A, M}, {A}, ok=OK_CREATED, call=lambda m, w, r: Call(
        json={"username": f"user-{_n()}", "password": "temporary-pass",
              "role": "supervisor", "outsourcer": w["outsourcer"]})),
    ("GET", "/api/v1/users/{ref}"): R({A, M}, {A}, ref="user"),
    ("DELETE", "/api/v1/users/{ref}"): R({A, M}, {A}, ok={204}, call=_fresh_user),
    ("PUT", "/api/v1/users/{ref}/role"): R({A, M}, {A}, ref="user", call=lambda m, w, r: Call(
        json={"role": "supervisor", "outsourcer": w["outsourcer"]})),
    # -- contacts
    ("POST", "/api/v1/contacts"): R({A, M, S, KEY}, {A}, ok=OK_CREATED, call=lambda m, w, r:
                                    Call(json={"queue": w["queue"], "channel": "voice",
                                               "customer_ref": "+33 6 00 00 00 00"})),
    ("GET", "/api/v1/contacts"): R(LOGGED),
    ("GET", "/api/v1/contacts/{contact_id}"): R(HOTLINE_READERS, {A},
                                                shared=HOTLINE_READERS - {G}),
    ("GET", "/api/v1/contacts/{contact_id}/messages"): R(HOTLINE_READERS, {A},
                                                         shared=HOTLINE_READERS - {G}),
    ("POST", "/api/v1/contacts/{contact_id}/messages"): R(
        {A, M, S, G, KEY}, {A}, ok={201, 409}, call=_body({"body": "Bonjour"}),
        shared={A, KEY}),
    ("POST", "/api/v1/contacts/{contact_id}/accept"): R({A, M, S, G}, {A}, ok=OK_ACTION,
                                                        shared={A}),
    ("POST", "/api/v1/contacts/{contact_id}/decline"): R({A, M, S, G}, {A}, ok=OK_ACTION,
                                                         shared={A}),
    ("POST", "/api/v1/contacts/{contact_id}/end"): R({A, M, S, G}, {A}, ok=OK_ACTION,
                                                     shared={A}),
    ("POST", "/api/v1/contacts/{contact_id}/wrap-up"): R(
        {A, M, S, G}, {A}, ok=OK_ACTION, call=_body({"disposition": "informed"}),
        shared={A}),
    ("POST", "/api/v1/contacts/{contact_id}/transfer"): R(
        {A, M, S, G}, {A}, ok=OK_ACTION, call=lambda m, w, r: Call(
            json={"queue": w["transfer_to"]}), shared={A}),
    ("POST", "/api/v1/contacts/{contact_id}/abandon"): R(
        {A, M, S, KEY}, {A}, ok=OK_STATE, call=lambda m, w, r: Call(
            params={"contact_id": w["contact_waiting"]})),
    ("POST", "/api/v1/contacts/{contact_id}/redirect"): R(
        {A, M, S, KEY}, {A}, ok=OK_STATE, call=lambda m, w, r: Call(
            params={"contact_id": w["contact_waiting"]}, json={"target": "samu-15"})),
    ("POST", "/api/v1/contacts/{contact_id}/medical-redirect"): R(
        {A, M, S, G}, {A}, ok=OK_ACTION, call=_body({"target": "medical", "transfer": False}),
        shared={A}),
    ("POST", "/api/v1/contacts/{contact_id}/callback"): R(
        {A, M, S, KEY}, {A}, ok=OK_STATE, call=lambda m, w, r: Call(
            params={"contact_id": w["contact_waiting"]})),
    ("GET", "/api/v1/contacts/{contact_id}/explain"): R(
        {A, M, S}, {A}, call=lambda m, w, r: Call(
            params={"contact_id": w["contact_live"]}, query={"agent": w["agent"]})),
    # -- agents' presence
    ("GET", "/api/v1/agents/{agent_ref}/status"): R({A, M, S, G}, {A}),
    ("POST", "/api/v1/agents/{agent_ref}/login"): R({A, M, S, G}, {A}, ok=OK_STATE),
    ("POST", "/api/v1/agents/{agent_ref}/logout"): R({A, M, S, G}, {A}, ok=OK_STATE),
    ("PUT", "/api/v1/agents/{agent_ref}/state"): R({A, M, S, G}, {A}, ok=OK_STATE,
                                                   call=_body({"state": "available"})),
    ("GET", "/api/v1/queues/{ref}/stats"): R(HOTLINE_READERS, {A}, ref="queue"),
    # -- reports: every reader gets only its tenant's rows (tests/api/test_sla_report.py)
    ("GET", "/api/v1/reports/sla"): R({A, M, S, C}, call=lambda m, w, r: Call(
        query={"from": "2020-03-17", "by": "outsourcer,queue"})),
    ("GET", "/api/v1/events"): R(LOGGED, stream=True),
    ("POST", "/api/v1/telephony/events"): R(
        {A, KEY}, {A}, ok=OK_CREATED, denied={403, 404, 422}, call=lambda m, w, r: Call(json={
            "event": "call_arrived", "call_id": f"call-{_n()}", "queue": w["queue"],
            "caller": "+33 6 00 00 00 00"})),
    # -- planning
    ("POST", "/api/v1/plans/staffing"): R({A, M, S, C}, call=lambda m, w, r: Call(
        content=FORECAST, content_type="text/csv")),
    ("POST", "/api/v1/simulations"): R({A, M, S}, call=_body(
        {"scenario": SCENARIO, "replications": 1})),
    ("POST", "/api/v1/plans/forecast"): R({A, M, S, C}, call=lambda m, w, r: Call(
        json={"history": _chain(m)["history"], "start": "2020-03-17", "days": 1})),
    ("POST", "/api/v1/plans/backtest"): R({A, M, S, C}, call=lambda m, w, r: Call(
        json={"history": _chain(m)["history"], "horizon": 2, "origins": 1})),
    ("POST", "/api/v1/plans/schedule"): R({A, M, S, C}, call=lambda m, w, r: Call(
        json={"staffing": _chain(m)["staffing"], "seat_cap": 10, "time_limit": 1})),
    ("POST", "/api/v1/plans/replay"): R({A, M, S}, call=lambda m, w, r: Call(
        json={"forecast": _chain(m)["forecast"], "schedule": _chain(m)["shifts"],
              "replications": 1})),
    ("POST", "/api/v1/plans/saved"): R({A, M, S, C}, ok=OK_CREATED, call=_body(
        {"name": "matrice", "forecast": "queue,interval_start\n"})),
    ("GET", "/api/v1/plans/saved"): R({A, M, S, C}),
    ("GET", "/api/v1/plans/saved/{plan_id}"): R({A, M, S, C}, {A}, call=_plan_of),
    ("GET", "/api/v1/plans/saved/{plan_id}/{artefact}.csv"): R(
        {A, M, S, C}, {A}, call=lambda m, w, r: Call(params={**_plan_of(m, w, r).params,
                                                             "artefact": "forecast"})),
    ("DELETE", "/api/v1/plans/saved/{plan_id}"): R({A, M, S, C}, {A}, ok={204},
                                                  call=_plan_of),
    # -- knowledge
    ("GET", "/api/v1/kb/search"): R(NO_REP, {A}, call=lambda m, w, r: Call(
        query={"q": "attestation", "client": w["client"]})),
    ("POST", "/api/v1/kb/triage"): R(NO_REP, {A}, call=lambda m, w, r: Call(
        json={"question": "Faut-il une attestation ?", "client": w["client"]})),
    ("GET", "/api/v1/kb/{client}/articles"): R(NO_REP, {A}),
    ("POST", "/api/v1/kb/{client}/articles"): R({A, E}, {A}, ok=OK_CREATED, call=lambda m, w, r:
                                                Call(json={**ARTICLE, "id": f"new-{_n()}"})),
    ("GET", "/api/v1/kb/{client}/articles/{ref}"): R(NO_REP, {A}, ref="article"),
    ("PUT", "/api/v1/kb/{client}/articles/{ref}"): R({A, E}, {A}, ok=OK_CREATED,
                                                     ref="article", call=_body(ARTICLE)),
    ("GET", "/api/v1/kb/{client}/articles/{ref}/versions"): R(HISTORY, {A}, ref="article"),
    ("GET", "/api/v1/kb/{client}/articles/{ref}/versions/{number}"): R(
        NO_REP, {A}, ref="article"),
    ("GET", "/api/v1/kb/{client}/articles/{ref}/diff"): R(
        HISTORY, {A}, ref="article", call=lambda m, w, r: Call(query={"from": "1", "to": "1"})),
    ("POST", "/api/v1/kb/{client}/articles/{ref}/versions/{number}/publish"): R(
        {A, E}, {A}, call=_fresh_article),
    ("POST", "/api/v1/kb/{client}/articles/{ref}/archive"): R({A, E}, {A},
                                                              call=_fresh_article),
    ("GET", "/api/v1/kb/{client}/self-service/report"): R(NO_REP, {A}),
    # -- safety: where each client sends what the line must not answer, flags
    ("GET", "/api/v1/kb/{client}/redirects"): R(NO_REP, {A}),
    ("GET", "/api/v1/kb/{client}/redirects/{key}/versions"): R(NO_REP, {A}, call=lambda m, w, r:
                                                              Call(params={"key": "medical"})),
    ("PUT", "/api/v1/kb/{client}/redirects/{key}"): R({A, E}, {A}, ok=OK_CREATED,
                                                     call=lambda m, w, r: Call(
        params={"key": "psychological"}, json=REDIRECT_ENTRY)),
    ("GET", "/api/v1/safety/flags"): R({A, M, S, C}),
    ("POST", "/api/v1/safety/flags/{flag_id}/acknowledge"): R({A, M, S, C}, {A},
                                                              call=_fresh_flag),
    ("POST", "/api/v1/self-service/conversations"): R(
        EVERYONE, NOBODY, ok=OK_CREATED, call=lambda m, w, r: Call(
            json={"message": "Faut-il une attestation ?", "client": w["client"]})),
    ("POST", "/api/v1/self-service/conversations/{conversation_id}/messages"): R(
        EVERYONE, NOBODY, call=_body({"message": "Et pour les enfants ?"})),
    ("POST", "/api/v1/self-service/conversations/{conversation_id}/agent"): R(
        EVERYONE, NOBODY),
    ("GET", "/api/v1/self-service/conversations/{conversation_id}"): R(EVERYONE, NOBODY),
    ("POST", "/api/v1/self-service/conversations/{conversation_id}/callback"): R(
        EVERYONE, NOBODY, ok=OK_CREATED, denied={404}, call=_body(TOMORROW_CALLBACK)),
    # -- briefings
    ("GET", "/api/v1/briefings"): R(LOGGED - {KEY}, ok={200}, denied={403, 404}),
    ("GET", "/api/v1/briefings/{briefing_id}"): R({A, M, S, C, E}, {A}),
    ("POST", "/api/v1/briefings/{briefing_id}/acknowledge"): R({G}, NOBODY, ok=OK_STATE),
    # -- callbacks
    ("GET", "/api/v1/callbacks"): R(LOGGED - {E}),
    ("GET", "/api/v1/callbacks/{callback_id}"): R({A, M, S, C, KEY}, {A}),
    # -- sites, telework, sanitary register
    ("GET", "/api/v1/occupancy"): R(READ_OWN_SITE),
    ("GET", "/api/v1/sites/{ref}/seats"): R(READ_OWN_SITE, {A}, ref="matrix_site"),
    ("PUT", "/api/v1/sites/{ref}/seats"): R({A, M}, {A}, ref="matrix_site", call=lambda m, w, r:
                                            Call(content=SEATS, content_type="text/csv",
                                                 query={"time_limit": "0"})),
    ("GET", "/api/v1/sites/{ref}/capacity"): R(READ_OWN_SITE, {A}, ref="matrix_site"),
    ("PUT", "/api/v1/sites/{ref}/distancing"): R({A, M}, {A}, ref="matrix_site", call=_body(
        {"min_distance": 2.0, "time_limit": 0})),
    ("GET", "/api/v1/sites/{ref}/plan.svg"): R(READ_OWN_SITE, {A}, ref="matrix_site"),
    ("GET", "/api/v1/sites/{ref}/shifts"): R(READ_OWN_SITE, {A}, ref="matrix_site"),
    ("POST", "/api/v1/sites/{ref}/shifts"): R(STAFF, {A}, ok=OK_CREATED, ref="matrix_site",
                                              call=_body({"label": "matin", "planned": 2,
                                                          "starts_at": "2020-03-18T07:00:00Z",
                                                          "ends_at": "2020-03-18T12:00:00Z"})),
    ("POST", "/api/v1/sites/{ref}/checkins"): R(SEATING, {A}, ok={201, 409},
                                                ref="matrix_site", call=_checkin),
    ("POST", "/api/v1/sites/{ref}/checkout"): R(SEATING, {A}, ok=OK_STATE,
                                                ref="matrix_site", call=_checkout),
    ("GET", "/api/v1/sites/{ref}/occupancy"): R(READ_OWN_SITE, {A}, ref="matrix_site"),
    ("POST", "/api/v1/sites/{ref}/exposure"): R({M}, NOBODY, ref="matrix_site",
                                                call=lambda m, w, r: Call(
                                                    json={"agent": w["agent"]})),
    ("GET", "/api/v1/sites/{ref}/exposure-traces"): R({M}, NOBODY, ref="matrix_site"),
    ("POST", "/api/v1/sites/checkins/purge"): R({A}, call=_body({"older_than_days": 30})),
    ("GET", "/api/v1/home-setups"): R(STAFF),
    ("POST", "/api/v1/agents/moves"): R({A, M}, call=lambda m, w, r: Call(json={
        "agents": [w["agent"]], "to": "site", "dry_run": True})),
    ("GET", "/api/v1/agents/{agent_ref}/home-setup"): R({A, M, S, G}, {A}),
    ("PUT", "/api/v1/agents/{agent_ref}/home-setup"): R(STAFF, {A}, call=_body({})),
    ("GET", "/api/v1/clients/{client_ref}/telework-report"): R({A, C, M, S}, {A}),
    ("GET", "/api/v1/sanitary-measures"): R(READ_OWN_SITE),
    ("GET", "/api/v1/sites/{ref}/measures"): R(READ_OWN_SITE, {A}, ref="matrix_site"),
    ("POST", "/api/v1/sites/{ref}/measures/changes"): R(
        {A, M}, {A}, ok=OK_CREATED, ref="matrix_site", call=_body({
            "consultation": {"held_on": "2020-03-16", "participants": ["CSE"],
                             "opinion": "favorable", "decision": "appliquer"},
            "changes": [{"measure": "distance-postes", "status": "in_place",
                         "evidence": "plan affiché"}]})),
    ("GET", "/api/v1/sites/{ref}/measures/history"): R(STAFF | {P}, {A}, ref="matrix_site"),
    ("GET", "/api/v1/sites/{ref}/measures/history.csv"): R(STAFF | {P}, {A},
                                                          ref="matrix_site"),
    ("GET", "/api/v1/sanitary-register.csv"): R(STAFF | {P}),
    # -- staff representatives' consultations
    ("POST", "/api/v1/sites/{ref}/consultations"): R(
        {A, M, P}, {A}, ok=OK_CREATED, ref="matrix_site", call=_body({
            "participants": ["CSE"], "minutes": "Point quotidien", "opinion": "favorable"})),
    ("GET", "/api/v1/sites/{ref}/consultations"): R(STAFF | {P}, {A}, ref="matrix_site"),
    ("GET", "/api/v1/sites/{ref}/consultations/checklist"): R(STAFF | {P}, {A},
                                                             ref="matrix_site"),
    ("GET", "/api/v1/consultations/missed"): R(STAFF | {G, P}),
    ("GET", "/api/v1/sites/{ref}/exposure-counts"): R({M, P}, NOBODY, ref="matrix_site"),
    # -- privacy (the platform's operator)
    ("GET", "/api/v1/privacy/retention"): R({A}),
    ("POST", "/api/v1/privacy/purge"): R({A}, call=_body({"dry_run": True})),
    ("POST", "/api/v1/privacy/export"): R({A}, call=_body({"customer_ref": "+33 6 00"})),
    ("POST", "/api/v1/privacy/erase"): R({A}, call=_body({"customer_ref": "personne"})),
    ("GET", "/api/v1/privacy/audit"): R({A}),
}


# ---------------------------------------------------------------------- the two worlds

def _available(m: Matrix, role_or_headers: str | dict[str, str], agent_id: str) -> None:
    headers = m.headers[role_or_headers] if isinstance(role_or_headers, str) \
        else role_or_headers
    m.client.cookies.clear()
    m.client.post(f"/api/v1/agents/{agent_id}/login", headers=headers)
    reply = m.client.put(f"/api/v1/agents/{agent_id}/state", headers=headers,
                         json={"state": "available"})
    assert reply.json()["status"] == "available", reply.text


def _contact(m: Matrix, queue: str, channel: str) -> dict[str, Any]:
    created: dict[str, Any] = m.admin("POST", "/api/v1/contacts", json={
        "queue": queue, "channel": channel, "customer_ref": f"+33 6 00 00 {_n():02d} 00"})
    return created


def _briefing(m: Matrix, client: str, ref: str) -> str:
    """A published article of ``client`` whose version 1 requires a briefing."""
    made = m.admin("POST", f"/api/v1/kb/{client}/articles", json={**ARTICLE, "id": ref})
    assert made is not None
    out = m.admin("POST", f"/api/v1/kb/{client}/articles/{ref}/versions/1/publish",
                  json={"briefing_required": True})
    return str(out["briefing"]["id"])


def _closed_callback(m: Matrix, queue_id: str, client_id: str) -> str:
    """A finished callback of a queue (written as the desk would have left it)."""
    runtime = m.client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.engine.begin() as conn:
        conn.execute(o.callbacks.insert().values(
            id="cb-matrix-other", client_id=client_id, queue_id=queue_id,
            number="0600000003", origin="phone", state="closed", outcome="answered",
            attempts=1, created_at=T0, updated_at=T0, closed_at=T0))
    return "cb-matrix-other"


def _build_worlds(m: Matrix) -> None:
    atl_agent = m.as_(G, "GET", "/api/v1/auth/me")["agent_id"]
    health = m.bearer("agent-health")
    nord_agent = m.client.get("/api/v1/auth/me", headers=health).json()["agent_id"]
    azur_agent = m.bearer("agent-bank-home")
    azur_agent_id = m.client.get("/api/v1/auth/me", headers=azur_agent).json()["agent_id"]
    m.admin("POST", "/api/v1/outsourcers", json={"slug": "matrix-outsider",
                                                 "name": "Sans contrat"})
    users = {}
    for outsourcer in ("atlantique", "azur"):
        users[outsourcer] = m.admin("POST", "/api/v1/users", json={
            "username": f"staff-{outsourcer}", "password": "staff-password",
            "role": "supervisor", "outsourcer": outsourcer})["id"]
    own_waiver = m.as_(C, "POST", "/api/v1/waivers", json={
        "queues": ["hotline-general"], "conditions": "VPN", "valid_from": "2020-03-17T00:00:00Z",
        "valid_to": "2020-04-17T00:00:00Z"})["id"]
    m.admin("POST", "/api/v1/kb/banque-hermine/articles",
            json={**ARTICLE, "id": "matrix-bank", "publish": True})
    for slug, outsourcer in (("matrix-own", "atlantique"), ("matrix-other", "azur")):
        m.admin("POST", "/api/v1/sites", json={"slug": slug, "outsourcer": outsourcer,
                                               "name": slug, "seats": 4})
        m.admin("PUT", f"/api/v1/sites/{slug}/seats", params={"time_limit": "0"},
                content=SEATS, headers={"content-type": "text/csv"})
    # Atlantique's agent holds two chats; a call waits (or is offered to them).
    _available(m, G, atl_agent)
    held = _contact(m, "hotline-general", "chat")
    live = _contact(m, "hotline-travel", "chat")
    for contact in (held, live):
        assert contact["agent_id"] == atl_agent, contact
        m.as_(G, "POST", f"/api/v1/contacts/{contact['id']}/accept")
    # An Azur agent holds a hotline chat: Atlantique serves that queue too.
    sup_azur = m.bearer("sup-azur")
    azur_id = next(a["id"] for a in m.admin("GET", "/api/v1/agents")
                   if a["outsourcer"] == "azur" and a["skills"].get("covid-info", 0) >= 4
                   and a["works_from"] == "site")
    m.as_(G, "PUT", f"/api/v1/agents/{atl_agent}/state",
          json={"state": "break", "reason": "pause"})
    _available(m, sup_azur, azur_id)
    shared = _contact(m, "hotline-general", "chat")
    assert shared["agent_id"] == azur_id, shared
    m.client.post(f"/api/v1/contacts/{shared['id']}/accept", headers=sup_azur)
    _available(m, G, atl_agent)
    m.shared.update(contact_id=shared["id"], transfer_to="hotline-travel")
    waiting = _contact(m, "hotline-general", "voice")
    # Nordcom's health agent holds one call; two more wait (nobody else takes them).
    _available(m, health, nord_agent)
    other_held = _contact(m, "health-reimbursement", "voice")
    assert other_held["agent_id"] == nord_agent, other_held
    m.client.post(f"/api/v1/contacts/{other_held['id']}/accept", headers=health)
    other_live = _contact(m, "health-reimbursement", "voice")
    other_waiting = _contact(m, "health-reimbursement", "voice")
    chat = m.client.post("/api/v1/self-service/conversations",
                         json={"message": "Faut-il une attestation ?"}).json()
    own_callback = m.client.post(
        f"/api/v1/self-service/conversations/{chat['conversation_id']}/callback",
        json=TOMORROW_CALLBACK).json()["callback_id"]
    other_callback = _closed_callback(m, "q-bank-cards", "cl-banque-hermine")
    own_briefing = _briefing(m, "numero-vert", "matrix-own-brief")
    other_briefing = _briefing(m, "banque-hermine", "matrix-other-brief")
    m.own.update(
        outsourcer="atlantique", client="numero-vert", client_ref="numero-vert",
        outsourcer_of_client="atlantique", queue="hotline-general",
        contract="ct-numero-vert-crise-atlantique", site="atlantique-nantes",
        agent=atl_agent, agent_ref=atl_agent, waiver=own_waiver, user=users["atlantique"],
        matrix_site="matrix-own", article="attestation-deplacement", number="1",
        contact_id=held["id"], contact_live=live["id"], contact_waiting=waiting["id"],
        transfer_to="hotline-travel", conversation_id=chat["conversation_id"],
        callback_id=own_callback, briefing_id=own_briefing)
    m.other.update(
        outsourcer="azur", client="banque-hermine", client_ref="banque-hermine",
        outsourcer_of_client="azur", queue="bank-cards",
        contract="ct-banque-hermine-cartes-azur", site="azur-marseille",
        agent=azur_agent_id, agent_ref=azur_agent_id, waiver="wv-banque-hermine-teletravail",
        user=users["azur"], matrix_site="matrix-other", article="matrix-bank", number="1",
        contact_id=other_held["id"], contact_live=other_live["id"],
        contact_waiting=other_waiting["id"], transfer_to="health-documents",
        conversation_id="0" * 32, callback_id=other_callback,
        briefing_id=other_briefing)
    m.own["outsourcer_ref"] = "atlantique"
    m.other["outsourcer_ref"] = "matrix-outsider"


# ---------------------------------------------------------------------- running it

@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[Matrix]:
    folder = tmp_path_factory.mktemp("matrix")
    shutil.copy(demo_template, folder / "renfort.db")
    settings = Settings(data_dir=folder, rate_public_chat="off", rate_login_failures="off")
    with TestClient(create_app(settings, ManualClock(T0))) as client:
        m = Matrix(client)
        _build_worlds(m)
        yield m


def _operations(client: TestClient) -> list[tuple[str, str]]:
    document = client.app.openapi()  # type: ignore[attr-defined]
    return [(method.upper(), path) for path, item in document["paths"].items()
            for method in item]


_COUNTS = select(*(select(func.count()).select_from(table).scalar_subquery()
                   for name, table in sorted(t.metadata.tables.items())
                   if name != "sessions"))
"""Rows of every table but the sessions', in one query."""


def _fingerprint(client: TestClient) -> tuple[int, ...]:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:
        return tuple(conn.execute(_COUNTS).one())


def _path(template: str, rule: Rule, world: World, call: Call) -> str:
    values = {"ref": world.get(rule.ref, ""), **world, **call.params}
    if rule.ref == "outsourcer":
        values["ref"] = world["outsourcer_ref"]
    return template.format(**{k: v for k, v in values.items() if f"{{{k}}}" in template})


def _cell(m: Matrix, method: str, template: str, rule: Rule, side: str, role: str
          ) -> str | None:
    """Send one cell; a description of what went wrong, or ``None``."""
    world = {"own": m.own, "route": m.own, "other": m.other, "shared": m.shared}[side]
    allowed = role in {"own": rule.own, "route": rule.own, "other": rule.other or NOBODY,
                       "shared": rule.shared or NOBODY}[side]
    if rule.stream and role != ANON:
        return None
    call = rule.call(m, world, role) if rule.call else Call()
    path = _path(template, rule, world, call)
    headers = dict(call.headers if call.headers is not None else m.headers[role])
    if call.content_type:
        headers["content-type"] = call.content_type
    before = None if allowed else _fingerprint(m.client)
    m.client.cookies.clear()
    reply = m.client.request(method, path, headers=headers, params=call.query or None,
                             json=call.json, data=call.data, content=call.content)
    m.client.cookies.clear()
    where = f"{method} {path} as {role} ({side}): {reply.status_code} {reply.text[:160]}"
    if allowed:
        return None if reply.status_code in rule.ok else f"{where} — expected {set(rule.ok)}"
    # Anonymous callers are told to log in, except on public routes, refused like anyone.
    expected = {401} if role == ANON and ANON not in rule.own else set(rule.denied)
    if reply.status_code not in expected:
        return f"{where} — expected a refusal {expected}"
    if reply.status_code >= 400 and \
            reply.headers.get("content-type") != "application/problem+json":
        return f"{where} — a refusal must be problem+json"
    if _fingerprint(m.client) != before:
        return f"{where} — a refused request changed stored data"
    return None


def test_every_route_has_a_rule(matrix: Matrix) -> None:
    operations = set(_operations(matrix.client))
    assert sorted(operations - RULES.keys()) == [], "routes without an authorisation rule"
    assert sorted(RULES.keys() - operations) == [], "rules for routes that no longer exist"


def test_the_authorisation_matrix(matrix: Matrix) -> None:
    started = time.monotonic()
    failures: list[str] = []
    cells = 0
    for method, template in _operations(matrix.client):
        rule = RULES[(method, template)]
        sides: tuple[str, ...] = ("route",) if rule.other is None else ("own", "other")
        if rule.shared is not None:
            sides += ("shared",)
        for side in sides:
            for role in ROLES:
                problem = _cell(matrix, method, template, rule, side, role)
                cells += 1
                if problem:
                    failures.append(problem)
    print(f"{cells} cells in {time.monotonic() - started:.1f} s")
    assert not failures, f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures)
