"""Point 6 of issue 12: logout, user deletion and role change end tokens and open event
streams at once; a user holds a bounded number of streams."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import login
from tests.live import free_port, start_server

NEW_USER = {"username": "sup-temp", "password": "sup-temp-pass", "role": "supervisor",
            "outsourcer": "atlantique"}


def _bearer(client: TestClient | httpx.Client, username: str, password: str) -> dict[str, str]:
    reply = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


# ---------------------------------------------------------------------- tokens, in process

def test_a_deleted_users_token_stops_at_once(client: TestClient) -> None:
    admin = login(client, "admin")
    created = client.post("/api/v1/users", headers=admin, json=NEW_USER).json()
    user = _bearer(client, "sup-temp", "sup-temp-pass")
    assert client.get("/api/v1/auth/me", headers=user).status_code == 200  # now cached
    assert client.delete(f"/api/v1/users/{created['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/auth/me", headers=user).status_code == 401


def test_a_role_change_ends_the_sessions_and_applies_at_next_login(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    created = client.post("/api/v1/users", headers=manager, json=NEW_USER).json()
    user = _bearer(client, "sup-temp", "sup-temp-pass")
    agent = client.get("/api/v1/agents", headers=user).json()[0]["id"]
    changed = client.put(f"/api/v1/users/{created['id']}/role", headers=manager,
                         json={"role": "agent", "agent": agent})
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "agent" and changed.json()["agent_id"] == agent
    assert client.get("/api/v1/auth/me", headers=user).status_code == 401
    again = _bearer(client, "sup-temp", "sup-temp-pass")
    assert client.get("/api/v1/auth/me", headers=again).json()["role"] == "agent"


def test_role_changes_stay_within_the_tenant(client: TestClient) -> None:
    admin = login(client, "admin")
    target = client.post("/api/v1/users", headers=admin, json=NEW_USER).json()["id"]
    me = client.get("/api/v1/auth/me", headers=admin).json()["user_id"]
    other = login(client, "manager-azur")
    assert client.put(f"/api/v1/users/{target}/role", headers=other,
                      json={"role": "supervisor"}).status_code == 404
    manager = login(client, "manager-atlantique")
    assert client.put(f"/api/v1/users/{target}/role", headers=manager,
                      json={"role": "admin"}).status_code == 403
    assert client.put(f"/api/v1/users/{me}/role", headers=admin,
                      json={"role": "supervisor", "outsourcer": "azur"}).status_code == 409
    assert client.put(f"/api/v1/users/{target}/role", headers=login(client, "sup-atlantique"),
                      json={"role": "agent"}).status_code == 403
    user = _bearer(client, "sup-temp", "sup-temp-pass")
    assert client.get("/api/v1/auth/me", headers=user).json()["role"] == "supervisor"


# ---------------------------------------------------------------------- streams, real server

@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("revocation")
    shutil.copy(demo_template, folder / "renfort.db")
    port = free_port()
    process = start_server(folder, port, {"RENFORT_SSE_STREAMS_PER_USER": "3"})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def _stream(base: str, headers: dict[str, str]) -> Iterator[Iterator[str]]:
    """An open event stream, past its first line. Its read timeout (5 s) is far below the
    15 s heartbeat: a stream that should have ended and did not fails the test."""
    with httpx.stream("GET", f"{base}/api/v1/events", headers=headers,
                      timeout=httpx.Timeout(5.0)) as reply:
        assert reply.status_code == 200, reply.read()
        lines = reply.iter_lines()
        assert next(lines).startswith("retry:")
        yield lines


def _ends(lines: Iterator[str]) -> bool:
    try:
        for _ in lines:
            pass
    except httpx.ReadTimeout:
        return False
    return True


def test_logout_ends_an_open_stream(server: str) -> None:
    with httpx.Client(base_url=server) as http:
        user = _bearer(http, "sup-atlantique", "sup-atlantique-demo")
        with _stream(server, user) as lines:
            assert http.delete("/api/v1/auth/session", headers=user).status_code == 204
            assert _ends(lines)


def test_deleting_a_user_or_changing_their_role_ends_their_streams(server: str) -> None:
    with httpx.Client(base_url=server) as http:
        admin = _bearer(http, "admin", "admin-demo")
        for step in ("delete", "role"):
            name = f"sup-{step}"
            created = http.post("/api/v1/users", headers=admin, json={
                **NEW_USER, "username": name})
            assert created.status_code == 201, created.text
            ref = created.json()["id"]
            user = _bearer(http, name, NEW_USER["password"])
            with _stream(server, user) as lines:
                if step == "delete":
                    assert http.delete(f"/api/v1/users/{ref}", headers=admin).status_code \
                        == 204
                else:
                    assert http.put(f"/api/v1/users/{ref}/role", headers=admin, json={
                        "role": "client_viewer", "client": "banque-hermine"}).status_code \
                        == 200
                assert _ends(lines)
            assert http.get("/api/v1/auth/me", headers=user).status_code == 401


def test_streams_per_user_are_capped(server: str) -> None:
    with httpx.Client(base_url=server) as http:
        user = _bearer(http, "sup-nordcom", "sup-nordcom-demo")
        other = _bearer(http, "sup-nordcom", "sup-nordcom-demo")  # a second session
        with _stream(server, user), _stream(server, user), _stream(server, other):
            refused = http.get("/api/v1/events", headers=user)
            assert refused.status_code == 429
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["error_id"] == "rate-limited"
            with _stream(server, _bearer(http, "sup-azur", "sup-azur-demo")):
                pass  # another user is not affected
        # the three streams are closed: a new one opens again
        for _ in range(50):
            with httpx.stream("GET", f"{server}/api/v1/events", headers=user,
                              timeout=5) as reply:
                if reply.status_code == 200:
                    break
        assert reply.status_code == 200


def test_citizen_chat_streams_are_capped_per_conversation(server: str) -> None:
    with httpx.Client(base_url=server) as citizen:
        handed = citizen.post("/chat/messages", data={"message": "Je veux parler à un conseiller"})
        assert handed.status_code == 200 and "renfort_chat" in citizen.cookies
        cookie = {"Cookie": f"renfort_chat={citizen.cookies['renfort_chat']}"}

        @contextmanager
        def chat_stream() -> Iterator[None]:
            with httpx.stream("GET", f"{server}/chat/events", headers=cookie,
                              timeout=5) as reply:
                assert reply.status_code == 200
                lines = reply.iter_lines()  # kept: dropping it would close the stream
                assert next(lines).startswith("retry:")
                yield

        with chat_stream(), chat_stream(), chat_stream():
            refused = citizen.get("/chat/events")
            assert refused.status_code == 429
        with httpx.Client(base_url=server) as neighbour:
            neighbour.post("/chat/messages", data={"message": "Je veux parler à un conseiller"})
            with httpx.stream("GET", f"{server}/chat/events", timeout=5, headers={
                    "Cookie": f"renfort_chat={neighbour.cookies['renfort_chat']}"}) as reply:
                assert reply.status_code == 200
