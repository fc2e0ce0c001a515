"""Configuration changes and bad input: refused calls change nothing."""

from __future__ import annotations

import pytest

from renfort.domain.clock import ManualClock
from renfort.domain.errors import ConflictError, NotFoundError, ValidationError
from renfort.domain.ids import AgentId, ContactId, OutsourcerId, QueueId
from renfort.domain.model import BullseyeTier
from renfort.routing.router import Router
from renfort.routing.types import AgentStatus
from tests.unit.routing.routing_world import CHAT, EMAIL, VOICE, World

C1 = ContactId("c1")


def test_a_queue_with_waiting_contacts_cannot_be_removed(world: World) -> None:
    queue = world.queue("covid")
    world.arrive("c1", queue)
    with pytest.raises(ConflictError):
        world.router.remove_queue(queue)
    assert world.router.waiting(queue) == ["c1"]
    world.router.withdraw(C1)
    world.router.remove_queue(queue)
    with pytest.raises(NotFoundError):
        world.router.waiting(queue)


def test_a_queue_with_an_offer_out_cannot_be_removed(world: World) -> None:
    queue = world.queue("covid")
    world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    with pytest.raises(ConflictError):
        world.router.remove_queue(queue)


def test_dropping_a_channel_is_refused_while_contacts_wait_on_it(world: World) -> None:
    queue = world.queue("covid", channels=(VOICE, CHAT))
    world.arrive("c1", queue, CHAT)
    with pytest.raises(ConflictError):
        world.queue("covid", channels=(VOICE,))
    world.router.withdraw(C1)
    world.queue("covid", channels=(VOICE,))
    with pytest.raises(ValidationError):
        world.arrive("c2", queue, CHAT)


def test_a_queue_change_takes_effect_at_once(world: World) -> None:
    queue = world.queue("covid", bullseye=(BullseyeTier(0, 5),))
    world.agent("ana", skills={"covid": 3})
    world.arrive("c1", queue)
    assert world.route() == []
    world.queue("covid", bullseye=(BullseyeTier(0, 3),))
    assert world.route() == [("c1", "ana")]


def test_a_queue_changing_skill_moves_its_agents(world: World) -> None:
    queue = world.queue("covid", channels=(CHAT,))
    world.agent("ana", skills={"covid": 3})
    world.agent("bob", skills={"energy": 3})
    world.queue("covid", channels=(CHAT,), skill="energy")
    world.arrive("c1", queue, CHAT)
    assert world.route() == [("c1", "bob")]


def test_an_agent_holding_contacts_cannot_be_removed(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    with pytest.raises(ConflictError):
        world.router.remove_agent(ana)
    world.router.withdraw(C1)
    world.router.remove_agent(ana)
    with pytest.raises(NotFoundError):
        world.router.agent_status(ana)
    world.arrive("c2", queue)
    assert world.route() == []


def test_a_profile_change_keeps_presence_and_opens_new_lines(world: World) -> None:
    covid = world.queue("covid", channels=(CHAT,))
    energy = world.queue("energy", channels=(CHAT,), skill="energy")
    ana = world.agent("ana", skills={"covid": 3})
    world.arrive("c1", covid, CHAT)
    world.route()
    world.router.set_break(ana, "training")
    world.agent("ana", skills={"covid": 3, "energy": 4}, login=False)
    assert world.router.agent_status(ana) is AgentStatus.BREAK
    assert [h.contact_id for h in world.router.held(ana)] == ["c1"]
    world.arrive("e1", energy, CHAT)
    world.router.set_available(ana)
    assert world.route() == [("e1", "ana")]


def test_contracts_can_be_replaced(world: World) -> None:
    queue = world.queue("covid", contract=False)
    world.agent("ana")
    world.arrive("c1", queue)
    assert world.route() == []
    world.contract("o1", queue)
    assert world.route() == [("c1", "ana")]


def test_enqueue_refuses_bad_input_without_changing_anything(world: World) -> None:
    queue = world.queue("covid", channels=(VOICE,))
    with pytest.raises(ValidationError):
        world.arrive("c1", queue, EMAIL)
    with pytest.raises(NotFoundError):
        world.arrive("c1", QueueId("nope"))
    with pytest.raises(ValidationError):
        world.arrive("c1", queue, priority=0)
    with pytest.raises(ValidationError):
        world.router.enqueue(C1, queue, VOICE, 1, enqueued_at=float("nan"))
    with pytest.raises(ValidationError):
        world.router.enqueue(C1, queue, VOICE, 1, seq=-1)
    assert world.router.waiting() == []
    world.arrive("c1", queue)
    with pytest.raises(ConflictError):
        world.arrive("c1", queue)


def test_sequence_numbers_continue_after_restored_ones(world: World) -> None:
    queue = world.queue("covid")
    assert world.router.enqueue(C1, queue, VOICE, 1, seq=41) == 41
    assert world.router.enqueue(ContactId("c2"), queue, VOICE, 1) == 42


def test_queue_priority_must_be_a_class(world: World) -> None:
    world.queue("covid")
    with pytest.raises(ValidationError):
        world.router.upsert_queue(world.queues["covid"], 10)


def test_the_offer_timeout_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        Router(ManualClock(), offer_timeout=0)


def test_unknown_agents_are_not_found(world: World) -> None:
    for call in (world.router.log_in, world.router.log_out, world.router.set_available,
                 world.router.remove_agent, world.router.held, world.router.load):
        with pytest.raises(NotFoundError):
            call(AgentId("nobody"))


def test_agents_by_status_filters_by_outsourcer_and_queue(world: World) -> None:
    covid = world.queue("covid")
    world.agent("ana")
    world.agent("bob", outsourcer="o2")
    world.agent("eve", skills={"energy": 2}, login=False)
    counts = world.router.agents_by_status(outsourcer_id=None, queue_id=covid)
    assert counts[AgentStatus.AVAILABLE] == 1  # bob has no contract and no overflow
    assert sum(world.router.agents_by_status().values()) == 3
    assert world.router.agents_by_status(outsourcer_id=OutsourcerId("o2"))[
        AgentStatus.AVAILABLE] == 1
