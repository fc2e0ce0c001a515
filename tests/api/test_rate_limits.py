"""Rate limits on what anybody can call: the public chat and log-in attempts.

A refused call is a 429 problem+json with Retry-After, and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from renfort.api.app import create_app
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.store import knowledge_tables as kt

CHAT = "/api/v1/self-service/conversations"


@pytest.fixture
def strict(demo_settings: Settings, clock: ManualClock) -> Iterator[TestClient]:
    settings = demo_settings.model_copy(
        update={"rate_public_chat": "3/minute", "rate_login_failures": "2/minute"})
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


def _conversations(settings: Settings) -> int:
    engine = create_engine(settings.resolved_database_url())
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(kt.kb_conversations))
                       .scalar_one())
    finally:
        engine.dispose()


def test_public_chat_past_its_limit_is_429_and_stores_nothing(
        strict: TestClient, demo_settings: Settings) -> None:
    first = strict.post(CHAT, json={"message": "Faut-il une attestation pour sortir ?"})
    assert first.status_code == 201, first.text
    conversation = first.json()["conversation_id"]
    assert strict.post(f"{CHAT}/{conversation}/messages",
                       json={"message": "et pour le travail ?"}).status_code == 200
    assert strict.post(CHAT, json={"message": "les écoles ?"}).status_code == 201
    before = _conversations(demo_settings)
    refused = strict.post(CHAT, json={"message": "les commerces ?"})
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["error_id"] == "rate-limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert strict.post(f"{CHAT}/{conversation}/agent").status_code == 429
    assert _conversations(demo_settings) == before
    # reading a transcript is not limited
    assert strict.get(f"{CHAT}/{conversation}").status_code == 200


def test_failed_logins_past_the_limit_block_that_address(strict: TestClient) -> None:
    for _ in range(2):
        wrong = strict.post("/api/v1/auth/token", data={"username": "admin", "password": "x"})
        assert wrong.status_code == 401
    blocked = strict.post("/api/v1/auth/token",
                          data={"username": "admin", "password": "admin-demo"})
    assert blocked.status_code == 429 and blocked.json()["error_id"] == "rate-limited"
    browser = strict.post("/api/v1/auth/session",
                          json={"username": "admin", "password": "admin-demo"})
    assert browser.status_code == 429


def test_successful_logins_are_not_counted(strict: TestClient) -> None:
    for _ in range(5):
        ok = strict.post("/api/v1/auth/token",
                         data={"username": "admin", "password": "admin-demo"})
        assert ok.status_code == 200


def test_a_bad_rate_setting_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="not a rate limit"):
        Settings(rate_public_chat="beaucoup")


def test_pages_say_it_in_french(strict: TestClient) -> None:
    for question in ("attestation ?", "écoles ?", "commerces ?"):
        assert strict.post("/chat/messages", data={"message": question}).status_code == 200
    page = strict.post("/chat/messages", data={"message": "transports ?"})
    assert "Trop de demandes en peu de temps depuis cette connexion" in page.text
    for _ in range(2):
        strict.post("/login", data={"username": "admin", "password": "x"})
    login = strict.post("/login", data={"username": "admin", "password": "admin-demo"},
                        follow_redirects=False)
    assert login.status_code == 200 and "réessayez dans" in login.text
