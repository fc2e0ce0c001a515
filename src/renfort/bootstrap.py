"""Composition root: builds every long-lived object by hand, once, from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from renfort.config import Settings
from renfort.domain.clock import Clock, SystemClock
from renfort.services.auth import AuthService
from renfort.services.desk import Desk
from renfort.services.events import EventBus
from renfort.store.engine import make_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    auth: AuthService
    bus: EventBus
    desk: Desk


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    clock = clock or SystemClock()
    engine = make_engine(settings.resolved_database_url())
    bus = EventBus()
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        auth=AuthService(engine, clock, settings.session_ttl_seconds),
        bus=bus,
        desk=Desk(engine, clock, bus, settings.offer_timeout_seconds),
    )
