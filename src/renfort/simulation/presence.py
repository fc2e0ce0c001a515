"""Agents of a component: registration, shifts, breaks and staffing profiles.

Two ways to be present, both through the router's presence calls (``log_in``, ``log_out``,
``set_break``, ``set_available``):

* a group with ``count`` and ``shifts``: each agent logs in at the start of a shift, out at
  its end, and takes its breaks (staggered across the group when asked);
* a group with a ``staffing`` profile (a plan): at each interval boundary the group's
  headcount is brought to the plan. When it drops, idle agents log out first (last in,
  first out); if too few are idle, the next agents of the group to free up log out then
  (busy agents finish their call, and capacity is anonymous, as in a SimPy ``Resource``
  whose capacity is lowered). When it rises, such pending departures are cancelled first,
  then idle agents log in.

An agent with an offer pending cannot log out (the router refuses it): it goes on break
("end of shift"), which stops new offers, and logs out once the offer is answered or lost.

*Staffed time* (for occupancy) runs while an agent is logged in and not on break, and also
while it finishes a contact after leaving. Seconds everywhere.
"""

from __future__ import annotations

import math

from renfort.domain.ids import AgentId
from renfort.routing.router import Router
from renfort.routing.types import AgentStatus
from renfort.simulation.kernel import PRESENCE, Agenda
from renfort.simulation.log import Staffing
from renfort.simulation.world import Component, World

LOGIN, LOGOUT, BREAK, BACK, STAFF = range(5)
Action = tuple[int, int, int]
"""(what, agent index or group index, headcount for STAFF)."""


class Presence:
    """Presence of the component's agents, kept in step with the router."""

    def __init__(self, world: World, component: Component, router: Router,
                 agenda: Agenda, staffing: Staffing) -> None:
        self.router = router
        self.staffing = staffing
        self.ids: list[AgentId] = []
        self.index: dict[AgentId, int] = {}
        self.group_of: list[int] = []
        self.pools: dict[int, tuple[list[int], list[int]]] = {}
        """Group with a staffing profile → (agents logged in by login order, the others)."""
        t0, length = world.t0, world.interval_seconds
        plan: list[tuple[float, Action]] = []
        for g in component.groups:
            group = world.groups[g]
            first = len(self.ids)
            for agent in group.agents:
                router.upsert_agent(agent)
                self.index[agent.id] = len(self.ids)
                self.ids.append(agent.id)
                self.group_of.append(g)
            members = range(first, len(self.ids))
            spec = group.spec
            if spec.staffing is not None:
                self.pools[g] = ([], list(members))
                previous = -1
                for k, heads in enumerate(spec.staffing):
                    if heads != previous:
                        plan.append((t0 + k * length, (STAFF, g, heads)))
                        previous = heads
                continue
            count = len(members)
            for rank, a in enumerate(members):
                if spec.shifts is None:
                    plan.append((t0, (LOGIN, a, 0)))
                for shift in spec.shifts or ():
                    plan.append((t0 + shift.start, (LOGIN, a, 0)))
                    plan.append((t0 + shift.end, (LOGOUT, a, 0)))
                    for brk in shift.breaks:
                        begin = t0 + brk.start + brk.stagger_minutes * 60.0 * rank / max(count, 1)
                        end = min(begin + brk.minutes * 60.0, t0 + shift.end)
                        if begin < t0 + shift.end:
                            plan.append((begin, (BREAK, a, 0)))
                            plan.append((end, (BACK, a, 0)))
        for at, action in plan:
            agenda.push(at, PRESENCE, action)
        n = len(self.ids)
        self.held = [0] * n
        """Contacts held (offered or accepted), per agent."""
        self.pending = [0] * n
        """Offers waiting for the agent's answer."""
        self.finishing = [False] * n
        """Left (logged out or on break) while still holding a contact."""
        self.on = [False] * n
        self.on_break = [False] * n
        self.leaving = [False] * n
        self.since = [math.nan] * n
        self.watch = [False] * n
        """Something is to be done when the agent frees up (see :meth:`freed`)."""
        self.excess = dict.fromkeys(self.pools, 0)
        """Per pool: busy agents to log out as they free up (the plan dropped)."""

    # ---- events ---------------------------------------------------------------------------

    def apply(self, action: Action, now: float) -> None:
        """Carry out a scheduled presence change at *now*."""
        what, target, heads = action
        if what == STAFF:
            self._staff(target, heads, now)
        elif what == LOGIN:
            if not self.on[target]:
                self._login(target, now)
        elif what == LOGOUT:
            if self.on[target]:
                self._logout(target, now)
        elif what == BREAK:
            if self.on[target] and not self.on_break[target]:
                self.router.set_break(self.ids[target], "break")
                self.on_break[target] = True
                self._off(target, now)
        elif self.on[target] and self.on_break[target]:  # BACK
            self.router.set_available(self.ids[target])
            self.on_break[target] = False
            self._on(target, now)

    def recover(self, a: int) -> bool:
        """After a missed offer: available again if still on duty; True if changed."""
        if self.on[a] and not self.on_break[a] and \
                self.router.agent_status(self.ids[a]) is AgentStatus.MISSED:
            self.router.set_available(self.ids[a])
            return True
        return False

    def offer_settled(self, a: int, now: float) -> None:
        """An offer to *a* was answered or lost: complete a log-out that waited for it."""
        if self.leaving[a] and not self.pending[a]:
            self.leaving[a] = False
            self.router.log_out(self.ids[a])
        if not self.held[a] and self.watch[a]:
            self.freed(a, now)

    def finished(self, a: int, now: float) -> None:
        """*a* released its last contact after leaving: its staffed time ends."""
        self.finishing[a] = False
        self._close(a, now)

    def close(self, stop: float) -> None:
        """End every staffed span at the end of the run."""
        for a in range(len(self.ids)):
            self._close(a, stop)

    # ---- moves ----------------------------------------------------------------------------

    def _staff(self, g: int, heads: int, now: float) -> None:
        # Invariant: agents logged in - excess = plan. Excess agents are busy ones that
        # log out at the moment they free up, whichever frees first (anonymous capacity).
        on, off = self.pools[g]
        surplus = len(on) - self.excess[g] - heads
        if surplus > 0:
            idle = [a for a in reversed(on) if not self.held[a]][:surplus]
            for a in idle:
                self._logout(a, now)
            gone = set(idle)
            on[:] = [a for a in on if a not in gone]
            off.extend(idle)
            self.excess[g] += surplus - len(idle)
            if self.excess[g]:
                for a in on:
                    self.watch[a] = True
        elif surplus < 0:
            cancel = min(self.excess[g], -surplus)
            self.excess[g] -= cancel
            chosen = off[len(off) - (-surplus - cancel):] if -surplus > cancel else []
            del off[len(off) - len(chosen):]
            for a in reversed(chosen):
                self._login(a, now)
                on.append(a)

    def freed(self, a: int, now: float) -> None:
        """*a* holds nothing any more and is watched: it was leaving, or its pool is over plan."""
        self.watch[a] = False
        if self.finishing[a]:
            self.finished(a, now)
            return
        g = self.group_of[a]
        if self.on[a] and self.excess.get(g, 0) > 0:
            self.excess[g] -= 1
            on, off = self.pools[g]
            on.remove(a)
            off.append(a)
            self._logout(a, now)

    def _login(self, a: int, now: float) -> None:
        if self.leaving[a]:
            self.leaving[a] = False
            self.router.set_available(self.ids[a])
        else:
            self.router.log_in(self.ids[a])
        self.on[a] = True
        self.on_break[a] = False
        self._on(a, now)

    def _logout(self, a: int, now: float) -> None:
        if self.pending[a]:
            self.router.set_break(self.ids[a], "end of shift")
            self.leaving[a] = True
        else:
            self.router.log_out(self.ids[a])
        was_staffed = not self.on_break[a]
        self.on[a] = False
        self.on_break[a] = False
        if was_staffed:
            self._off(a, now)

    def _on(self, a: int, now: float) -> None:
        self.finishing[a] = False
        if math.isnan(self.since[a]):
            self.since[a] = now

    def _off(self, a: int, now: float) -> None:
        if self.held[a]:
            self.finishing[a] = True
            self.watch[a] = True
        else:
            self._close(a, now)

    def _close(self, a: int, now: float) -> None:
        since = self.since[a]
        if not math.isnan(since):
            self.staffing.add(self.group_of[a], since, now)
            self.since[a] = math.nan
