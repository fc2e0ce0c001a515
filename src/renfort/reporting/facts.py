"""From one finished contact's history to its additions to the interval facts.

A contact may pass through several queues (transfers): each stay in a queue is a *leg*,
counted in the queue it waited in, in the 15-minute interval where it started to wait, and
for the outsourcer that held it when the leg ended (the one whose agent answered, or whose
agent had it on offer when the caller hung up; none when it was still waiting). The same
function serves the incremental update (when the contact finishes) and the full rebuild,
so both give the same table. Definitions: docs/reporting.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

INTERVAL_SECONDS = 900.0
"""Facts are kept per 15 minutes; 30-minute and daily reports add them up."""
SHORT_ABANDON_SECONDS = 5.0
"""An abandon before this wait is a wrong number or a misdial: counted apart."""
NO_OUTSOURCER = ""
UNDER_WAIVER = "from home under waiver"
"""How the routing audit names the telework basis of a waiver (renfort.routing.audit)."""

FactKey = tuple[float, str, str, str]
"""(interval start, queue id, outsourcer id or '', channel)."""


def interval_of(instant: float, seconds: float = INTERVAL_SECONDS) -> float:
    """Start of the interval (UTC-aligned) holding ``instant``."""
    return instant - instant % seconds


@dataclass
class Leg:
    """One stay of a contact in one queue."""

    queue_id: str
    arrived: float
    offered_to: str | None = None
    agent_id: str | None = None
    place: str | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    closed_at: float | None = None
    outcome: str | None = None
    """answered (closed), abandoned, redirected or transferred; None while in progress."""
    left_at: float | None = None
    callback: bool = False
    redirect_to: str | None = None


@dataclass
class Addition:
    """What one finished contact adds to one fact row."""

    client_id: str
    counts: dict[str, int] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=dict)
    redirects: dict[str, int] = field(default_factory=dict)
    waivers: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def add(self, name: str, seconds: float) -> None:
        self.sums[name] = self.sums.get(name, 0.0) + max(0.0, seconds)

    def merge(self, other: Addition) -> None:
        for name, n in other.counts.items():
            self.count(name, n)
        for name, s in other.sums.items():
            self.add(name, s)
        for label, n in other.redirects.items():
            self.redirects[label] = self.redirects.get(label, 0) + n
        for waiver, n in other.waivers.items():
            self.waivers[waiver] = self.waivers.get(waiver, 0) + n


def legs_of(first_queue: str, events: Iterable[Mapping[str, Any]]) -> list[Leg]:
    """Split a contact's events (oldest first) into legs; the first leg is in
    ``first_queue`` and each transfer opens a leg in the queue it names."""
    legs: list[Leg] = []
    leg: Leg | None = None
    queue = first_queue
    for event in events:
        action, at = event["action"], float(event["at"])
        data = event.get("data") or {}
        if action == "queue":
            if leg is None or leg.outcome is not None:
                leg = Leg(queue, at)
                legs.append(leg)
            continue
        if leg is None:
            if action in ("abandon", "redirect"):  # refused before it ever queued
                leg = Leg(queue, at)
                legs.append(leg)
            else:
                continue
        if action == "offer":
            leg.offered_to = event.get("agent_id")
        elif action == "return":
            leg.offered_to = None
        elif action == "accept":
            leg.agent_id = event.get("agent_id")
            leg.place = data.get("place")
            leg.answered_at = at
        elif action == "end":
            leg.ended_at = at
        elif action == "close":
            leg.closed_at, leg.outcome, leg.left_at = at, "answered", at
        elif action == "abandon":
            leg.outcome, leg.left_at = "abandoned", at
        elif action == "redirect":
            leg.outcome, leg.left_at = "redirected", at
            leg.redirect_to = str(data.get("target") or data.get("label") or "?")[:60]
        elif action == "request_callback":
            leg.callback = True
        elif action == "transfer":
            leg.outcome, leg.left_at = "transferred", at
            queue = str(data.get("to_queue") or queue)
    return legs


def first_queue_of(final_queue: str, events: Iterable[Mapping[str, Any]]) -> str:
    """The queue a contact started in: the first transfer's origin, else its queue now."""
    for event in events:
        if event["action"] == "transfer":
            origin = (event.get("data") or {}).get("from_queue")
            return str(origin) if origin else final_queue
    return final_queue


@dataclass(frozen=True)
class OfferNote:
    """What the routing audit says about one offer (see renfort.routing.audit)."""

    agent_id: str
    queue_id: str
    outsourcer_id: str | None
    overflow: str
    telework: str


def contact_facts(
    contact: Mapping[str, Any], events: Sequence[Mapping[str, Any]], offers: list[OfferNote],
    sl_seconds: Mapping[str, float], outsourcer_of: Mapping[str, str],
) -> dict[FactKey, Addition]:
    """Everything one finished contact adds to the fact table.

    *contact*: its row (``queue_id``, ``client_id``, ``channel``, ``outsourcer_id``,
    ``overflow``); *events*: its events, oldest first; *offers*: its audited offers, oldest
    first; *sl_seconds*: each queue's service-level threshold; *outsourcer_of*: agent →
    outsourcer, for offers made before the audit existed.
    """
    found: dict[FactKey, Addition] = {}
    first = first_queue_of(str(contact["queue_id"]), events)
    channel = str(contact["channel"])
    for leg in legs_of(first, events):
        if leg.outcome is None:
            continue  # cannot happen for a finished contact; ignore rather than guess
        holder = leg.agent_id or (leg.offered_to if leg.outcome == "abandoned" else None)
        note = _last_offer_to(offers, holder, leg)
        outsourcer = NO_OUTSOURCER
        if holder is not None:
            outsourcer = (note.outsourcer_id if note and note.outsourcer_id
                          else outsourcer_of.get(holder) or str(contact["outsourcer_id"] or ""))
        key = (interval_of(leg.arrived), leg.queue_id, outsourcer, channel)
        add = found.setdefault(key, Addition(str(contact["client_id"])))
        add.count("offered")
        if leg.callback:
            add.count("callbacks")
        if leg.answered_at is not None:
            wait = leg.answered_at - leg.arrived
            add.count("answered")
            add.add("wait_answered_seconds", wait)
            if wait <= sl_seconds.get(leg.queue_id, 60.0):
                add.count("answered_in_sl")
            talk_end = leg.ended_at if leg.ended_at is not None else leg.left_at
            if talk_end is not None:
                add.add("handle_seconds", talk_end - leg.answered_at)
            if leg.ended_at is not None and leg.closed_at is not None:
                add.add("wrap_seconds", leg.closed_at - leg.ended_at)
            if leg.place == "home":
                add.count("answered_home")
                if note is not None and note.telework.startswith(UNDER_WAIVER):
                    add.count("answered_waiver")
                    waiver = note.telework[len(UNDER_WAIVER):].strip() or "?"
                    add.waivers[waiver] = add.waivers.get(waiver, 0) + 1
            overflow = note.overflow if note is not None else (
                "solidarity" if contact.get("overflow") and leg.outcome != "transferred"
                else "none")
            if overflow == "contract":
                add.count("overflow_contract")
            elif overflow == "solidarity":
                add.count("overflow_solidarity")
        if leg.outcome == "abandoned":
            wait = (leg.left_at or leg.arrived) - leg.arrived
            add.count("abandoned")
            add.add("wait_abandoned_seconds", wait)
            if wait < SHORT_ABANDON_SECONDS:
                add.count("short_abandons")
        elif leg.outcome == "redirected":
            add.count("redirected")
            label = leg.redirect_to or "?"
            add.redirects[label] = add.redirects.get(label, 0) + 1
        elif leg.outcome == "transferred":
            add.count("transfers")
    return found


def _last_offer_to(offers: list[OfferNote], agent: str | None, leg: Leg) -> OfferNote | None:
    """The last audited offer of this leg's queue to ``agent``: the one it took."""
    if agent is None:
        return None
    for note in reversed(offers):
        if note.agent_id == agent and note.queue_id == leg.queue_id:
            return note
    return None
