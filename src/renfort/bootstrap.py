"""Composition root: builds every long-lived object by hand, once, from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from renfort.config import Settings
from renfort.domain.callbacks import OpeningHours
from renfort.domain.clock import Clock, SystemClock
from renfort.services.auth import AuthService
from renfort.services.desk import Desk
from renfort.services.events import EventBus
from renfort.services.knowledge import KnowledgeService
from renfort.services.knowledge_search import KnowledgeBases
from renfort.services.outbound import TELEPHONY, OutboundSender, Target
from renfort.services.privacy import SYSTEM, PrivacyService
from renfort.services.retention import DailyPurge
from renfort.services.routing_config import RoutingConfig
from renfort.services.safety import AgentRedirects, RedirectDirectory, SafetyFlags
from renfort.services.self_service import SelfService
from renfort.services.streams import StreamQuota
from renfort.services.throttle import LOGIN_FAILURES, PUBLIC_CHAT, Throttle
from renfort.store.engine import is_postgres, make_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    auth: AuthService
    bus: EventBus
    desk: Desk
    routing_config: RoutingConfig
    """Changes to queues, contracts, agents, waivers, home set-ups: stored, then routed by."""
    knowledge: KnowledgeService
    """Knowledge bases: articles, search and triage (``knowledge.bases``)."""
    self_service: SelfService
    throttle: Throttle
    """Rate limits on the public chat and on failed log-ins, per client address."""
    directory: RedirectDirectory
    """Each client's redirect directory (15/114, 3114, doctor, listening line)."""
    flags: SafetyFlags
    """Redirects flagged for supervisors."""
    telephony_out: OutboundSender
    """Sends ``transfer_requested`` events to the telephony webhook (started by the app)."""
    agent_redirects: AgentRedirects
    """An agent sends the contact they hold to a medical line (audited, flagged)."""
    streams: StreamQuota
    """Live event streams open per user (``RENFORT_SSE_STREAMS_PER_USER``)."""
    privacy: PrivacyService
    """Retention purge, export and erasure of a customer's data, audited."""
    daily_purge: DailyPurge
    """The purge the running service does once a day (started by the app's lifespan)."""


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    clock = clock or SystemClock()
    url = settings.resolved_database_url()
    engine = make_engine(url)
    bus = EventBus()
    # On PostgreSQL any number of processes serve; one leads the desk (services.cluster).
    cluster = None
    if is_postgres(url):
        from renfort.services.cluster import Cluster  # psycopg: only on PostgreSQL

        cluster = Cluster(url, engine, clock)
    desk = Desk(engine, clock, bus, settings.offer_timeout_seconds, cluster=cluster)
    desk.core.callback_hours = OpeningHours.parse(settings.callback_hours)
    bases = KnowledgeBases(engine, clock)
    throttle = Throttle({PUBLIC_CHAT: settings.rate_public_chat,
                         LOGIN_FAILURES: settings.rate_login_failures})
    directory = RedirectDirectory(engine, clock)
    flags = SafetyFlags(engine, clock, desk.announce_soon)
    target = (Target(settings.telephony_webhook_url, settings.telephony_webhook_secret or "")
              if settings.telephony_webhook_url else None)
    telephony_out = OutboundSender(engine, clock, TELEPHONY, target)
    privacy = PrivacyService(engine, clock, settings.retention())
    auth = AuthService(engine, clock, settings.session_ttl_seconds, throttle)
    if cluster is not None:
        cluster.join_auth(auth)
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        auth=auth,
        bus=bus,
        desk=desk,
        routing_config=RoutingConfig(engine, clock, desk),
        knowledge=KnowledgeService(engine, clock, bases),
        self_service=SelfService(engine, clock, bases, desk, directory, flags),
        throttle=throttle,
        directory=directory,
        flags=flags,
        telephony_out=telephony_out,
        agent_redirects=AgentRedirects(engine, desk, directory, flags, bases.triage,
                                       telephony_out.wake),
        streams=StreamQuota(settings.sse_streams_per_user),
        privacy=privacy,
        # One process purges: the one that leads the desk (or the only one).
        daily_purge=DailyPurge(lambda: privacy.purge(SYSTEM) if desk.leading else None),
    )
