"""Tenant rules in one place: what each principal may see and change.

Each rule is one condition per line so coverage shows every case. The read endpoints, the
live events and the use cases all go through these functions.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, false, or_, select, true

from renfort.domain.errors import NotFoundError, PermissionDeniedError
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import repository as repo
from renfort.store import tables as t


def require(principal: Principal, *roles: Role) -> None:
    """Refuse unless the principal has one of ``roles`` (admin always passes)."""
    if principal.role is Role.ADMIN:
        return
    if principal.role not in roles:
        raise PermissionDeniedError(f"role {principal.role} cannot do this", {},
                                    reason="role-cannot")


def visible_queue_ids(conn: Connection, who: Principal) -> set[str] | None:
    """Queues the principal may see; ``None`` means all of them."""
    if who.role is Role.ADMIN:
        return None
    if who.role in OUTSOURCER_ROLES or who.role is Role.AGENT:
        assert who.outsourcer_id is not None
        return repo.queues_of_outsourcer(conn, who.outsourcer_id)
    if who.role is Role.CLIENT_VIEWER or (who.role is Role.INTEGRATION and who.client_id):
        ids = conn.execute(select(t.queues.c.id).where(t.queues.c.client_id == who.client_id))
        return {str(i) for i in ids.scalars()}
    if who.role is Role.INTEGRATION:
        return None
    return set()


def contact_filter(conn: Connection, who: Principal) -> ColumnElement[bool]:
    """SQL condition selecting the contacts the principal may see."""
    c = t.contacts.c
    if who.role is Role.ADMIN:
        return true()
    if who.role in OUTSOURCER_ROLES:
        queues = repo.queues_of_outsourcer(conn, who.outsourcer_id or "")
        return or_(c.queue_id.in_(queues), c.outsourcer_id == who.outsourcer_id)
    if who.role is Role.AGENT:
        return c.agent_id == who.agent_id
    if who.role is Role.CLIENT_VIEWER:
        return c.client_id == who.client_id
    if who.role is Role.INTEGRATION and who.client_id:
        return c.client_id == who.client_id
    if who.role is Role.INTEGRATION:
        return true()
    return false()


def outsourcer_filter(who: Principal, column: ColumnElement[str]) -> ColumnElement[bool]:
    """Rows owned by an outsourcer (agents, sites, users…) visible to the principal."""
    if who.role is Role.ADMIN:
        return true()
    if who.role in OUTSOURCER_ROLES:
        return column == who.outsourcer_id
    return false()


def may_act_for(who: Principal, agent_id: str, agent_outsourcer_id: str | None) -> None:
    """An action taken on a contact for ``agent_id`` (whose outsourcer is
    ``agent_outsourcer_id``): an agent acts for themself, a supervisor or manager for their
    own outsourcer's agents only, the admin for anyone.

    A queue served by several outsourcers shows its contacts to each of them; seeing a
    contact held by another outsourcer's agent never allows acting in that agent's name.
    """
    if who.role is Role.ADMIN:
        return
    if who.role is Role.AGENT and who.agent_id == agent_id:
        return
    if who.role in OUTSOURCER_ROLES and agent_outsourcer_id is not None \
            and who.outsourcer_id == agent_outsourcer_id:
        return
    raise PermissionDeniedError("you may act only for your own outsourcer's agents",
                                {"agent": agent_id}, reason="other-outsourcer-agent")


def can_act_for_agent(conn: Connection, who: Principal, agent_id: str) -> None:
    """An agent acts for themself; a supervisor or manager for their outsourcer's agents."""
    row = repo.get_row(conn, t.agents, agent_id)
    if row is None:
        raise NotFoundError("unknown agent", {"agent": agent_id}, reason="agent-unknown")
    if who.role is Role.ADMIN:
        return
    if who.role is Role.AGENT and who.agent_id == agent_id:
        return
    if who.role in OUTSOURCER_ROLES and who.outsourcer_id == row["outsourcer_id"]:
        return
    if who.role in OUTSOURCER_ROLES or who.role is Role.AGENT:
        # Another outsourcer's agent: behave as if it did not exist.
        raise NotFoundError("unknown agent", {"agent": agent_id}, reason="agent-unknown")
    raise PermissionDeniedError(f"role {who.role} cannot act for agents", {},
                                reason="role-cannot-act-agents")
