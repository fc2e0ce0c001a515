"""Callbacks end to end: asked in the chat for an afternoon window, kept across a restart,
offered when due, dialled through the outbox, retried by policy, closed with the outcome."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from renfort.api.app import create_app
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.services import outbound
from renfort.services.commands import Tick
from renfort.store import safety_tables as s
from tests.conftest import T0, login

NUMBER = "+33 6 12 34 56 78"
PARIS_14H, PARIS_15H = "2020-03-17T14:00:00+01:00", "2020-03-17T15:00:00+01:00"


@contextmanager
def _app(settings: Settings, clock: ManualClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock)) as client:
        yield client


def _tick(client: TestClient) -> None:
    client.portal.call(client.app.state.runtime.desk.execute, Tick())  # type: ignore[attr-defined]


def _ready_agent(client: TestClient) -> tuple[str, dict[str, str]]:
    agent = login(client, "agent-hotline")
    agent_id = client.get("/api/v1/auth/me", headers=agent).json()["agent_id"]
    client.post(f"/api/v1/agents/{agent_id}/login", headers=agent)
    client.put(f"/api/v1/agents/{agent_id}/state", headers=agent, json={"state": "available"})
    # The demo has a chat waiting: the agent answers it first, so a callback fits.
    for _ in range(20):
        held = [c for c in client.get(f"/api/v1/agents/{agent_id}/status",
                                      headers=agent).json()["contacts"]
                if c["channel"] != "callback"]
        for contact in held:
            client.post(f"/api/v1/contacts/{contact['id']}/accept", headers=agent)
            client.post(f"/api/v1/contacts/{contact['id']}/wrap-up", headers=agent,
                        json={"disposition": "informed"})
        if not held:
            break
    return agent_id, agent


def _offered(client: TestClient, agent: dict[str, str], agent_id: str) -> list[dict[str, Any]]:
    status = client.get(f"/api/v1/agents/{agent_id}/status", headers=agent).json()
    return [c for c in status["contacts"] if c["channel"] == "callback"]


def _outbox(client: TestClient) -> list[dict[str, Any]]:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:
        rows = conn.execute(select(s.outbox.c.payload).where(
            s.outbox.c.event == "callback_call_requested").order_by(s.outbox.c.id)).scalars()
        return [dict(r) for r in rows]


def test_asked_at_ten_offered_at_two_after_a_restart_retried_then_closed(
        demo_settings: Settings, clock: ManualClock) -> None:
    with _app(demo_settings, clock) as client:
        chat = client.post("/api/v1/self-service/conversations",
                           json={"message": "Faut-il une attestation ?"}).json()
        asked = client.post(
            f"/api/v1/self-service/conversations/{chat['conversation_id']}/callback",
            json={"number": NUMBER, "window_start": PARIS_14H, "window_end": PARIS_15H})
        assert asked.status_code == 201, asked.text
        callback_id = asked.json()["callback_id"]
        assert asked.json()["number"].endswith("78") and "12 34" not in asked.json()["number"]
        agent_id, agent = _ready_agent(client)
        clock.advance(4 * 3600 - 60)  # 13:59 in Paris: not yet
        _tick(client)
        assert _offered(client, agent, agent_id) == []

    clock.advance(60)  # the service restarts; 14:00 in Paris
    with _app(demo_settings, clock) as client:
        agent_id, agent = _ready_agent(client)
        supervisor = login(client, "sup-atlantique")
        key = client.app.state.runtime.auth.create_api_key(  # type: ignore[attr-defined]
            "pbx", "numero-vert")
        outcomes = []
        for attempt, outcome in enumerate(("no_answer", "busy", "no_answer"), start=1):
            _tick(client)
            offered = _offered(client, agent, agent_id)
            assert len(offered) == 1, (attempt, offered)
            accepted = client.post(f"/api/v1/contacts/{offered[0]['id']}/accept", headers=agent)
            assert accepted.status_code == 200, accepted.text
            sent = _outbox(client)[-1]
            assert (sent["callback"], sent["attempt"], sent["number"]) == (
                callback_id, attempt, NUMBER)
            mine = client.get(f"/api/v1/callbacks/{callback_id}", headers=agent).json()
            theirs = client.get(f"/api/v1/callbacks/{callback_id}", headers=supervisor).json()
            assert mine["number"] == NUMBER and theirs["number"] != NUMBER
            reported = client.post("/api/v1/telephony/events", headers={"X-API-Key": key},
                                   json={"event": outcome, "call_id": sent["call_id"]})
            assert reported.status_code == 200, reported.text
            outcomes.append(reported.json()["callback"])
            assert _offered(client, agent, agent_id) == []  # the agent is free again
            clock.advance(15 * 60)
        assert [o["state"] for o in outcomes] == ["scheduled", "scheduled", "closed"]
        assert outcomes[-1]["outcome"] == "no_answer" and outcomes[-1]["attempts"] == 3
        _tick(client)
        assert _offered(client, agent, agent_id) == []
        listed = client.get("/api/v1/callbacks?state=closed", headers=supervisor).json()
        assert [c["id"] for c in listed] == [callback_id]


def test_a_phone_request_answered_at_the_first_try(client: TestClient) -> None:
    key = client.app.state.runtime.auth.create_api_key(  # type: ignore[attr-defined]
        "pbx", "numero-vert")
    agent_id, agent = _ready_agent(client)
    asked = client.post("/api/v1/telephony/events", headers={"X-API-Key": key}, json={
        "event": "callback_requested", "call_id": "call-900", "caller": "06 11 22 33 44"})
    assert asked.status_code == 201, asked.text
    assert asked.json()["callback"]["number"].endswith("44")
    _tick(client)
    offered = _offered(client, agent, agent_id)
    client.post(f"/api/v1/contacts/{offered[0]['id']}/accept", headers=agent)
    call_id = _outbox(client)[-1]["call_id"]
    answered = client.post("/api/v1/telephony/events", headers={"X-API-Key": key},
                           json={"event": "call_answered", "call_id": call_id})
    assert answered.status_code == 200, answered.text
    closed = client.get("/api/v1/callbacks", headers=login(client, "admin")).json()[0]
    assert (closed["state"], closed["outcome"], closed["attempts"]) == ("closed", "answered", 1)
    done = client.post(f"/api/v1/contacts/{offered[0]['id']}/wrap-up", headers=agent,
                       json={"disposition": "informed"})
    assert done.json()["state"] == "closed"
    # once closed, the number goes with the contacts' retention; the outcome stays
    admin = login(client, "admin")
    purge = client.post("/api/v1/privacy/purge", headers=admin,
                        json={"as_of": "2030-01-01T00:00:00+01:00"}).json()
    assert purge["counts"]["callbacks"] == 1
    kept = client.get("/api/v1/callbacks", headers=admin).json()[0]
    assert (kept["outcome"], kept["attempts"]) == ("answered", 1)
    assert "44" not in kept["number"]


def test_the_outbound_request_is_signed_and_sent(client: TestClient) -> None:
    key = client.app.state.runtime.auth.create_api_key(  # type: ignore[attr-defined]
        "pbx", "numero-vert")
    agent_id, agent = _ready_agent(client)
    client.post("/api/v1/telephony/events", headers={"X-API-Key": key}, json={
        "event": "callback_requested", "call_id": "call-901", "caller": "06 11 22 33 45"})
    _tick(client)
    offered = _offered(client, agent, agent_id)
    client.post(f"/api/v1/contacts/{offered[0]['id']}/accept", headers=agent)
    received: list[tuple[bytes, dict[str, str]]] = []

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        received.append((body, headers))
        return 204

    rt = client.app.state.runtime  # type: ignore[attr-defined]
    sender = outbound.OutboundSender(rt.engine, rt.clock, outbound.TELEPHONY,
                                     outbound.Target("http://pbx.test/hook", "s3cret"), post=post)
    assert client.portal.call(sender.run_once) >= 1
    body, headers = next((b, h) for b, h in received
                         if h["X-Renfort-Event"] == "callback_call_requested")
    assert headers["X-Renfort-Signature"] == outbound.sign(
        "s3cret", headers["X-Renfort-Timestamp"], body)


def test_bad_callback_requests_store_nothing(client: TestClient) -> None:
    chat = client.post("/api/v1/self-service/conversations",
                       json={"message": "Faut-il une attestation ?"}).json()
    path = f"/api/v1/self-service/conversations/{chat['conversation_id']}/callback"
    for body in ({"number": "pas un numéro"},
                 {"number": NUMBER, "window_start": PARIS_15H, "window_end": PARIS_14H},
                 {"number": NUMBER, "window_start": "2020-03-17T08:00:00+01:00",
                  "window_end": "2020-03-17T09:00:00+01:00"}):
        assert client.post(path, json=body).status_code == 422, body
    assert client.post("/api/v1/self-service/conversations/nope/callback",
                       json={"number": NUMBER}).status_code == 404
    assert client.get("/api/v1/callbacks", headers=login(client, "admin")).json() == []


def test_t0_is_ten_in_paris() -> None:
    from datetime import datetime

    from renfort.domain.clock import PARIS
    assert datetime.fromtimestamp(T0, tz=PARIS).hour == 10


def test_the_chat_page_asks_for_a_callback(client: TestClient) -> None:
    first = client.post("/chat/messages", data={"message": "Faut-il une attestation ?"})
    assert "Être rappelé" in first.text
    bad = client.post("/chat/callback", data={"number": NUMBER, "day": "2020-03-17",
                                              "start": "15:00"})
    assert "Créneau invalide" in bad.text
    done = client.post("/chat/callback", data={"number": NUMBER, "day": "2020-03-17",
                                               "start": "14:00", "end": "15:00"})
    assert "un conseiller vous rappellera dans le créneau choisi" in done.text
    listed = client.get("/api/v1/callbacks", headers=login(client, "admin")).json()
    assert [(c["origin"], c["window_start"]) for c in listed] == [
        ("chat", "2020-03-17T13:00:00+00:00")]


def test_a_callback_number_is_exported_erased_and_purged_like_other_personal_data(
        client: TestClient) -> None:
    key = client.app.state.runtime.auth.create_api_key(  # type: ignore[attr-defined]
        "pbx", "numero-vert")
    admin = login(client, "admin")
    for call_id, caller in (("call-901", "06 11 22 33 44"), ("call-902", "07 99 88 77 66")):
        asked = client.post("/api/v1/telephony/events", headers={"X-API-Key": key}, json={
            "event": "callback_requested", "call_id": call_id, "caller": caller})
        assert asked.status_code == 201, asked.text
    # the citizen's right of access: found however the number is typed
    export = client.post("/api/v1/privacy/export", headers=admin,
                         json={"customer_ref": "+33 6 11 22 33 44"}).json()
    assert [c["number"] for c in export["callbacks"]] == ["06 11 22 33 44"]
    erased = client.post("/api/v1/privacy/erase", headers=admin,
                         json={"customer_ref": "0611223344"}).json()
    assert erased["counts"]["callbacks"] == 1
    again = client.post("/api/v1/privacy/export", headers=admin,
                        json={"customer_ref": "06 11 22 33 44"}).json()
    assert again["callbacks"] == []
    # an open callback outlives any retention: only closed ones lose their number
    purge = client.post("/api/v1/privacy/purge", headers=admin,
                        json={"as_of": "2030-01-01T00:00:00+01:00"}).json()
    assert purge["counts"]["callbacks"] == 0
    assert client.post("/api/v1/privacy/export", headers=admin, json={
        "customer_ref": "07 99 88 77 66"}).json()["counts"]["callbacks"] == 1
