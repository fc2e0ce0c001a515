"""Each role sees its own tenant only; anonymous callers see nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login

PROTECTED = ["/api/v1/contacts", "/api/v1/queues", "/api/v1/agents", "/api/v1/outsourcers",
             "/api/v1/clients", "/api/v1/contracts", "/api/v1/sites", "/api/v1/waivers",
             "/api/v1/users", "/api/v1/auth/me", "/api/v1/events"]


@pytest.mark.parametrize("path", PROTECTED)
def test_anonymous_calls_get_401_problem(client: TestClient, path: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 401
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["error_id"] == "unauthenticated"


def test_bad_token_is_401(client: TestClient) -> None:
    reply = client.get("/api/v1/queues", headers={"Authorization": "Bearer nope"})
    assert reply.status_code == 401


def test_outsourcer_staff_see_only_their_agents_and_sites(client: TestClient) -> None:
    admin = login(client, "admin")
    everyone = client.get("/api/v1/agents", headers=admin).json()
    outsourcers = {o["slug"]: o["id"] for o in
                   client.get("/api/v1/outsourcers", headers=admin).json()}
    for role in ("sup", "manager"):
        headers = login(client, f"{role}-nordcom")
        agents = client.get("/api/v1/agents", headers=headers).json()
        assert agents and {a["outsourcer_id"] for a in agents} == {outsourcers["nordcom"]}
        assert len(agents) < len(everyone)
        sites = client.get("/api/v1/sites", headers=headers).json()
        assert {s["outsourcer_id"] for s in sites} == {outsourcers["nordcom"]}
        other = next(a for a in everyone if a["outsourcer_id"] != outsourcers["nordcom"])
        assert client.get(f"/api/v1/agents/{other['id']}", headers=headers).status_code == 404
        assert client.post(f"/api/v1/agents/{other['id']}/login",
                           headers=headers).status_code == 404


def test_client_viewer_sees_only_its_contacts(client: TestClient) -> None:
    admin = login(client, "admin")
    bank = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 11 11 11 11"}).json()
    hotline = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 22 22 22 22"}
    ).json()
    viewer = login(client, "client-banque-hermine")
    seen = {c["id"] for c in client.get("/api/v1/contacts", headers=viewer).json()}
    assert bank["id"] in seen and hotline["id"] not in seen
    assert client.get(f"/api/v1/contacts/{hotline['id']}", headers=viewer).status_code == 404
    queues = {q["slug"] for q in client.get("/api/v1/queues", headers=viewer).json()}
    assert queues == {"bank-cards", "bank-accounts"}
    assert client.get("/api/v1/agents", headers=viewer).json() == []


def test_client_viewer_cannot_create_contacts_or_queues(client: TestClient) -> None:
    viewer = login(client, "client-banque-hermine")
    reply = client.post("/api/v1/contacts", headers=viewer, json={
        "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 11 11 11 11"})
    assert reply.status_code == 403
    assert reply.json()["error_id"] == "forbidden"
    reply = client.post("/api/v1/outsourcers", headers=viewer,
                        json={"slug": "intrus", "name": "Intrus"})
    assert reply.status_code == 403


def test_agent_sees_only_own_contacts_and_cannot_act_for_others(client: TestClient) -> None:
    admin = login(client, "admin")
    client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 33 33 33 33"})
    agent = login(client, "agent-hotline")
    assert client.get("/api/v1/contacts", headers=agent).json() == []
    me = client.get("/api/v1/auth/me", headers=agent).json()
    agents = client.get("/api/v1/agents", headers=agent).json()
    assert [a["id"] for a in agents] == [me["agent_id"]]
    colleague = next(a["id"] for a in client.get("/api/v1/agents", headers=admin).json()
                     if a["id"] != me["agent_id"])
    assert client.post(f"/api/v1/agents/{colleague}/login", headers=agent).status_code == 404


def test_integration_key_creates_contacts_for_its_client_only(client: TestClient) -> None:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    key = rt.auth.create_api_key("pbx-banque", "banque-hermine")
    headers = {"X-API-Key": key}
    ok = client.post("/api/v1/contacts", headers=headers, json={
        "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 44 44 44 44"})
    assert ok.status_code == 201
    refused = client.post("/api/v1/contacts", headers=headers, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 44 44 44 45"})
    assert refused.status_code == 404
    assert client.get("/api/v1/agents", headers=headers).json() == []


def test_sse_stream_is_filtered_by_tenant(client: TestClient) -> None:
    from renfort.services.events import LiveEvent, visible_to
    from renfort.services.principals import Principal, Role

    event = LiveEvent("contact.queued", {}, client_id="c1", outsourcer_ids=frozenset({"o1"}),
                      agent_id=None)
    assert visible_to(event, Principal("u", "u", Role.CLIENT_VIEWER, client_id="c1"))
    assert not visible_to(event, Principal("u", "u", Role.CLIENT_VIEWER, client_id="c2"))
    assert visible_to(event, Principal("u", "u", Role.SUPERVISOR, outsourcer_id="o1"))
    assert not visible_to(event, Principal("u", "u", Role.SUPERVISOR, outsourcer_id="o2"))
    assert not visible_to(event, Principal("u", "u", Role.AGENT, agent_id="a1"))
