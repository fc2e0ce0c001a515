"""A citizen already talking to an agent writes something urgent: the citizen gets the
number at once, supervisors get a flag naming the agent (live ``safety.flagged``), and the
agent's desktop shows a prominent alert with the number given and the redirect button —
live, through ``contact.safety_alert``."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from renfort.services.events import EventType
from renfort.services.principals import Principal, Role
from tests.conftest import login

ORIGIN = {"Origin": "http://testserver"}


def _held_chat(client: TestClient) -> tuple[str, str]:
    """A citizen handed off to ``agent-hotline``, who accepted: (conversation, contact)."""
    start = client.post("/api/v1/self-service/conversations",
                        json={"message": "je voudrais parler à un conseiller"}).json()
    agent = login(client, "agent-hotline")
    client.post("/api/v1/agents/me/login", headers=agent)
    client.put("/api/v1/agents/me/state", headers=agent, json={"state": "available"})
    accepted = client.post(f"/api/v1/contacts/{start['contact_id']}/accept", headers=agent)
    assert accepted.json()["state"] == "accepted", accepted.text
    return start["conversation_id"], start["contact_id"]


def _say(client: TestClient, conversation: str, text: str) -> dict[str, Any]:
    reply = client.post(f"/api/v1/self-service/conversations/{conversation}/messages",
                        json={"message": text})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_an_urgent_message_on_a_held_contact_is_flagged_and_alerts_the_agent(
        client: TestClient) -> None:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    sup = Principal(user_id="s", username="sup-atlantique", role=Role.SUPERVISOR,
                    outsourcer_id="os-atlantique")
    agent_principal = Principal(user_id="a", username="agent-hotline", role=Role.AGENT,
                                agent_id="ag-atlantique-009")

    conversation, contact = _held_chat(client)

    async def subscribe() -> tuple[Any, Any]:
        return rt.bus.subscribe(sup), rt.bus.subscribe(agent_principal)

    sup_sub, agent_sub = client.portal.call(subscribe)  # type: ignore[union-attr]

    # before: an ordinary question goes to the agent, nothing is flagged, no alert
    _say(client, conversation, "et pour les attestations de déplacement ?")
    admin = login(client, "admin")
    assert client.get("/api/v1/safety/flags", headers=admin).json() == []
    _web_login(client, "agent-hotline")
    assert 'id="safety-alert"' not in client.get("/agent").text

    reply = _say(client, conversation, "attendez, mon père vient de s'effondrer et il ne "
                                       "respire plus, rappelez-moi au 06 12 34 56 78")
    # the citizen: the number first, tap-to-call
    assert reply["action"] == "redirect" and reply["redirect"]["key"] == "medical_urgent"
    assert reply["message"].startswith("Appelez le 15")
    # the contact stays with the agent
    detail = client.get(f"/api/v1/contacts/{contact}", headers=admin).json()
    assert detail["state"] == "accepted"
    notice = detail["events"][-1]
    assert notice["action"] == "triage_redirect" and notice["data"]["key"] == "medical_urgent"
    assert [n["number"] for n in notice["data"]["numbers"]] == ["15", "114"]
    assert "06 12 34 56 78" not in notice["data"]["text"]

    # supervisors: a flag naming the agent, with the origin "held_contact"
    flags = client.get("/api/v1/safety/flags",
                       headers=login(client, "sup-atlantique")).json()
    assert len(flags) == 1
    flag = flags[0]
    assert flag["origin"] == "held_contact" and flag["key"] == "medical_urgent"
    assert flag["contact_id"] == contact and flag["agent_id"] == "ag-atlantique-009"
    assert flag["agent_name"] == "Karim B."
    assert "06 12 34 56 78" not in flag["text"]
    # another outsourcer serving the line sees the flag, not the agent's name
    other = client.get("/api/v1/safety/flags", headers=login(client, "sup-nordcom")).json()
    assert other[0]["id"] == flag["id"] and other[0]["agent_name"] is None

    # live: the supervisor gets safety.flagged, the agent contact.safety_alert
    def drain(sub: Any) -> list[EventType]:
        types = []
        while not sub.inbox.empty():
            types.append(sub.inbox.get_nowait().type)
        return types

    sup_types, agent_types = drain(sup_sub), drain(agent_sub)
    assert EventType.SAFETY_FLAGGED in sup_types
    assert EventType.CONTACT_SAFETY_ALERT in agent_types
    assert EventType.SAFETY_FLAGGED not in agent_types

    # the agent's desktop: a prominent French alert with the number given and the button
    desk = client.get("/agent").text
    alert = desk[desk.index('id="safety-alert"'):desk.index("</section>",
                                                           desk.index('id="safety-alert"'))]
    assert 'role="alert"' in desk[desk.index('id="safety-alert"') - 200:][:400]
    assert "URGENCE MÉDICALE : la personne décrit un danger" in alert
    assert 'href="tel:15"' in alert and 'href="sms:114"' in alert
    assert "SAMU – urgences médicales" in alert
    assert f'hx-post="/agent/contacts/{contact}/medical-redirect"' in alert
    assert 'name="target" value="medical_urgent"' in alert
    assert "Triage :" not in desk and "medical_urgent (" not in desk
    # the citizen's words are in the conversation, with the note
    assert "s&#39;effondrer" in desk and "⚠ URGENCE MÉDICALE" in desk
    # the held list marks the contact
    assert f'data-alert="{contact}"' in client.get("/agent/panel").text
    # the wall lists the flag with the agent
    _web_login(client, "sup-atlantique")
    wall = client.get("/supervisor/wall").text
    assert 'data-origin="held_contact"' in wall
    assert re.search(r"en conversation avec Karim B\.", wall)

    # the agent redirects from the alert: the contact ends redirected, audited
    _web_login(client, "agent-hotline")
    done = client.post(f"/agent/contacts/{contact}/medical-redirect", headers=ORIGIN,
                       data={"target": "medical_urgent", "text": notice["data"]["text"]})
    assert done.status_code == 200 and "orienté" in done.text
    last = client.get(f"/api/v1/contacts/{contact}", headers=admin).json()
    assert last["state"] == "redirected" and last["events"][-1]["data"]["key"] == \
        "medical_urgent"

    async def unsubscribe() -> None:
        rt.bus.unsubscribe(sup_sub)
        rt.bus.unsubscribe(agent_sub)

    client.portal.call(unsubscribe)  # type: ignore[union-attr]


def test_a_psychological_message_on_a_held_contact_shows_its_own_alert(
        client: TestClient) -> None:
    conversation, contact = _held_chat(client)
    reply = _say(client, conversation, "je me sens tellement seule et angoissée depuis des "
                                       "semaines, je n'en peux plus de pleurer")
    assert reply["action"] == "redirect" and reply["redirect"]["key"] == "psychological"
    _web_login(client, "agent-hotline")
    desk = client.get("/agent").text
    assert 'data-key="psychological"' in desk and f"/agent/contacts/{contact}/" in desk
    assert "Détresse psychologique exprimée par la personne" in desk
    assert 'href="tel:0800858858"' in desk
    flags = client.get("/api/v1/safety/flags", headers=login(client, "admin")).json()
    assert flags[0]["origin"] == "held_contact" and flags[0]["key"] == "psychological"


def _web_login(client: TestClient, username: str) -> None:
    reply = client.post("/login", data={"username": username,
                                        "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text
