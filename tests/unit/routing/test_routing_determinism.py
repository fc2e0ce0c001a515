"""Same events, same offers: in any process, whatever the string hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCENARIO = textwrap.dedent('''
    import random
    from renfort.domain.clock import ManualClock
    from renfort.domain.ids import *
    from renfort.domain.model import *
    from renfort.routing.router import Router

    rng = random.Random(3)
    clock = ManualClock(1000.0)
    router = Router(clock)
    channels = [Channel.VOICE, Channel.CHAT, Channel.EMAIL]
    queues = []
    for i in range(6):
        q = Queue(QueueId(f"q{i}"), f"q{i}", ClientId(f"c{i % 3}"), "Q",
                  frozenset(rng.sample(channels, 2)), f"s{i % 3}",
                  sl_seconds=rng.choice([20.0, 60.0]),
                  overflow_after_seconds=rng.choice([None, 40.0]),
                  bullseye=(BullseyeTier(0, 4), BullseyeTier(30, 2)))
        router.upsert_queue(q, 1 + i % 3)
        queues.append(q)
    router.set_contracts([
        Contract(ContractId(f"k{i}"), q.client_id, OutsourcerId(f"o{i % 2}"),
                 frozenset({q.id})) for i, q in enumerate(queues)])
    for i in range(12):
        a = Agent(AgentId(f"a{i}"), OutsourcerId(f"o{i % 3}"), "A",
                  {f"s{j}": rng.randint(1, 5) for j in rng.sample(range(3), 2)},
                  site_id=SiteId("s"))
        router.upsert_agent(a)
        router.log_in(a.id)
    out = []
    for step in range(300):
        q = rng.choice(queues)
        router.enqueue(ContactId(f"k{step}"), q.id, rng.choice(sorted(q.channels)), 1)
        clock.advance(rng.random() * 5)
        offers = router.route()
        out += [(o.contact_id, o.agent_id, o.overflow) for o in offers]
        for e in router.expire_offers():
            router.set_available(e.agent_id)
        for o in offers:
            if not router.is_waiting(o.contact_id) and rng.random() < 0.8:
                router.accept(o.contact_id, o.agent_id)
                router.release(o.contact_id)
            elif not router.is_waiting(o.contact_id):
                router.decline(o.contact_id, o.agent_id)
    print(out)
''')


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-c", SCENARIO], env=env, capture_output=True,
                            text=True, check=True)
    return result.stdout


def test_decisions_do_not_depend_on_the_hash_seed() -> None:
    first = _run("1")
    assert "a" in first
    assert _run("4242") == first
