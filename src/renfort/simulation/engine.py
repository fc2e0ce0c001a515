"""One replication of one component: contacts and agents through the real router.

The engine owns a :class:`~renfort.domain.clock.ManualClock` and a
:class:`~renfort.routing.router.Router` built exactly as the live service builds it (real
``Queue``, ``Agent``, ``Contract``, ``Waiver`` objects, the client's priority class). It
applies events in :mod:`renfort.simulation.kernel` order, and after each instant's events
asks the router for offers (``route()``) and for its next timer (``next_wakeup()``). Every
routing decision (who answers, bullseye widening, overflow, telework rules, waivers, offer
expiry) is the router's; the engine only plays callers and agents:

* a caller arrives (``enqueue``), hangs up after its patience if not yet answered
  (``withdraw``), or takes a callback (``withdraw`` then ``enqueue`` on the callback line);
* an agent answers an offer after its response time (``accept``), or lets it expire (the
  router's ``expire_offers``; the agent is set available again later), then is taken for the
  handle time plus wrap-up, then frees up (``release``);
* agents log in and out with their shifts or a staffing profile, and take breaks.

Pure: no I/O, randomness from the injected generator only. Seconds everywhere; the router
clock reads ``world.t0`` + simulated seconds.
"""

from __future__ import annotations

import math
from heapq import heappop, heappush
from typing import cast

import numpy as np

from renfort.domain.clock import ManualClock
from renfort.domain.ids import ContactId, QueueId
from renfort.domain.model import Channel
from renfort.routing.router import Router
from renfort.simulation.kernel import (
    ACCEPT,
    ARRIVAL,
    CALLBACK,
    PATIENCE,
    RECOVER,
    RELEASE,
    WAKEUP,
    Agenda,
)
from renfort.simulation.log import WAITING, CallLog, Staffing, finish_log
from renfort.simulation.presence import Presence
from renfort.simulation.traffic import draw_calls
from renfort.simulation.world import Component, World

OFFERED, ANSWERED, DONE, ABANDONED, CALLBACK_WAITING = 1, 2, 3, 4, 5
_RESPONSE_BATCH = 4096
_HOUSEKEEPING = 300.0
"""Seconds between two ``expire_offers()`` calls when the router can have no timer: they
only drop the deadlines of offers accepted at once."""


def has_timers(world: World, component: Component) -> bool:
    """Whether the router may change a decision with no event (``next_wakeup`` matters).

    Per ``Router.next_wakeup``: offer deadlines (agents answer after a delay), bullseye
    tiers and overflow thresholds, waivers starting or ending, and contacts behind a
    declined one (the simulator never declines).
    """
    response = world.scenario.routing.agent_response
    if response.kind != "fixed" or response.expected() != 0.0 or world.waivers:
        return True
    return any(len(world.queues[i].queue.bullseye) > 1
               or world.queues[i].queue.overflow_after_seconds is not None
               for i in component.queues)


def simulate_component(
    world: World, component: Component, rng: np.random.Generator
) -> CallLog:
    """Run the day of one component and return what happened to every contact."""
    s = world.scenario
    t0 = world.t0
    calls = draw_calls(world, component.queues, rng)
    clock = ManualClock(t0)
    router = Router(clock, offer_timeout=s.routing.offer_timeout_seconds)
    sim_queues = [world.queues[i] for i in component.queues]
    for q in sim_queues:
        router.upsert_queue(q.queue, q.priority)
    router.set_contracts(world.contracts)
    router.set_waivers(world.waivers)
    agenda = Agenda()
    staffing = Staffing()
    presence = Presence(world, component, router, agenda, staffing)

    n = len(calls)
    arr = (calls.arrival + t0).tolist()
    arr_q = calls.queue.tolist()
    svc = calls.service.tolist()
    pat = calls.patience.tolist()
    cb_draw = calls.callback_draw.tolist()
    ids = cast(list[ContactId], list(map(str, range(n))))  # ContactId is a str
    qids: list[QueueId] = [q.queue.id for q in sim_queues]
    chans: list[Channel] = [q.spec.channel for q in sim_queues]
    prios: list[int] = [q.priority for q in sim_queues]
    cb_after = [math.inf if q.spec.callback is None else q.spec.callback.after_seconds
                for q in sim_queues]
    cb_accept = [0.0 if q.spec.callback is None else q.spec.callback.acceptance
                 for q in sim_queues]
    st = [WAITING] * n
    ans_at = [math.nan] * n
    end_at = [math.nan] * n
    agent_of = [-1] * n
    over = [False] * n
    took_cb = [False] * n

    response = s.routing.agent_response
    resp_zero = response.kind == "fixed" and response.expected() == 0.0
    timeout = s.routing.offer_timeout_seconds
    recovery = s.routing.missed_recovery_seconds
    resp_buf: list[float] = []
    aidx = presence.index
    held, pend, watch = presence.held, presence.pending, presence.watch

    heap = agenda.heap
    enqueue, withdraw, accept = router.enqueue, router.withdraw, router.accept
    release, route, next_wakeup = router.release, router.route, router.next_wakeup
    set_clock = clock.set
    horizon = t0 + world.horizon
    inf = math.inf
    fresh: list[int] = []
    wake_at = inf
    now = t0
    ai = 0
    ta = arr[0] if n else inf
    dirty = True
    timers = has_timers(world, component)
    if not timers:
        agenda.push(t0 + _HOUSEKEEPING, WAKEUP, None)
    seq = agenda.seq  # the loop pushes with its own counter (agenda.push is for set-up)
    while True:
        if heap:
            top = heap[0]
            th = top[0]
            take_arrival = ta < th or (ta == th and top[1] > ARRIVAL)
            t = ta if take_arrival else th
        else:
            take_arrival = True
            t = ta
        if t != now:
            if dirty:
                dirty = False
                offers = route()
                for o in offers:
                    cid = o.contact_id
                    i = int(cid)
                    a = aidx[o.agent_id]
                    held[a] += 1
                    agent_of[i] = a
                    over[i] = o.overflow
                    if resp_zero:
                        accept(cid, o.agent_id)
                        st[i] = ANSWERED
                        ans_at[i] = now
                        seq += 1
                        heappush(heap, (now + svc[i], RELEASE, seq, i))
                    else:
                        st[i] = OFFERED
                        pend[a] += 1
                        if not resp_buf:
                            resp_buf = response.sample(rng, _RESPONSE_BATCH).tolist()
                        r = resp_buf.pop()
                        if r < timeout:
                            seq += 1
                            heappush(heap, (now + r, ACCEPT, seq, i))
                for i in fresh:
                    if st[i] == WAITING or st[i] == OFFERED:
                        q = arr_q[i]
                        if pat[i] != inf:
                            seq += 1
                            heappush(heap, (arr[i] + pat[i], PATIENCE, seq, i))
                        if cb_after[q] != inf:
                            seq += 1
                            heappush(heap, (arr[i] + cb_after[q], CALLBACK, seq, i))
                fresh.clear()
                if timers:
                    w = next_wakeup()
                    if w is not None and w < wake_at:
                        wake_at = w
                        seq += 1
                        heappush(heap, (w, WAKEUP, seq, None))
                continue
            if t > horizon:
                break
            now = t
            set_clock(t)
        if take_arrival:
            i = ai
            ai += 1
            ta = arr[ai] if ai < n else inf
            q = arr_q[i]
            enqueue(ids[i], qids[q], chans[q], prios[q])
            fresh.append(i)
            dirty = True
            continue
        _, kind, _, x = heappop(heap)
        if kind == RELEASE:
            i = x  # type: ignore[assignment]
            release(ids[i])
            st[i] = DONE
            end_at[i] = now
            a = agent_of[i]
            held[a] -= 1
            if not held[a] and watch[a]:
                presence.freed(a, now)
            dirty = True
        elif kind == PATIENCE:
            i = x  # type: ignore[assignment]
            si = st[i]
            if si in (WAITING, OFFERED) and not took_cb[i]:
                withdraw(ids[i])
                st[i] = ABANDONED
                end_at[i] = now
                if si == OFFERED:
                    a = agent_of[i]
                    held[a] -= 1
                    pend[a] -= 1
                    presence.offer_settled(a, now)
                dirty = True
        elif kind == ACCEPT:
            i = x  # type: ignore[assignment]
            if st[i] == OFFERED:
                a = agent_of[i]
                accept(ids[i], presence.ids[a])
                st[i] = ANSWERED
                ans_at[i] = now
                pend[a] -= 1
                seq += 1
                heappush(heap, (now + svc[i], RELEASE, seq, i))
                presence.offer_settled(a, now)
                dirty = True
        elif kind == WAKEUP:
            if t == wake_at:
                wake_at = inf
            if not timers and ai < n:
                seq += 1
                heappush(heap, (now + _HOUSEKEEPING, WAKEUP, seq, None))
            for e in router.expire_offers():
                i = int(e.contact_id)
                a = aidx[e.agent_id]
                st[i] = WAITING
                held[a] -= 1
                pend[a] -= 1
                seq += 1
                heappush(heap, (now + recovery, RECOVER, seq, a))
                presence.offer_settled(a, now)
            dirty = True
        elif kind == CALLBACK:
            i = x  # type: ignore[assignment]
            q = arr_q[i]
            if st[i] == WAITING and cb_draw[i] < cb_accept[q]:
                withdraw(ids[i])
                enqueue(ids[i], qids[q], Channel.CALLBACK, prios[q])
                st[i] = CALLBACK_WAITING
                took_cb[i] = True
                dirty = True
        elif kind == RECOVER:
            dirty = presence.recover(x) or dirty  # type: ignore[arg-type]
        else:  # PRESENCE
            presence.apply(x, now)  # type: ignore[arg-type]
            dirty = True
    stop = now if t == inf else horizon
    presence.close(stop)
    return finish_log(component, calls, st, ans_at, end_at, agent_of, over, took_cb,
                      presence.group_of, staffing, stop - t0, t0, arr)
