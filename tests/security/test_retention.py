"""Point 9 of issue 12: personal data kept no longer than its retention; the figures stay.

``renfort privacy purge --as-of`` a date beyond the retention erases customer references,
messages and transcripts while every count computed from the contacts is unchanged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from renfort.cli.main import app as cli
from renfort.config import Settings
from renfort.domain.retention import ERASED_REF
from renfort.services.retention import DailyPurge
from renfort.store import knowledge_tables as kt
from renfort.store import tables as t
from tests.conftest import login

CLOSED_REF = "+33 6 11 22 33 44"
ABANDONED_REF = "+33 6 55 66 77 88"
WAITING_REF = "+33 6 99 00 11 22"


def _day_of_contacts(client: TestClient) -> dict[str, str]:
    """A morning on the hotline: one chat closed with a note, one call abandoned, one call
    still waiting, and a citizen handed off from the self-service chat."""
    admin = login(client, "admin")
    agent = login(client, "agent-hotline")
    me = client.get("/api/v1/auth/me", headers=agent).json()["agent_id"]
    client.post(f"/api/v1/agents/{me}/login", headers=agent)
    client.put(f"/api/v1/agents/{me}/state", headers=agent, json={"state": "available"})
    closed = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "chat", "customer_ref": CLOSED_REF,
        "message": "Rappelez-moi au 06 11 22 33 44"}).json()
    assert client.post(f"/api/v1/contacts/{closed['id']}/accept", headers=agent).status_code \
        == 200
    client.post(f"/api/v1/contacts/{closed['id']}/messages", headers=agent,
                json={"body": "Je vous rappelle au 06 11 22 33 44."})
    done = client.post(f"/api/v1/contacts/{closed['id']}/wrap-up", headers=agent,
                       json={"disposition": "callback: Mme Durand, 06 11 22 33 44"})
    assert done.json()["state"] == "closed"
    client.put(f"/api/v1/agents/{me}/state", headers=agent,
               json={"state": "break", "reason": "pause"})
    abandoned = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": ABANDONED_REF,
        "external_ref": "call-42"}).json()
    client.post(f"/api/v1/contacts/{abandoned['id']}/abandon", headers=admin)
    waiting = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": WAITING_REF}).json()
    chat = client.post("/api/v1/self-service/conversations",
                       json={"message": "Je veux parler à un conseiller"}).json()
    assert chat["action"] == "handoff"
    return {"closed": closed["id"], "abandoned": abandoned["id"], "waiting": waiting["id"],
            "conversation": chat["conversation_id"]}


def _figures(client: TestClient) -> dict[str, Any]:
    admin = login(client, "admin")
    return {
        "stats": client.get("/api/v1/queues/hotline-general/stats", headers=admin).json(),
        "self_service": client.get("/api/v1/kb/numero-vert/self-service/report",
                                   headers=admin).json(),
        "telework": client.get("/api/v1/clients/numero-vert/telework-report",
                               headers=admin).json(),
        "contacts": len(client.get("/api/v1/contacts", headers=admin).json()),
    }


def _scalar(client: TestClient, query: Any) -> Any:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:
        return conn.execute(query).scalar_one()


@pytest.fixture
def renfort(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """The ``renfort`` command on the test's database."""
    monkeypatch.setenv("RENFORT_DATA_DIR", str(demo_settings.data_dir))
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args))


def test_purge_beyond_retention_erases_personal_data_and_keeps_the_figures(
        client: TestClient, renfort: Callable[..., Any]) -> None:
    ids = _day_of_contacts(client)
    before = _figures(client)
    dry = renfort("privacy", "purge", "--as-of", "2020-10-01", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.output)["counts"]
    assert planned["contacts"] == 2 and planned["messages"] == 2
    assert planned["conversations"] == 1 and planned["triage_questions"] >= 1
    assert _scalar(client, select(func.count()).select_from(t.messages)) >= 2

    done = renfort("privacy", "purge", "--as-of", "2020-10-01", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["counts"] == planned

    c = t.contacts.c
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:
        refs = {i: ref for i, ref in conn.execute(select(c.id, c.customer_ref))}
    assert refs[ids["closed"]] == ERASED_REF and refs[ids["abandoned"]] == ERASED_REF
    assert refs[ids["waiting"]] == WAITING_REF  # still in progress: untouched
    assert _scalar(client, select(func.count()).select_from(t.messages)
                   .where(t.messages.c.contact_id == ids["closed"])) == 0
    assert _scalar(client, select(c.disposition).where(c.id == ids["closed"])) == "callback"
    assert _scalar(client, select(c.external_ref).where(c.id == ids["abandoned"])) is None
    assert _scalar(client, select(func.count()).select_from(kt.kb_turns)
                   .where(kt.kb_turns.c.conversation_id == ids["conversation"])) == 0
    admin = login(client, "admin")
    detail = client.get(f"/api/v1/contacts/{ids['closed']}", headers=admin).json()
    assert detail["customer_ref"] == ERASED_REF
    assert "06 11" not in json.dumps(detail)
    assert _figures(client) == before

    audit = client.get("/api/v1/privacy/audit", headers=admin).json()
    assert audit[0]["action"] == "purge" and audit[0]["actor"] == "cli"
    assert audit[0]["counts"] == planned
    again = json.loads(renfort("privacy", "purge", "--as-of", "2020-10-01", "--json").output)
    # Only the sessions opened since (by this test, in 2020) expired before the real now.
    assert {k: v for k, v in again["counts"].items() if v} == {"sessions": 2}


def test_nothing_goes_before_its_time(client: TestClient, renfort: Callable[..., Any]) -> None:
    _day_of_contacts(client)
    early = json.loads(renfort("privacy", "purge", "--as-of", "2020-06-01", "--json").output)
    assert early["counts"]["contacts"] == 0 and early["counts"]["messages"] == 0
    assert early["counts"]["conversations"] == 0
    assert _scalar(client, select(func.count()).select_from(t.contacts)
                   .where(t.contacts.c.customer_ref == CLOSED_REF)) == 1


def test_export_then_erase_one_customer(client: TestClient,
                                        renfort: Callable[..., Any]) -> None:
    ids = _day_of_contacts(client)
    before = _figures(client)
    exported = renfort("privacy", "export", "--customer-ref", CLOSED_REF)
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.output)
    assert [x["id"] for x in data["contacts"]] == [ids["closed"]]
    assert [m["author"] for m in data["contacts"][0]["messages"]] == ["customer", "agent"]
    erased = renfort("privacy", "erase", "--customer-ref", CLOSED_REF, "--json")
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.output)["counts"]["contacts"] == 1
    assert _scalar(client, select(func.count()).select_from(t.contacts)
                   .where(t.contacts.c.customer_ref == CLOSED_REF)) == 0
    assert _scalar(client, select(func.count()).select_from(t.contacts)
                   .where(t.contacts.c.customer_ref == ABANDONED_REF)) == 1
    assert _figures(client) == before
    admin = login(client, "admin")
    audit = client.get("/api/v1/privacy/audit", headers=admin).json()
    assert [a["action"] for a in audit[:2]] == ["erase", "export"]
    assert CLOSED_REF not in json.dumps(audit) and audit[0]["subject"].endswith("44")
    empty = client.post("/api/v1/privacy/export", headers=admin,
                        json={"customer_ref": CLOSED_REF}).json()
    assert empty["contacts"] == []


def test_privacy_operations_are_for_the_admin_only(client: TestClient) -> None:
    for username in ("manager-atlantique", "client-numero-vert", "sup-azur", "editor"):
        headers = login(client, username)
        assert client.post("/api/v1/privacy/purge", headers=headers,
                           json={"dry_run": True}).status_code == 403
        assert client.post("/api/v1/privacy/erase", headers=headers,
                           json={"customer_ref": CLOSED_REF}).status_code == 403
    admin = login(client, "admin")
    dry = client.post("/api/v1/privacy/purge", headers=admin,
                      json={"as_of": "2020-10-01T00:00:00Z", "dry_run": True})
    assert dry.status_code == 200 and dry.json()["dry_run"] is True
    assert client.get("/api/v1/privacy/audit", headers=admin).json() == []
    assert client.get("/api/v1/privacy/retention", headers=admin).json()["days"] == {
        "contacts": 180.0, "messages": 180.0, "transcripts": 90.0, "agent_events": 365.0,
        "checkins": 30.0, "exposure_traces": 180.0, "sessions": 0.0}


def test_retention_is_configurable_within_bounds(renfort: Callable[..., Any],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(retention_contacts_days=30).retention().contacts == 30
    with pytest.raises(ValueError):
        Settings(retention_checkins_days=10)
    monkeypatch.setenv("RENFORT_RETENTION_MESSAGES_DAYS", "7")
    assert Settings().retention().messages == 7
    bad = renfort("privacy", "purge", "--as-of", "1999-12-31")
    assert bad.exit_code == 2 and "--as-of" in bad.output


def test_the_daily_purge_survives_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    naps: list[float] = []

    def run() -> None:
        calls.append("run")
        if len(calls) == 1:
            raise RuntimeError("database unreachable")

    async def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) > 3:
            raise asyncio.CancelledError

    daily = DailyPurge(run, interval=86_400, first_delay=600, sleep=sleep)
    caplog.set_level(logging.ERROR, logger="renfort.retention")
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(daily.forever())
    assert calls == ["run", "run", "run"] and daily.runs == 2
    assert naps == [600, 86_400, 86_400, 86_400]
    assert "daily privacy purge failed" in caplog.text and "database unreachable" in caplog.text


def test_the_running_service_schedules_the_daily_purge(client: TestClient) -> None:
    names = client.portal.call(  # type: ignore[union-attr]
        lambda: {task.get_name() for task in asyncio.all_tasks()})
    assert "renfort-daily-purge" in names
