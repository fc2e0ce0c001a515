"""The telephony webhook drives a voice contact from ring to hang-up."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import login


def _pbx(client: TestClient) -> dict[str, str]:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    return {"X-API-Key": rt.auth.create_api_key("pbx-test")}


def test_call_arrives_is_answered_hangs_up_and_is_wrapped_up(client: TestClient) -> None:
    pbx = _pbx(client)
    agent = login(client, "agent-hotline")
    client.post("/api/v1/agents/me/login", headers=agent)
    arrived = client.post("/api/v1/telephony/events", headers=pbx, json={
        "event": "call_arrived", "call_id": "call-1", "queue": "hotline-general",
        "caller": "+33 1 23 45 67 89"})
    assert arrived.status_code == 201, arrived.text
    assert arrived.json()["state"] == "offered"
    agent_id = arrived.json()["agent_id"]
    answered = client.post("/api/v1/telephony/events", headers=pbx, json={
        "event": "call_answered", "call_id": "call-1", "agent": agent_id})
    assert answered.json()["state"] == "accepted"
    hung_up = client.post("/api/v1/telephony/events", headers=pbx, json={
        "event": "call_hung_up", "call_id": "call-1"})
    assert hung_up.json()["state"] == "wrap_up"
    closed = client.post(f"/api/v1/contacts/{arrived.json()['id']}/wrap-up", headers=agent,
                         json={"disposition": "information-given"})
    assert closed.json()["state"] == "closed"


def test_hang_up_before_answer_is_an_abandon(client: TestClient) -> None:
    pbx = _pbx(client)
    client.post("/api/v1/telephony/events", headers=pbx, json={
        "event": "call_arrived", "call_id": "call-2", "queue": "hotline-general",
        "caller": "+33 1 23 45 67 80"})
    reply = client.post("/api/v1/telephony/events", headers=pbx, json={
        "event": "call_hung_up", "call_id": "call-2"})
    assert reply.json()["state"] == "abandoned"
    again = client.post("/api/v1/telephony/events", headers=pbx, json={
        "event": "call_hung_up", "call_id": "call-2"})
    assert again.status_code == 404


def test_webhook_needs_an_integration_key(client: TestClient) -> None:
    reply = client.post("/api/v1/telephony/events", headers=login(client, "sup-nordcom"),
                        json={"event": "call_hung_up", "call_id": "x"})
    assert reply.status_code == 403
    missing = client.post("/api/v1/telephony/events", headers=_pbx(client),
                          json={"event": "call_arrived", "call_id": "y"})
    assert missing.status_code == 422
