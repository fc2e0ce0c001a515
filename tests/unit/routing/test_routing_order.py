"""Which contact goes first, and which agent gets it."""

from __future__ import annotations

import pytest

from renfort.domain.errors import ConflictError, NotFoundError
from renfort.domain.ids import AgentId, ContactId, QueueId
from tests.unit.routing.routing_world import CHAT, EMAIL, T0, VOICE, World


def test_lower_priority_class_is_served_first(world: World) -> None:
    bank = world.queue("bank", priority=3)
    public = world.queue("public", priority=1)
    world.arrive("bank-1", bank)
    world.advance(30)
    world.arrive("public-1", public)
    world.agent("ana")

    assert world.route() == [("public-1", "ana")]


def test_across_queues_of_one_class_the_larger_wait_to_sla_ratio_goes_first(
    world: World,
) -> None:
    relaxed = world.queue("relaxed", sl_seconds=60)
    urgent = world.queue("urgent", sl_seconds=20)
    world.arrive("relaxed-1", relaxed)
    world.advance(10)
    world.arrive("urgent-1", urgent)
    world.advance(15)
    # relaxed-1 waited 25 s of 60 (0.42), urgent-1 15 s of 20 (0.75): urgent-1 first.
    world.agent("ana")

    assert world.route() == [("urgent-1", "ana")]
    assert world.router.waiting() == ["relaxed-1"]


def test_within_a_line_contacts_go_first_in_first_out(world: World) -> None:
    queue = world.queue("covid")
    for name in ("a", "b", "c"):
        world.arrive(name, queue)
        world.advance(1)
    world.agent("ana")

    served = []
    for _ in range(3):
        ((contact, agent),) = world.route()
        world.router.accept(ContactId(contact), AgentId(agent))
        world.router.release(ContactId(contact))
        served.append(contact)
    assert served == ["a", "b", "c"]


def test_a_contact_priority_puts_it_ahead_within_its_queue(world: World) -> None:
    queue = world.queue("covid", priority=2)
    world.arrive("early", queue, priority=2)
    world.advance(5)
    world.arrive("transferred", queue, priority=1)

    assert world.router.waiting() == ["transferred", "early"]


def test_waiting_lists_the_routing_order_for_one_queue_or_all(world: World) -> None:
    low = world.queue("low", priority=4)
    high = world.queue("high", priority=2)
    world.arrive("l1", low)
    world.arrive("h1", high)
    world.advance(1)
    world.arrive("h2", high)

    assert world.router.waiting() == ["h1", "h2", "l1"]
    assert world.router.waiting(high) == ["h1", "h2"]
    assert world.router.waiting_count(high) == 2
    assert world.router.oldest_wait(high) == 1.0
    assert world.router.oldest_wait(low) == 1.0


def test_each_channel_of_a_queue_is_its_own_line(world: World) -> None:
    queue = world.queue("covid", channels=(VOICE, CHAT, EMAIL))
    world.arrive("mail", queue, EMAIL)
    world.arrive("chat", queue, CHAT)
    world.arrive("call", queue, VOICE)
    world.agent("voice-only", capacity={VOICE: 1})
    world.agent("writer", capacity={CHAT: 2, EMAIL: 2})

    assert sorted(world.route()) == [("call", "voice-only"), ("chat", "writer"),
                                     ("mail", "writer")]


def test_the_most_proficient_eligible_agent_gets_the_contact(world: World) -> None:
    queue = world.queue("covid")
    world.agent("novice", skills={"covid": 2})
    world.agent("expert", skills={"covid": 5})
    world.agent("middle", skills={"covid": 3})
    world.arrive("c1", queue)

    ((_, agent),) = world.route()
    assert agent == "expert"


def test_at_equal_proficiency_the_longest_idle_agent_gets_the_contact(world: World) -> None:
    queue = world.queue("covid")
    world.agent("recent", login=False)
    world.agent("idle", login=False)
    world.router.log_in(AgentId("idle"))
    world.advance(60)
    world.router.log_in(AgentId("recent"))
    world.arrive("c1", queue)

    assert world.route() == [("c1", "idle")]


def test_at_equal_idle_time_the_first_registered_agent_gets_the_contact(world: World) -> None:
    queue = world.queue("covid")
    world.agent("zoe")
    world.agent("adam")
    world.arrive("c1", queue)

    assert world.route() == [("c1", "zoe")]


def test_releasing_the_last_contact_resets_idle_time(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.advance(10)
    bob = world.agent("bob")
    world.arrive("c1", queue)
    assert world.route() == [("c1", "ana")]
    world.router.accept(ContactId("c1"), ana)
    world.advance(5)
    world.router.release(ContactId("c1"))

    assert world.router.idle_since(ana) == world.clock.now()
    world.arrive("c2", queue)
    assert world.route() == [("c2", "bob")]
    assert world.router.idle_since(bob) < world.router.idle_since(ana)


def test_route_is_work_conserving_after_a_burst(world: World) -> None:
    queue = world.queue("covid", channels=(CHAT,))
    for i in range(5):
        world.agent(f"a{i}", capacity={CHAT: 2})
    for i in range(12):
        world.arrive(f"c{i:02}", queue, CHAT)

    offers = world.route()

    assert len(offers) == 10
    assert world.router.waiting() == ["c10", "c11"]
    # Most proficient first then longest idle: all equal here, so registration order,
    # each agent filled before the next one gets a contact.
    assert [agent for _, agent in offers[:2]] == ["a0", "a0"]


def test_an_agent_back_from_a_contact_ranks_behind_agents_idle_for_longer(
    world: World,
) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.agent("bob")
    world.route()
    world.arrive("c1", queue)
    assert world.route() == [("c1", "ana")]
    world.advance(10)
    world.router.accept(ContactId("c1"), ana)
    world.arrive("c2", queue)
    world.router.release(ContactId("c1"))  # ana idle from now, bob since the start

    assert world.route() == [("c2", "bob")]


def test_many_abandons_behind_a_waiting_head_keep_the_line_in_order(world: World) -> None:
    queue = world.queue("covid")
    names = [f"c{i:03}" for i in range(300)]
    for name in names:
        world.arrive(name, queue)
        world.advance(0.1)
    for name in names[1::3] + names[2::3]:
        world.router.withdraw(ContactId(name))

    kept = names[::3]
    assert world.router.waiting() == kept
    assert world.router.waiting_count(queue) == len(kept)
    world.agent("ana", capacity={VOICE: 1})
    assert world.route() == [("c000", "ana")]



def test_a_backlog_restored_in_bulk_routes_as_if_it_had_arrived() -> None:
    def world_with_queues() -> tuple[World, dict[str, QueueId]]:
        world = World()
        return world, {"covid": world.queue("covid", sl_seconds=20),
                       "travel": world.queue("travel", sl_seconds=60)}

    one_by_one, queues = world_with_queues()
    in_bulk, _ = world_with_queues()
    backlog = [(ContactId(f"k{n}"), queues["covid" if n % 3 else "travel"], VOICE, 1 + n % 2,
                T0 - 100 + n, n) for n in range(30)]
    for contact, queue, channel, priority, at, seq in backlog:
        one_by_one.router.enqueue(contact, queue, channel, priority, enqueued_at=at, seq=seq)
    assert in_bulk.router.restore_waiting(reversed(backlog)) == 30
    assert in_bulk.router.waiting() == one_by_one.router.waiting()
    for world in (one_by_one, in_bulk):
        for name in ("ana", "bob", "cy"):
            world.agent(name)
    assert in_bulk.route() == one_by_one.route()
    assert in_bulk.router.next_wakeup() == one_by_one.router.next_wakeup()


def test_a_bulk_restore_refuses_whole_and_changes_nothing(world: World) -> None:
    covid = world.queue("covid")
    world.arrive("k1", covid)
    with pytest.raises(ConflictError):
        world.router.restore_waiting([(ContactId("k2"), covid, VOICE, 1, T0, 5),
                                      (ContactId("k1"), covid, VOICE, 1, T0, 6)])
    with pytest.raises(NotFoundError):
        world.router.restore_waiting([(ContactId("k3"), QueueId("nowhere"), VOICE, 1, T0, 7)])
    assert world.router.waiting() == ["k1"]
