"""Any contact history the state machine allows gives facts that add up: one offered per
stay in a queue, each stay ending exactly one way, answered within the threshold never more
than answered, short abandons never more than abandons."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from renfort.domain.contacts import FINAL_STATES, TRANSITIONS, Action, ContactState
from renfort.reporting.facts import contact_facts

QUEUES = ("q1", "q2")


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A finished contact's events: a walk through the state machine from 'received'."""
    state, at = ContactState.RECEIVED, 0.0
    events: list[dict[str, Any]] = [{"action": "receive", "at": at, "agent_id": None,
                                     "data": None}]
    queue = "q1"
    while state not in FINAL_STATES:
        moves = sorted((a, s) for (f, a), s in TRANSITIONS.items() if f is state)
        action, after = draw(st.sampled_from(moves))
        at += draw(st.floats(min_value=0, max_value=120, allow_nan=False))
        data: dict[str, Any] = {}
        agent = draw(st.sampled_from(("a1", "a2"))) if action in (
            Action.OFFER, Action.ACCEPT) else None
        if action is Action.TRANSFER:
            target = "q2" if queue == "q1" else "q1"
            data = {"to_queue": target, "from_queue": queue}
            queue = target
        if action is Action.REDIRECT:
            data = {"target": draw(st.sampled_from(("samu-15", "psy")))}
        if action is Action.ACCEPT:
            data = {"place": draw(st.sampled_from(("site", "home")))}
        events.append({"action": str(action), "at": at, "agent_id": agent,
                       "data": data or None})
        state = after
    return events


@given(histories())
def test_a_contact_adds_up(events: list[dict[str, Any]]) -> None:
    final_queue = next((e["data"]["to_queue"] for e in reversed(events)
                        if e["action"] == "transfer"), "q1")
    contact = {"queue_id": final_queue, "client_id": "c", "channel": "voice",
               "outsourcer_id": None, "overflow": False}
    found = contact_facts(contact, events, [], {"q1": 20.0, "q2": 60.0},
                          {"a1": "o1", "a2": "o2"})
    counts: dict[str, int] = {}
    for addition in found.values():
        for name, n in addition.counts.items():
            counts[name] = counts.get(name, 0) + n
        assert sum(addition.redirects.values()) == addition.counts.get("redirected", 0)
        assert all(v >= 0 for v in addition.sums.values())
    stays = 1 + sum(1 for e in events if e["action"] == "transfer")
    ends = sum(1 for e in events if e["action"] in ("close", "abandon", "redirect", "transfer"))
    assert counts["offered"] == stays == ends
    closed = sum(1 for e in events if e["action"] == "close")
    assert counts.get("answered", 0) >= closed
    assert counts.get("answered_in_sl", 0) <= counts.get("answered", 0)
    assert counts.get("short_abandons", 0) <= counts.get("abandoned", 0) <= 1
    assert counts.get("transfers", 0) == stays - 1
    assert counts.get("answered_home", 0) <= counts.get("answered", 0)
