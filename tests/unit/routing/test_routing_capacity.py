"""The fractional load model: 1 voice, or 3 chats, or a mix that sums to at most one agent."""

from __future__ import annotations

import pytest

from renfort.domain.ids import ContactId
from renfort.domain.model import Channel
from renfort.routing.types import HoldState
from tests.unit.routing.routing_world import CHAT, EMAIL, VOICE, World


def test_three_chats_fill_an_agent(world: World) -> None:
    queue = world.queue("covid", channels=(CHAT,))
    ana = world.agent("ana")
    for i in range(4):
        world.arrive(f"c{i}", queue, CHAT)

    assert world.route() == [("c0", "ana"), ("c1", "ana"), ("c2", "ana")]
    assert world.router.load(ana) == pytest.approx(1.0)
    assert world.router.waiting() == ["c3"]


def test_a_chat_in_progress_blocks_a_voice_call(world: World) -> None:
    queue = world.queue("covid", channels=(VOICE, CHAT))
    ana = world.agent("ana")
    world.arrive("chat", queue, CHAT)
    assert world.route() == [("chat", "ana")]
    world.router.accept(ContactId("chat"), ana)
    world.arrive("call", queue, VOICE)

    assert world.route() == []  # 1/3 + 1 > 1
    assert world.router.explain(ContactId("call"), ana).check("capacity").passed is False
    world.router.release(ContactId("chat"))
    assert world.route() == [("call", "ana")]


def test_chat_and_email_mix_within_one_agent(world: World) -> None:
    queue = world.queue("covid", channels=(CHAT, EMAIL))
    world.agent("ana")  # 3 chats or 2 e-mails
    world.arrive("chat-1", queue, CHAT)
    world.arrive("chat-2", queue, CHAT)
    assert len(world.route()) == 2
    world.arrive("mail", queue, EMAIL)
    assert world.route() == []  # 2/3 + 1/2 > 1
    world.router.withdraw(ContactId("chat-2"))
    assert world.route() == [("mail", "ana")]  # 1/3 + 1/2 <= 1


def test_capacity_zero_means_never_on_that_channel(world: World) -> None:
    queue = world.queue("covid", channels=(EMAIL,))
    ana = world.agent("ana", capacity={VOICE: 1, EMAIL: 0})
    world.arrive("mail", queue, EMAIL)
    assert world.route() == []
    assert "capacity 0" in world.router.explain(ContactId("mail"), ana).check("capacity").detail


def test_offered_and_accepted_contacts_both_hold_capacity(world: World) -> None:
    queue = world.queue("covid", channels=(CHAT,))
    ana = world.agent("ana", capacity={CHAT: 2})
    world.arrive("c1", queue, CHAT)
    world.arrive("c2", queue, CHAT)
    world.route()
    world.router.accept(ContactId("c1"), ana)

    held = world.router.held(ana)
    assert [(h.contact_id, h.state) for h in held] == [
        ("c1", HoldState.ACCEPTED), ("c2", HoldState.OFFERED),
    ]
    world.arrive("c3", queue, CHAT)
    assert world.route() == []


def test_a_profile_with_less_capacity_keeps_held_contacts_and_blocks_new_ones(
    world: World,
) -> None:
    queue = world.queue("covid", channels=(CHAT,))
    ana = world.agent("ana", capacity={CHAT: 3})
    for i in range(2):
        world.arrive(f"c{i}", queue, CHAT)
    world.route()
    world.agent("ana", capacity={CHAT: 1}, login=False)  # profile change, same presence
    world.arrive("c9", queue, CHAT)

    assert world.route() == []
    assert world.router.load(ana) == pytest.approx(2.0)
    assert len(world.router.held(ana)) == 2


def test_callback_channel_counts_like_its_capacity(world: World) -> None:
    queue = world.queue("covid", channels=(Channel.CALLBACK,))
    world.agent("ana", capacity={Channel.CALLBACK: 2})
    for i in range(3):
        world.arrive(f"cb{i}", queue, Channel.CALLBACK)
    assert len(world.route()) == 2
