"""The agent desktop's knowledge panel reads the base of the contact's client only: a bank
agent on a bank call gets the bank's articles, never the public hotline's COVID ones, even
when the customer's words (or a hand-made request) point there."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import login

CARD = {"id": "carte-perdue", "question": "Que faire si ma carte bancaire est perdue ?",
        "alternatives": ["j'ai perdu ma carte", "carte volée"],
        "answer": "Faites opposition au 09 00 00 00 00, jour et nuit.",
        "category": "Cartes", "source": "Banque Hermine", "source_date": "2020-03-20",
        "source_url": "https://banque.example/opposition", "publish": True}
WORDS = ("Bonjour, j'ai perdu ma carte bancaire en allant faire mes courses. "
         "Il me faut une attestation de déplacement pour venir à l'agence ?")


def _browser_login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _bank_call(client: TestClient) -> str:
    """agent-bank-home takes a bank call whose customer wrote ``WORDS``."""
    admin = login(client, "admin")
    made = client.post("/api/v1/kb/banque-hermine/articles", headers=admin, json=CARD)
    assert made.status_code == 201, made.text
    agent = login(client, "agent-bank-home")
    assert client.post("/api/v1/agents/me/login", headers=agent).status_code == 200
    assert client.put("/api/v1/agents/me/state", headers=agent,
                      json={"state": "available"}).status_code == 200
    contact = client.post("/api/v1/contacts", headers=admin, json={
        "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 11 22 33 44",
        "message": WORDS}).json()
    accepted = client.post(f"/api/v1/contacts/{contact['id']}/accept", headers=agent)
    assert accepted.status_code == 200, accepted.text
    return str(contact["id"])


def test_suggestions_come_from_the_contacts_client_base_only(client: TestClient) -> None:
    # The hotline's base does answer these words: the test would prove nothing otherwise.
    hotline = client.get("/api/v1/kb/search", headers=login(client, "admin"),
                         params={"q": WORDS, "client": "numero-vert"}).json()
    assert any("attestation" in h["id"] for h in hotline["results"])
    contact = _bank_call(client)
    _browser_login(client, "agent-bank-home")
    desk = client.get("/agent").text
    assert "/agent/knowledge/suggestions?contact=" in desk and "Banque Hermine" in desk
    shown = client.get("/agent/knowledge/suggestions", params={"contact": contact}).text
    assert "Que faire si ma carte bancaire est perdue ?" in shown
    assert "Source : Banque Hermine" in shown and "data-insert-text" in shown
    assert "attestation" not in shown.lower()
    # The search too, even asked for the hotline's base by hand.
    for params in ({"q": "attestation de déplacement", "contact": contact},
                   {"q": "attestation de déplacement", "client": "numero-vert"}):
        found = client.get("/agent/knowledge", params=params).text
        assert "<li>" not in found and "attestation" not in found.lower()
    # Without a contact open: the bases of the queues the agent is skilled for.
    idle = client.get("/agent/knowledge", params={"q": "carte perdue"}).text
    assert "Que faire si ma carte bancaire est perdue ?" in idle


def test_a_contact_the_agent_cannot_see_gives_nothing(client: TestClient) -> None:
    _bank_call(client)
    other = client.post("/api/v1/contacts", headers=login(client, "admin"), json={
        "queue": "hotline-general", "channel": "chat", "customer_ref": "+33 6 99",
        "message": "attestation de déplacement"}).json()
    _browser_login(client, "agent-bank-home")
    shown = client.get("/agent/knowledge/suggestions", params={"contact": other["id"]}).text
    assert 'class="notice error"' in shown and "kb-results" not in shown
    assert "attestation" not in shown.lower()
