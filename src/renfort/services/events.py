"""Live events: typed, built in one place, numbered, published after commit, resumable.

Each event says which tenants may see it (the contact's client, the outsourcers serving the
queue or handling the contact, the agent concerned); :func:`visible_to` applies the same rules
as the read endpoints. The builders below are the only place events are made.

Every published event gets an id ``<epoch>-<n>``: ``epoch`` names this bus (it changes when
the process restarts), ``n`` counts up. The bus keeps the last :data:`BACKLOG` events, so a
client that reconnects with ``Last-Event-ID`` gets what it missed — or, when that is no longer
known (too old, or another epoch), a ``reset`` telling it to fetch a fresh snapshot. Never a
silent gap.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role

BACKLOG = 10_000
"""Events kept for clients that reconnect."""
INBOX = 1_000
"""Events a subscriber may fall behind by before its stream is ended (it then resumes)."""


class EventType(StrEnum):
    CONTACT_RECEIVED = "contact.received"
    CONTACT_QUEUED = "contact.queued"
    CONTACT_OFFERED = "contact.offered"
    CONTACT_ACCEPTED = "contact.accepted"
    CONTACT_WRAP_UP = "contact.wrap_up"
    CONTACT_CLOSED = "contact.closed"
    CONTACT_ABANDONED = "contact.abandoned"
    CONTACT_REDIRECTED = "contact.redirected"
    CONTACT_TRANSFERRED = "contact.transferred"
    CONTACT_CALLBACK_REQUESTED = "contact.callback_requested"
    MESSAGE_POSTED = "message.posted"
    AGENT_STATUS_CHANGED = "agent.status_changed"
    SITE_OCCUPANCY_CHANGED = "site.occupancy_changed"
    CONTACT_SAFETY_ALERT = "contact.safety_alert"
    SAFETY_FLAGGED = "safety.flagged"
    SAFETY_ACKNOWLEDGED = "safety.acknowledged"


RESET = "reset"
"""Not an event: the stream's way of saying "what you missed is gone, fetch a snapshot"."""


@dataclass(frozen=True, slots=True)
class LiveEvent:
    type: EventType
    data: dict[str, Any]
    client_id: str | None = None
    outsourcer_ids: frozenset[str] = frozenset()
    agent_id: str | None = None
    id: str = ""
    """``<epoch>-<n>``, set when published."""


# ---------------------------------------------------------------------- builders


def contact_changed(*, contact: str, queue: str, queue_slug: str | None, channel: str,
                    state: str, before: str | None, agent: str | None, at: float,
                    client_id: str, outsourcer_ids: frozenset[str]) -> LiveEvent:
    return LiveEvent(
        EventType(f"contact.{state}"),
        {"contact": contact, "queue": queue, "queue_slug": queue_slug, "channel": channel,
         "state": state, "from": before, "agent": agent, "at": at},
        client_id=client_id, outsourcer_ids=outsourcer_ids, agent_id=agent)


def message_posted(*, message: dict[str, Any], client_id: str,
                   outsourcer_ids: frozenset[str], agent_id: str | None) -> LiveEvent:
    return LiveEvent(EventType.MESSAGE_POSTED, {**message, "contact": message["contact_id"]},
                     client_id=client_id, outsourcer_ids=outsourcer_ids, agent_id=agent_id)


def agent_status_changed(*, agent: str, status: str, reason: str | None, at: float,
                         outsourcer_id: str | None) -> LiveEvent:
    return LiveEvent(EventType.AGENT_STATUS_CHANGED,
                     {"agent": agent, "status": status, "reason": reason, "at": at},
                     outsourcer_ids=frozenset({outsourcer_id}) if outsourcer_id else frozenset(),
                     agent_id=agent)


def site_occupancy_changed(*, site: str, seat: str, agent: str, change: str,
                           outsourcer_id: str) -> LiveEvent:
    """A committed check-in (``in``) or check-out (``out``)."""
    return LiveEvent(EventType.SITE_OCCUPANCY_CHANGED,
                     {"site": site, "seat": seat, "agent": agent, "change": change},
                     outsourcer_ids=frozenset({outsourcer_id}), agent_id=agent)


def safety_flagged(*, flag: int | None, key: str, label: str, contact: str | None, at: float,
                   client_id: str, outsourcer_ids: frozenset[str]) -> LiveEvent:
    """A message was sent to a medical, psychological or emergency line: for supervisors."""
    return LiveEvent(EventType.SAFETY_FLAGGED,
                     {"flag": flag, "key": key, "label": label, "contact": contact, "at": at},
                     client_id=client_id, outsourcer_ids=outsourcer_ids)


def contact_safety_alert(*, contact: str, key: str, label: str, agent: str | None,
                         at: float, client_id: str,
                         outsourcer_ids: frozenset[str]) -> LiveEvent:
    """A citizen wrote something medical or urgent on a contact an agent holds: the
    agent's desktop shows the alert at once (the contact's state does not change)."""
    return LiveEvent(EventType.CONTACT_SAFETY_ALERT,
                     {"contact": contact, "key": key, "label": label, "agent": agent,
                      "at": at},
                     client_id=client_id, outsourcer_ids=outsourcer_ids, agent_id=agent)


def safety_acknowledged(*, flag: int, client_id: str,
                        outsourcer_ids: frozenset[str]) -> LiveEvent:
    return LiveEvent(EventType.SAFETY_ACKNOWLEDGED, {"flag": flag}, client_id=client_id,
                     outsourcer_ids=outsourcer_ids)


# ---------------------------------------------------------------------- who sees what


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


# ---------------------------------------------------------------------- the bus


@dataclass
class Subscription:
    principal: Principal
    inbox: asyncio.Queue[LiveEvent] = field(default_factory=lambda: asyncio.Queue(INBOX))
    lost: bool = False
    """Fell too far behind: the stream ends and the client resumes from its last id."""
    missed: list[LiveEvent] = field(default_factory=list)
    """On resumption: the events published since the client's last id, to send first."""
    reset: bool = False
    """On resumption: the last id is unknown here; the client must fetch a snapshot."""
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the stream must end now (``lost`` says why)."""


class EventBus:
    """In-process fan-out to SSE subscribers, with a bounded backlog for resumption.

    Used from the event loop's thread only (publishers elsewhere hand their events over with
    ``loop.call_soon_threadsafe``). A slow subscriber is dropped, never waited for. Events
    arrive numbered by the desk that committed them (the same ids in every process); an
    event without an id gets one from this bus.
    """

    def __init__(self, backlog: int = BACKLOG, epoch: str | None = None) -> None:
        self.epoch = epoch or format(int(time.time() * 1000), "x")
        self._subscribers: list[Subscription] = []
        self._numbers = itertools.count(1)
        self._local = itertools.count(1)
        self._limit = backlog
        self._backlog: deque[tuple[int, LiveEvent]] = deque()
        self._position: dict[str, int] = {}
        """Event id → its rank in this bus (to find where a resuming client stopped)."""
        self._dropped: tuple[str, int] = ("", 0)
        """The last event pushed out of the backlog: a client that saw it missed nothing."""

    def subscribe(self, principal: Principal, last_event_id: str | None = None) -> Subscription:
        sub = Subscription(principal)
        if last_event_id:
            last = last_event_id.strip()
            after = self._position.get(last)
            if after is None and last == self._dropped[0]:
                after = self._dropped[1]
            if after is None:
                sub.reset = True
            else:
                sub.missed = [e for n, e in self._backlog
                              if n > after and visible_to(e, principal)]
        self._subscribers.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        if sub in self._subscribers:
            self._subscribers.remove(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def last_id(self) -> str:
        return self._backlog[-1][1].id if self._backlog else f"{self.epoch}-0"

    def number(self, events: Iterable[LiveEvent]) -> list[LiveEvent]:
        """The events with ids of this bus's series (for a desk that numbers its own)."""
        return [replace(e, id=f"{self.epoch}-{next(self._numbers)}") for e in events]

    def publish(self, events: Iterable[LiveEvent]) -> None:
        for raw in events:
            event = raw if raw.id else replace(raw, id=f"{self.epoch}-{next(self._numbers)}")
            if event.id in self._position:
                continue  # already delivered here (a message seen twice)
            rank = next(self._local)
            self._backlog.append((rank, event))
            self._position[event.id] = rank
            while len(self._backlog) > self._limit:
                old, gone = self._backlog.popleft()
                self._position.pop(gone.id, None)
                self._dropped = (gone.id, old)
            for sub in list(self._subscribers):
                if not visible_to(event, sub.principal):
                    continue
                try:
                    sub.inbox.put_nowait(event)
                except asyncio.QueueFull:
                    sub.lost = True
                    sub.ended.set()
                    self.unsubscribe(sub)

    def break_continuity(self) -> None:
        """Events may have been missed (a lost connection to the other processes): end every
        stream, and answer every resumption with a reset, so that clients fetch a snapshot."""
        self._backlog.clear()
        self._position.clear()
        self._dropped = ("", 0)
        for sub in list(self._subscribers):
            sub.lost = True
            sub.ended.set()
            self.unsubscribe(sub)
