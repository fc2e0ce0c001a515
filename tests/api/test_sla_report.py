"""The principal's report: the outsourcers of a shared queue add up to the queue, and each
outsourcer reads only its own rows; CSV and XLSX read back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from renfort.cli.main import app
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.store.report_tables import interval_facts
from tests.conftest import login

runner = CliRunner()

HOTLINE = "hotline-general"
DAY = "2020-03-17"
FIGURES = ("offered", "answered", "answered_in_sl", "abandoned", "short_abandons")


def _agents_of(client: TestClient, admin: dict[str, str], outsourcer: str) -> list[str]:
    agents = client.get("/api/v1/agents", headers=admin).json()
    return [a["id"] for a in sorted(agents, key=lambda a: -a["skills"].get("covid-info", 0))
            if a["outsourcer"] == outsourcer and "covid-info" in a["skills"]
            and a["works_from"] == "site"]


def _available(client: TestClient, admin: dict[str, str], agent: str) -> None:
    client.post(f"/api/v1/agents/{agent}/login", headers=admin)
    reply = client.put(f"/api/v1/agents/{agent}/state", headers=admin,
                       json={"state": "available"})
    assert reply.status_code == 200, reply.text


def _traffic(client: TestClient, clock: ManualClock) -> dict[str, int]:
    """Calls on the hotline answered by Atlantique and Nordcom, some abandoned."""
    admin = login(client, "admin")
    teams = [_agents_of(client, admin, o)[0] for o in ("atlantique", "nordcom")]
    for agent in teams:
        _available(client, admin, agent)
    outcomes = {"closed": 0, "abandoned": 0}
    for n in range(12):
        made = client.post("/api/v1/contacts", headers=admin, json={
            "queue": HOTLINE, "channel": "voice", "customer_ref": f"+33 6 00 00 00 {n:02d}"})
        assert made.status_code == 201, made.text
        contact = made.json()
        if n % 4 == 3:  # nobody answers this one: the caller hangs up
            if contact["state"] == "offered":
                client.post(f"/api/v1/contacts/{contact['id']}/decline", headers=admin)
            clock.advance(3 if n == 3 else 40)  # one short abandon
            reply = client.post(f"/api/v1/contacts/{contact['id']}/abandon", headers=admin)
            assert reply.json()["state"] == "abandoned", reply.text
            outcomes["abandoned"] += 1
            for agent in teams:
                _available(client, admin, agent)
            continue
        assert contact["state"] == "offered", contact
        clock.advance(5 + n)
        assert client.post(f"/api/v1/contacts/{contact['id']}/accept",
                           headers=admin).json()["state"] == "accepted"
        clock.advance(90)
        assert client.post(f"/api/v1/contacts/{contact['id']}/wrap-up", headers=admin,
                           json={"disposition": "informed"}).json()["state"] == "closed"
        outcomes["closed"] += 1
        clock.advance(60)
    return outcomes


def _report(client: TestClient, user: str, **params: str) -> dict[str, Any]:
    reply = client.get("/api/v1/reports/sla", headers=login(client, user),
                       params={"from": DAY, **params})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_outsourcers_add_up_to_the_queue_and_to_the_contacts(
        client: TestClient, clock: ManualClock) -> None:
    outcomes = _traffic(client, clock)
    by_outsourcer = [r for r in _report(client, "client-numero-vert",
                                        by="outsourcer,queue")["rows"]
                     if r["queue"] == HOTLINE]
    names = {r["outsourcer"] for r in by_outsourcer}
    assert {"atlantique", "nordcom"} <= names
    (queue,) = [r for r in _report(client, "client-numero-vert", by="queue")["rows"]
                if r["queue"] == HOTLINE]
    for figure in FIGURES:
        assert sum(r[figure] for r in by_outsourcer) == queue[figure], figure
    assert queue["offered"] == sum(outcomes.values())
    assert queue["answered"] == outcomes["closed"]
    assert queue["abandoned"] == outcomes["abandoned"] and queue["short_abandons"] == 1
    recorded = client.get("/api/v1/contacts", headers=login(client, "admin"),
                          params={"queue": HOTLINE}).json()
    assert queue["offered"] == len(recorded)
    assert queue["service_level"] == round(
        queue["answered_in_sl"] / (queue["offered"] - queue["short_abandons"]), 4)
    assert queue["sl_target"] == 0.8
    shares = {r["outsourcer"]: r["share_achieved"] for r in by_outsourcer
              if r["share_contracted"] is not None}
    assert abs(sum(shares.values()) - 1.0) < 1e-3


def test_an_outsourcer_sees_only_its_own_rows(client: TestClient, clock: ManualClock) -> None:
    _traffic(client, clock)
    own = _report(client, "sup-atlantique", by="outsourcer,queue")
    assert own["rows"] and {r["outsourcer"] for r in own["rows"]} == {"atlantique"}
    assert {s["outsourcer"] for s in own["staffing"]} == {"atlantique"}
    everyone = _report(client, "admin", by="outsourcer,queue")
    assert {"atlantique", "nordcom"} <= {r["outsourcer"] for r in everyone["rows"]}
    for role in ("agent-hotline", "editor"):
        reply = client.get("/api/v1/reports/sla", headers=login(client, role),
                           params={"from": DAY})
        assert reply.status_code == 403


def test_csv_and_xlsx_read_back(client: TestClient, clock: ManualClock) -> None:
    _traffic(client, clock)
    viewer = login(client, "client-numero-vert")
    params = {"from": DAY, "by": "outsourcer,queue", "group_by": "interval", "interval": "15"}
    report = client.get("/api/v1/reports/sla", headers=viewer, params=params).json()
    text = client.get("/api/v1/reports/sla", headers=viewer,
                      params={**params, "format": "csv"})
    assert text.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(text.text)))
    assert len(lines) == len(report["rows"])
    assert [int(line["offered"]) for line in lines] == [r["offered"] for r in report["rows"]]
    sheet = client.get("/api/v1/reports/sla", headers=viewer,
                       params={**params, "format": "xlsx"})
    book = load_workbook(io.BytesIO(sheet.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == report["columns"]
    assert [r[report["columns"].index("answered")] for r in rows[1:]] == \
        [r["answered"] for r in report["rows"]]


def test_bad_report_requests_are_refused_clearly(client: TestClient) -> None:
    admin = login(client, "admin")
    for params in ({"from": "yesterday"}, {"from": DAY, "to": "2020-03-01"},
                   {"from": DAY, "by": "colour"}, {"from": DAY, "interval": "20"},
                   {"from": "2020-01-01", "to": "2021-06-01"}):
        reply = client.get("/api/v1/reports/sla", headers=admin, params=params)
        assert reply.status_code == 422, (params, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")


def _facts(client: TestClient) -> list[dict[str, Any]]:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(select(interval_facts).order_by(
            *interval_facts.primary_key.columns)).mappings()
        return [dict(row) for row in rows]


def test_rebuild_gives_the_table_kept_incrementally_and_the_cli_reports(
        client: TestClient, clock: ManualClock, demo_settings: Settings,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _traffic(client, clock)
    kept = _facts(client)
    assert kept
    monkeypatch.setenv("RENFORT_DATA_DIR", str(demo_settings.data_dir))
    done = runner.invoke(app, ["report", "rebuild"])
    assert done.exit_code == 0, done.output
    assert "12 finished contact(s)" in done.output
    assert _facts(client) == kept
    shown = runner.invoke(app, ["report", "sla", "--from", DAY, "--by", "outsourcer,queue",
                                "--json"])
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)["rows"]
    assert sum(r["offered"] for r in rows if r["queue"] == HOTLINE) == 12
    target = tmp_path / "sla.xlsx"
    written = runner.invoke(app, ["report", "sla", "--from", DAY, "--xlsx", str(target)])
    assert written.exit_code == 0, written.output
    assert load_workbook(target).worksheets[0].max_row == 1 + len(
        json.loads(runner.invoke(app, ["report", "sla", "--from", DAY, "--json"]).output)
        ["rows"])
    bad = runner.invoke(app, ["report", "sla", "--from", DAY, "--by", "colour"])
    assert bad.exit_code == 2 and "unknown breakdown colour" in bad.output


def test_the_bank_sees_its_calls_answered_from_home_under_its_waiver(
        client: TestClient, clock: ManualClock) -> None:
    admin = login(client, "admin")
    agents = client.get("/api/v1/agents", headers=admin).json()
    home = [a["id"] for a in sorted(agents, key=lambda a: -a["skills"].get("bank-cards", 0))
            if a["works_from"] == "home" and "bank-cards" in a["skills"]]
    agent = next(a for a in home if client.post(f"/api/v1/agents/{a}/login",
                                                headers=admin).status_code == 200)
    client.put(f"/api/v1/agents/{agent}/state", headers=admin, json={"state": "available"})
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 11 11 11 11"}).json()
    assert contact["state"] == "offered", contact
    clock.advance(3)
    client.post(f"/api/v1/contacts/{contact['id']}/accept", headers=admin)
    clock.advance(30)
    client.post(f"/api/v1/contacts/{contact['id']}/wrap-up", headers=admin,
                json={"disposition": "card-blocked"})
    (row,) = _report(client, "client-banque-hermine", by="queue")["rows"]
    assert row["queue"] == "bank-cards" and row["answered"] == 1
    assert row["answered_home"] == row["answered_waiver"] == 1
    assert row["telework_share"] == 1.0
    assert row["waivers"] == {"wv-banque-hermine-teletravail": 1}
    assert _report(client, "client-numero-vert", by="queue")["rows"] == []
