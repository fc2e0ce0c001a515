"""The desk as a process that does not lead it reads it: from the store, committed state only.

Every process serves the whole API, but only the leader holds the router in memory. The others
answer the same read questions (:class:`renfort.services.desk_view.DeskView`'s) with indexed
queries on the contacts and agents tables, and keep the routing configuration in memory,
reloaded when the leader says it changed. A reply to a forwarded command is sent only once
the command is committed, so a follower reading right after it sees it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Engine, func, select

from renfort.domain.contacts import FINAL_STATES, HELD_STATES, WAITING_STATES, ContactState
from renfort.domain.errors import NotFoundError
from renfort.domain.model import Channel
from renfort.routing.policy import load_of
from renfort.routing.types import AgentStatus
from renfort.services.desk_view import (
    AgentView,
    ConfigReads,
    ConfigView,
    ContactView,
    config_view_of,
)
from renfort.store import repository as repo
from renfort.store import tables as t

_C = t.contacts.c
_COLUMNS = (_C.id, _C.seq, _C.queue_id, _C.client_id, _C.channel, _C.state, _C.priority,
            _C.created_at, _C.enqueued_at, _C.agent_id, _C.outsourcer_id, _C.external_ref,
            _C.offered_at)
_LIVE = [str(s) for s in ContactState if s not in FINAL_STATES]
_HELD = [str(s) for s in HELD_STATES]
_WAITING = [str(s) for s in WAITING_STATES]


def _view(row: Any) -> ContactView:
    (contact_id, seq, queue_id, client_id, channel, state, priority, created_at, enqueued_at,
     agent_id, outsourcer_id, external_ref, offered_at) = row
    return ContactView(str(contact_id), int(seq), str(queue_id), str(client_id),
                       Channel(channel), ContactState(state), int(priority), float(created_at),
                       float(enqueued_at or created_at), agent_id, outsourcer_id, external_ref,
                       offered_at)


class StoreView(ConfigReads):
    """Same questions as :class:`~renfort.services.desk_view.DeskView`, answered by the store."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._config = ConfigView()

    def reload_config(self) -> None:
        with self._engine.connect() as conn:
            self._config = config_view_of(repo.load_federation(conn))

    # ------------------------------------------------------------------ live state

    def live_contact(self, contact_id: str) -> ContactView | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(*_COLUMNS).where(_C.id == contact_id)
                               .where(_C.state.in_(_LIVE))).first()
        return _view(row) if row else None

    def _held(self, agent_id: str) -> list[ContactView]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(*_COLUMNS).where(_C.agent_id == agent_id)
                                .where(_C.state.in_(_HELD))
                                .order_by(_C.offered_at, _C.seq)).all()
        return [_view(r) for r in rows]

    def agent(self, agent_id: str) -> AgentView:
        if agent_id not in self._config.agent_outsourcer:
            raise NotFoundError(f"unknown agent {agent_id!r}", {"field": "agent"},
                                reason="agent-unknown")
        with self._engine.connect() as conn:
            row = conn.execute(select(t.agents.c.status, t.agents.c.status_reason)
                               .where(t.agents.c.id == agent_id)).first()
        held = self._held(agent_id)
        profile = next((a for a in self._config.agents if a.id == agent_id), None)
        counts = Counter(c.channel for c in held)
        load = load_of(counts, profile.capacity) if profile else float(len(held))
        status = AgentStatus(row[0]) if row else AgentStatus.LOGGED_OUT
        reason = row[1] if row and status is AgentStatus.BREAK else None
        return AgentView(agent_id, status, reason, load, tuple(c.id for c in held))

    def agent_status(self, agent_id: str) -> AgentStatus:
        return self.agent(agent_id).status

    def load(self, agent_id: str) -> float:
        return self.agent(agent_id).load

    def held_by(self, agent_id: str) -> list[ContactView]:
        return self._held(agent_id)

    def contacts_in_flight(self) -> list[ContactView]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(*_COLUMNS).where(_C.state.in_(_LIVE))
                                .order_by(_C.seq)).all()
        return [_view(r) for r in rows]

    def _waiting(self, queue_id: str) -> tuple[int, float | None]:
        with self._engine.connect() as conn:
            count, oldest = conn.execute(
                select(func.count(), func.min(_C.enqueued_at)).where(_C.queue_id == queue_id)
                .where(_C.state.in_(_WAITING))).one()
        return int(count), oldest

    def waiting_count(self, queue_id: str) -> int:
        return self._waiting(queue_id)[0]

    def oldest_wait(self, queue_id: str, now: float) -> float:
        oldest = self._waiting(queue_id)[1]
        return 0.0 if oldest is None else max(0.0, now - float(oldest))
