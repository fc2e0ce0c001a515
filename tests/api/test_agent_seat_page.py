"""The agent desktop's own seat: a site agent checks in on a free seat and leaves it; a home
agent's desktop has no seat panel."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import login


def _browser_login(client: TestClient, username: str) -> None:
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def test_a_site_agent_takes_and_leaves_a_seat(client: TestClient) -> None:
    _browser_login(client, "agent-hotline")
    desk = client.get("/agent").text
    assert "Mon poste sur site" in desk and "M&#39;installer" in desk
    free = client.get("/api/v1/sites/atlantique-nantes/seats",
                      headers=login(client, "manager-atlantique")).json()
    seat = next(s["seat_id"] for s in free if s["usable"] and not s["occupied"])
    taken = client.post("/agent/seat", data={"action": "take", "seat": seat})
    assert taken.status_code == 200 and f"Installé au poste {seat}" in taken.text
    again = client.post("/agent/seat", data={"action": "take", "seat": seat})
    assert "Installé au poste" not in again.text  # refused: shown in the flash area
    left = client.post("/agent/seat", data={"action": "leave"})
    assert left.status_code == 200 and "M&#39;installer" in left.text


def test_a_home_agent_has_no_seat(client: TestClient) -> None:
    _browser_login(client, "agent-bank-home")
    assert "Mon poste sur site" not in client.get("/agent").text
