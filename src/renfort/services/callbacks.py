"""Use cases of callbacks outside the desk: asked from the public chat, listed and read.

Scheduling and making the calls is the desk's (:mod:`renfort.services.desk_callbacks`).
The number is personal data: lists and reads mask it, except for the agent who is calling
it now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from renfort.domain.callbacks import CallbackState
from renfort.domain.clock import to_iso, to_seconds
from renfort.domain.errors import NotFoundError, PermissionDeniedError
from renfort.services import access
from renfort.services import commands as c
from renfort.services.desk import Desk
from renfort.services.desk_callbacks import callback_out
from renfort.services.principals import Principal, Role
from renfort.store import knowledge_tables as k
from renfort.store import operations_tables as o

STATES = tuple(str(s) for s in CallbackState)


class CallbackService:
    def __init__(self, engine: Engine, desk: Desk) -> None:
        self._engine = engine
        self._desk = desk

    async def ask_from_chat(self, conversation_id: str, number: str,
                            window_start: datetime | None,
                            window_end: datetime | None) -> dict[str, Any]:
        """A citizen of the public chat leaves a number (and a slot) to be called back."""
        with self._engine.connect() as conn:
            client_id = conn.execute(select(k.kb_conversations.c.client_id)
                                     .where(k.kb_conversations.c.id == conversation_id)
                                     ).scalar_one_or_none()
        if client_id is None:
            raise NotFoundError("unknown conversation", {"conversation": conversation_id},
                                reason="conversation-unknown")
        row: dict[str, Any] = await self._desk.execute(c.ScheduleCallback(
            str(client_id), None, number, "chat", conversation_id,
            to_seconds(window_start) if window_start else None,
            to_seconds(window_end) if window_end else None))
        return public_view(row)

    def list(self, who: Principal, state: str | None = None,
             limit: int = 200) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            query = select(o.callbacks).order_by(o.callbacks.c.created_at.desc()).limit(limit)
            if state:
                query = query.where(o.callbacks.c.state == state)
            query = self._scope(conn, who, query)
            rows = conn.execute(query).mappings().all()
        return [view(dict(r), who) for r in rows]

    def get(self, who: Principal, callback_id: str) -> dict[str, Any]:
        with self._engine.connect() as conn:
            query = self._scope(conn, who, select(o.callbacks)
                                .where(o.callbacks.c.id == callback_id))
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError("unknown callback", {"callback": callback_id},
                                reason="callback-unknown")
        return view(dict(row), who)

    @staticmethod
    def _scope(conn: Any, who: Principal, query: Any) -> Any:
        if who.role is Role.AGENT:
            return query.where(o.callbacks.c.agent_id == who.agent_id)
        if who.role in (Role.KNOWLEDGE_EDITOR,):
            raise PermissionDeniedError(f"role {who.role} cannot see callbacks", {},
                                        reason="role-cannot")
        visible = access.visible_queue_ids(conn, who)
        return query if visible is None else query.where(o.callbacks.c.queue_id.in_(visible))


def view(row: dict[str, Any], who: Principal) -> dict[str, Any]:
    calling = who.role is Role.AGENT and row["agent_id"] == who.agent_id \
        and row["state"] == CallbackState.DIALING
    out = callback_out(row, full_number=calling)
    for name in ("window_start", "window_end", "due_at", "created_at", "updated_at",
                 "closed_at"):
        out[name] = to_iso(row[name])
    return out


def public_view(row: dict[str, Any]) -> dict[str, Any]:
    """What the citizen is told: when, not who."""
    return {"callback_id": row["id"], "state": row["state"],
            "number": callback_out(row)["number"], "due_at": to_iso(row["due_at"]),
            "window_start": to_iso(row["window_start"]),
            "window_end": to_iso(row["window_end"]),
            "message": "C'est noté : un conseiller vous rappellera"
                       + (" dans le créneau choisi." if row["window_start"] else
                          " dès que possible.")}
