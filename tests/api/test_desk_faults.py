"""What a bad input or a fault does through the API: it fails alone, it says why, and the
health checks tell the truth."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from renfort.services.batch import Batch
from renfort.services.desk_handlers import DeskCore
from tests.conftest import login

CONTACT = {"queue": "hotline-general", "channel": "chat", "customer_ref": "+33 6 00 00 00 01"}


def _contacts(client: TestClient, admin: dict[str, str]) -> int:
    return len(client.get("/api/v1/contacts", headers=admin).json())


@pytest.mark.parametrize("poison", [
    {"customer_ref": "+33 6\x00 12"},
    {"message": "bonjour\x00"},
    {"external_ref": "call\x00-1"},
    {"customer_ref": "+33 6 \x1b[31m"},
])
def test_text_the_store_cannot_hold_is_refused_at_the_edge(
        client: TestClient, poison: dict[str, str]) -> None:
    admin = login(client, "admin")
    reply = client.post("/api/v1/contacts", headers=admin, json={**CONTACT, **poison})
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert _contacts(client, admin) == 0
    assert client.post("/api/v1/contacts", headers=admin, json=CONTACT).status_code == 201


def test_nul_in_a_chat_message_or_a_caller_is_refused(client: TestClient) -> None:
    admin = login(client, "admin")
    contact = client.post("/api/v1/contacts", headers=admin, json=CONTACT).json()
    reply = client.post(f"/api/v1/contacts/{contact['id']}/messages", headers=admin,
                        json={"body": "a\x00b"})
    assert reply.status_code == 422
    key = _integration_key(client)
    reply = client.post("/api/v1/telephony/events", headers=key, json={
        "event": "call_arrived", "call_id": "c-nul", "queue": "hotline-general",
        "caller": "+33\x00 6"})
    assert reply.status_code == 422


def _integration_key(client: TestClient) -> dict[str, str]:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    return {"X-API-Key": rt.auth.create_api_key("pbx-test", client=None)}


def test_a_reused_call_id_is_refused_alone(client: TestClient) -> None:
    admin = login(client, "admin")
    key = _integration_key(client)
    call = {"event": "call_arrived", "call_id": "call-7", "queue": "hotline-general",
            "caller": "+33 6 00 00 00 07"}
    assert client.post("/api/v1/telephony/events", headers=key, json=call).status_code == 201
    hung = client.post("/api/v1/telephony/events", headers=key,
                       json={"event": "call_hung_up", "call_id": "call-7"})
    assert hung.json()["state"] == "abandoned"
    before = _contacts(client, admin)
    again = client.post("/api/v1/telephony/events", headers=key, json=call)
    assert again.status_code == 409, again.text
    assert again.json()["details"]["field"] == "call_id"
    assert client.post("/api/v1/telephony/events", headers=key, json={
        **call, "call_id": "call-8"}).status_code == 201
    assert _contacts(client, admin) == before + 1


def test_an_unexpected_error_is_a_500_with_an_incident_id(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = login(client, "admin")
    original = DeskCore._receive_contact

    def broken(self: DeskCore, command: Any, batch: Batch) -> Any:
        if command.customer_ref == "boom":
            raise RuntimeError("injected")
        return original(self, command, batch)

    monkeypatch.setattr(DeskCore, "_receive_contact", broken)
    reply = client.post("/api/v1/contacts", headers=admin, json={**CONTACT,
                                                                  "customer_ref": "boom"})
    assert reply.status_code == 500
    problem = reply.json()
    assert problem["error_id"] == "internal-error" and problem["details"]["incident"]
    assert "injected" not in reply.text
    assert client.post("/api/v1/contacts", headers=admin, json=CONTACT).status_code == 201
    assert _contacts(client, admin) == 1


def test_health_checks_tell_the_truth_while_the_store_is_down(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = login(client, "admin")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/livez").status_code == 200
    original = Batch.write
    original_load = DeskCore.load

    def down(*_: Any, **__: Any) -> Any:
        raise OperationalError("COMMIT", {}, Exception("connection refused"))

    monkeypatch.setattr(Batch, "write", down)
    monkeypatch.setattr(DeskCore, "load", down)
    reply = client.post("/api/v1/contacts", headers=admin, json=CONTACT)
    assert reply.status_code == 503
    assert reply.headers["retry-after"]
    assert reply.json()["error_id"] == "desk-unavailable"
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "degraded"
    assert "unreachable" in health.json()["reason"]
    assert client.get("/readyz").status_code == 503
    assert client.get("/livez").status_code == 200  # alive: no restart would help
    refused = client.post("/api/v1/contacts", headers=admin, json=CONTACT)
    assert refused.status_code == 503 and refused.headers["retry-after"]
    monkeypatch.setattr(Batch, "write", original)
    monkeypatch.setattr(DeskCore, "load", original_load)
    for _ in range(100):
        if client.get("/healthz").status_code == 200:
            break
        client.portal.call(_sleep)  # type: ignore[union-attr]
    assert client.get("/healthz").status_code == 200
    assert client.post("/api/v1/contacts", headers=admin, json=CONTACT).status_code == 201
    assert _contacts(client, admin) == 1


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.1)
