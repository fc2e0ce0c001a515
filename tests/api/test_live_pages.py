"""The live pages through HTTP, on a manual clock: the offer an agent sees carries its
context and French labels; the supervisor wall escalates with the wait, draws today's
figures, filters, sorts and drills down; its figures agree with each other."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from renfort.api.app import create_app
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.services.commands import Tick
from renfort.web.pages.supervisor import wait_level
from tests.conftest import login


def _web_login(client: TestClient, username: str) -> None:
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _available(client: TestClient) -> dict[str, str]:
    agent = login(client, "agent-hotline")
    client.post("/api/v1/agents/me/login", headers=agent)
    client.put("/api/v1/agents/me/state", headers=agent, json={"state": "available"})
    return agent


def _handed_off(client: TestClient, text: str) -> dict[str, str]:
    reply = client.post("/api/v1/self-service/conversations", json={"message": text})
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def test_an_offer_shows_its_context_in_french(client: TestClient, clock: ManualClock) -> None:
    _available(client)
    started = _handed_off(client, "Bonjour, je voudrais parler à un conseiller pour mon "
                                  "attestation de déplacement")
    clock.advance(5)
    _web_login(client, "agent-hotline")
    panel = client.get("/agent/panel").text
    offer = panel[panel.index('class="offer'):]
    assert f'data-offer="{started["contact_id"]}"' in panel
    assert 'data-state="offered"' in panel and "Contact proposé" in panel
    assert "En communication" not in panel
    assert "attestation de déplacement" in offer  # the first message
    assert "Attend depuis" in offer and 'data-since="' in offer
    assert "la personne a demandé à parler à un conseiller" in offer
    assert "Transmis par l'assistant en ligne :" not in panel  # never the raw note
    assert re.search(r'data-deadline="[0-9.]+"', offer)


def test_a_missed_offer_explains_itself(client: TestClient, clock: ManualClock) -> None:
    _available(client)
    _handed_off(client, "je voudrais parler à un conseiller")
    clock.advance(60)
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    client.portal.call(rt.desk.execute, Tick())  # type: ignore[union-attr]
    _web_login(client, "agent-hotline")
    panel = client.get("/agent/panel").text
    assert 'data-state="missed"' in panel
    assert "Vous n&#39;avez pas répondu à temps" in panel


def test_raw_notes_become_labels() -> None:
    from renfort.web.notes import present_note, present_reason

    raw = ("Transmis par l'assistant en ligne : confiance 0.72 sous le seuil 0.80 "
           "(meilleur : visites-ehpad v3).")
    shown = present_note(raw)
    assert "0.72" not in shown and "seuil" not in shown and "pas assez sûr" in shown
    assert present_note("Triage : medical_urgent (douleur thoracique)") == \
        "Triage : urgence médicale."
    assert "p(orienter)" not in present_reason("modèle : p(orienter)=0.31 (seuil 0.50)",
                                               "model")
    assert present_note("Bonjour") == "Bonjour"


def test_alert_levels_escalate_with_the_wait() -> None:
    levels = [wait_level(seconds, 60.0) for seconds in (30, 61, 121, 241)]
    assert levels == [None, "warn", "bad", "critical"]


def test_the_wall_filters_sorts_drills_down_and_counts_agree(client: TestClient,
                                                             clock: ManualClock) -> None:
    agent = _available(client)
    first = _handed_off(client, "je voudrais parler à un conseiller")
    clock.advance(10)
    accepted = client.post(f"/api/v1/contacts/{first['contact_id']}/accept", headers=agent)
    assert accepted.status_code == 200, accepted.text
    second = _handed_off(client, "je voudrais parler à un conseiller, encore")
    clock.advance(300)  # waiting five minutes past a 60 s goal: critical
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    client.portal.call(rt.desk.execute, Tick())  # type: ignore[union-attr]  # offer expired
    _web_login(client, "sup-atlantique")
    wall = client.get("/supervisor/wall").text
    assert 'data-level="critical"' in wall and "Critique" in wall
    # today's figures are drawn: one contact answered in 10 s (the goal is 60 s)
    assert 'class="chart"' in wall and 'id="charts-empty"' not in wall
    # the agent holds one contact and let the second offer expire: "missed", counted once,
    # and every agent listed is in exactly one of the state figures
    states = {k: int(v) for k, v in re.findall(r'id="kpi-([a-z]+)">(\d+)<', wall)}
    rows = re.findall(r'<tr data-agent="[^"]+" data-state="([a-z_]+)"', wall)
    assert rows == ["missed"] and states["missed"] == 1
    assert sum(states[s] for s in ("available", "offered", "busy", "break", "missed")) \
        == len(rows)
    assert states["waiting"] == 1
    # filter and sort
    assert '<tr data-agent="' not in client.get("/supervisor/wall?state=break").text
    by_name = client.get("/supervisor/wall?sort=name").text
    names = re.findall(r'<tr data-queue="([^"]+)"', by_name)
    assert len(names) > 1
    filtered = client.get("/supervisor/wall?q=d%C3%A9placements").text
    assert re.findall(r'<tr data-queue="([^"]+)"', filtered) == [
        n for n in names if "deplacements" in n or "travel" in n] or \
        len(re.findall(r'<tr data-queue="([^"]+)"', filtered)) < len(names)
    # drill down on the queue that waits and on the agent
    queue = client.get("/api/v1/contacts/" + second["contact_id"],
                       headers=login(client, "admin")).json()["queue_slug"]
    detail = client.get(f"/supervisor/wall?queue={queue}").text
    assert 'id="wall-detail"' in detail and re.search(r'id="detail-waiting">1<', detail)
    agent_id = re.search(r'<tr data-agent="([^"]+)"', wall).group(1)  # type: ignore[union-attr]
    detail = client.get(f"/supervisor/wall?agent={agent_id}").text
    assert 'id="wall-detail"' in detail and "Contacts en cours ou proposés" in detail
    # another tenant's agent is not there to drill into
    _web_login(client, "sup-azur")
    assert 'id="wall-detail"' not in client.get(f"/supervisor/wall?agent={agent_id}").text


def test_a_waiting_citizen_sees_position_and_wait_and_asks_a_callback(
        client: TestClient) -> None:
    _handed_off(client, "je voudrais parler à un conseiller")  # someone else, ahead
    greeted = client.post("/chat/messages", data={"message": "Bonjour !"})
    assert "Quelle est votre question" in greeted.text
    assert "Un conseiller va vous répondre" not in greeted.text  # no contact for a greeting
    log = client.post("/chat/messages", data={"message": "je voudrais parler à un conseiller"})
    assert 'id="chat-wait" data-position="2"' in log.text
    assert "Vous êtes 2e dans la file d&#39;attente." in log.text
    assert re.search(r"Attente estimée : environ \d+ min\.", log.text)
    # nothing about the other citizen leaves the server
    assert not re.search(r"chat-[0-9a-f]{10}", log.text)  # no pseudonym, no one's words
    assert log.text.count("je voudrais parler à un conseiller") == 1
    asked = client.post("/chat/callback", data={"number": "06 12 34 56 78"})
    assert 'id="callback-done"' in asked.text
    assert 'id="chat-wait"' in asked.text  # still waiting, still told where


def test_links_in_the_chat_are_clickable() -> None:
    from renfort.web.linkify import linkify

    shown = str(linkify("Source : Santé publique France (https://www.santepubliquefrance.fr/x)."
                        " Appelez le 15, le 0 800 130 000 ou SMS au 114. <b>non</b>"))
    assert '<a href="https://www.santepubliquefrance.fr/x" rel="noopener noreferrer"' in shown
    assert 'href="tel:15"' in shown and 'href="tel:0800130000"' in shown
    assert 'href="sms:114"' in shown and "&lt;b&gt;non&lt;/b&gt;" in shown
    assert "tel:" not in str(linkify("il y a 15 jours, le 20 avril"))


def test_a_long_offer_counts_down_in_minutes(tmp_path: Path, demo_template: Path,
                                             clock: ManualClock) -> None:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    settings = Settings(data_dir=tmp_path, offer_timeout_seconds=520)
    with TestClient(create_app(settings, clock)) as client:
        _web_login(client, "agent-hotline")
        empty = client.get("/agent").text
        assert "Aucun contact ouvert." in empty and "à gauche" not in empty
        _available(client)
        _handed_off(client, "je voudrais parler à un conseiller")
        panel = client.get("/agent/panel").text
    countdown = panel.split('class="countdown"', 1)[1].split("</span>", 1)[0]
    assert countdown.endswith(">8 min 40 s")
