"""Safety end to end: the chat's urgent redirect (number first, tap-to-call, flagged), the
redirect directory edited with versions, and an agent's redirect of an accepted call with
its audit and its signed ``transfer_requested`` webhook received by a local HTTP server."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from renfort.api.app import create_app
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from tests.conftest import login

SECRET = "s3cret-for-tests"


def test_urgent_chat_message_shows_the_number_alone_and_is_flagged(client: TestClient) -> None:
    page = client.post("/chat/messages", data={
        "message": "On voulait une attestation. Mais là mon grand-père est tombé et il "
                   "ne bouge plus"}, headers={"Origin": "http://testserver"})
    assert page.status_code == 200, page.text
    html = page.text
    assert 'href="tel:15"' in html and 'href="sms:114"' in html
    assert html.index("tel:15") < html.index('class="messages"')
    assert "Un conseiller va" not in html and "conseiller va vous répondre" not in html
    flags = client.get("/api/v1/safety/flags", headers=login(client, "admin")).json()
    assert flags[0]["key"] == "medical_urgent" and flags[0]["origin"] == "self_service"
    supervisor = login(client, "sup-teleplus") if _user_exists(client, "sup-teleplus") \
        else login(client, "admin")
    assert client.get("/api/v1/safety/flags", headers=supervisor).status_code == 200


def _user_exists(client: TestClient, username: str) -> bool:
    reply = client.post("/api/v1/auth/token",
                        data={"username": username, "password": f"{username}-demo"})
    return reply.status_code == 200


def test_suicidal_thoughts_get_3114_first(client: TestClient) -> None:
    body = client.post("/api/v1/self-service/conversations",
                       json={"message": "jen peux plus, jai envie de me tuer"}).json()
    assert body["action"] == "redirect" and body["redirect"]["key"] == "suicide"
    assert body["redirect"]["numbers"][0]["href"] == "tel:3114"
    assert body["message"].startswith("Appelez le 3114")
    assert "conseiller" not in body["message"]


def test_a_medical_message_is_never_answered_even_when_an_article_matches(
        client: TestClient) -> None:
    body = client.post("/api/v1/self-service/conversations", json={
        "message": "visite ehpad : ma mère y est, elle a de la fièvre, je peux la voir ?"}).json()
    assert body["action"] == "redirect" and "article" not in body


def test_directory_edit_makes_a_new_version_used_by_the_chat(client: TestClient) -> None:
    editor = login(client, "editor")
    entry = {"label": "Lignes d'écoute (test)", "hours": "24 h/24",
             "numbers": [{"label": "Écoute test", "number": "0 800 000 111"}],
             "message": "Parlez-en à quelqu'un au 0 800 000 111, à toute heure.",
             "source": "https://example.org/source-officielle"}
    reply = client.put("/api/v1/kb/numero-vert/redirects/psychological", headers=editor,
                       json=entry)
    assert reply.status_code == 201, reply.text
    assert reply.json()["version"] == 1
    second = client.put("/api/v1/kb/numero-vert/redirects/psychological", headers=editor,
                        json={**entry, "hours": "de 8 h à 22 h"})
    assert second.json()["version"] == 2
    history = client.get("/api/v1/kb/numero-vert/redirects/psychological/versions",
                         headers=editor).json()
    assert [v["version"] for v in history] == [0, 1, 2]
    in_force = {e["key"]: e for e in client.get("/api/v1/kb/numero-vert/redirects",
                                                headers=editor).json()}
    assert in_force["psychological"]["hours"] == "de 8 h à 22 h"
    assert in_force["medical_urgent"]["version"] == 0
    chat = client.post("/api/v1/self-service/conversations",
                       json={"message": "je me sens tellement seule et angoissée"}).json()
    assert chat["redirect"]["key"] == "psychological" and "0 800 000 111" in chat["message"]
    # an urgent entry must start with the number; agents cannot edit; nothing stored
    bad = client.put("/api/v1/kb/numero-vert/redirects/medical_urgent", headers=editor,
                     json={**entry, "message": "Nous sommes désolés, appelez plutôt le 15."})
    assert bad.status_code == 422
    agent = login(client, "agent-hotline")
    assert client.put("/api/v1/kb/numero-vert/redirects/medical", headers=agent,
                      json=entry).status_code == 403
    assert client.get("/api/v1/kb/numero-vert/redirects/medical_urgent/versions",
                      headers=editor).json()[-1]["version"] == 0


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/renfort"
    server.shutdown()
    server.server_close()


def test_agent_redirects_an_accepted_call_with_audit_and_transfer(
        tmp_path: Path, demo_settings: Settings, clock: ManualClock, receiver: str) -> None:
    settings = demo_settings.model_copy(update={"telephony_webhook_url": receiver,
                                                "telephony_webhook_secret": SECRET})
    with TestClient(create_app(settings, clock)) as client:
        rt = client.app.state.runtime  # type: ignore[attr-defined]
        pbx = {"X-API-Key": rt.auth.create_api_key("pbx-safety")}
        agent = login(client, "agent-hotline")
        client.post("/api/v1/agents/me/login", headers=agent)
        arrived = client.post("/api/v1/telephony/events", headers=pbx, json={
            "event": "call_arrived", "call_id": "call-77", "queue": "hotline-general",
            "caller": "+33 6 11 22 33 44"}).json()
        contact_id = arrived["id"]
        client.post("/api/v1/telephony/events", headers=pbx, json={
            "event": "call_answered", "call_id": "call-77", "agent": arrived["agent_id"]})
        triage = client.post("/api/v1/kb/triage", headers=agent, json={
            "question": "il me dit que sa femme a les lèvres bleues"}).json()
        assert triage["label"] == "medical_urgent" and triage["redirect"]["key"] == \
            "medical_urgent"
        reply = client.post(f"/api/v1/contacts/{contact_id}/redirect", headers=agent, json={
            "target": "medical_urgent",
            "text": "sa femme a les lèvres bleues, rappel au 06 12 34 56 78"})
        assert reply.status_code == 200, reply.text
        assert reply.json()["state"] == "redirected" and reply.json()["transfer_requested"]
        detail = client.get(f"/api/v1/contacts/{contact_id}", headers=login(client, "admin"))
        last = detail.json()["events"][-1]
        assert last["action"] == "redirect" and last["to_state"] == "redirected"
        audit = last["data"]
        assert audit["by"] == "agent-hotline" and audit["label"] == "medical_urgent"
        assert audit["rule"] == "urgent.cyanosis" and audit["number"] == "15"
        assert "06 12 34 56 78" not in audit["text"] and "lèvres bleues" in audit["text"]
        deadline = time.monotonic() + 15
        while not _Receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _Receiver.received, "the telephony webhook was never called"
        headers, body = _Receiver.received[0]
        event = json.loads(body)
        assert event["event"] == "transfer_requested" and event["call_id"] == "call-77"
        assert event["contact"] == contact_id and event["target_number"] == "15"
        expected = "sha256=" + hmac.new(SECRET.encode(), headers["X-Renfort-Timestamp"]
                                        .encode() + b"." + body, hashlib.sha256).hexdigest()
        assert headers["X-Renfort-Signature"] == expected
        # the agent's capacity is free again: a finished contact cannot be redirected twice
        again = client.post(f"/api/v1/contacts/{contact_id}/medical-redirect", headers=agent,
                            json={"target": "medical"})
        assert again.status_code in (404, 409)


def test_an_agent_cannot_redirect_a_contact_of_another_agent(client: TestClient) -> None:
    admin = login(client, "admin")
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "chat", "customer_ref": "x-1"}).json()
    agent = login(client, "agent-hotline")
    reply = client.post(f"/api/v1/contacts/{contact['id']}/medical-redirect", headers=agent,
                        json={"target": "nowhere"})
    assert reply.status_code in (404, 409, 422)


def test_agent_desktop_triage_box_and_redirect_button(client: TestClient) -> None:
    admin = login(client, "admin")
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "hotline-general", "channel": "chat", "customer_ref": "chat-x"}).json()
    agent = login(client, "agent-hotline")
    client.post("/api/v1/agents/me/login", headers=agent)
    client.put("/api/v1/agents/me/state", headers=agent, json={"state": "available"})
    assert client.post(f"/api/v1/contacts/{contact['id']}/accept",
                       headers=agent).json()["state"] == "accepted"
    reply = client.post("/login", data={"username": "agent-hotline",
                                        "password": "agent-hotline-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303
    origin = {"Origin": "http://testserver"}
    desk = client.get("/agent").text
    assert 'hx-post="/agent/triage"' in desk
    box = client.post("/agent/triage", headers=origin, data={
        "contact": contact["id"], "text": "il dit qu'il veut en finir ce soir"}).text
    assert "URGENCE" in box and 'href="tel:3114"' in box and "medical-redirect" in box
    done = client.post(f"/agent/contacts/{contact['id']}/medical-redirect", headers=origin,
                       data={"target": "suicide", "text": "veut en finir ce soir"})
    assert done.status_code == 200 and "orienté" in done.text
    detail = client.get(f"/api/v1/contacts/{contact['id']}", headers=admin).json()
    assert detail["state"] == "redirected"
    assert detail["events"][-1]["data"]["key"] == "suicide"
    assert detail["events"][-1]["data"]["rule"].startswith("urgent.suicide")


def test_flags_show_on_the_supervisor_wall_until_acknowledged(client: TestClient) -> None:
    client.post("/api/v1/self-service/conversations",
                json={"message": "ma voisine est par terre, elle ne réagit plus"})
    reply = client.post("/login", data={"username": "admin", "password": "admin-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303
    wall = client.get("/supervisor/wall").text
    assert "Orientations médicales à revoir" in wall and "URGENCE" in wall
    flag = client.get("/api/v1/safety/flags", headers=login(client, "admin")).json()[0]
    after = client.post(f"/supervisor/flags/{flag['id']}/acknowledge",
                        headers={"Origin": "http://testserver"}).text
    assert "Orientations médicales à revoir" not in after
