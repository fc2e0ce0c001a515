"""A contact's life through the HTTP API: in, offered, accepted, chatted, wrapped up."""

from __future__ import annotations

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from renfort.services.commands import Tick
from tests.conftest import login

HOTLINE = "hotline-general"


def _agent_on_hotline(client: TestClient) -> tuple[str, dict[str, str]]:
    """The demo agent user of Atlantique, logged in and available."""
    headers = login(client, "agent-hotline")
    me = client.get("/api/v1/auth/me", headers=headers).json()
    agent_id = me["agent_id"]
    assert client.post(f"/api/v1/agents/{agent_id}/login", headers=headers).status_code == 200
    reply = client.put(f"/api/v1/agents/{agent_id}/state", headers=headers,
                       json={"state": "available"})
    assert reply.json()["status"] == "available"
    return agent_id, headers


def test_contact_is_queued_then_offered_accepted_and_closed(client: TestClient) -> None:
    admin = login(client, "admin")
    created = client.post("/api/v1/contacts", headers=admin, json={
        "queue": HOTLINE, "channel": "chat", "customer_ref": "+33 6 12 34 56 78",
        "message": "Bonjour, faut-il une attestation pour aller travailler ?"})
    assert created.status_code == 201, created.text
    contact_id = created.json()["id"]
    assert created.json()["state"] == "queued"

    agent_id, agent = _agent_on_hotline(client)
    status = client.get(f"/api/v1/agents/{agent_id}/status", headers=agent).json()
    assert [c["id"] for c in status["contacts"]] == [contact_id]
    assert status["contacts"][0]["state"] == "offered"

    assert client.post(f"/api/v1/contacts/{contact_id}/accept",
                       headers=agent).json()["state"] == "accepted"
    reply = client.post(f"/api/v1/contacts/{contact_id}/messages", headers=agent,
                        json={"body": "Oui, l'attestation employeur suffit."})
    assert reply.status_code == 201
    closed = client.post(f"/api/v1/contacts/{contact_id}/wrap-up", headers=agent,
                         json={"disposition": "information-given"})
    assert closed.json()["state"] == "closed"

    detail = client.get(f"/api/v1/contacts/{contact_id}", headers=admin).json()
    assert [e["action"] for e in detail["events"]] == \
        ["receive", "queue", "offer", "accept", "end", "close"]
    assert detail["disposition"] == "information-given"
    texts = [m["author"] for m in
             client.get(f"/api/v1/contacts/{contact_id}/messages", headers=admin).json()]
    assert texts == ["customer", "agent"]


def test_unanswered_offer_returns_contact_and_marks_agent_missed(
        client: TestClient, clock: ManualClock) -> None:
    admin = login(client, "admin")
    agent_id, agent = _agent_on_hotline(client)
    contact_id = client.post("/api/v1/contacts", headers=admin, json={
        "queue": HOTLINE, "channel": "voice", "customer_ref": "+33 6 00 00 00 01"}).json()["id"]
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=admin).json()["state"] \
        == "offered"
    clock.advance(21)
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    client.portal.call(rt.desk.execute, Tick())
    detail = client.get(f"/api/v1/contacts/{contact_id}", headers=admin).json()
    assert detail["state"] == "queued"
    assert detail["events"][-1]["data"] == {"reason": "timeout"}
    status = client.get(f"/api/v1/agents/{agent_id}/status", headers=agent).json()
    assert status["status"] == "missed"
    assert status["contacts"] == []


def test_queue_stats_count_waiting_and_today(client: TestClient, clock: ManualClock) -> None:
    admin = login(client, "admin")
    for n in range(3):
        client.post("/api/v1/contacts", headers=admin, json={
            "queue": HOTLINE, "channel": "voice", "customer_ref": f"+33 6 00 00 00 1{n}"})
    clock.advance(30)
    stats = client.get(f"/api/v1/queues/{HOTLINE}/stats", headers=admin).json()
    assert stats["waiting"] == 3
    assert stats["oldest_wait_seconds"] == 30.0
    assert stats["offered_today"] == 3
    assert stats["agents"]["logged_out"] > 0


def test_contacts_list_oldest_first_with_contract_fields(client: TestClient) -> None:
    admin = login(client, "admin")
    ids = [client.post("/api/v1/contacts", headers=admin, json={
        "queue": HOTLINE, "channel": "voice", "customer_ref": f"+33 6 00 00 01 {n:02d}"}
    ).json()["id"] for n in range(5)]
    listed = client.get("/api/v1/contacts?state=queued", headers=admin).json()
    assert [c["id"] for c in listed] == ids
    assert {"id", "queue", "state"} <= set(listed[0])
    assert listed[0]["customer_ref"].endswith("00")
    assert "+33" not in listed[0]["customer_ref"] or listed[0]["customer_ref"].count("•") == 0


def test_healthz_and_queue_list_contract(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    admin = login(client, "admin")
    queues = client.get("/api/v1/queues", headers=admin).json()
    hotline = next(q for q in queues if q["slug"] == HOTLINE)
    assert hotline["client"] == "numero-vert"
    assert hotline["id"]


def test_explain_says_why_an_agent_is_not_offered(client: TestClient) -> None:
    admin = login(client, "admin")
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 55 55 55 55"}).json()
    hotline_agent = client.get("/api/v1/auth/me",
                               headers=login(client, "agent-hotline")).json()["agent_id"]
    answer = client.get(f"/api/v1/contacts/{contact['id']}/explain",
                        params={"agent": hotline_agent}, headers=admin).json()
    assert answer["eligible"] is False
    failed = {c["name"] for c in answer["checks"] if not c["passed"]}
    assert "status" in failed or any("skill" in name for name in failed)
    viewer = login(client, "client-banque-hermine")
    assert client.get(f"/api/v1/contacts/{contact['id']}/explain",
                      params={"agent": hotline_agent}, headers=viewer).status_code == 403


def test_a_language_line_is_offered_only_to_agents_who_speak_it(client: TestClient) -> None:
    admin = login(client, "admin")
    queue = client.post("/api/v1/queues", headers=admin, json={
        "slug": "hotline-arabic", "client": "numero-vert", "name": "Hotline in Arabic",
        "channels": ["voice"], "skill": "covid-info", "language": "ar"})
    assert queue.status_code == 201, queue.text
    assert queue.json()["language"] == "ar"
    english = next(q for q in client.get("/api/v1/queues", headers=admin).json()
                   if q["slug"] == "hotline-english")  # the demo's line, served by Atlantique
    assert english["language"] == "en"
    agent_id, _ = _agent_on_hotline(client)
    profile = client.get(f"/api/v1/agents/{agent_id}", headers=admin).json()

    def speak(languages: list[str]) -> None:
        body = {k: profile[k] for k in ("name", "skills", "works_from", "capacity")}
        reply = client.put(f"/api/v1/agents/{agent_id}", headers=admin, json={
            **body, "outsourcer": "atlantique", "site": profile["site_id"],
            "languages": languages})
        assert reply.status_code == 200, reply.text

    speak(["fr"])
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-english", "channel": "voice", "customer_ref": "+44 7700 900123"}).json()
    assert contact["state"] == "queued"
    why = client.get(f"/api/v1/contacts/{contact['id']}/explain", headers=admin,
                     params={"agent": agent_id}).json()
    language = next(c for c in why["checks"] if c["name"] == "language")
    assert language["passed"] is False and "does not speak en" in language["detail"]
    speak(["fr", "en"])
    assert client.get(f"/api/v1/contacts/{contact['id']}", headers=admin).json()["state"] \
        == "offered"


def test_the_openapi_document_has_no_dangling_reference(client: TestClient) -> None:
    # Found by schemathesis: embedded model schemas pointed at #/$defs of the whole document.
    document = client.get("/openapi.json").json()
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    for ref in refs:
        target: object = document
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, ref
            target = target[part]
