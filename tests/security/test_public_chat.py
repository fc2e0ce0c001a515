"""Point 2 of issue 12: the anonymous chat reaches only public clients' public chat
queues, and never lets the caller choose the identity an agent sees."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from renfort.store import knowledge_tables as kt
from renfort.store import tables as t
from renfort.store.engine import alembic_config, make_engine, upgrade
from tests.conftest import login

CHAT = "/api/v1/self-service/conversations"


def _count(client: TestClient, table: object) -> int:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_demo_flags_only_the_hotline_and_its_chat_queues_public(client: TestClient) -> None:
    admin = login(client, "admin")
    public = {c["slug"] for c in client.get("/api/v1/clients", headers=admin).json()
              if c["public"]}
    assert public == {"numero-vert"}
    queues = {q["slug"] for q in client.get("/api/v1/queues", headers=admin).json()
              if q["public"]}
    assert queues == {"hotline-general", "hotline-travel", "hotline-english"}


def test_a_private_client_is_unknown_to_the_anonymous_chat(client: TestClient) -> None:
    before = (_count(client, kt.kb_conversations), _count(client, t.contacts))
    reply = client.post(CHAT, json={"client": "banque-hermine",
                                    "message": "Je veux parler à un conseiller"})
    assert reply.status_code == 404
    assert reply.headers["content-type"] == "application/problem+json"
    assert (_count(client, kt.kb_conversations), _count(client, t.contacts)) == before


def test_the_caller_cannot_choose_the_customer_reference(client: TestClient) -> None:
    refused = client.post(CHAT, json={"message": "Bonjour", "customer_ref": "M. Dupont"})
    assert refused.status_code == 422
    handed = client.post(CHAT, json={"message": "Je veux parler à un conseiller"}).json()
    assert handed["action"] == "handoff" and handed["queue"] == "hotline-general"
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:
        ref = conn.execute(select(t.contacts.c.customer_ref)
                           .where(t.contacts.c.id == handed["contact_id"])).scalar_one()
    assert ref.startswith("chat-") and len(ref) == 15


def test_hand_off_goes_only_to_a_public_chat_queue(client: TestClient) -> None:
    admin = login(client, "admin")
    for slug in ("hotline-general", "hotline-travel", "hotline-english"):
        queue = client.get(f"/api/v1/queues/{slug}", headers=admin).json()
        body = {k: queue[k] for k in ("id", "slug", "name", "channels", "skill", "sl_target",
                                      "sl_seconds", "overflow_after_seconds", "telework",
                                      "bullseye", "language")}
        saved = client.put(f"/api/v1/queues/{slug}", headers=admin,
                           json={**body, "client": "numero-vert", "public": False})
        assert saved.status_code == 200 and saved.json()["public"] is False, saved.text
    contacts = _count(client, t.contacts)
    refused = client.post(CHAT, json={"message": "Je veux parler à un conseiller"})
    assert refused.status_code == 422, refused.text
    assert _count(client, t.contacts) == contacts


def test_the_migration_opens_existing_hotlines_only(tmp_path: Path) -> None:
    """Migration 0007 on a database in use: hotlines (sector ``public``) and their chat
    queues start public, every other client and queue private, rows referring to them kept."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO clients (id, slug, name, sector) VALUES "
                          "('c1', 'ligne', 'Ligne', 'public'), ('c2', 'banque', 'B', 'banking')"))
        for queue, client, channels in (("q1", "c1", '["voice", "chat"]'),
                                        ("q2", "c1", '["voice"]'), ("q3", "c2", '["chat"]')):
            conn.execute(text(
                "INSERT INTO queues (id, slug, client_id, name, channels, skill, sl_target, "
                "sl_seconds, telework, bullseye) VALUES (:q, :q, :c, 'n', :ch, 's', 0.8, 60, "
                "'allowed', '[[0, 1]]')"), {"q": queue, "c": client, "ch": channels})
    upgrade(url)
    with engine.connect() as conn:
        clients = dict(conn.execute(text("SELECT id, public FROM clients")).all())
        queues = dict(conn.execute(text("SELECT id, public FROM queues")).all())
    assert clients == {"c1": 1, "c2": 0} and queues == {"q1": 1, "q2": 0, "q3": 0}
    command.downgrade(alembic_config(url), "0005")
    upgrade(url)
    engine.dispose()
