"""Composition root: builds every long-lived object by hand, once, from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from renfort.config import Settings
from renfort.domain.clock import Clock, SystemClock
from renfort.services.auth import AuthService
from renfort.services.desk import Desk
from renfort.services.events import EventBus
from renfort.services.knowledge import KnowledgeService
from renfort.services.knowledge_search import KnowledgeBases
from renfort.services.privacy import SYSTEM, PrivacyService
from renfort.services.retention import DailyPurge
from renfort.services.self_service import SelfService
from renfort.services.streams import StreamQuota
from renfort.services.throttle import LOGIN_FAILURES, PUBLIC_CHAT, Throttle
from renfort.store.engine import make_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    auth: AuthService
    bus: EventBus
    desk: Desk
    knowledge: KnowledgeService
    """Knowledge bases: articles, search and triage (``knowledge.bases``)."""
    self_service: SelfService
    throttle: Throttle
    """Rate limits on the public chat and on failed log-ins, per client address."""
    streams: StreamQuota
    """Live event streams open per user (``RENFORT_SSE_STREAMS_PER_USER``)."""
    privacy: PrivacyService
    """Retention purge, export and erasure of a customer's data, audited."""
    daily_purge: DailyPurge
    """The purge the running service does once a day (started by the app's lifespan)."""


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    clock = clock or SystemClock()
    engine = make_engine(settings.resolved_database_url())
    bus = EventBus()
    desk = Desk(engine, clock, bus, settings.offer_timeout_seconds)
    bases = KnowledgeBases(engine, clock)
    throttle = Throttle({PUBLIC_CHAT: settings.rate_public_chat,
                         LOGIN_FAILURES: settings.rate_login_failures})
    privacy = PrivacyService(engine, clock, settings.retention())
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        auth=AuthService(engine, clock, settings.session_ttl_seconds, throttle),
        bus=bus,
        desk=desk,
        knowledge=KnowledgeService(engine, clock, bases),
        self_service=SelfService(engine, clock, bases, desk),
        throttle=throttle,
        streams=StreamQuota(settings.sse_streams_per_user),
        privacy=privacy,
        daily_purge=DailyPurge(lambda: privacy.purge(SYSTEM)),
    )
