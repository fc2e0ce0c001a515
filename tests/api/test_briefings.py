"""Briefing-gated routing through the API: a version published as briefing required keeps
unbriefed agents from its topic's queue while a briefed agent is free, lets them take it
when the queue reaches its threshold (briefing pinned), and frees them once acknowledged."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from renfort.services.commands import Tick
from tests.conftest import login

KB = "/api/v1/kb"
ARTICLE = f"{KB}/numero-vert/articles/rassemblements"


def _publish_with_briefing(client: TestClient) -> dict[str, Any]:
    editor = login(client, "editor")
    current = client.get(ARTICLE, headers=editor).json()["in_force"]
    changed = {k: current[k] for k in ("question", "alternatives", "category", "lang", "source",
                                       "source_url", "source_date", "audience", "tags")}
    changed["answer"] = "Tout rassemblement de plus de six personnes est interdit."
    assert client.put(ARTICLE, headers=editor, json=changed).status_code == 201
    published = client.post(f"{ARTICLE}/versions/2/publish", headers=editor,
                            json={"briefing_required": True})
    assert published.status_code == 200, published.text
    briefing: dict[str, Any] = published.json()["briefing"]
    return briefing


def _available(client: TestClient, headers: dict[str, str], agent_id: str) -> None:
    client.post(f"/api/v1/agents/{agent_id}/login", headers=headers)
    reply = client.put(f"/api/v1/agents/{agent_id}/state", headers=headers,
                       json={"state": "available"})
    assert reply.json()["status"] == "available", reply.text


def _call(client: TestClient, admin: dict[str, str], n: int) -> dict[str, Any]:
    reply = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": f"+33 6 00 00 02 {n:02d}"})
    assert reply.status_code == 201, reply.text
    contact: dict[str, Any] = reply.json()
    return contact


def test_an_unbriefed_agent_waits_while_a_briefed_one_is_free(
        client: TestClient, clock: ManualClock) -> None:
    admin = login(client, "admin")
    supervisor = login(client, "sup-atlantique")
    unbriefed = login(client, "agent-hotline")
    unbriefed_id = client.get("/api/v1/auth/me", headers=unbriefed).json()["agent_id"]
    briefed_id = next(a["id"] for a in client.get("/api/v1/agents", headers=admin).json()
                      if a["outsourcer"] == "atlantique" and a["id"] != unbriefed_id
                      and a["skills"].get("covid-info", 0) >= 4 and a["works_from"] == "site")
    client.post("/api/v1/users", headers=admin, json={
        "username": "agent-briefed", "password": "briefed-pass", "role": "agent",
        "agent": briefed_id})
    briefed = login(client, "agent-briefed", "briefed-pass")

    briefing = _publish_with_briefing(client)
    assert "covid-info" in briefing["skills"]
    assert any(line.startswith("Réponse — ajouté : Tout rassemblement de plus de six")
               for line in briefing["changes"])
    mine = client.get("/api/v1/briefings", headers=briefed).json()
    assert [(b["id"], b["acknowledged_at"]) for b in mine] == [(briefing["id"], None)]
    acked = client.post(f"/api/v1/briefings/{briefing['id']}/acknowledge", headers=briefed)
    assert acked.status_code == 200, acked.text
    again = client.post(f"/api/v1/briefings/{briefing['id']}/acknowledge", headers=briefed)
    assert again.status_code == 409
    # Drain what the demo already has waiting, then only the two agents are present.
    _available(client, unbriefed, unbriefed_id)
    _available(client, briefed, briefed_id)
    for held in client.get("/api/v1/contacts?state=offered", headers=admin).json():
        headers = unbriefed if held["agent_id"] == unbriefed_id else briefed
        client.post(f"/api/v1/contacts/{held['id']}/accept", headers=headers)
        client.post(f"/api/v1/contacts/{held['id']}/wrap-up", headers=headers,
                    json={"disposition": "informed"})

    first = _call(client, admin, 1)
    assert first["agent_id"] == briefed_id  # both free: the briefed one gets it
    why = client.get(f"/api/v1/contacts/{first['id']}/explain", headers=supervisor,
                     params={"agent": unbriefed_id}).json()
    assert any(c["name"] == "briefing" and not c["passed"] for c in why["checks"]), why
    client.post(f"/api/v1/contacts/{first['id']}/accept", headers=briefed)

    second = _call(client, admin, 2)
    assert second["state"] == "queued"  # the briefed agent is busy; the other is held back
    status = client.get("/api/v1/briefings/" + briefing["id"], headers=supervisor).json()
    assert unbriefed_id in [a["agent_id"] for a in status["not_briefed"]]
    assert briefed_id in [a["agent_id"] for a in status["briefed"]]

    sl_seconds = client.get("/api/v1/queues/hotline-general", headers=admin).json()["sl_seconds"]
    clock.advance(sl_seconds)
    client.portal.call(client.app.state.runtime.desk.execute, Tick())  # type: ignore[attr-defined]
    now = client.get(f"/api/v1/contacts/{second['id']}", headers=admin).json()
    assert (now["state"], now["agent_id"]) == ("offered", unbriefed_id)
    messages = client.get(f"/api/v1/contacts/{second['id']}/messages", headers=admin).json()
    assert any("Consigne à lire" in m["body"] for m in messages)

    client.post(f"/api/v1/contacts/{second['id']}/accept", headers=unbriefed)
    client.post(f"/api/v1/contacts/{second['id']}/wrap-up", headers=unbriefed,
                json={"disposition": "informed"})
    assert client.post(f"/api/v1/briefings/{briefing['id']}/acknowledge",
                       headers=unbriefed).status_code == 200
    third = _call(client, admin, 3)
    assert third["agent_id"] == unbriefed_id  # briefed now, and the only one free


def test_who_may_see_and_acknowledge(client: TestClient) -> None:
    briefing = _publish_with_briefing(client)
    path = f"/api/v1/briefings/{briefing['id']}"
    viewer = client.get(path, headers=login(client, "client-numero-vert")).json()
    assert viewer["briefed"] == [] and viewer["not_briefed"] == []  # no agent names
    assert client.get(path, headers=login(client, "sup-nordcom")).status_code == 200
    assert client.get(path, headers=login(client, "client-banque-hermine")).status_code == 404
    assert client.post(f"{path}/acknowledge",
                       headers=login(client, "sup-atlantique")).status_code == 403
    assert client.post(f"{path}/acknowledge",
                       headers=login(client, "agent-bank-home")).status_code == 404


def _browser(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def test_pages_publish_show_and_acknowledge_a_briefing(client: TestClient) -> None:
    editor = login(client, "editor")
    current = client.get(ARTICLE, headers=editor).json()["in_force"]
    changed = {k: current[k] for k in ("question", "alternatives", "category", "lang", "source",
                                       "source_url", "source_date", "audience", "tags")}
    changed["answer"] = "Tout rassemblement de plus de six personnes est interdit."
    client.put(ARTICLE, headers=editor, json=changed)
    _browser(client, "editor")
    assert 'id="briefing-required"' in client.get(
        "/knowledge/a/rassemblements?client=numero-vert").text
    done = client.post("/knowledge/a/rassemblements/publish?client=numero-vert",
                       data={"version": "2", "briefing_required": "1"}, follow_redirects=False)
    assert done.status_code == 303, done.text

    _browser(client, "sup-atlantique")
    assert "Consignes : qui les a lues" in client.get("/supervisor/wall").text
    _browser(client, "agent-hotline")
    desk = client.get("/agent").text
    assert "Consignes à lire" in desk and "Tout rassemblement de plus de six" in desk
    briefing = client.get("/api/v1/briefings", headers=login(client, "agent-hotline")).json()[0]
    read = client.post(f"/agent/briefings/{briefing['id']}/acknowledge")
    assert read.status_code == 200 and "Consignes à lire" not in read.text
