"""Points 4 and 5 of issue 12: every input is bounded at the edge (problem+json 422, nothing
stored), and a bad value already stored never breaks a page."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, insert, select, update
from typer.testing import CliRunner

from renfort.api.app import create_app
from renfort.cli.main import app as cli
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.store import knowledge_tables as kt
from renfort.store import tables as t
from tests.conftest import login

WAIVER = {"queues": ["bank-cards"], "conditions": "VPN et poste chiffré",
          "valid_from": "2020-03-17T00:00:00Z", "valid_to": "2020-04-17T00:00:00Z"}
QUEUE = {"slug": "q-new", "client": "numero-vert", "name": "Nouvelle file",
         "channels": ["voice"], "skill": "covid-info"}


def _rows(client: TestClient, table: Any) -> int:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _refused(reply: Any) -> None:
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["error_id"] == "invalid-input"


@pytest.mark.parametrize(("who", "path", "table", "body"), [
    ("client-banque-hermine", "/api/v1/waivers", t.waivers,
     {**WAIVER, "valid_to": "9999-12-31T23:59:59Z"}),
    ("client-banque-hermine", "/api/v1/waivers", t.waivers,
     {**WAIVER, "valid_from": "1970-01-01T00:00:00Z"}),
    ("client-banque-hermine", "/api/v1/waivers", t.waivers, {**WAIVER, "id": "wv-€"}),
    ("client-banque-hermine", "/api/v1/waivers", t.waivers, {**WAIVER, "id": "WV-UPPER"}),
    ("client-banque-hermine", "/api/v1/waivers", t.waivers,
     {**WAIVER, "queues": ["bank-cards"] * 101}),
    ("admin", "/api/v1/queues", t.queues, {**QUEUE, "skill": "x" * 1_000_000}),
    ("admin", "/api/v1/queues", t.queues, {**QUEUE, "sl_seconds": 31 * 86_400}),
    ("admin", "/api/v1/queues", t.queues, {**QUEUE, "name": "x" * 201}),
    ("admin", "/api/v1/queues", t.queues, {**QUEUE, "bullseye": [[0, 3]] * 11}),
    ("admin", "/api/v1/contracts", t.contracts,
     {"client": "numero-vert", "outsourcer": "azur",
      "queues": [f"q-{n}" for n in range(10_000)]}),
    ("admin", "/api/v1/agents", t.agents,
     {"outsourcer": "azur", "name": "X", "works_from": "home",
      "skills": {"s" * 1_000_000: 3}}),
    ("admin", "/api/v1/agents", t.agents,
     {"outsourcer": "azur", "name": "X", "works_from": "home", "skills": {"covid-info": 3},
      "languages": ["français"]}),
    ("admin", "/api/v1/outsourcers", t.outsourcers, {"slug": "ok", "name": "é" * 201}),
    ("admin", "/api/v1/contacts", t.contacts,
     {"queue": "q-€", "channel": "voice", "customer_ref": "+33 6"}),
    ("editor", "/api/v1/kb/numero-vert/articles", kt.kb_versions,
     {"id": "nouvel-article", "question": "Une question ?", "answer": "Une réponse.",
      "category": "divers", "source": "Gouvernement", "source_date": "9999-01-01"}),
    ("editor", "/api/v1/kb/numero-vert/articles", kt.kb_versions,
     {"id": "nouvel-article", "question": "Une question ?", "answer": "Une réponse.",
      "category": "divers", "source": "Gouvernement", "source_date": "2020-03-17",
      "tags": ["t" * 61]}),
])
def test_out_of_bounds_bodies_are_422_and_store_nothing(
        client: TestClient, who: str, path: str, table: Any, body: dict[str, Any]) -> None:
    before = _rows(client, table)
    _refused(client.post(path, headers=login(client, who), json=body))
    assert _rows(client, table) == before


@pytest.mark.parametrize("raw", [
    '{"slug":"q-inf","client":"numero-vert","name":"x","channels":["voice"],'
    '"skill":"covid-info","sl_seconds":1e999}',
    '{"slug":"q-nan","client":"numero-vert","name":"x","channels":["voice"],'
    '"skill":"covid-info","overflow_after_seconds":NaN}',
])
def test_infinite_and_nan_numbers_are_refused(client: TestClient, raw: str) -> None:
    before = _rows(client, t.queues)
    reply = client.post("/api/v1/queues", content=raw, headers={
        **login(client, "admin"), "content-type": "application/json"})
    _refused(reply)
    assert _rows(client, t.queues) == before


@pytest.mark.parametrize(("who", "method", "path"), [
    ("client-banque-hermine", "GET",
     "/api/v1/clients/banque-hermine/telework-report?since=9999-01-01T00:00:00Z"),
    ("editor", "GET", "/api/v1/kb/numero-vert/articles/attestation-deplacement/diff"
                      f"?from=1&to={2**63}"),
    ("editor", "GET",
     f"/api/v1/kb/numero-vert/articles/attestation-deplacement/versions/{2**63}"),
    ("manager-atlantique", "PUT", "/api/v1/sites/atlantique-nantes/seats?time_limit=inf"),
    ("admin", "GET", f"/api/v1/contacts?queue={'q' * 81}"),
])
def test_out_of_bounds_queries_are_422(client: TestClient, who: str, method: str,
                                       path: str) -> None:
    reply = client.request(method, path, headers={**login(client, who),
                                                  "content-type": "text/csv"},
                           content="seat_id,x,y,zone\nA1,0,0,a\n")
    _refused(reply)


def test_a_shift_from_another_century_is_refused(client: TestClient) -> None:
    reply = client.post("/api/v1/sites/atlantique-nantes/shifts",
                        headers=login(client, "manager-atlantique"),
                        json={"label": "matin", "starts_at": "1900-03-17T08:00:00Z",
                              "ends_at": "1900-03-17T12:00:00Z", "planned": 10})
    _refused(reply)


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_csv_bodies_accept_any_line_ending(client: TestClient, ending: str) -> None:
    plan = ending.join(["seat_id,x,y,zone", "A1,0,0,a", "A2,2,0,a", "A3,4,0,a", ""])
    reply = client.put("/api/v1/sites/atlantique-nantes/seats?time_limit=0", content=plan,
                       headers={**login(client, "manager-atlantique"),
                                "content-type": "text/csv"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["seats"] == 3
    forecast = ending.join(["queue,interval_start,interval_minutes,volume,aht_seconds,"
                            "patience_seconds",
                            "hotline-general,2020-03-17T09:00:00+01:00,30,100,300,120", ""])
    staffing = client.post("/api/v1/plans/staffing", content=forecast,
                           headers={**login(client, "manager-atlantique"),
                                    "content-type": "text/csv"})
    assert staffing.status_code == 200, staffing.text


def test_an_enormous_password_is_refused_quickly_not_hashed(client: TestClient) -> None:
    reply = client.post("/api/v1/auth/token",
                        data={"username": "admin", "password": "x" * 1_000_000})
    assert reply.status_code == 401
    body = client.post("/api/v1/auth/session", json={"username": "admin",
                                                     "password": "x" * 1_000})
    assert body.status_code == 422


# ---------------------------------------------------------------------- bad stored values

@pytest.fixture
def damaged(demo_settings: Settings, clock: ManualClock) -> Iterator[TestClient]:
    """The demo as a version without bounds could have left it: a waiver until 9999, a
    queue whose service-level delay is infinite and whose target is NaN."""
    engine = create_engine(demo_settings.resolved_database_url())
    with engine.begin() as conn:
        conn.execute(insert(t.waivers).values(
            id="wv-forever", client_id="cl-banque-hermine", queue_ids=["q-bank-cards"],
            conditions="toujours", valid_from=1584403200.0, valid_to=253402300799.0,
            accepted_by="x", revocable=True, revoked_at=None))
        conn.execute(update(t.queues).where(t.queues.c.slug == "hotline-general")
                     .values(sl_seconds=math.inf, overflow_after_seconds=math.inf))
        conn.execute(update(t.queues).where(t.queues.c.slug == "bank-cards")
                     .values(sl_seconds=math.inf))
    engine.dispose()
    with TestClient(create_app(demo_settings, clock)) as test_client:
        yield test_client


PAGES = ["/supervisor", "/supervisor/wall", "/sites", "/sites/atlantique-nantes",
         "/admin/queues", "/admin/contracts", "/planner", "/knowledge", "/agent", "/reports"]


@pytest.mark.parametrize("username", ["admin", "sup-atlantique", "manager-azur",
                                      "client-banque-hermine", "client-numero-vert",
                                      "agent-hotline", "editor"])
def test_a_bad_stored_value_never_breaks_a_page(damaged: TestClient, username: str) -> None:
    damaged.cookies.clear()
    logged = damaged.post("/login", data={"username": username,
                                          "password": f"{username}-demo"},
                          follow_redirects=False)
    assert logged.status_code == 303
    for path in PAGES:
        reply = damaged.get(path, follow_redirects=False)
        assert reply.status_code < 500, (path, reply.status_code)
    for path in ("/api/v1/queues", "/api/v1/waivers", "/api/v1/contracts"):
        assert damaged.get(path, headers=login(damaged, username)).status_code == 200


# ---------------------------------------------------------------------- command line

@pytest.fixture
def cli_env(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    monkeypatch.setenv("RENFORT_DATA_DIR", str(demo_settings.data_dir))
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args))


@pytest.mark.parametrize("args", [
    ["user", "api-key", "--name", "x" * 101],
    ["user", "api-key", "--name", "clé-€"],
    ["user", "create", "--username", "long-password", "--password", "p" * 201,
     "--role", "admin"],
])
def test_the_command_line_refuses_out_of_bounds_values(cli_env: Callable[..., Any],
                                                       args: list[str]) -> None:
    result = cli_env(*args)
    assert result.exit_code == 2, result.output
    assert "error" in result.output


def test_kb_import_refuses_a_date_from_another_century(cli_env: Callable[..., Any],
                                                       tmp_path: Path) -> None:
    line = {"id": "vieux", "question": "Une question ?", "answer": "Une réponse.",
            "category": "divers", "source": "Gouvernement", "source_date": "1789-07-14"}
    source = tmp_path / "kb.jsonl"
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = cli_env("kb", "import", str(source))
    assert result.exit_code == 2 and "source_date" in result.output
