"""Reading the routing audit: why each offer of a contact went where it went.

The audit rows are written by the desk in the commit of each offer
(:mod:`renfort.routing.audit`); they stay after the contact is finished, which is what lets
``explain`` answer for yesterday's calls.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from renfort.domain.clock import to_iso
from renfort.domain.contacts import FINAL_STATES, ContactState
from renfort.domain.errors import NotFoundError
from renfort.services import contacts_read
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import report_tables as r


def offers(conn: Connection, who: Principal, contact_id: str) -> list[dict[str, Any]]:
    """Every offer of a visible contact, oldest first, with its reasons.

    An outsourcer's staff reading a contact of a queue it shares sees that another
    outsourcer's agent was chosen, and why, but not which agent.
    """
    contacts_read.visible_contact(conn, who, contact_id)
    rows = conn.execute(select(r.offer_audit).where(r.offer_audit.c.contact_id == contact_id)
                        .order_by(r.offer_audit.c.id)).mappings()
    found = []
    for row in rows:
        agent: str | None = row["agent_id"]
        if who.role in OUTSOURCER_ROLES and row["outsourcer_id"] != who.outsourcer_id:
            agent = None
        found.append({"at": to_iso(row["at"]), "agent_id": agent,
                      "outsourcer_id": row["outsourcer_id"], "rule": row["rule"],
                      "reasons": row["reasons"]})
    return found


def finished_explanation(conn: Connection, who: Principal, contact_id: str,
                         agent: str | None) -> dict[str, Any]:
    """The answer of ``explain`` for a finished contact (or when no agent is named): the
    recorded offers, those to ``agent`` only when one is named."""
    contact = contacts_read.visible_contact(conn, who, contact_id)
    made = offers(conn, who, contact_id)
    if agent is not None:
        made = [o for o in made if o["agent_id"] == agent]
        if not made:
            raise NotFoundError("this contact was never offered to this agent",
                                {"contact": contact_id, "agent": agent}, reason="never-offered")
    return {"contact": contact_id, "agent": agent, "state": contact["state"],
            "finished": ContactState(contact["state"]) in FINAL_STATES,
            "answered_by": contact["agent_id"] if who.role is Role.ADMIN
            or contact["outsourcer_id"] == who.outsourcer_id else None,
            "offers": made}
