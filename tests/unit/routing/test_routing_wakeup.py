"""next_wakeup(): the earliest instant something may change without an event."""

from __future__ import annotations

from renfort.domain.model import BullseyeTier
from tests.unit.routing.routing_world import T0, World


def test_nothing_pending_means_no_wakeup(world: World) -> None:
    assert world.router.next_wakeup() is None
    world.queue("covid")
    world.agent("ana")
    world.route()
    assert world.router.next_wakeup() is None


def test_unrouted_changes_ask_for_a_route_now(world: World) -> None:
    queue = world.queue("covid")
    world.route()
    world.arrive("c1", queue)
    assert world.router.next_wakeup() == T0


def test_the_offer_deadline_is_a_wakeup(world: World) -> None:
    queue = world.queue("covid")
    world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    assert world.router.next_wakeup() == T0 + 20


def test_the_earliest_of_tiers_overflow_and_deadlines_wins(world: World) -> None:
    busy = world.queue("busy", bullseye=(BullseyeTier(0, 5), BullseyeTier(45, 1)),
                       overflow_after=30)
    world.arrive("c1", busy)
    world.route()
    assert world.router.next_wakeup() == T0 + 30
    world.advance(30)
    world.route()
    assert world.router.next_wakeup() == T0 + 45
    world.advance(15)
    world.route()
    assert world.router.next_wakeup() is None


def test_a_waiver_boundary_is_a_wakeup(world: World) -> None:
    queue = world.queue("covid")
    world.waiver(queue, 100, 200)
    world.route()
    assert world.router.next_wakeup() == T0 + 100
    world.advance(100)
    world.route()
    assert world.router.next_wakeup() == T0 + 200


def test_no_offer_appears_before_the_announced_wakeup(world: World) -> None:
    queue = world.queue("covid", bullseye=(BullseyeTier(0, 4), BullseyeTier(0.3, 2)))
    world.agent("ana", skills={"covid": 2})
    world.advance(0.1)
    world.arrive("c1", queue)
    world.route()
    wake = world.router.next_wakeup()
    assert wake == T0 + 0.1 + 0.3
    world.clock.set(wake)
    # Same float arithmetic on both sides: the tier opens exactly at the announced instant.
    assert world.route() == [("c1", "ana")]
