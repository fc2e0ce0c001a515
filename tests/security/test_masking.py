"""Point 7 of issue 12: personal data reaches in full only the agent handling the contact;
events, lists and logs carry it masked for everyone else (the admin included)."""

from __future__ import annotations

import logging
import shutil
import signal
import threading
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from renfort.domain.errors import ConflictError
from renfort.domain.model import Channel
from renfort.services.commands import ReceiveContact
from tests.conftest import login
from tests.live import first_event, free_port, start_server

PHONE = "06 12 34 56 78"
EMAIL = "jeanne.martin@example.org"
REF = "+33 6 98 76 54 32"


def _accepted_contact(http: httpx.Client | TestClient, admin: dict[str, str],
                      agent: dict[str, str]) -> str:
    me = http.get("/api/v1/auth/me", headers=agent).json()["agent_id"]
    assert http.post(f"/api/v1/agents/{me}/login", headers=agent).status_code == 200
    assert http.put(f"/api/v1/agents/{me}/state", headers=agent,
                    json={"state": "available"}).status_code == 200
    created = http.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "chat", "customer_ref": REF}).json()
    assert created["agent_id"] == me, created
    assert http.post(f"/api/v1/contacts/{created['id']}/accept",
                     headers=agent).status_code == 200
    return str(created["id"])


def test_lists_show_customer_data_in_full_to_the_handling_agent_only(
        client: TestClient) -> None:
    admin = login(client, "admin")
    agent = login(client, "agent-hotline")
    contact = _accepted_contact(client, admin, agent)
    key = client.app.state.runtime.auth.create_api_key(  # type: ignore[attr-defined]
        "chat-widget", "numero-vert")
    said = client.post(f"/api/v1/contacts/{contact}/messages", headers={"X-API-Key": key},
                       json={"body": f"Rappelez-moi au {PHONE} ou {EMAIL}"})
    assert said.status_code == 201
    seen_by_agent = client.get(f"/api/v1/contacts/{contact}", headers=agent).json()
    assert seen_by_agent["customer_ref"] == REF
    body = client.get(f"/api/v1/contacts/{contact}/messages", headers=agent).json()[0]["body"]
    assert PHONE in body and EMAIL in body
    for username in ("admin", "sup-atlantique", "client-numero-vert"):
        headers = login(client, username)
        listed = [c for c in client.get("/api/v1/contacts", headers=headers).json()
                  if c["id"] == contact]
        assert listed and listed[0]["customer_ref"] != REF, username
        assert listed[0]["customer_ref"].endswith("32")
        body = client.get(f"/api/v1/contacts/{contact}/messages",
                          headers=headers).json()[0]["body"]
        assert PHONE not in body and EMAIL not in body and body.endswith(("***", "org")), body


def test_a_failed_commit_logs_no_customer_reference(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    admin = login(client, "admin")
    first = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 00 00 00 01",
        "external_ref": "call-1"}).json()
    assert client.post(f"/api/v1/contacts/{first['id']}/abandon", headers=admin).status_code \
        == 200
    caplog.set_level(logging.DEBUG)
    # Past the API's own check, straight to the desk: the desk forgets finished contacts,
    # the store still has call-1, so the store refuses the row at commit.
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    command = ReceiveContact("hotline-general", Channel.VOICE, REF, "call-1")
    with pytest.raises(ConflictError):
        client.portal.call(rt.desk.execute, command)  # type: ignore[union-attr]
    assert REF not in caplog.text and "call-1" not in caplog.text
    assert rt.engine.hide_parameters


def test_message_events_are_masked_per_subscriber(tmp_path: Path,
                                                  demo_template: Path) -> None:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    port = free_port()
    server = start_server(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base) as http:
            def token(username: str) -> dict[str, str]:
                reply = http.post("/api/v1/auth/token", data={
                    "username": username, "password": f"{username}-demo"})
                return {"Authorization": f"Bearer {reply.json()['access_token']}"}

            admin, agent = token("admin"), token("agent-hotline")
            contact = _accepted_contact(http, admin, agent)
            users = {"agent-hotline": agent, "admin": admin,
                     "sup-atlantique": token("sup-atlantique"),
                     "client-numero-vert": token("client-numero-vert")}
            seen: dict[str, list[dict[str, object]]] = {name: [] for name in users}
            threads = []
            for name, headers in users.items():
                ready = threading.Event()
                thread = threading.Thread(target=first_event, args=(
                    base, headers, ready, seen[name], "message.posted"))
                thread.start()
                assert ready.wait(10)
                threads.append(thread)
            reply = http.post(f"/api/v1/contacts/{contact}/messages", headers=agent,
                              json={"body": f"Je note votre numéro {PHONE}."})
            assert reply.status_code == 201
            for thread in threads:
                thread.join(20)
        assert seen["agent-hotline"][0]["body"] == f"Je note votre numéro {PHONE}."
        for name in ("admin", "sup-atlantique", "client-numero-vert"):
            body = str(seen[name][0]["body"])
            assert seen[name][0]["contact"] == contact
            assert PHONE not in body and body.endswith("78."), (name, body)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
