"""Home work through the API: waivers gate home agents end to end, home set-ups gate
routing, and the per-client report of contacts handled from home."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from tests.conftest import T0, login

BANK_WAIVER = "wv-banque-hermine-teletravail"


def _home_agent(client: TestClient) -> tuple[str, dict[str, str]]:
    headers = login(client, "agent-bank-home")
    agent_id = client.get("/api/v1/auth/me", headers=headers).json()["agent_id"]
    reply = client.post(f"/api/v1/agents/{agent_id}/login", headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "available"
    return agent_id, headers


def _contact(client: TestClient, admin: dict[str, str], n: int) -> str:
    reply = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "bank-cards", "channel": "voice", "customer_ref": f"+33 6 00 00 01 {n:02d}"})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def _state(client: TestClient, admin: dict[str, str], contact: str) -> str:
    return str(client.get(f"/api/v1/contacts/{contact}", headers=admin).json()["state"])


def test_waiver_revoked_or_expired_stops_new_home_contacts_but_not_current_ones(
        client: TestClient, clock: ManualClock) -> None:
    admin = login(client, "admin")
    bank = login(client, "client-banque-hermine")
    agent_id, agent = _home_agent(client)
    first = _contact(client, admin, 1)
    assert _state(client, admin, first) == "offered"
    assert client.post(f"/api/v1/contacts/{first}/accept", headers=agent).status_code == 200
    clock.advance(60)

    revoked = client.post(f"/api/v1/waivers/{BANK_WAIVER}/revoke", headers=bank)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    second = _contact(client, admin, 2)
    assert _state(client, admin, second) == "queued"
    closed = client.post(f"/api/v1/contacts/{first}/wrap-up", headers=agent,
                         json={"disposition": "card-blocked"})
    assert closed.json()["state"] == "closed"  # the contact in progress finished
    assert _state(client, admin, second) == "queued"  # free agent, still no new contact

    # The bank accepts degraded conditions again, for one hour only.
    now = datetime.fromtimestamp(clock.now(), tz=UTC)
    created = client.post("/api/v1/waivers", headers=bank, json={
        "queues": ["bank-cards"], "conditions": "VPN et poste administré",
        "valid_from": now.isoformat(), "valid_to": (now + timedelta(hours=1)).isoformat()})
    assert created.status_code == 201, created.text
    assert created.json()["accepted_by"] == "client-banque-hermine"
    assert _state(client, admin, second) == "offered"
    client.post(f"/api/v1/contacts/{second}/accept", headers=agent)
    client.post(f"/api/v1/contacts/{second}/wrap-up", headers=agent,
                json={"disposition": "ceiling-raised"})

    clock.advance(2 * 3600)  # the new waiver has expired
    third = _contact(client, admin, 3)
    assert _state(client, admin, third) == "queued"
    status = client.get(f"/api/v1/agents/{agent_id}/status", headers=agent).json()
    assert status["status"] == "available" and status["contacts"] == []

    report = client.get("/api/v1/clients/banque-hermine/telework-report", headers=bank).json()
    assert (report["handled"], report["from_home"], report["home_share"]) == (2, 2, 1.0)
    bases = {b["waiver_id"]: b["contacts"] for b in report["by_basis"]}
    assert bases == {BANK_WAIVER: 1, created.json()["id"]: 1}


def test_a_client_viewer_manages_only_its_own_waivers(client: TestClient) -> None:
    energy = login(client, "client-energies-claires")
    assert client.post(f"/api/v1/waivers/{BANK_WAIVER}/revoke",
                       headers=energy).status_code == 404
    reply = client.post("/api/v1/waivers", headers=energy, json={
        "client": "banque-hermine", "queues": ["bank-cards"], "conditions": "x",
        "valid_from": "2020-03-17T00:00:00+00:00", "valid_to": "2020-04-17T00:00:00+00:00"})
    assert reply.status_code in (403, 422)
    assert client.post(f"/api/v1/waivers/{BANK_WAIVER}/revoke",
                       headers=login(client, "sup-azur")).status_code == 403


def test_home_agent_without_vpn_gets_no_contact(client: TestClient) -> None:
    admin = login(client, "admin")
    agent_id, agent = _home_agent(client)
    manager = login(client, "manager-azur")
    setup = client.get(f"/api/v1/agents/{agent_id}/home-setup", headers=manager).json()
    assert setup["home_eligible"] is True and setup["missing"] == []

    cut = client.put(f"/api/v1/agents/{agent_id}/home-setup", headers=manager,
                     json={"vpn": False})
    assert cut.status_code == 200 and cut.json()["missing"] == ["vpn"]
    status = client.get(f"/api/v1/agents/{agent_id}/status", headers=agent).json()
    assert status["status"] == "break"
    contact = _contact(client, admin, 9)
    assert _state(client, admin, contact) == "queued"
    refused = client.put(f"/api/v1/agents/{agent_id}/state", headers=agent,
                         json={"state": "available"})
    assert refused.status_code == 409 and refused.json()["details"]["missing"] == ["vpn"]
    client.post(f"/api/v1/agents/{agent_id}/logout", headers=agent)
    assert client.post(f"/api/v1/agents/{agent_id}/login", headers=agent).status_code == 409

    client.put(f"/api/v1/agents/{agent_id}/home-setup", headers=manager, json={"vpn": True})
    assert client.post(f"/api/v1/agents/{agent_id}/login", headers=agent).status_code == 200
    assert _state(client, admin, contact) == "offered"


def test_demo_has_some_home_agents_not_cleared(client: TestClient) -> None:
    setups = client.get("/api/v1/home-setups", headers=login(client, "sup-nordcom")).json()
    assert setups and all(s["works_from"] == "home" for s in setups)
    assert {s["agent_id"].split("-")[1] for s in setups} == {"nordcom"}
    blocked = [s for s in setups if not s["home_eligible"]]
    assert all(s["missing_labels"] and not s["can_take_contacts"] for s in blocked)
    everyone = client.get("/api/v1/home-setups", headers=login(client, "admin")).json()
    assert any(not s["home_eligible"] for s in everyone)


def test_home_setup_access(client: TestClient) -> None:
    agent = login(client, "agent-bank-home")
    me = client.get("/api/v1/auth/me", headers=agent).json()["agent_id"]
    assert client.get("/api/v1/agents/me/home-setup", headers=agent).json()["agent_id"] == me
    assert client.put("/api/v1/agents/me/home-setup", headers=agent,
                      json={"vpn": True}).status_code == 403
    assert client.get(f"/api/v1/agents/{me}/home-setup",
                      headers=login(client, "manager-nordcom")).status_code == 404
    assert client.get("/api/v1/home-setups",
                      headers=login(client, "client-banque-hermine")).status_code == 403
    assert client.get("/api/v1/home-setups").status_code == 401


def test_report_is_scoped_to_the_tenant(client: TestClient) -> None:
    bank = login(client, "client-banque-hermine")
    assert client.get("/api/v1/clients/onde-telecom/telework-report",
                      headers=bank).status_code == 404
    assert client.get("/api/v1/clients/banque-hermine/telework-report",
                      headers=login(client, "manager-atlantique")).status_code == 404
    azur = client.get("/api/v1/clients/banque-hermine/telework-report",
                      headers=login(client, "manager-azur"))
    assert azur.status_code == 200 and azur.json()["handled"] == 0
    assert client.get("/api/v1/clients/banque-hermine/telework-report",
                      headers=login(client, "agent-bank-home")).status_code == 403
    since = datetime.fromtimestamp(T0, tz=UTC).isoformat()
    bad = client.get("/api/v1/clients/banque-hermine/telework-report", headers=bank,
                     params={"since": since, "until": since})
    assert bad.status_code == 422
