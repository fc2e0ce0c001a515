"""Live events: published after commit, filtered per subscriber by tenant.

Each event says which tenants may see it (the contact's client, the outsourcers serving the
queue or handling the contact, the agent concerned); :func:`visible_to` applies the same rules
as the read endpoints.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role


@dataclass(frozen=True)
class LiveEvent:
    type: str
    """Past-tense name: contact.queued, contact.offered, agent.status_changed, message.posted…"""
    data: dict[str, Any]
    client_id: str | None = None
    outsourcer_ids: frozenset[str] = frozenset()
    agent_id: str | None = None
    id: int = 0


def visible_to(event: LiveEvent, who: Principal) -> bool:
    if who.role is Role.ADMIN:
        return True
    if who.role is Role.AGENT:
        return event.agent_id is not None and event.agent_id == who.agent_id
    if who.role in OUTSOURCER_ROLES:
        return who.outsourcer_id in event.outsourcer_ids
    if who.role is Role.CLIENT_VIEWER:
        return event.client_id is not None and event.client_id == who.client_id
    return False


@dataclass
class _Subscriber:
    principal: Principal
    inbox: asyncio.Queue[LiveEvent] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))
    lost: bool = False


class EventBus:
    """In-process fan-out to SSE subscribers; a slow subscriber is dropped, not waited for."""

    def __init__(self) -> None:
        self._subscribers: list[_Subscriber] = []
        self._ids = itertools.count(1)

    def subscribe(self, principal: Principal) -> _Subscriber:
        sub = _Subscriber(principal)
        self._subscribers.append(sub)
        return sub

    def unsubscribe(self, sub: _Subscriber) -> None:
        if sub in self._subscribers:
            self._subscribers.remove(sub)

    def publish(self, events: list[LiveEvent]) -> None:
        for raw in events:
            event = LiveEvent(raw.type, raw.data, raw.client_id, raw.outsourcer_ids,
                              raw.agent_id, next(self._ids))
            for sub in list(self._subscribers):
                if not visible_to(event, sub.principal):
                    continue
                try:
                    sub.inbox.put_nowait(event)
                except asyncio.QueueFull:
                    # The client reloads a snapshot when it sees its stream end.
                    sub.lost = True
                    self.unsubscribe(sub)
