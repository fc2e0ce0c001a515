"""Bad input gets a clear problem+json and changes nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login


def _count(client: TestClient, headers: dict[str, str], path: str) -> int:
    return len(client.get(path, headers=headers).json())


@pytest.mark.parametrize(("body", "status"), [
    ({"queue": "hotline-general", "channel": "fax", "customer_ref": "x"}, 422),
    ({"queue": "hotline-general", "channel": "voice"}, 422),
    ({"queue": "hotline-general", "channel": "voice", "customer_ref": ""}, 422),
    ({"queue": "no-such-queue", "channel": "voice", "customer_ref": "+33 1"}, 404),
    ({"queue": "hotline-callback", "channel": "voice", "customer_ref": "+33 1"}, 422),
    ({"queue": "hotline-general", "channel": "voice", "customer_ref": "x", "extra": 1}, 422),
])
def test_bad_contacts_are_refused_and_nothing_is_stored(
        client: TestClient, body: dict[str, Any], status: int) -> None:
    admin = login(client, "admin")
    reply = client.post("/api/v1/contacts", headers=admin, json=body)
    assert reply.status_code == status, reply.text
    problem = reply.json()
    assert reply.headers["content-type"] == "application/problem+json"
    assert problem["status"] == status and problem["detail"] and problem["type"]
    assert _count(client, admin, "/api/v1/contacts") == 0


def test_illegal_transition_is_409_and_changes_nothing(client: TestClient) -> None:
    admin = login(client, "admin")
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 1"}).json()
    assert client.post(f"/api/v1/contacts/{contact['id']}/abandon",
                       headers=admin).status_code == 200
    again = client.post(f"/api/v1/contacts/{contact['id']}/abandon", headers=admin)
    assert again.status_code == 409
    assert again.json()["error_id"] == "conflict"
    events = client.get(f"/api/v1/contacts/{contact['id']}", headers=admin).json()["events"]
    assert [e["action"] for e in events] == ["receive", "queue", "abandon"]


def test_callback_then_redirect_is_refused_with_409(client: TestClient) -> None:
    admin = login(client, "admin")
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 2"}).json()
    assert client.post(f"/api/v1/contacts/{contact['id']}/callback",
                       headers=admin).json()["state"] == "callback_requested"
    reply = client.post(f"/api/v1/contacts/{contact['id']}/redirect", headers=admin,
                        json={"target": "medical-line-15"})
    assert reply.status_code == 409
    assert reply.json()["error_id"] == "invalid-transition"


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/queues", {"slug": "Bad Slug", "client": "numero-vert", "name": "x",
                        "channels": ["voice"], "skill": "covid-info"}),
    ("/api/v1/queues", {"slug": "ok-slug", "client": "nobody", "name": "x",
                        "channels": ["voice"], "skill": "covid-info"}),
    ("/api/v1/queues", {"slug": "ok-slug", "client": "numero-vert", "name": "x",
                        "channels": ["voice"], "skill": "covid-info",
                        "bullseye": [[10, 3]]}),
    ("/api/v1/queues", {"slug": "ok-slug", "client": "numero-vert", "name": "x",
                        "channels": ["voice"], "skill": "covid-info", "language": "EN"}),
    ("/api/v1/clients", {"slug": "acme", "name": "Acme", "sector": "mining"}),
    ("/api/v1/agents", {"outsourcer": "nordcom", "name": "X", "skills": {"covid-info": 9},
                        "works_from": "home"}),
    ("/api/v1/waivers", {"client": "banque-hermine", "queues": ["hotline-general"],
                         "conditions": "VPN", "valid_from": "2020-03-17T00:00:00Z",
                         "valid_to": "2020-04-17T00:00:00Z"}),
    ("/api/v1/waivers", {"client": "banque-hermine", "queues": ["bank-cards"],
                         "conditions": "VPN", "valid_from": "2020-03-17T00:00:00",
                         "valid_to": "2020-04-17T00:00:00"}),
])
def test_bad_reference_data_is_422_and_not_stored(client: TestClient, path: str,
                                                  body: dict[str, Any]) -> None:
    admin = login(client, "admin")
    before = _count(client, admin, path)
    reply = client.post(path, headers=admin, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert _count(client, admin, path) == before


def test_duplicate_slug_is_409(client: TestClient) -> None:
    admin = login(client, "admin")
    reply = client.post("/api/v1/outsourcers", headers=admin,
                        json={"slug": "nordcom", "name": "Encore"})
    assert reply.status_code == 409, reply.text


def test_wrong_password_is_401_without_saying_which_part(client: TestClient) -> None:
    for user, password in (("admin", "wrong-password"), ("nobody", "whatever1")):
        reply = client.post("/api/v1/auth/token",
                            data={"username": user, "password": password})
        assert reply.status_code == 401
        assert reply.json()["detail"] == "wrong username or password"


def test_unknown_addresses_get_a_page_or_a_problem(client: TestClient) -> None:
    page = client.get("/agentx", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in page.text
    api = client.get("/api/v1/nothing-here", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("query", [{"after": str(2**63)}, {"after": "-1"}, {"limit": "0"},
                                   {"state": "lost"}])
def test_bad_list_filters_are_422_not_500(client: TestClient, query: dict[str, str]) -> None:
    # Found by fuzzing the OpenAPI schema (schemathesis): a seq beyond 64 bits reached SQLite.
    reply = client.get("/api/v1/contacts", headers=login(client, "admin"), params=query)
    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"
