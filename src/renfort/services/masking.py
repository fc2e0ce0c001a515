"""Personal data as each role may read it: the agent handling a contact sees it in full,
everyone else (client viewers, supervisors, managers, the admin, integrations) masked.

Phone numbers and e-mail addresses inside free text are masked the way the triage log
masks them (:func:`renfort.knowledge.text.mask_personal`); a customer reference the way
lists show it (:func:`renfort.domain.contacts.mask_customer_ref`).
"""

from __future__ import annotations

from typing import Any

from renfort.domain.contacts import mask_customer_ref
from renfort.domain.retention import ERASED_REF
from renfort.knowledge.text import mask_personal
from renfort.services.events import LiveEvent
from renfort.services.principals import Principal, Role


def handles(who: Principal, agent_id: str | None) -> bool:
    """Whether ``who`` is the agent handling a contact held by ``agent_id``."""
    return who.role is Role.AGENT and agent_id is not None and who.agent_id == agent_id


def customer_ref(ref: str, who: Principal, agent_id: str | None) -> str:
    if ref == ERASED_REF or handles(who, agent_id):
        return ref
    return mask_customer_ref(ref)


def text(body: str, who: Principal, agent_id: str | None) -> str:
    """A message body: in full for the handling agent, phone numbers and e-mails masked
    for anyone else."""
    return body if handles(who, agent_id) else mask_personal(body)


def event_data(event: LiveEvent, who: Principal) -> dict[str, Any]:
    """What ``who`` receives of a live event: the one place events are masked, per
    subscriber, as they are delivered."""
    if event.type == "message.posted" and isinstance(event.data.get("body"), str):
        return {**event.data, "body": text(event.data["body"], who, event.agent_id)}
    return event.data
