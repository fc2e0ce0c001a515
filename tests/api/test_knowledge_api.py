"""Knowledge base through the HTTP API: tenancy, versions, publication, triage and the
public self-service chat (answer, redirect, hand-off to a queued contact)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from tests.conftest import T0, login

KB = "/api/v1/kb"
CHAT = "/api/v1/self-service/conversations"
ARTICLE = {"id": "banque-report-echeances", "question": "Puis-je reporter mes échéances de prêt ?",
           "answer": "Oui, sur demande, jusqu'à six mois sans frais.", "category": "credits",
           "source": "Banque Hermine", "source_date": "2020-03-20", "audience": "public",
           "publish": True}


def _queued(client: TestClient, queue: str) -> list[dict[str, Any]]:
    admin = login(client, "admin")
    return client.get("/api/v1/contacts", headers=admin,
                      params={"state": "queued", "queue": queue}).json()


def test_demo_base_is_searchable_by_agents_of_the_hotline(client: TestClient) -> None:
    agent = login(client, "agent-hotline")
    reply = client.get(f"{KB}/search", headers=agent,
                       params={"q": "jpeux sortir sans attestation ?", "k": 3})
    assert reply.status_code == 200, reply.text
    first = reply.json()["results"][0]
    assert first["id"] == "attestation-deplacement" and first["version"] == 1
    assert first["source"] and first["source_date"] and first["score"] > 0


def test_client_viewer_never_sees_another_clients_base(client: TestClient) -> None:
    admin = login(client, "admin")
    created = client.post(f"{KB}/banque-hermine/articles", headers=admin, json=ARTICLE)
    assert created.status_code == 201, created.text
    bank = login(client, "client-banque-hermine")
    hotline = login(client, "client-numero-vert")
    assert client.get(f"{KB}/banque-hermine/articles", headers=bank).json()[0]["id"] == \
        ARTICLE["id"]
    assert client.get(f"{KB}/banque-hermine/articles", headers=hotline).status_code == 404
    assert client.get(f"{KB}/numero-vert/articles", headers=bank).status_code == 404
    reply = client.get(f"{KB}/search", headers=hotline,
                       params={"q": "reporter mes échéances de prêt", "client": "banque-hermine"})
    assert reply.status_code == 404
    own = client.get(f"{KB}/search", headers=bank, params={"q": "reporter échéances prêt"})
    assert [r["id"] for r in own.json()["results"]] == [ARTICLE["id"]]


def test_only_editors_of_the_base_publish(client: TestClient) -> None:
    editor = login(client, "editor")
    body = {**ARTICLE, "id": "hotline-test", "question": "Question de test du numéro vert ?"}
    assert client.post(f"{KB}/numero-vert/articles", headers=editor, json=body).status_code \
        == 201
    assert client.post(f"{KB}/banque-hermine/articles", headers=editor,
                       json=body).status_code == 404
    for user in ("agent-hotline", "client-numero-vert", "sup-atlantique"):
        reply = client.post(f"{KB}/numero-vert/articles/hotline-test/archive",
                            headers=login(client, user))
        assert reply.status_code == 403, user


def test_edit_publish_later_supersedes_at_valid_from(client: TestClient,
                                                     clock: ManualClock) -> None:
    editor = login(client, "editor")
    agent = login(client, "agent-hotline")
    path = f"{KB}/numero-vert/articles/activite-physique"
    current = client.get(path, headers=editor).json()["in_force"]
    changed = {k: current[k] for k in ("question", "alternatives", "category", "lang", "source",
                                       "source_url", "source_date", "audience", "tags")}
    changed["answer"] = "Sorties sportives sans limite de durée, à moins de 100 km."
    changed["source_date"] = "2020-05-11"
    draft = client.put(path, headers=editor, json=changed)
    assert draft.status_code == 201 and draft.json()["version"] == 2
    at = datetime.fromtimestamp(T0, tz=UTC) + timedelta(hours=2)
    published = client.post(f"{path}/versions/2/publish", headers=editor,
                            json={"valid_from": at.isoformat()})
    assert published.status_code == 200, published.text
    search = {"q": "combien de temps pour faire du sport", "k": 1}
    assert client.get(f"{KB}/search", headers=agent, params=search).json()["results"][0][
        "version"] == 1
    clock.advance(3 * 3600)
    hit = client.get(f"{KB}/search", headers=agent, params=search).json()["results"][0]
    assert (hit["id"], hit["version"]) == ("activite-physique", 2)
    history = client.get(f"{path}/versions", headers=editor).json()
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["valid_to"] == at.isoformat()
    diff = client.get(f"{path}/diff", headers=editor, params={"from": 1, "to": 2}).json()
    assert "+  Sorties sportives" in diff["diff"]
    assert client.get(f"{path}/versions", headers=agent).status_code == 404


def test_republishing_and_bad_windows_are_refused(client: TestClient) -> None:
    editor = login(client, "editor")
    path = f"{KB}/numero-vert/articles/obseques"
    again = client.post(f"{path}/versions/1/publish", headers=editor)
    assert again.status_code == 409 and again.json()["error_id"] == "conflict"
    bad = client.post(f"{KB}/numero-vert/articles", headers=editor,
                      json={**ARTICLE, "id": "x-1", "source_date": "hier"})
    assert bad.status_code == 422
    assert client.get(f"{KB}/numero-vert/articles/x-1", headers=editor).status_code == 404


def test_triage_endpoint_records_its_decision(client: TestClient) -> None:
    agent = login(client, "agent-hotline")
    reply = client.post(f"{KB}/triage", headers=agent,
                        json={"question": "Mon père a du mal à respirer"})
    assert reply.json()["label"] == "medical_urgent" and reply.json()["redirected"]


def test_public_chat_answers_with_source_and_date_and_offers_an_agent(client: TestClient
                                                                      ) -> None:
    reply = client.post(CHAT, json={"message": "C'est combien l'amende si je sors sans "
                                               "attestation ?"})
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["action"] == "answer" and body["offer_agent"] is True
    assert body["article"]["id"] == "amende-confinement"
    assert "Source : " in body["message"] and "24/03/2020" in body["message"]
    assert "conseiller" in body["message"]


def test_public_chat_never_returns_agents_only_articles(client: TestClient) -> None:
    for question in ("Procédure : l'appelant pose une question médicale",
                     "Procédure : où trouver la consigne du jour ?"):
        body = client.post(CHAT, json={"message": question}).json()
        assert body.get("article", {}).get("id", "") not in (
            "procedure-question-medicale", "procedure-fiche-du-jour")
        assert "procedure" not in str(body)


def test_medical_question_is_redirected_and_never_queued(client: TestClient) -> None:
    before = len(_queued(client, "hotline-general"))
    body = client.post(CHAT, json={"message": "J'ai du mal à respirer et de la fièvre"}).json()
    assert body["action"] == "redirect" and body["redirect"]["target"] == "samu-15"
    assert "15" in body["message"] and "contact_id" not in body
    body = client.post(CHAT, json={"message": "Mon fils a de la fièvre, je fais quoi ?"}).json()
    assert body["action"] == "redirect" and body["redirect"]["target"] == "medecin"
    assert len(_queued(client, "hotline-general")) == before
    report = client.get(f"{KB}/numero-vert/self-service/report",
                        headers=login(client, "client-numero-vert")).json()
    assert report["outcomes"]["redirected"] == 2


def test_hand_off_creates_a_queued_contact_with_the_conversation(client: TestClient) -> None:
    first = client.post(CHAT, json={"message": "Bonjour, une question sur mon dossier"}).json()
    conversation = first["conversation_id"]
    if first["action"] != "handoff":
        first = client.post(f"{CHAT}/{conversation}/agent").json()
    assert first["action"] == "handoff"
    contact_id = first["contact_id"]
    admin = login(client, "admin")
    contact = client.get(f"/api/v1/contacts/{contact_id}", headers=admin).json()
    assert contact["state"] in ("queued", "offered") and contact["channel"] == "chat"
    messages = client.get(f"/api/v1/contacts/{contact_id}/messages", headers=admin).json()
    assert messages[0]["author"] == "customer"
    assert "une question sur mon dossier" in messages[0]["body"]
    assert messages[-1]["author"] == "system"
    # later messages go to the agent; a medical one is redirected instead of queued
    relayed = client.post(f"{CHAT}/{conversation}/messages",
                          json={"message": "c'est pour mon attestation"}).json()
    assert relayed["action"] == "handoff" and relayed["contact_id"] == contact_id
    urgent = client.post(f"{CHAT}/{conversation}/messages",
                         json={"message": "en fait je respire très mal"}).json()
    assert urgent["action"] == "redirect"
    state = client.get(f"/api/v1/contacts/{contact_id}", headers=admin).json()["state"]
    assert state in ("redirected", "offered")
    transcript = client.get(f"{CHAT}/{conversation}").json()
    assert [t["author"] for t in transcript["turns"]][:2] == ["customer", "assistant"]


def test_unknown_conversation_is_404_problem(client: TestClient) -> None:
    reply = client.post(f"{CHAT}/nope/messages", json={"message": "allo"})
    assert reply.status_code == 404
    assert reply.headers["content-type"] == "application/problem+json"
