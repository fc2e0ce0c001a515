"""Offers over time: timeout, decline, withdraw, accept, release, presence changes."""

from __future__ import annotations

import pytest

from renfort.domain.errors import AgentStateError, ConflictError, NotFoundError
from renfort.domain.ids import AgentId, ContactId
from renfort.domain.model import BullseyeTier
from renfort.routing.types import AgentStatus, HoldState, OfferExpired
from tests.unit.routing.routing_world import CHAT, T0, VOICE, World

C1, C2 = ContactId("c1"), ContactId("c2")


def test_an_unanswered_offer_expires_back_to_its_place_and_the_agent_is_missed(
    world: World,
) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    for name in ("c1", "c2"):
        world.arrive(name, queue)
        world.advance(1)
    assert world.route() == [("c1", "ana")]
    assert world.router.next_wakeup() == T0 + 2 + 20

    world.advance(19.9)
    assert world.router.expire_offers() == []
    world.advance(0.1)
    assert world.router.expire_offers() == [OfferExpired(C1, ana, T0 + 22)]

    assert world.router.agent_status(ana) is AgentStatus.MISSED
    assert world.router.waiting() == ["c1", "c2"]
    assert world.router.place(C1).seq == 0
    assert world.route() == []  # a missed agent gets nothing
    world.router.set_available(ana)
    assert world.route() == [("c1", "ana")]


def test_an_offer_cannot_be_accepted_after_its_deadline(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    world.advance(20)
    with pytest.raises(ConflictError, match="expired"):
        world.router.accept(C1, ana)
    assert world.router.place(C1).state is HoldState.OFFERED


def test_an_agent_on_break_who_lets_an_offer_expire_is_missed(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    world.router.set_break(ana, "coffee")
    world.advance(20)
    world.router.expire_offers()
    assert world.router.agent_status(ana) is AgentStatus.MISSED


def test_a_declined_contact_goes_to_the_next_agent_and_never_back(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana", skills={"covid": 5})
    world.arrive("c1", queue)
    world.arrive("c2", queue)
    assert world.route() == [("c1", "ana")]

    world.router.decline(C1, ana)
    assert world.router.agent_status(ana) is AgentStatus.AVAILABLE
    # ana may not have c1 again, but c2 behind it is hers.
    assert world.route() == [("c2", "ana")]
    assert world.router.waiting() == ["c1"]
    world.agent("bob")
    assert world.route() == [("c1", "bob")]


def test_a_declined_contact_waits_rather_than_going_back_to_its_decliner(
    world: World,
) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    world.router.decline(C1, ana)
    world.advance(600)
    assert world.route() == []
    assert not world.router.explain(C1, ana).check("declined").passed


def test_a_contact_arriving_behind_a_declined_one_goes_to_the_decliner(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    world.router.decline(C1, ana)
    assert world.route() == []
    world.arrive("c2", queue)
    assert world.route() == [("c2", "ana")]


def test_a_contact_behind_a_declined_one_reaches_the_decliner_when_its_tier_opens(
    world: World,
) -> None:
    queue = world.queue("covid", bullseye=(BullseyeTier(0, 4), BullseyeTier(30, 3)))
    ana = world.agent("ana", skills={"covid": 3})
    world.arrive("c1", queue)
    world.advance(30)
    assert world.route() == [("c1", "ana")]
    world.router.decline(C1, ana)
    world.advance(5)
    world.arrive("c2", queue)  # behind c1, which ana declined; floor 4 for 30 s

    assert world.route() == []
    # Only ana's own wake-up covers this: the line head c1 has no tier left to cross.
    assert world.router.next_wakeup() == T0 + 65
    world.advance(30)
    assert world.route() == [("c2", "ana")]


def test_withdrawing_an_offered_contact_frees_the_agent(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.arrive("c2", queue)
    world.route()
    world.router.withdraw(C1)
    assert world.router.held(ana) == []
    assert world.route() == [("c2", "ana")]
    with pytest.raises(NotFoundError):
        world.router.place(C1)


def test_withdrawing_a_waiting_contact_removes_it(world: World) -> None:
    queue = world.queue("covid")
    world.arrive("c1", queue)
    world.router.withdraw(C1)
    assert world.router.waiting() == []
    assert not world.router.is_waiting(C1)
    assert world.router.next_wakeup() is not None  # the line changed: route to settle it
    world.route()
    assert world.router.next_wakeup() is None


def test_accepted_contacts_are_released_not_withdrawn(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    with pytest.raises(ConflictError):
        world.router.release(C1)
    world.router.accept(C1, ana)
    with pytest.raises(ConflictError):
        world.router.withdraw(C1)
    world.router.release(C1)
    assert world.router.held(ana) == []


def test_only_the_agent_offered_may_accept_or_decline(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    bob = world.agent("bob", capacity={})
    world.arrive("c1", queue)
    world.route()
    with pytest.raises(AgentStateError):
        world.router.accept(C1, bob)
    with pytest.raises(AgentStateError):
        world.router.decline(C1, bob)
    world.router.accept(C1, ana)
    with pytest.raises(AgentStateError):
        world.router.accept(C1, ana)
    with pytest.raises(AgentStateError):
        world.router.decline(C1, ana)
    with pytest.raises(NotFoundError):
        world.router.accept(C2, ana)
    with pytest.raises(NotFoundError):
        world.router.accept(C1, AgentId("nobody"))


def test_log_out_is_refused_while_an_offer_waits_for_an_answer(world: World) -> None:
    queue = world.queue("covid", channels=(CHAT,))
    ana = world.agent("ana")
    world.arrive("c1", queue, CHAT)
    world.route()
    with pytest.raises(AgentStateError, match="pending offer"):
        world.router.log_out(ana)
    assert world.router.agent_status(ana) is AgentStatus.AVAILABLE

    world.router.accept(C1, ana)
    world.router.log_out(ana)
    world.arrive("c2", queue, CHAT)
    assert world.route() == []
    assert [h.contact_id for h in world.router.held(ana)] == ["c1"]
    world.router.release(C1)
    assert world.router.held(ana) == []


def test_presence_moves_are_checked(world: World) -> None:
    ana = world.agent("ana", login=False)
    with pytest.raises(AgentStateError):
        world.router.set_available(ana)
    with pytest.raises(AgentStateError):
        world.router.set_break(ana, "lunch")
    with pytest.raises(AgentStateError):
        world.router.log_out(ana)
    world.router.log_in(ana)
    with pytest.raises(AgentStateError):
        world.router.log_in(ana)
    world.router.set_break(ana, " lunch ")
    assert world.router.break_reason(ana) == "lunch"
    assert world.router.agent_status(ana) is AgentStatus.BREAK


def test_restore_held_rebuilds_load_and_offers_with_their_place(world: World) -> None:
    queue = world.queue("covid", channels=(VOICE, CHAT))
    ana = world.agent("ana")
    world.router.restore_held(C1, ana, queue, CHAT, accepted=True, offered_at=T0 - 50)
    world.router.restore_held(C2, ana, queue, CHAT, accepted=False, offered_at=T0 - 5,
                              enqueued_at=T0 - 100, seq=7)
    world.arrive("c3", queue, CHAT)
    world.arrive("call", queue, VOICE)
    assert world.route() == [("c3", "ana")]

    world.advance(15)
    assert world.router.expire_offers() == [OfferExpired(C2, ana, T0 + 15)]
    assert world.router.waiting(queue) == ["c2", "call"]
    assert world.router.place(C2).seq == 7


def test_restore_presence_sets_any_status(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana", login=False)
    world.router.restore_presence(ana, AgentStatus.MISSED)
    world.arrive("c1", queue)
    assert world.route() == []
    world.router.restore_presence(ana, AgentStatus.AVAILABLE, idle_since=T0 - 100)
    assert world.router.idle_since(ana) == T0 - 100
    assert world.route() == [("c1", "ana")]


def test_an_offer_to_a_chat_agent_keeps_it_ready_for_more(world: World) -> None:
    queue = world.queue("covid", channels=(CHAT,))
    world.agent("ana")
    world.arrive("c1", queue, CHAT)
    assert world.route() == [("c1", "ana")]
    world.arrive("c2", queue, CHAT)
    assert world.route() == [("c2", "ana")]
    assert world.router.agents_by_status()[AgentStatus.AVAILABLE] == 1


def test_route_without_changes_is_a_no_op(world: World) -> None:
    world.queue("covid")
    world.agent("ana")
    world.route()
    assert world.route() == []
    assert world.router.next_wakeup() is None
    assert world.router.expire_offers() == []
    assert world.router.waiting() == []
    assert world.router.agents_by_status(queue_id=world.queues["covid"].id) == {
        AgentStatus.LOGGED_OUT: 0, AgentStatus.AVAILABLE: 1, AgentStatus.BREAK: 0,
        AgentStatus.MISSED: 0,
    }
