"""Synthetic traffic through the real HTTP API, so a demo looks alive.

Contacts arrive as a Poisson stream; driven agents accept what they are offered, talk for a
lognormal while, write to chat customers, then wrap up; impatient callers hang up.

The arrival times are drawn in advance from the start instant, not from "now": a slow
answer delays the next posts but never drops them, so the rate asked is the rate sent (the
posts go out through a small pool of connections). Only agents nobody is using are driven
(their log-in succeeds), and when the traffic stops — duration reached, Ctrl-C or SIGTERM —
it winds down what it started: driven agents finish or decline what they hold and log out,
and its contacts still waiting are abandoned.
"""

from __future__ import annotations

import math
import random
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console

from renfort.config import Settings
from renfort.domain.errors import AuthenticationError, ValidationError

DISPOSITIONS = ("information-given", "attestation-explained", "redirected-to-website",
                "claim-opened", "card-blocked", "callback-scheduled")
CHAT_LINES = ("Bonjour, je regarde votre dossier.",
              "Vous trouverez l'attestation sur le site officiel, je vous envoie le lien.",
              "Est-ce que je peux vous aider pour autre chose ?")
STOP_REASON = "fin du trafic de démonstration"
WORKERS = 16
"""Connections posting contacts and driving agents at once."""


@dataclass
class _Driven:
    id: str
    rng: random.Random
    busy_until: dict[str, float] = field(default_factory=dict)


@dataclass
class TrafficReport:
    """What one run did; ``open_at_end`` counts what the wind-down could not close."""

    scheduled: int = 0
    posted: int = 0
    answered: int = 0
    abandoned: int = 0
    seconds: float = 0.0
    agents: int = 0
    open_at_end: int = 0

    @property
    def rate(self) -> float:
        return self.posted / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _State:
    """Shared between the main loop and the pool's threads (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: dict[str, float] = field(default_factory=dict)
    """Contact id → instant its caller gives up, while not yet offered."""
    mine: set[str] = field(default_factory=set)
    """Every contact this run posted and has not seen closed."""
    report: TrafficReport = field(default_factory=TrafficReport)


def arrival_offsets(rate: float, rng: random.Random) -> Iterator[float]:
    """Seconds after the start at which contacts arrive: a Poisson stream of ``rate``/s."""
    at = 0.0
    while True:
        at += rng.expovariate(rate)
        yield at


def server_url(settings: Settings) -> str:
    """The address ``renfort serve`` listens on with the same settings."""
    host = settings.host
    if host in ("0.0.0.0", "::", ""):  # every interface: this machine's is one of them
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def _phone(rng: random.Random) -> str:
    return "+33 6 " + " ".join(f"{rng.randrange(100):02d}" for _ in range(4))


def run_traffic(*, url: str, rate: float, n_agents: int, duration: float, username: str,
                password: str, seed: int, console: Console) -> TrafficReport:
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=WORKERS + 4, max_keepalive_connections=WORKERS + 4)
    with httpx.Client(base_url=url, timeout=10.0, limits=limits) as http:
        try:
            token = http.post("/api/v1/auth/token",
                              data={"username": username, "password": password})
        except httpx.HTTPError as error:
            raise ValidationError(f"cannot reach {url}: {error}") from None
        if token.status_code != 200:
            raise AuthenticationError(f"log-in as {username!r} refused")
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        queues = http.get("/api/v1/queues").json()
        state = _State()
        agents: list[_Driven] = []
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="traffic") as pool, \
                _StopOnSigterm():
            try:
                agents.extend(_start_agents(http, n_agents, rng))
                state.report.agents = len(agents)
                console.print(f"{url}: driving {len(agents)} agents, {rate}/s contacts on "
                              f"{len(queues)} queues")
                _loop(http, pool, queues, agents, rate, duration, rng, state, console)
            except KeyboardInterrupt:
                console.print("stopping…")
            finally:
                _wind_down(http, pool, agents, state)
        report = state.report
        console.print(
            f"posted {report.posted} of {report.scheduled} contacts in {report.seconds:.0f} s "
            f"({report.rate:.1f}/s for {rate}/s asked), answered {report.answered}, "
            f"abandoned {report.abandoned}; {report.agents} agents logged out, "
            f"{report.open_at_end} contacts left open")
        return report


class _StopOnSigterm:
    """SIGTERM stops the traffic like Ctrl-C (main thread only: signals go there)."""

    def __enter__(self) -> None:
        self.previous: Any = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._interrupt)

    @staticmethod
    def _interrupt(number: int, frame: Any) -> None:
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def _start_agents(http: httpx.Client, n_agents: int, rng: random.Random) -> list[_Driven]:
    """Up to ``n_agents`` agents, each logged in here and available (an agent someone is
    already logged in as is left to them)."""
    everyone = http.get("/api/v1/agents").json()
    rng.shuffle(everyone)
    driven: list[_Driven] = []
    for agent in everyone:
        if len(driven) >= n_agents:
            break
        if http.post(f"/api/v1/agents/{agent['id']}/login").status_code != 200:
            continue
        driven.append(_Driven(agent["id"], random.Random(rng.random())))
        available = http.put(f"/api/v1/agents/{agent['id']}/state",
                             json={"state": "available"})
        if available.status_code != 200:  # at home without the client's consent, say
            http.post(f"/api/v1/agents/{agent['id']}/logout")
            driven.pop()
    return driven


def _loop(http: httpx.Client, pool: ThreadPoolExecutor, queues: list[dict[str, Any]],
          agents: list[_Driven], rate: float, duration: float, rng: random.Random,
          state: _State, console: Console) -> None:
    start = time.monotonic()
    end = start + duration if duration > 0 else math.inf
    offsets = arrival_offsets(rate, rng)
    next_arrival = start + next(offsets)
    next_poll = next_report = start
    polling: list[Future[None]] = []
    weights = [5.0 if q["client"] == "numero-vert" else 1.0 for q in queues]
    try:
        while True:
            now = time.monotonic()
            if now >= end:
                break
            while next_arrival <= min(now, end):  # catch up: none is skipped
                queue = rng.choices(queues, weights)[0]
                channel = rng.choice(sorted(c for c in queue["channels"] if c != "callback")
                                     or queue["channels"])
                patience = rng.expovariate(1 / 90)
                pool.submit(_post, http, state, {
                    "queue": queue["id"], "channel": channel, "customer_ref": _phone(rng)},
                    patience)
                state.report.scheduled += 1
                next_arrival = start + next(offsets)
            if now >= next_poll and all(f.done() for f in polling):
                polling = [pool.submit(_serve, http, agent, state) for agent in agents]
                polling.append(pool.submit(_give_up, http, state))
                next_poll = now + 1.0
            if now >= next_report + 5:
                report = state.report
                console.print(f"posted {report.posted}  answered {report.answered}  "
                              f"abandoned {report.abandoned}")
                next_report = now
            time.sleep(max(0.0, min(next_arrival, next_poll, end) - time.monotonic()))
    finally:
        state.report.seconds = time.monotonic() - start


def _post(http: httpx.Client, state: _State, body: dict[str, Any], patience: float) -> None:
    reply = http.post("/api/v1/contacts", json=body)
    if reply.status_code == 201:
        contact_id = reply.json()["id"]
        with state.lock:
            state.report.posted += 1
            state.mine.add(contact_id)
            state.waiting[contact_id] = time.monotonic() + patience


def _give_up(http: httpx.Client, state: _State) -> None:
    now = time.monotonic()
    with state.lock:
        due = [cid for cid, gives_up in state.waiting.items() if now >= gives_up]
        for cid in due:
            del state.waiting[cid]
    for cid in due:
        if http.post(f"/api/v1/contacts/{cid}/abandon").status_code == 200:
            with state.lock:
                state.report.abandoned += 1
                state.mine.discard(cid)


def _serve(http: httpx.Client, agent: _Driven, state: _State) -> None:
    """One look at an agent's desk: accept an offer, write, wrap up a finished talk."""
    reply = http.get(f"/api/v1/agents/{agent.id}/status")
    if reply.status_code != 200:
        return
    status = reply.json()
    now = time.monotonic()
    if status["status"] == "missed":
        http.put(f"/api/v1/agents/{agent.id}/state", json={"state": "available"})
    for contact in status["contacts"]:
        cid = contact["id"]
        if contact["state"] == "offered":
            with state.lock:
                state.waiting.pop(cid, None)
            if http.post(f"/api/v1/contacts/{cid}/accept").status_code == 200:
                with state.lock:
                    state.report.answered += 1
                agent.busy_until[cid] = now + math.exp(agent.rng.gauss(math.log(25), 0.5))
                if contact["channel"] == "chat":
                    http.post(f"/api/v1/contacts/{cid}/messages",
                              json={"body": agent.rng.choice(CHAT_LINES)})
        elif cid in agent.busy_until and now >= agent.busy_until[cid]:
            _wrap_up(http, agent, cid, state)
        elif cid not in agent.busy_until:
            agent.busy_until[cid] = now + 5


def _wrap_up(http: httpx.Client, agent: _Driven, cid: str, state: _State) -> None:
    http.post(f"/api/v1/contacts/{cid}/wrap-up",
              json={"disposition": agent.rng.choice(DISPOSITIONS)})
    agent.busy_until.pop(cid, None)
    with state.lock:
        state.mine.discard(cid)


def _wind_down(http: httpx.Client, pool: ThreadPoolExecutor, agents: list[_Driven],
               state: _State) -> None:
    """Leave the federation as found: no driven agent logged in or holding a contact, no
    contact of this run still waiting. Each step waits for the one before (an agent offered
    a contact cannot log out; a declined contact goes back to its queue)."""
    pool.shutdown(wait=True, cancel_futures=True)  # the posts already sent are known
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="traffic-stop") as closing:
        wait([closing.submit(_release, http, agent, state) for agent in agents])
        with state.lock:
            left = sorted(state.mine)
        wait([closing.submit(_abandon, http, cid, state) for cid in left])
    with state.lock:
        state.report.open_at_end = len(state.mine)


def _release(http: httpx.Client, agent: _Driven, state: _State) -> None:
    """Stop offers to ``agent``, answer what it holds, log it out."""
    http.put(f"/api/v1/agents/{agent.id}/state", json={"state": "break",
                                                       "reason": STOP_REASON})
    reply = http.get(f"/api/v1/agents/{agent.id}/status")
    for contact in reply.json()["contacts"] if reply.status_code == 200 else []:
        if contact["state"] == "offered":
            http.post(f"/api/v1/contacts/{contact['id']}/decline")
        else:
            _wrap_up(http, agent, contact["id"], state)
    http.post(f"/api/v1/agents/{agent.id}/logout")


def _abandon(http: httpx.Client, cid: str, state: _State) -> None:
    """The caller of a contact still waiting hangs up; a contact already closed is left
    alone (the server answers 409)."""
    reply = http.post(f"/api/v1/contacts/{cid}/abandon")
    if reply.status_code in (200, 409):
        with state.lock:
            state.mine.discard(cid)
            if reply.status_code == 200:
                state.report.abandoned += 1
