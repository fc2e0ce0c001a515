"""Why an agent may or may not be offered a contact, rule by rule, in plain English.

Computed from the domain objects through :mod:`renfort.routing.policy`, never from the
matcher's buckets, so the property tests can hold the fast path to it. For a contact held by
the very agent asked about, the checks leave out the contact's own slot: they then tell why
that offer was allowed.
"""

from __future__ import annotations

from renfort.domain.model import TeleworkRule, WorkPlace
from renfort.routing.agents import AgentState
from renfort.routing.lines import ContactRecord
from renfort.routing.policy import (
    fits,
    floor_at,
    load_of,
    overflow_open,
    speaks,
    telework_allows,
)
from renfort.routing.state import RouterState
from renfort.routing.types import AgentStatus, Check, Explanation

WAITING = "waiting"
SKILL = "skill"
LANGUAGE = "language"
STATUS = "status"
CAPACITY = "capacity"
TELEWORK = "telework"
CONTRACT = "contract"
DECLINED = "declined"
CHECK_NAMES = (WAITING, SKILL, LANGUAGE, STATUS, CAPACITY, TELEWORK, CONTRACT, DECLINED)
"""Every explanation lists these checks, in this order."""


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s"


def explain(
    state: RouterState, record: ContactRecord, agent: AgentState, now: float
) -> Explanation:
    checks = (
        _waiting(state, record, agent, now),
        _skill(record, agent, now),
        _language(record, agent),
        _status(agent),
        _capacity(record, agent),
        _telework(state, record, agent, now),
        _contract(state, record, agent, now),
        _declined(record, agent),
    )
    eligible = all(c.passed for c in checks)
    return Explanation(record.id, agent.id, now, eligible, checks)


def _waiting(state: RouterState, record: ContactRecord, agent: AgentState, now: float) -> Check:
    queue = record.line.queue
    if record.waiting:
        waited = now - record.enqueued_at
        return Check(WAITING, True, f"waits in queue '{queue.slug}' on {record.channel} for "
                     f"{_s(waited)} (priority {record.priority}, arrival #{record.seq})")
    verb = "accepted by" if record.accepted else "offered to"
    if record.agent_id == agent.id:
        return Check(WAITING, False, f"already {verb} this agent {_s(now - record.offered_at)} "
                     "ago; the other checks leave out its own slot")
    return Check(WAITING, False, f"not waiting: {verb} agent {record.agent_id}")


def _skill(record: ContactRecord, agent: AgentState, now: float) -> Check:
    queue = record.line.queue
    level = agent.agent.skills.get(queue.skill)
    if level is None:
        return Check(SKILL, False, f"lacks skill '{queue.skill}' required by queue '{queue.slug}'")
    floor = floor_at(queue, record.enqueued_at, now)
    waited = _s(now - record.enqueued_at)
    if level >= floor:
        return Check(SKILL, True, f"proficiency {level} in '{queue.skill}' meets the floor of "
                     f"{floor} after {waited} of waiting")
    detail = (f"proficiency {level} in '{queue.skill}' is below the floor of {floor} after "
              f"{waited} of waiting")
    for tier in queue.bullseye:
        if tier.min_proficiency <= level:
            detail += f"; the floor reaches {tier.min_proficiency} after {_s(tier.after_seconds)}"
            break
    else:
        detail += "; the bullseye never widens that far"
    return Check(SKILL, False, detail)


def _status(agent: AgentState) -> Check:
    status = agent.status
    if status is AgentStatus.AVAILABLE:
        return Check(STATUS, True, "logged in and available")
    if status is AgentStatus.BREAK:
        reason = f" ({agent.break_reason})" if agent.break_reason else ""
        return Check(STATUS, False, f"on break{reason}")
    if status is AgentStatus.MISSED:
        return Check(STATUS, False, "missed an offer: not routed to until set available again")
    return Check(STATUS, False, "logged out")


def _language(record: ContactRecord, agent: AgentState) -> Check:
    queue = record.line.queue
    spoken = ", ".join(sorted(agent.agent.languages)) or "none"
    if queue.language is None:
        return Check(LANGUAGE, True, f"queue '{queue.slug}' needs no particular language")
    if speaks(agent.agent, queue):
        return Check(LANGUAGE, True, f"speaks {queue.language}, the language of queue "
                     f"'{queue.slug}'")
    return Check(LANGUAGE, False, f"does not speak {queue.language}, the language of queue "
                 f"'{queue.slug}' (speaks {spoken})")


def _capacity(record: ContactRecord, agent: AgentState) -> Check:
    capacity = agent.agent.capacity
    counts = dict(agent.counts)
    if record.agent_id == agent.id:
        counts[record.channel] -= 1
    slots = capacity.get(record.channel, 0)
    if slots <= 0:
        return Check(CAPACITY, False, f"takes no {record.channel} contacts (capacity 0)")
    load = load_of(counts, capacity)
    held = ", ".join(f"{n} {ch}" for ch, n in counts.items() if n) or "nothing"
    sums = f"load {load:.2f} ({held}) + 1/{slots} for one more {record.channel}"
    if fits(load, capacity, record.channel):
        return Check(CAPACITY, True, f"{sums} fits within 1")
    return Check(CAPACITY, False, f"{sums} exceeds 1")


def _telework(state: RouterState, record: ContactRecord, agent: AgentState, now: float) -> Check:
    queue = record.line.queue
    if agent.agent.works_from is WorkPlace.SITE:
        return Check(TELEWORK, True, "works on site")
    allowed = telework_allows(agent.agent, queue, state.waivers, now)
    if queue.telework is TeleworkRule.ALLOWED:
        return Check(TELEWORK, allowed, f"works from home; queue '{queue.slug}' allows telework")
    if queue.telework is TeleworkRule.ON_SITE_ONLY:
        return Check(TELEWORK, allowed, f"works from home; queue '{queue.slug}' is on-site only")
    active = state.waivers.active_for(queue, now)
    if active is not None:
        return Check(TELEWORK, True, f"works from home; waiver {active.id} of the client covers "
                     f"queue '{queue.slug}' until {active.end:.0f}")
    spans = state.waivers.covering(queue)
    if not spans:
        why = "no waiver of the client covers it"
    else:
        parts = []
        for span in spans:
            if now < span.start:
                parts.append(f"waiver {span.id} starts at {span.start:.0f}")
            elif span.revoked:
                parts.append(f"waiver {span.id} was revoked at {span.end:.0f}")
            else:
                parts.append(f"waiver {span.id} expired at {span.end:.0f}")
        why = "; ".join(parts)
    return Check(TELEWORK, False, f"works from home; queue '{queue.slug}' needs an active "
                 f"waiver: {why}")


def _contract(state: RouterState, record: ContactRecord, agent: AgentState, now: float) -> Check:
    queue = record.line.queue
    outsourcer = agent.agent.outsourcer_id
    if state.contracts.covers(outsourcer, queue.id):
        return Check(CONTRACT, True, f"outsourcer {outsourcer} has a contract for queue "
                     f"'{queue.slug}'")
    after = queue.overflow_after_seconds
    if after is None:
        return Check(CONTRACT, False, f"outsourcer {outsourcer} has no contract for queue "
                     f"'{queue.slug}', which never overflows")
    waited = _s(now - record.enqueued_at)
    if overflow_open(queue, record.enqueued_at, now):
        return Check(CONTRACT, True, f"no contract, but the contact has waited {waited} ≥ "
                     f"{_s(after)}: solidarity overflow to any outsourcer")
    return Check(CONTRACT, False, f"outsourcer {outsourcer} has no contract for queue "
                 f"'{queue.slug}'; overflow opens after {_s(after)} of waiting (now {waited})")


def _declined(record: ContactRecord, agent: AgentState) -> Check:
    if record.declined is not None and agent.id in record.declined:
        return Check(DECLINED, False, "this agent declined the contact before")
    return Check(DECLINED, True, "never declined by this agent")

