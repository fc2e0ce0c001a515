"""Moving a selection of agents home or back to their site in one go.

Each agent is checked on its own: a refused agent stays where they are, with a reason, and
the others move. The checks are the ones routing applies to one agent: the home set-up
(:func:`renfort.sites.telework.home_refusal`) and each client's telework rule and waivers
(:func:`renfort.routing.policy.telework_allows`). The plan also says, per queue, how many
agents able to take its contacts it has before and after the move, so a manager sees what
each queue loses before confirming.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from renfort.domain.ids import SiteId
from renfort.domain.model import Agent, Contract, Queue, Waiver, WorkPlace
from renfort.routing.policy import ContractBook, WaiverBook, speaks, telework_allows
from renfort.sites.telework import HomeSetup, home_refusal

ALREADY = "already-there"
HOME_SETUP = "home-setup"
NO_QUEUE_ALLOWS = "telework-policy"
NO_SITE = "no-site"


@dataclass(frozen=True, slots=True)
class AgentMove:
    """What happens to one selected agent."""

    agent_id: str
    moved: bool
    reason: str | None = None
    """Why the agent stays: one of the constants above."""
    detail: str = ""
    missing: tuple[str, ...] = ()
    """Home set-up items the agent lacks (reason ``home-setup``)."""
    queues_lost: tuple[str, ...] = ()
    """Queues the agent served where they were and no longer serves after the move."""
    queues_gained: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueueEffect:
    """Agents able to take a queue's contacts before and after the move."""

    queue_id: str
    before: int
    after: int

    @property
    def loses(self) -> int:
        return max(0, self.before - self.after)


@dataclass(frozen=True, slots=True)
class MovePlan:
    to: WorkPlace
    moves: tuple[AgentMove, ...]
    queues: tuple[QueueEffect, ...]
    """Only the queues whose count changes, the largest loss first."""

    @property
    def moved(self) -> tuple[str, ...]:
        return tuple(m.agent_id for m in self.moves if m.moved)


def serves(agent: Agent, queue: Queue, contracts: ContractBook, waivers: WaiverBook,
           now: float) -> bool:
    """Whether the agent may take the queue's contacts from where they work (logged in)."""
    return (queue.skill in agent.skills and contracts.covers(agent.outsourcer_id, queue.id)
            and speaks(agent, queue) and telework_allows(agent, queue, waivers, now))


def plan_moves(selected: Sequence[Agent], to: WorkPlace, *, population: Iterable[Agent],
               queues: Sequence[Queue], contracts: Iterable[Contract],
               waivers: Iterable[Waiver], setups: Mapping[str, HomeSetup | None],
               now: float, site_id: SiteId | None = None) -> MovePlan:
    """Check each selected agent and the effect on every queue.

    ``population`` is every agent counted in the per-queue figures (the caller's
    outsourcer, say); the selected agents are counted there whether listed or not.
    ``site_id`` is where agents going back to a site sit when they have none recorded.
    """
    contract_book = ContractBook(contracts)
    waiver_book = WaiverBook(waivers)
    moves: list[AgentMove] = []
    after_of: dict[str, Agent] = {}
    for agent in selected:
        move, moved_agent = _one(agent, to, queues, contract_book, waiver_book,
                                 setups.get(agent.id), now, site_id)
        moves.append(move)
        if moved_agent is not None:
            after_of[agent.id] = moved_agent
    everyone = {a.id: a for a in population} | {a.id: a for a in selected}
    effects = []
    for queue in queues:
        before = sum(serves(a, queue, contract_book, waiver_book, now)
                     for a in everyone.values())
        after = sum(serves(after_of.get(a.id, a), queue, contract_book, waiver_book, now)
                    for a in everyone.values())
        if before != after:
            effects.append(QueueEffect(queue.id, before, after))
    effects.sort(key=lambda e: (-e.loses, e.queue_id))
    return MovePlan(to, tuple(moves), tuple(effects))


def _one(agent: Agent, to: WorkPlace, queues: Sequence[Queue], contracts: ContractBook,
         waivers: WaiverBook, setup: HomeSetup | None, now: float,
         site_id: SiteId | None) -> tuple[AgentMove, Agent | None]:
    if agent.works_from is to:
        return AgentMove(agent.id, False, ALREADY, f"already works from {to}"), None
    if to is WorkPlace.HOME:
        missing = home_refusal(WorkPlace.HOME, setup)
        if missing:
            return AgentMove(agent.id, False, HOME_SETUP, "home set-up incomplete: "
                             + ", ".join(missing), missing=missing), None
        moved = replace(agent, works_from=WorkPlace.HOME)
    else:
        site = agent.site_id or site_id
        if site is None:
            return AgentMove(agent.id, False, NO_SITE, "no site to go back to"), None
        moved = replace(agent, works_from=WorkPlace.SITE, site_id=site)
    before = {q.id for q in queues if serves(agent, q, contracts, waivers, now)}
    after = {q.id for q in queues if serves(moved, q, contracts, waivers, now)}
    if to is WorkPlace.HOME and before and not after:
        # Every client this agent answers for refuses home work now: moving them would
        # leave them logged in with nothing to take.
        return AgentMove(agent.id, False, NO_QUEUE_ALLOWS,
                         "no client of this agent's queues allows home work now",
                         queues_lost=tuple(sorted(before))), None
    return AgentMove(agent.id, True, queues_lost=tuple(sorted(before - after)),
                     queues_gained=tuple(sorted(after - before))), moved
