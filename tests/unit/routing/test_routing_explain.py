"""explain(): one check per rule, in English, for waiting and non-waiting contacts."""

from __future__ import annotations

import pytest

from renfort.domain.errors import NotFoundError
from renfort.domain.ids import AgentId, ContactId
from renfort.domain.model import BullseyeTier, TeleworkRule
from renfort.routing.explain import CHECK_NAMES
from tests.unit.routing.routing_world import World

C1 = ContactId("c1")


def test_an_eligible_agent_passes_every_check(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana", capacity={})
    world.arrive("c1", queue)
    world.route()
    world.agent("ana", login=False)  # default capacity now

    explanation = world.router.explain(C1, ana)
    assert explanation.eligible
    assert [c.name for c in explanation.checks] == list(CHECK_NAMES)
    assert explanation.failed == ()
    assert explanation.check("contract").detail == "outsourcer o1 has a contract for queue 'covid'"


def test_every_failing_rule_is_reported_with_its_reason(world: World) -> None:
    queue = world.queue(
        "bank", telework=TeleworkRule.WITH_WAIVER, overflow_after=120,
        bullseye=(BullseyeTier(0, 4), BullseyeTier(60, 2)), language="en",
    )
    helper = world.agent("helper", outsourcer="o2", home=True, skills={"covid": 3},
                         capacity={})
    world.router.set_break(helper, "lunch")
    world.arrive("c1", queue)
    world.advance(10)

    explanation = world.router.explain(C1, helper)
    assert not explanation.eligible
    assert {c.name: c.passed for c in explanation.checks} == {
        "waiting": True, "skill": False, "language": False, "status": False,
        "capacity": False, "telework": False, "contract": False, "declined": True,
    }
    assert explanation.check("language").detail == (
        "does not speak en, the language of queue 'bank' (speaks fr)")
    assert explanation.check("skill").detail == (
        "proficiency 3 in 'covid' is below the floor of 4 after 10.0 s of waiting; "
        "the floor reaches 2 after 60.0 s"
    )
    assert explanation.check("status").detail == "on break (lunch)"
    assert "no waiver of the client covers it" in explanation.check("telework").detail
    assert "overflow opens after 120.0 s of waiting (now 10.0 s)" in (
        explanation.check("contract").detail
    )


def test_overflow_shows_as_a_passed_contract_check(world: World) -> None:
    queue = world.queue("covid", overflow_after=30)
    helper = world.agent("helper", outsourcer="o2", capacity={})
    world.arrive("c1", queue)
    world.advance(31)
    check = world.router.explain(C1, helper).check("contract")
    assert check.passed
    assert "solidarity overflow" in check.detail


def test_a_contact_offered_to_someone_else_is_not_waiting(world: World) -> None:
    queue = world.queue("covid")
    world.agent("ana")
    bob = world.agent("bob")
    world.arrive("c1", queue)
    world.route()
    explanation = world.router.explain(C1, bob)
    assert not explanation.eligible
    assert explanation.check("waiting").detail == "not waiting: offered to agent ana"


def test_for_its_own_agent_a_held_contact_explains_the_offer(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    world.router.accept(C1, ana)
    explanation = world.router.explain(C1, ana)
    assert [c.name for c in explanation.failed] == ["waiting"]
    assert explanation.check("waiting").detail.startswith("already accepted by this agent")


def test_declines_are_explained(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    world.route()
    world.router.decline(C1, ana)
    assert [c.name for c in world.router.explain(C1, ana).failed] == ["declined"]


def test_unknown_contacts_and_agents_are_not_found(world: World) -> None:
    queue = world.queue("covid")
    ana = world.agent("ana")
    world.arrive("c1", queue)
    with pytest.raises(NotFoundError):
        world.router.explain(ContactId("nope"), ana)
    with pytest.raises(NotFoundError):
        world.router.explain(C1, AgentId("nobody"))
