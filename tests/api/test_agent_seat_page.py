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


def test_a_site_agent_finds_a_seat_by_typing(client: TestClient) -> None:
    seats = client.get("/api/v1/sites/atlantique-nantes/seats",
                       headers=login(client, "manager-atlantique")).json()
    free = [s for s in seats if s["usable"] and not s["occupied"]]
    assert len(free) > 30  # more than a picker offers at once
    wanted = free[-1]
    _browser_login(client, "agent-hotline")
    desk = client.get("/agent").text
    select = desk.split('id="my-seat-choice"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 30 and 'hx-get="/agent/seat/pick"' in desk
    assert f"Postes libres et nettoyés : {len(free)}." in desk
    found = client.get("/agent/seat/pick", params={"q": wanted["seat_id"].lower()}).text
    assert f'<option value="{wanted["seat_id"]}">' in found
    assert f'(zone {wanted["zone"]})' in found and found.count("<option") < 30
    zone = client.get("/agent/seat/pick", params={"q": f"zone {wanted['zone']}"}).text
    assert 1 <= zone.count("<option") <= 30
    assert "Aucun résultat." in client.get("/agent/seat/pick", params={"q": "zzz"}).text
    taken = client.post("/agent/seat", data={"action": "take", "seat": wanted["seat_id"]})
    assert f"Installé au poste {wanted['seat_id']}" in taken.text
    assert f'value="{wanted["seat_id"]}"' not in client.get(
        "/agent/seat/pick", params={"q": wanted["seat_id"]}).text
    client.post("/agent/seat", data={"action": "leave"})


def test_a_home_agent_has_no_seat_to_pick(client: TestClient) -> None:
    _browser_login(client, "agent-bank-home")
    reply = client.get("/agent/seat/pick", params={"q": "a"})
    assert "<option" not in reply.text and 'role="alert"' in reply.text
