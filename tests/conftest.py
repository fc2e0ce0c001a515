"""Shared fixtures: a demo database built once, copied per test; apps on a manual clock."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings
from sqlalchemy import create_engine, text

from renfort.api.app import create_app
from renfort.bootstrap import build_runtime
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.services.demo_load import load_demo
from renfort.store.engine import upgrade

# CI replays the same examples on every run (no flaky landing); locally hypothesis explores.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

T0 = datetime(2020, 3, 17, 9, 0, tzinfo=UTC).timestamp()
"""First morning of the French lockdown, 10:00 in Paris."""
POSTGRES_URL = os.environ.get("RENFORT_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template")
    settings = Settings(data_dir=folder)
    upgrade(settings.resolved_database_url())
    runtime = build_runtime(settings, ManualClock(T0))
    load_demo(runtime.engine, runtime.auth, datetime.fromtimestamp(T0, tz=UTC))
    runtime.engine.dispose()
    return folder / "renfort.db"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def demo_settings(tmp_path: Path, demo_template: Path) -> Settings:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    return Settings(data_dir=tmp_path, offer_timeout_seconds=20)


@pytest.fixture
def client(demo_settings: Settings, clock: ManualClock) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings, clock)) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str | None = None) -> dict[str, str]:
    """Bearer headers for a demo user (demo passwords are the username + '-demo')."""
    reply = client.post("/api/v1/auth/token",
                        data={"username": username, "password": password or f"{username}-demo"})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A freshly migrated empty database, on SQLite and (when configured) PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        if not POSTGRES_URL:
            pytest.skip("RENFORT_TEST_POSTGRES_URL not set")
        url = POSTGRES_URL
        reset_postgres(url)
    upgrade(url)
    return url
