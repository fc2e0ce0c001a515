"""Who may see and change what on a site (seat plan, occupancy, register, tracing).

* ``admin``: every site, read and write, but **not** exposure tracing;
* ``outsourcer_manager``: their outsourcer's sites: plan, rule, shifts, check-ins, the
  sanitary register, and exposure tracing (the only role that sees it);
* ``supervisor``: their outsourcer's sites: read everything but tracing, check agents in
  and out, plan shifts;
* ``agent``: their outsourcer's sites: read the plan and occupancy, check themself in/out;
* ``staff_rep``: their outsourcer's sites, read-only (plan, occupancy, register and its
  history, exposure-search counts without names); writes consultations;
* other roles (client viewers, integrations, knowledge editors): no site at all (403).

A site of another outsourcer behaves as if it did not exist (404).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from renfort.domain.errors import NotFoundError, PermissionDeniedError
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import repository as repo
from renfort.store import tables as t

SITE_ROLES = frozenset({Role.ADMIN, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR, Role.AGENT,
                        Role.STAFF_REP})


def visible_site(conn: Connection, who: Principal, ref: str) -> dict[str, Any]:
    """The site row if ``who`` may see it: 403 for roles without sites, 404 otherwise."""
    if who.role not in SITE_ROLES:
        raise PermissionDeniedError(f"role {who.role} has no access to sites", {},
                                    reason="role-no-sites")
    site_id = repo.find_id(conn, t.sites, ref)
    row = repo.get_row(conn, t.sites, site_id) if site_id else None
    if row is None:
        raise NotFoundError(f"no site {ref!r}", {"site": ref}, reason="site-unknown")
    if who.role is Role.ADMIN:
        return row
    if row["outsourcer_id"] != who.outsourcer_id:
        raise NotFoundError(f"no site {ref!r}", {"site": ref}, reason="site-unknown")
    return row


def visible_sites(conn: Connection, who: Principal) -> list[dict[str, Any]]:
    if who.role not in SITE_ROLES:
        raise PermissionDeniedError(f"role {who.role} has no access to sites", {},
                                    reason="role-no-sites")
    query = select(t.sites).order_by(t.sites.c.slug)
    if who.role is not Role.ADMIN:
        query = query.where(t.sites.c.outsourcer_id == who.outsourcer_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def require_manager(who: Principal, site: dict[str, Any]) -> None:
    """Admin, or the manager of the site's outsourcer."""
    if who.role is Role.ADMIN:
        return
    if who.role is Role.OUTSOURCER_MANAGER and who.outsourcer_id == site["outsourcer_id"]:
        return
    raise PermissionDeniedError("only the site's manager can do this", {},
                                reason="site-manager-only")


def require_staff(who: Principal, site: dict[str, Any]) -> None:
    """Admin, or a manager or supervisor of the site's outsourcer."""
    if who.role is Role.ADMIN:
        return
    if who.role in OUTSOURCER_ROLES and who.outsourcer_id == site["outsourcer_id"]:
        return
    raise PermissionDeniedError("only the site's managers and supervisors can do this", {},
                                reason="site-staff-only")


def require_register(who: Principal, site: dict[str, Any]) -> None:
    """The register's history: the site's staff, or its staff representatives."""
    if who.role is Role.STAFF_REP and who.outsourcer_id == site["outsourcer_id"]:
        return
    require_staff(who, site)


def require_consultation(who: Principal, site: dict[str, Any]) -> None:
    """Writing a consultation: the site's staff representatives, or its manager."""
    if who.role is Role.STAFF_REP and who.outsourcer_id == site["outsourcer_id"]:
        return
    require_manager(who, site)


def require_tracing(who: Principal, site: dict[str, Any]) -> None:
    """Exposure tracing: the manager of the site's outsourcer, nobody else (not admin)."""
    if who.role is Role.OUTSOURCER_MANAGER and who.outsourcer_id == site["outsourcer_id"]:
        return
    raise PermissionDeniedError("exposure tracing is reserved to the site's manager", {},
                                reason="tracing-manager-only")


def agent_for_site(conn: Connection, who: Principal, agent_ref: str,
                   site: dict[str, Any]) -> dict[str, Any]:
    """The agent ``who`` checks in or out of ``site``: themself, or (staff) one of theirs."""
    if who.role is Role.STAFF_REP:
        raise PermissionDeniedError("staff representatives do not seat agents", {},
                                    reason="reps-no-seating")
    agent_id = who.agent_id if agent_ref == "me" and who.agent_id else agent_ref
    row = repo.get_row(conn, t.agents, agent_id)
    if row is None or row["outsourcer_id"] != site["outsourcer_id"]:
        raise NotFoundError("unknown agent for this site", {"agent": agent_ref},
                            reason="site-agent-unknown")
    if who.role is Role.AGENT and who.agent_id != agent_id:
        raise PermissionDeniedError("an agent checks in and out only for themself", {},
                                    reason="seat-self-only")
    return row
