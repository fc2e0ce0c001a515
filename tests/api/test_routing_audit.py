"""The routing audit: every offer records why it went where it went, and explain answers
from that record once the contact is finished (the next morning included)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from tests.api.test_contact_flow import HOTLINE, _agent_on_hotline
from tests.conftest import login

DAY = 86_400.0


def _closed_contact(client: TestClient, clock: ManualClock) -> tuple[str, str]:
    admin = login(client, "admin")
    contact_id = client.post("/api/v1/contacts", headers=admin, json={
        "queue": HOTLINE, "channel": "voice", "customer_ref": "+33 6 12 34 56 78"}).json()["id"]
    clock.advance(7)
    agent_id, agent = _agent_on_hotline(client)
    assert client.post(f"/api/v1/contacts/{contact_id}/accept",
                       headers=agent).json()["state"] == "accepted"
    clock.advance(120)
    assert client.post(f"/api/v1/contacts/{contact_id}/wrap-up", headers=agent,
                       json={"disposition": "informed"}).json()["state"] == "closed"
    return contact_id, agent_id


def test_explain_answers_for_a_contact_closed_yesterday(
        client: TestClient, clock: ManualClock) -> None:
    contact_id, agent_id = _closed_contact(client, clock)
    clock.advance(DAY)  # the next morning
    admin = login(client, "admin")
    reply = client.get(f"/api/v1/contacts/{contact_id}/explain", headers=admin,
                       params={"agent": agent_id})
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["finished"] is True and answer["state"] == "closed"
    (offer,) = answer["offers"]
    assert offer["agent_id"] == agent_id
    reasons = offer["reasons"]
    assert reasons["queue"] == HOTLINE and reasons["channel"] == "voice"
    assert reasons["priority_class"] == 1
    assert reasons["waited_seconds"] == 7.0  # offered when the agent became available
    assert reasons["overflow"] == "none"
    assert reasons["proficiency"] >= reasons["floor"]
    assert reasons["telework"] in ("on site", "from home: the queue allows telework")
    assert "waited 7.0 s" in offer["rule"] and "priority class 1" in offer["rule"]
    # Without an agent: the same record; an agent never offered it: 404.
    everyone = client.get(f"/api/v1/contacts/{contact_id}/explain", headers=admin).json()
    assert everyone["offers"] == answer["offers"]
    other = client.get("/api/v1/agents", headers=admin).json()
    stranger = next(a["id"] for a in other if a["id"] != agent_id)
    assert client.get(f"/api/v1/contacts/{contact_id}/explain", headers=admin,
                      params={"agent": stranger}).status_code == 404


def test_a_live_contact_explains_both_now_and_its_past_offers(
        client: TestClient, clock: ManualClock) -> None:
    admin = login(client, "admin")
    agent_id, agent = _agent_on_hotline(client)
    contact_id = client.post("/api/v1/contacts", headers=admin, json={
        "queue": HOTLINE, "channel": "voice", "customer_ref": "+33 6 00 00 00 01"}).json()["id"]
    assert client.post(f"/api/v1/contacts/{contact_id}/decline",
                       headers=agent).json()["state"] == "queued"
    answer = client.get(f"/api/v1/contacts/{contact_id}/explain", headers=admin,
                        params={"agent": agent_id}).json()
    assert answer["finished"] is False and answer["eligible"] is False
    assert {c["name"] for c in answer["checks"] if not c["passed"]} == {"declined"}
    assert [o["agent_id"] for o in answer["offers"]] == [agent_id]


def test_another_outsourcers_supervisor_sees_why_not_who(
        client: TestClient, clock: ManualClock) -> None:
    contact_id, _ = _closed_contact(client, clock)
    # Nordcom serves the hotline too: its supervisor reads the contact, not the agent's name.
    admin = login(client, "admin")
    users = client.get("/api/v1/users", headers=admin).json()
    nordcom_sup = next(u["username"] for u in users if u["role"] == "supervisor"
                       and "nordcom" in u["username"])
    answer = client.get(f"/api/v1/contacts/{contact_id}/explain",
                        headers=login(client, nordcom_sup)).json()
    (offer,) = answer["offers"]
    assert offer["agent_id"] is None and offer["reasons"]["outsourcer"]
    assert answer["answered_by"] is None
    viewer = login(client, "client-numero-vert")
    assert client.get(f"/api/v1/contacts/{contact_id}/explain",
                      headers=viewer).status_code == 403
