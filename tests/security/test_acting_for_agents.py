"""Point 1 of issue 12: on a queue served by several outsourcers, a supervisor or manager
sees the contacts of the other outsourcers' agents but never acts in their name."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login

HOTLINE = "hotline-general"
"""Served by Atlantique, Nordcom and Azur."""


def _azur_agent_on_hotline(client: TestClient) -> str:
    """An Azur agent skilled for the hotline, logged in and available (acted on by sup-azur)."""
    admin = login(client, "admin")
    azur = client.get("/api/v1/outsourcers/azur", headers=admin).json()["id"]
    agent = next(a for a in client.get("/api/v1/agents", headers=admin).json()
                 if a["outsourcer_id"] == azur and a["skills"].get("covid-info", 0) >= 4
                 and a["works_from"] == "site")
    sup = login(client, "sup-azur")
    assert client.post(f"/api/v1/agents/{agent['id']}/login", headers=sup).status_code == 200
    reply = client.put(f"/api/v1/agents/{agent['id']}/state", headers=sup,
                       json={"state": "available"})
    assert reply.json()["status"] == "available", reply.text
    return str(agent["id"])


def _contact(client: TestClient) -> dict[str, Any]:
    created = client.post("/api/v1/contacts", headers=login(client, "admin"), json={
        "queue": HOTLINE, "channel": "chat", "customer_ref": "+33 6 12 34 56 78",
        "message": "Bonjour"})
    assert created.status_code == 201, created.text
    return dict(created.json())


@pytest.mark.parametrize("intruder", ["sup-nordcom", "manager-nordcom"])
def test_staff_cannot_act_for_another_outsourcers_agent(client: TestClient,
                                                        intruder: str) -> None:
    agent_id = _azur_agent_on_hotline(client)
    contact = _contact(client)
    assert contact["state"] == "offered" and contact["agent_id"] == agent_id
    cid = contact["id"]
    other = login(client, intruder)
    # The contact is visible to Nordcom (it serves the queue)…
    assert client.get(f"/api/v1/contacts/{cid}", headers=other).status_code == 200
    # …but every action in the Azur agent's name is refused.
    for verb, body in (("accept", None), ("decline", None), ("end", None),
                       ("wrap-up", {"disposition": "x"}),
                       ("transfer", {"queue": "hotline-travel"})):
        reply = client.post(f"/api/v1/contacts/{cid}/{verb}", headers=other, json=body)
        assert reply.status_code == 403, (verb, reply.text)
        assert reply.headers["content-type"] == "application/problem+json"
    sup_azur = login(client, "sup-azur")
    assert client.post(f"/api/v1/contacts/{cid}/accept",
                       headers=sup_azur).json()["state"] == "accepted"
    refused = client.post(f"/api/v1/contacts/{cid}/messages", headers=other,
                          json={"body": "je parle au nom d'Azur"})
    assert refused.status_code == 403
    for verb, body in (("end", None), ("wrap-up", {"disposition": "x"})):
        assert client.post(f"/api/v1/contacts/{cid}/{verb}", headers=other,
                           json=body).status_code == 403
    detail = client.get(f"/api/v1/contacts/{cid}", headers=login(client, "admin")).json()
    assert detail["state"] == "accepted" and detail["agent_id"] == agent_id
    messages = client.get(f"/api/v1/contacts/{cid}/messages",
                          headers=login(client, "admin")).json()
    assert [m["author"] for m in messages] == ["customer"]


def test_own_outsourcers_staff_and_admin_still_act(client: TestClient) -> None:
    agent_id = _azur_agent_on_hotline(client)
    cid = _contact(client)["id"]
    sup_azur = login(client, "sup-azur")
    assert client.post(f"/api/v1/contacts/{cid}/accept", headers=sup_azur).status_code == 200
    posted = client.post(f"/api/v1/contacts/{cid}/messages", headers=sup_azur,
                         json={"body": "Bonjour, je vous écoute."})
    assert posted.status_code == 201 and posted.json()["author_id"] == agent_id
    closed = client.post(f"/api/v1/contacts/{cid}/wrap-up", headers=login(client, "admin"),
                         json={"disposition": "informed"})
    assert closed.json()["state"] == "closed"
