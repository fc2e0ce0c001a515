"""A tiny builder for router tests: queues, agents, contracts and waivers in one line each.

Every queue belongs to client ``c1`` unless told otherwise; every agent to outsourcer ``o1``,
which holds a contract for every queue created with ``contract=True`` (the default).
The clock starts at 1,000,000 s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from renfort.domain.clock import ManualClock, to_datetime
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContactId,
    ContractId,
    OutsourcerId,
    QueueId,
    SiteId,
    WaiverId,
)
from renfort.domain.model import (
    DEFAULT_BULLSEYE,
    Agent,
    BullseyeTier,
    Channel,
    Contract,
    Queue,
    TeleworkRule,
    Waiver,
    WorkPlace,
)
from renfort.routing.router import Router
from renfort.routing.types import Offer

T0 = 1_000_000.0
VOICE, CHAT, EMAIL = Channel.VOICE, Channel.CHAT, Channel.EMAIL


class World:
    def __init__(self, *, offer_timeout: float = 20.0) -> None:
        self.clock = ManualClock(T0)
        self.router = Router(self.clock, offer_timeout=offer_timeout)
        self.contracts: list[Contract] = []
        self.waivers: list[Waiver] = []
        self.queues: dict[str, Queue] = {}

    def queue(
        self, slug: str, *, channels: tuple[Channel, ...] = (VOICE,), skill: str = "covid",
        priority: int = 1, sl_seconds: float = 60.0, overflow_after: float | None = None,
        telework: TeleworkRule = TeleworkRule.ALLOWED,
        bullseye: tuple[BullseyeTier, ...] = DEFAULT_BULLSEYE, client: str = "c1",
        contract: bool = True, language: str | None = None,
    ) -> QueueId:
        queue = Queue(
            QueueId(slug), slug, ClientId(client), slug.title(), frozenset(channels), skill,
            sl_seconds=sl_seconds, overflow_after_seconds=overflow_after, telework=telework,
            bullseye=bullseye, language=language,
        )
        self.queues[slug] = queue
        self.router.upsert_queue(queue, priority)
        if contract:
            self.contract("o1", queue.id)
        return queue.id

    def contract(self, outsourcer: str, queue_id: QueueId) -> None:
        client = self.queues[queue_id].client_id
        self.contracts.append(Contract(
            ContractId(f"k{len(self.contracts)}"), client, OutsourcerId(outsourcer),
            frozenset({queue_id}),
        ))
        self.router.set_contracts(self.contracts)

    def waiver(
        self, queue_id: QueueId, start: float, end: float, *, revoked_at: float | None = None
    ) -> WaiverId:
        waiver_id = WaiverId(f"w{len(self.waivers)}")
        self.waivers.append(Waiver(
            waiver_id, self.queues[queue_id].client_id, frozenset({queue_id}), "telework",
            self.at(start), self.at(end), "client director",
            revoked_at=None if revoked_at is None else self.at(revoked_at),
        ))
        self.router.set_waivers(self.waivers)
        return waiver_id

    def agent(
        self, name: str, *, skills: Mapping[str, int] | None = None, outsourcer: str = "o1",
        home: bool = False, capacity: Mapping[Channel, int] | None = None, login: bool = True,
        languages: tuple[str, ...] = ("fr",),
    ) -> AgentId:
        agent = Agent(
            AgentId(name), OutsourcerId(outsourcer), name.title(),
            dict(skills) if skills is not None else {"covid": 3}, frozenset(languages),
            works_from=WorkPlace.HOME if home else WorkPlace.SITE,
            site_id=None if home else SiteId("lyon"),
            capacity=dict(capacity) if capacity is not None
            else {VOICE: 1, CHAT: 3, EMAIL: 2, Channel.CALLBACK: 1},
        )
        self.router.upsert_agent(agent)
        if login:
            self.router.log_in(agent.id)
        return agent.id

    def arrive(
        self, name: str, queue_id: QueueId, channel: Channel = VOICE, priority: int = 1
    ) -> ContactId:
        contact_id = ContactId(name)
        self.router.enqueue(contact_id, queue_id, channel, priority)
        return contact_id

    def at(self, offset: float) -> datetime:
        """Datetime of ``T0 + offset`` seconds."""
        return to_datetime(T0 + offset)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def route(self) -> list[tuple[str, str]]:
        """Route and return (contact, agent) pairs, in offer order."""
        return pairs(self.router.route())


def pairs(offers: list[Offer]) -> list[tuple[str, str]]:
    return [(o.contact_id, o.agent_id) for o in offers]
