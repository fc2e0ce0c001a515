"""Who may take a contact: bullseye floor, language, telework rule and waivers, contract or
overflow."""

from __future__ import annotations

from renfort.domain.ids import ContactId
from renfort.domain.model import BullseyeTier, TeleworkRule
from tests.unit.routing.routing_world import T0, World

WIDENING = (BullseyeTier(0.0, 4), BullseyeTier(30.0, 3), BullseyeTier(90.0, 1))


def test_bullseye_widens_to_lower_proficiency_as_the_contact_waits(world: World) -> None:
    queue = world.queue("covid", bullseye=WIDENING)
    world.agent("novice", skills={"covid": 2})
    world.agent("junior", skills={"covid": 3})
    world.arrive("c1", queue)

    assert world.route() == []
    assert world.router.next_wakeup() == T0 + 30
    world.advance(29.5)
    assert world.route() == []
    world.advance(0.5)
    offers = world.router.route()
    assert [(o.agent_id, o.proficiency) for o in offers] == [("junior", 3)]


def test_bullseye_reaches_the_widest_tier_last(world: World) -> None:
    queue = world.queue("covid", bullseye=WIDENING)
    world.agent("novice", skills={"covid": 1})
    world.arrive("c1", queue)
    world.route()
    world.advance(30)
    assert world.route() == []
    assert world.router.next_wakeup() == T0 + 90
    world.advance(60)
    assert world.route() == [("c1", "novice")]


def test_an_agent_without_the_skill_is_never_offered(world: World) -> None:
    queue = world.queue("covid", bullseye=WIDENING)
    world.agent("energy", skills={"energy": 5})
    world.arrive("c1", queue)
    world.advance(3600)
    assert world.route() == []


def test_a_language_line_goes_only_to_agents_who_speak_it(world: World) -> None:
    english = world.queue("covid-en", language="en")
    french = world.queue("covid-fr")
    world.agent("french", skills={"covid": 5})
    world.arrive("c1", english)
    world.advance(3600)
    assert world.route() == []  # the best French-only agent idles rather than answer
    world.agent("bilingual", skills={"covid": 1}, languages=("fr", "en"))
    assert world.route() == [("c1", "bilingual")]
    world.arrive("c2", french)
    assert world.route() == [("c2", "french")]


def test_telework_allowed_takes_home_agents(world: World) -> None:
    queue = world.queue("covid", telework=TeleworkRule.ALLOWED)
    world.agent("home", home=True)
    world.arrive("c1", queue)
    assert world.route() == [("c1", "home")]


def test_on_site_only_never_goes_to_home_agents(world: World) -> None:
    queue = world.queue("bank", telework=TeleworkRule.ON_SITE_ONLY)
    world.waiver(queue, -10, 1000)  # a waiver does not open an on-site-only queue
    world.agent("home", home=True)
    world.arrive("c1", queue)
    assert world.route() == []
    world.agent("site")
    assert world.route() == [("c1", "site")]


def test_with_waiver_needs_an_active_waiver_for_home_agents(world: World) -> None:
    queue = world.queue("bank", telework=TeleworkRule.WITH_WAIVER)
    world.agent("home", home=True)
    world.arrive("c1", queue)
    assert world.route() == []

    world.waiver(queue, -10, 1000)
    assert world.route() == [("c1", "home")]


def test_an_expired_waiver_does_not_count(world: World) -> None:
    queue = world.queue("bank", telework=TeleworkRule.WITH_WAIVER)
    world.waiver(queue, -1000, -10)
    home = world.agent("home", home=True)
    world.arrive("c1", queue)
    assert world.route() == []
    check = world.router.explain(ContactId("c1"), home).check("telework")
    assert not check.passed
    assert "w0 expired" in check.detail


def test_a_revoked_waiver_does_not_count(world: World) -> None:
    queue = world.queue("bank", telework=TeleworkRule.WITH_WAIVER)
    world.waiver(queue, -1000, 1000, revoked_at=-5)
    home = world.agent("home", home=True)
    world.arrive("c1", queue)
    assert world.route() == []
    assert "w0 was revoked" in world.router.explain(ContactId("c1"), home).check("telework").detail


def test_a_waiver_of_another_client_does_not_count(world: World) -> None:
    queue = world.queue("bank", telework=TeleworkRule.WITH_WAIVER, client="bank-client")
    other = world.queue("energy", client="energy-client")
    world.waiver(other, -10, 1000)
    world.agent("home", home=True)
    world.arrive("c1", queue)
    assert world.route() == []


def test_a_waiver_starting_later_opens_routing_at_its_start(world: World) -> None:
    queue = world.queue("bank", telework=TeleworkRule.WITH_WAIVER)
    world.waiver(queue, 100, 1000)
    world.agent("home", home=True)
    world.arrive("c1", queue)
    assert world.route() == []
    assert world.router.next_wakeup() == T0 + 100
    world.advance(100)
    assert world.route() == [("c1", "home")]


def test_a_waiver_ending_closes_routing_at_its_end(world: World) -> None:
    queue = world.queue("bank", telework=TeleworkRule.WITH_WAIVER)
    world.waiver(queue, -10, 50)
    world.agent("home", home=True, capacity={})
    world.arrive("c1", queue)
    world.route()
    assert world.router.next_wakeup() == T0 + 50
    world.advance(50)
    world.route()
    home = world.agent("home2", home=True)
    assert world.route() == []
    assert not world.router.explain(ContactId("c1"), home).check("telework").passed


def test_without_a_contract_an_outsourcer_waits_for_the_overflow_threshold(
    world: World,
) -> None:
    queue = world.queue("covid", overflow_after=60)
    world.agent("helper", outsourcer="o2")
    world.arrive("c1", queue)
    assert world.route() == []
    assert world.router.next_wakeup() == T0 + 60

    world.advance(60)
    (offer,) = world.router.route()
    assert (offer.agent_id, offer.overflow) == ("helper", True)


def test_contracted_agents_get_offers_marked_not_overflow(world: World) -> None:
    queue = world.queue("covid", overflow_after=60)
    world.agent("ours")
    world.arrive("c1", queue)
    (offer,) = world.router.route()
    assert (offer.agent_id, offer.overflow) == ("ours", False)


def test_a_queue_without_overflow_never_leaves_its_contractors(world: World) -> None:
    queue = world.queue("covid", overflow_after=None)
    world.agent("helper", outsourcer="o2")
    world.arrive("c1", queue)
    world.advance(86_400)
    assert world.route() == []
    assert world.router.next_wakeup() is None


def test_overflow_and_bullseye_combine(world: World) -> None:
    queue = world.queue("covid", overflow_after=45, bullseye=WIDENING)
    world.agent("helper", outsourcer="o2", skills={"covid": 1})
    world.arrive("c1", queue)
    world.route()
    world.advance(45)  # overflow open, but proficiency 1 needs 90 s
    assert world.route() == []
    assert world.router.next_wakeup() == T0 + 90
    world.advance(45)
    assert world.route() == [("c1", "helper")]


def test_unavailable_agents_are_not_offered(world: World) -> None:
    queue = world.queue("covid")
    world.agent("out", login=False)
    resting = world.agent("resting")
    world.router.set_break(resting, "lunch")
    world.arrive("c1", queue)
    assert world.route() == []
    world.router.set_available(resting)
    assert world.route() == [("c1", "resting")]
