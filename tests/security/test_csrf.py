"""Point 8 of issue 12: a state change carried by the session cookie must come from
Renfort's own origin (API and pages alike); bearer tokens and API keys are unaffected."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login

WAIVER = "wv-banque-hermine-teletravail"
OTHER_PORT = {"Origin": "http://testserver:8001", "Sec-Fetch-Site": "same-site"}


def _cookie_session(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/api/v1/auth/session",
                        json={"username": username, "password": f"{username}-demo"})
    assert reply.status_code == 200


def _revoked(client: TestClient) -> bool:
    waiver = client.get(f"/api/v1/waivers/{WAIVER}",
                        headers=login(client, "admin")).json()
    return waiver["revoked_at"] is not None


@pytest.mark.parametrize("headers", [
    OTHER_PORT,
    {"Origin": "http://testserver:8001"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "null"},
])
def test_a_cookie_state_change_from_another_origin_is_refused(
        client: TestClient, headers: dict[str, str]) -> None:
    _cookie_session(client, "client-banque-hermine")
    reply = client.post(f"/api/v1/waivers/{WAIVER}/revoke", headers=headers)
    assert reply.status_code == 403
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["error_id"] == "cross-origin"
    assert not _revoked(client)


@pytest.mark.parametrize("headers", [
    {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    {"Origin": "http://testserver"},
    {},  # no browser header at all: not a browser, nothing to forge
])
def test_the_same_origin_passes(client: TestClient, headers: dict[str, str]) -> None:
    _cookie_session(client, "client-banque-hermine")
    reply = client.post(f"/api/v1/waivers/{WAIVER}/revoke", headers=headers)
    assert reply.status_code == 200, reply.text
    assert _revoked(client)


def test_bearer_tokens_and_api_keys_are_unaffected(client: TestClient) -> None:
    client.cookies.clear()
    bank = login(client, "client-banque-hermine")
    reply = client.post(f"/api/v1/waivers/{WAIVER}/revoke", headers={**bank, **OTHER_PORT})
    assert reply.status_code == 200
    key = client.app.state.runtime.auth.create_api_key(  # type: ignore[attr-defined]
        "pbx", "numero-vert")
    created = client.post("/api/v1/contacts", headers={"X-API-Key": key, **OTHER_PORT},
                          json={"queue": "hotline-general", "channel": "voice",
                                "customer_ref": "+33 6 1"})
    assert created.status_code == 201


def test_pages_refuse_forged_forms_too(client: TestClient) -> None:
    client.cookies.clear()
    logged = client.post("/login", data={"username": "agent-hotline",
                                         "password": "agent-hotline-demo"},
                         follow_redirects=False)
    assert logged.status_code == 303
    forged = client.post("/agent/presence", data={"action": "login"},
                         headers={"Sec-Fetch-Site": "same-site"})
    assert forged.status_code == 403
    assert client.get("/api/v1/agents/me/status",
                      headers=login(client, "agent-hotline")).json()["status"] == "logged_out"
    bye = client.post("/logout", headers={"Sec-Fetch-Site": "cross-site"},
                      follow_redirects=False)
    assert bye.status_code == 403
    assert client.get("/agent", follow_redirects=False).status_code == 200


def test_the_citizen_chat_cookie_is_protected(client: TestClient) -> None:
    client.cookies.clear()
    started = client.post("/chat/messages", data={"message": "Faut-il une attestation ?"},
                          headers={"Sec-Fetch-Site": "same-origin"})
    assert started.status_code == 200 and "renfort_chat" in client.cookies
    forged = client.post("/chat/agent", headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403
