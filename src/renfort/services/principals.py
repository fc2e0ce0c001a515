"""Who is calling: roles and the principal every use case receives."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    """The whole federation."""
    OUTSOURCER_MANAGER = "outsourcer_manager"
    """One outsourcer: its sites, agents, users and the contacts of its contracted queues."""
    SUPERVISOR = "supervisor"
    """One outsourcer, operations only (agents' states, contacts, stats)."""
    AGENT = "agent"
    """One agent: their own state and the contacts offered or assigned to them."""
    CLIENT_VIEWER = "client_viewer"
    """One client: its queues, contacts, contracts and waivers."""
    INTEGRATION = "integration"
    """A channel integration (API key): creates contacts, for one client or all."""
    KNOWLEDGE_EDITOR = "knowledge_editor"
    """One client's knowledge base (the hotline's is ``numero-vert``): edits and publishes."""
    STAFF_REP = "staff_rep"
    """A staff representative of one outsourcer: reads its sites, register, occupancy and
    exposure-search counts (no names); writes consultation minutes and opinions."""


OUTSOURCER_ROLES = frozenset({Role.OUTSOURCER_MANAGER, Role.SUPERVISOR})
HUMAN_ROLES = tuple(r for r in Role if r is not Role.INTEGRATION)


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    username: str
    role: Role
    outsourcer_id: str | None = None
    client_id: str | None = None
    agent_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
