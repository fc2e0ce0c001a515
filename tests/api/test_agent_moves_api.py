"""Bulk moves through the API: one request moves a selection home or back, each agent
checked alone against their home set-up and each client's telework policy."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import login

FULL_SETUP = {"managed_laptop": True, "vpn": True, "softphone": True, "training_done": True}


def _agents(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    reply = client.get("/api/v1/agents", headers=headers)
    assert reply.status_code == 200
    return list(reply.json())


def _pick(agents: list[dict[str, Any]], outsourcer: str, skills: set[str],
          where: str) -> list[str]:
    return [a["id"] for a in agents if a["outsourcer"] == outsourcer
            and set(a["skills"]) == skills and a["works_from"] == where]


def test_120_agents_back_to_site_in_one_request(client: TestClient) -> None:
    admin = login(client, "admin")
    home = [a["id"] for a in _agents(client, admin) if a["works_from"] == "home"][:120]
    assert len(home) == 120
    preview = client.post("/api/v1/agents/moves", headers=admin,
                          json={"agents": home, "to": "site", "dry_run": True})
    assert preview.status_code == 200, preview.text
    assert preview.json()["moved"] == 120 and preview.json()["dry_run"] is True
    assert sum(a["works_from"] == "home" for a in _agents(client, admin)) >= 120

    done = client.post("/api/v1/agents/moves", headers=admin, json={"agents": home, "to": "site"})
    assert done.status_code == 200, done.text
    assert (done.json()["moved"], done.json()["refused"]) == (120, 0)
    after = {a["id"]: a["works_from"] for a in _agents(client, admin)}
    assert all(after[agent] == "site" for agent in home)
    # Back on site, no queue loses anyone: whoever served a queue from home still does.
    assert all(q["loses"] == 0 for q in done.json()["queues"])


def test_a_refused_agent_stays_with_a_reason_and_the_others_move(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    admin = login(client, "admin")
    everyone = _agents(client, admin)
    energy = _pick(everyone, "atlantique", {"energy-billing", "energy-outage"}, "site")
    ready, unready = energy[0], energy[1]
    already = _pick(everyone, "atlantique", {"insurance-claims"}, "home")[0]
    foreign = _pick(everyone, "azur", {"telecom-support"}, "site")[0]
    assert client.put(f"/api/v1/agents/{ready}/home-setup", headers=manager,
                      json=FULL_SETUP).status_code == 200

    reply = client.post("/api/v1/agents/moves", headers=manager, json={
        "agents": [ready, unready, already, foreign], "to": "home", "dry_run": True})
    assert reply.status_code == 200, reply.text
    preview = {a["agent_id"]: a for a in reply.json()["agents"]}
    assert preview[ready]["moved"] and preview[ready]["queues_lost"] == ["energy-outage"]
    assert preview[unready]["reason"] == "home-setup" and len(preview[unready]["missing"]) == 4
    assert preview[already]["reason"] == "already-there"
    assert preview[foreign]["reason"] == "unknown-agent" and preview[foreign]["name"] is None
    lost = {q["queue"]: q for q in reply.json()["queues"]}
    assert lost["energy-outage"]["loses"] == 1
    assert lost["energy-outage"]["after"] == lost["energy-outage"]["before"] - 1
    assert _where(client, admin, ready) == "site"  # a preview changes nothing

    done = client.post("/api/v1/agents/moves", headers=manager, json={
        "agents": [ready, unready, already, foreign], "to": "home"})
    assert (done.json()["moved"], done.json()["refused"]) == (1, 3)
    assert _where(client, admin, ready) == "home"
    assert _where(client, admin, unready) == "site"
    assert _where(client, admin, foreign) == "site"


def test_no_move_home_where_no_client_allows_it(client: TestClient) -> None:
    admin = login(client, "admin")
    bank = login(client, "client-banque-hermine")
    agent = _pick(_agents(client, admin), "nordcom", {"bank-accounts", "bank-cards"}, "site")[0]
    client.put(f"/api/v1/agents/{agent}/home-setup", headers=admin, json=FULL_SETUP)
    allowed = client.post("/api/v1/agents/moves", headers=admin,
                          json={"agents": [agent], "to": "home", "dry_run": True}).json()
    assert allowed["agents"][0]["moved"]  # the bank's waiver covers home work
    revoked = client.post("/api/v1/waivers/wv-banque-hermine-teletravail/revoke", headers=bank)
    assert revoked.status_code == 200
    refused = client.post("/api/v1/agents/moves", headers=admin,
                          json={"agents": [agent], "to": "home"}).json()
    assert refused["agents"][0]["reason"] == "telework-policy"
    assert refused["moved"] == 0 and _where(client, admin, agent) == "site"


def test_bad_selections_are_refused_whole(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    agent = _pick(_agents(client, manager), "atlantique", {"insurance-claims"}, "site")[0]
    for body in ({"agents": [], "to": "home"}, {"agents": [agent, agent], "to": "home"},
                 {"agents": [agent], "to": "garden"}, {"agents": ["Bad Id"], "to": "home"},
                 {"agents": [agent], "to": "site", "site": "azur-marseille"}):
        reply = client.post("/api/v1/agents/moves", headers=manager, json=body)
        assert reply.status_code == 422, (body, reply.text)
    supervisor = login(client, "sup-atlantique")
    reply = client.post("/api/v1/agents/moves", headers=supervisor,
                        json={"agents": [agent], "to": "home"})
    assert reply.status_code == 403


def _where(client: TestClient, admin: dict[str, str], agent: str) -> str:
    return str(client.get(f"/api/v1/agents/{agent}", headers=admin).json()["works_from"])


def test_the_moves_page_previews_then_moves(client: TestClient) -> None:
    reply = client.post("/login", data={"username": "manager-atlantique",
                                        "password": "manager-atlantique-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303
    assert "/sites/moves" in client.get("/sites").text
    page = client.get("/sites/moves")
    assert page.status_code == 200 and "Déplacer des conseillers" in page.text
    admin = login(client, "admin")
    agent = _pick(_agents(client, admin), "atlantique", {"energy-billing", "energy-outage"},
                  "site")[0]
    preview = client.post("/sites/moves", data={"agents": [agent], "to": "home",
                                                "action": "preview"})
    assert "Aperçu" in preview.text and "équipement du domicile incomplet" in preview.text
    assert _where(client, admin, agent) == "site"
    empty = client.post("/sites/moves", data={"to": "home", "action": "move"})
    assert "Cochez au moins un conseiller" in empty.text
    home = _pick(_agents(client, admin), "atlantique", {"insurance-claims"}, "home")[0]
    moved = client.post("/sites/moves", data={"agents": [home], "to": "site", "action": "move"})
    assert "Déplacement effectué" in moved.text and _where(client, admin, home) == "site"
    client.cookies.clear()
    client.post("/login", data={"username": "sup-atlantique", "password": "sup-atlantique-demo"})
    assert 'id="moves-form"' not in client.get("/sites/moves").text


def test_the_moves_page_narrows_its_list_by_a_search(client: TestClient) -> None:
    """A manager of a hundred agents finds a team by skill, place or name, accents or not."""
    client.post("/login", data={"username": "manager-atlantique",
                                "password": "manager-atlantique-demo"})
    every = client.get("/sites/moves").text.count('name="agents"')
    claims = client.get("/sites/moves", params={"q": "declarations de SINISTRE"}).text
    ticked = re.findall(r'name="agents" value="([^"]+)"', claims)
    admin = login(client, "admin")
    insurance = {a["id"] for a in _agents(client, admin) if "insurance-claims" in a["skills"]
                 and a["outsourcer_id"] == "os-atlantique"}
    assert every == 100 and 0 < len(ticked) < every and set(ticked) == insurance
    assert f"Conseillers : {len(ticked)} sur 100" in claims
    at_home = client.get("/sites/moves", params={"q": "teletravail"}).text
    assert 0 < at_home.count('name="agents"') < every
    # the search is kept through a preview, so the list stays the one the manager chose
    preview = client.post("/sites/moves", data={"agents": ticked[:1], "to": "home",
                                                "action": "preview", "q": "sinistre"})
    assert preview.text.count('name="agents"') == len(ticked)
    assert client.get("/sites/moves", params={"q": "x" * 201}).status_code == 422
