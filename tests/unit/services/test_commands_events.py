"""Commands are data that checks itself; events are numbered and resumable."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renfort.domain.errors import ValidationError
from renfort.domain.model import Channel
from renfort.services import commands as c
from renfort.services.desk_handlers import _HANDLERS
from renfort.services.events import (
    EventBus,
    EventType,
    LiveEvent,
    agent_status_changed,
    contact_changed,
)
from renfort.services.principals import Principal, Role

SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                    max_size=60).filter(lambda s: s.strip())


def test_every_command_has_a_handler() -> None:
    assert set(c.COMMANDS.values()) == set(_HANDLERS)


@given(queue=st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True),
       channel=st.sampled_from(list(Channel)), ref=SAFE_TEXT,
       external=st.none() | SAFE_TEXT, message=st.none() | SAFE_TEXT)
def test_a_command_survives_the_wire(queue: str, channel: Channel, ref: str,
                                     external: str | None, message: str | None) -> None:
    command = c.ReceiveContact(queue, channel, ref, external, message)
    assert c.from_wire(c.to_wire(command)) == command


def test_hand_off_history_survives_the_wire() -> None:
    command = c.HandOffChat("hotline-chat", "chat-1", (("customer", "bonjour"),
                                                       ("system", "réponse")), "note")
    assert c.from_wire(c.to_wire(command)) == command


@pytest.mark.parametrize("build", [
    lambda: c.ReceiveContact("q", Channel.VOICE, "a\x00b"),
    lambda: c.ReceiveContact("q", Channel.VOICE, " "),
    lambda: c.ReceiveContact("q", Channel.VOICE, "x" * 201),
    lambda: c.ReceiveContact("q", "fax", "x"),  # type: ignore[arg-type]
    lambda: c.PostMessage("k", "customer", None, "line\x07"),
    lambda: c.PostMessage("k", "robot", None, "hi"),  # type: ignore[arg-type]
    lambda: c.SetBreak("ag", ""),
    lambda: c.CallArrived("call\x00", None, "q", "+33"),
])
def test_a_bad_command_is_refused_when_built(build: object) -> None:
    with pytest.raises(ValidationError):
        build()  # type: ignore[operator]


def test_commands_are_frozen() -> None:
    command = c.Abandon("k1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.contact_id = "k2"  # type: ignore[misc]


def test_an_unknown_command_on_the_wire_is_refused() -> None:
    with pytest.raises(ValidationError):
        c.from_wire({"kind": "drop_tables"})
    with pytest.raises(ValidationError):
        c.from_wire({"kind": "abandon", "contact": "x"})


ADMIN = Principal(user_id="u", username="admin", role=Role.ADMIN)
SUP = Principal(user_id="s", username="sup", role=Role.SUPERVISOR, outsourcer_id="o1")


def _event(n: int, outsourcer: str = "o1") -> LiveEvent:
    return contact_changed(contact=f"k{n}", queue="q", queue_slug="q", channel="voice",
                           state="queued", before="received", agent=None, at=float(n),
                           client_id="c1", outsourcer_ids=frozenset({outsourcer}))


def _run(scenario: object) -> None:
    asyncio.run(scenario)  # type: ignore[arg-type]


def test_events_are_typed_and_numbered_in_order() -> None:
    async def scenario() -> None:
        bus = EventBus(epoch="e1")
        sub = bus.subscribe(ADMIN)
        bus.publish([_event(1), agent_status_changed(agent="a", status="available",
                                                     reason=None, at=1.0, outsourcer_id="o1")])
        first, second = sub.inbox.get_nowait(), sub.inbox.get_nowait()
        assert (first.id, second.id) == ("e1-1", "e1-2")
        assert first.type is EventType.CONTACT_QUEUED
        assert second.type is EventType.AGENT_STATUS_CHANGED

    _run(scenario())


def test_a_client_resumes_from_its_last_event_without_a_gap() -> None:
    async def scenario() -> None:
        bus = EventBus(epoch="e1")
        bus.publish([_event(n) for n in range(1, 6)])
        bus.publish([_event(6, outsourcer="o2")])  # not the supervisor's
        resumed = bus.subscribe(SUP, last_event_id="e1-3")
        assert not resumed.reset
        assert [e.id for e in resumed.missed] == ["e1-4", "e1-5"]
        bus.publish([_event(7)])
        assert resumed.inbox.get_nowait().id == "e1-7"

    _run(scenario())


@pytest.mark.parametrize("last", ["e0-3", "e1-1", "e1-99", "garbage"])
def test_a_gap_that_cannot_be_filled_is_a_reset(last: str) -> None:
    async def scenario() -> None:
        bus = EventBus(backlog=3, epoch="e1")
        bus.publish([_event(n) for n in range(1, 8)])  # only 5, 6, 7 are kept
        resumed = bus.subscribe(ADMIN, last_event_id=last)
        assert resumed.reset and not resumed.missed

    _run(scenario())


def test_the_oldest_kept_event_is_still_a_resumption() -> None:
    async def scenario() -> None:
        bus = EventBus(backlog=3, epoch="e1")
        bus.publish([_event(n) for n in range(1, 8)])
        resumed = bus.subscribe(ADMIN, last_event_id="e1-4")
        assert not resumed.reset and [e.id for e in resumed.missed] == ["e1-5", "e1-6",
                                                                         "e1-7"]

    _run(scenario())


def test_a_subscriber_too_far_behind_is_dropped_not_waited_for() -> None:
    async def scenario() -> None:
        bus = EventBus(epoch="e1")
        slow = bus.subscribe(ADMIN)
        bus.publish([_event(n) for n in range(1, 1500)])
        assert slow.lost and bus.subscriber_count == 0

    _run(scenario())


def test_a_triage_note_survives_the_wire_with_the_numbers_given() -> None:
    command = c.TriageNote("k1", "medical_urgent", "samu-15", "medical_urgent",
                           "urgent.breathing", "il ne respire plus", "note",
                           "SAMU – urgences médicales",
                           (("SAMU", "15", "tel"), ("SMS", "114", "sms")))
    assert c.from_wire(c.to_wire(command)) == command
    with pytest.raises(ValidationError):
        c.TriageNote("k1", "medical", "medecin", "medical", None, "t", "n", "x",
                     (("SAMU", "15", "fax"),))
    with pytest.raises(ValidationError):
        c.from_wire({**c.to_wire(command), "numbers": [3]})
