"""Working from home: an agent's eligibility, and who handled which contacts from where.

An agent may take contacts from home only with the four items of :class:`HomeSetup`: a
laptop managed by the outsourcer, a VPN access, a softphone, and the home-work training
done. The client's policy (the queue's telework rule and its waivers) comes on top and is
applied by the router; this module only says whether the agent's own set-up is cleared.

:func:`home_share` is the per-client report: the share of contacts handled from home, and on
which basis (the queue allows it, or which waiver covered it at the time).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from renfort.domain.model import Queue, TeleworkRule, Waiver, WorkPlace

REQUIREMENTS: Mapping[str, str] = {
    "managed_laptop": "poste portable administré par le prestataire",
    "vpn": "accès VPN au système d'information",
    "softphone": "softphone installé et testé",
    "training_done": "formation au travail à distance suivie",
}
"""The four items of a home set-up and their French labels, in checking order."""

ALLOWED_BASIS = "allowed"
"""Basis of a home contact on a queue that allows telework outright."""
NO_BASIS = "none"
"""A home contact no rule covered (the policy changed since, or an agent moved home)."""


@dataclass(frozen=True, slots=True)
class HomeSetup:
    """What an agent working from home has been given and has done."""

    agent_id: str
    managed_laptop: bool = False
    vpn: bool = False
    softphone: bool = False
    training_done: bool = False

    def missing(self) -> tuple[str, ...]:
        """The requirements not met, by key of :data:`REQUIREMENTS`."""
        have = {"managed_laptop": self.managed_laptop, "vpn": self.vpn,
                "softphone": self.softphone, "training_done": self.training_done}
        return tuple(key for key in REQUIREMENTS if not have[key])

    @property
    def eligible(self) -> bool:
        return not self.missing()


def home_refusal(works_from: WorkPlace, setup: HomeSetup | None) -> tuple[str, ...]:
    """Why an agent may not take contacts where they work: ``()`` when nothing stops them.

    Site agents are never stopped here; a home agent without a recorded set-up misses all.
    """
    if works_from is WorkPlace.SITE:
        return ()
    if setup is None:
        return tuple(REQUIREMENTS)
    return setup.missing()


@dataclass(frozen=True, slots=True)
class HandledContact:
    """A contact answered by an agent, and where the agent worked then."""

    client_id: str
    queue_id: str
    answered_at: datetime
    place: WorkPlace


@dataclass(frozen=True, slots=True)
class ClientHomeShare:
    """Per client: contacts handled, from home, and the basis of each home contact."""

    client_id: str
    handled: int = 0
    from_home: int = 0
    by_basis: dict[str, int] = field(default_factory=dict)
    """``allowed``, a waiver id, or ``none``: home contacts counted per basis."""

    @property
    def home_share(self) -> float:
        return self.from_home / self.handled if self.handled else 0.0


def basis_of(queue: Queue | None, waivers: Sequence[Waiver], at: datetime) -> str:
    """What allowed a home agent to take a contact of ``queue`` at ``at``."""
    if queue is None:
        return NO_BASIS
    if queue.telework is TeleworkRule.ALLOWED:
        return ALLOWED_BASIS
    if queue.telework is TeleworkRule.WITH_WAIVER:
        for waiver in waivers:
            if queue.id in waiver.queue_ids and waiver.active_at(at):
                return str(waiver.id)
    return NO_BASIS


def home_share(contacts: Iterable[HandledContact], queues: Mapping[str, Queue],
               waivers: Sequence[Waiver]) -> list[ClientHomeShare]:
    """The report, one line per client that had contacts handled, sorted by client id."""
    handled: dict[str, int] = {}
    home: dict[str, int] = {}
    bases: dict[str, dict[str, int]] = {}
    for contact in contacts:
        handled[contact.client_id] = handled.get(contact.client_id, 0) + 1
        if contact.place is not WorkPlace.HOME:
            continue
        home[contact.client_id] = home.get(contact.client_id, 0) + 1
        basis = basis_of(queues.get(contact.queue_id), waivers, contact.answered_at)
        counts = bases.setdefault(contact.client_id, {})
        counts[basis] = counts.get(basis, 0) + 1
    return [ClientHomeShare(client, handled[client], home.get(client, 0),
                            dict(sorted(bases.get(client, {}).items())))
            for client in sorted(handled)]
