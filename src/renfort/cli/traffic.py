"""Synthetic traffic through the real HTTP API, so a demo looks alive.

Contacts arrive as a Poisson stream; driven agents accept what they are offered, talk for a
lognormal while, write to chat customers, then wrap up; impatient callers hang up.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console

from renfort.domain.errors import AuthenticationError, ValidationError

DISPOSITIONS = ("information-given", "attestation-explained", "redirected-to-website",
                "claim-opened", "card-blocked", "callback-scheduled")
CHAT_LINES = ("Bonjour, je regarde votre dossier.",
              "Vous trouverez l'attestation sur le site officiel, je vous envoie le lien.",
              "Est-ce que je peux vous aider pour autre chose ?")


@dataclass
class _Driven:
    id: str
    busy_until: dict[str, float] = field(default_factory=dict)


def _phone(rng: random.Random) -> str:
    return "+33 6 " + " ".join(f"{rng.randrange(100):02d}" for _ in range(4))


def run_traffic(*, url: str, rate: float, n_agents: int, duration: float, username: str,
                password: str, seed: int, console: Console) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=10.0) as http:
        try:
            token = http.post("/api/v1/auth/token",
                              data={"username": username, "password": password})
        except httpx.HTTPError as error:
            raise ValidationError(f"cannot reach {url}: {error}") from None
        if token.status_code != 200:
            raise AuthenticationError(f"log-in as {username!r} refused")
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        queues = http.get("/api/v1/queues").json()
        agents = _start_agents(http, n_agents, rng)
        console.print(f"driving {len(agents)} agents, {rate}/s contacts on {len(queues)} queues")
        _loop(http, queues, agents, rate, duration, rng, console)


def _start_agents(http: httpx.Client, n_agents: int, rng: random.Random) -> list[_Driven]:
    everyone = http.get("/api/v1/agents").json()
    chosen = rng.sample(everyone, min(n_agents, len(everyone)))
    driven = []
    for agent in chosen:
        http.post(f"/api/v1/agents/{agent['id']}/login")  # 409 when already in: fine
        http.put(f"/api/v1/agents/{agent['id']}/state", json={"state": "available"})
        driven.append(_Driven(agent["id"]))
    return driven


def _loop(http: httpx.Client, queues: list[dict[str, Any]], agents: list[_Driven],
          rate: float, duration: float, rng: random.Random, console: Console) -> None:
    start = time.monotonic()
    next_arrival = start
    next_poll = start
    next_report = start + 5
    waiting: dict[str, float] = {}
    posted = answered = abandoned = 0
    weights = [5.0 if q["client"] == "numero-vert" else 1.0 for q in queues]
    while duration == 0 or time.monotonic() - start < duration:
        now = time.monotonic()
        if now >= next_arrival:
            queue = rng.choices(queues, weights)[0]
            channel = rng.choice(sorted(c for c in queue["channels"] if c != "callback")
                                 or queue["channels"])
            reply = http.post("/api/v1/contacts", json={
                "queue": queue["id"], "channel": channel, "customer_ref": _phone(rng)})
            if reply.status_code == 201:
                posted += 1
                waiting[reply.json()["id"]] = now + rng.expovariate(1 / 90)
            next_arrival = now + rng.expovariate(rate)
        if now >= next_poll:
            answered += _serve(http, agents, rng, now, waiting)
            for contact_id, gives_up in list(waiting.items()):
                if now >= gives_up:
                    del waiting[contact_id]
                    if http.post(f"/api/v1/contacts/{contact_id}/abandon").status_code == 200:
                        abandoned += 1
            next_poll = now + 1.0
        if now >= next_report:
            console.print(f"posted {posted}  answered {answered}  abandoned {abandoned}")
            next_report = now + 5
        time.sleep(max(0.0, min(next_arrival, next_poll) - time.monotonic()))


def _serve(http: httpx.Client, agents: list[_Driven], rng: random.Random, now: float,
           waiting: dict[str, float]) -> int:
    accepted = 0
    for agent in agents:
        reply = http.get(f"/api/v1/agents/{agent.id}/status")
        if reply.status_code != 200:
            continue
        status = reply.json()
        if status["status"] == "missed":
            http.put(f"/api/v1/agents/{agent.id}/state", json={"state": "available"})
        for contact in status["contacts"]:
            cid = contact["id"]
            if contact["state"] == "offered":
                waiting.pop(cid, None)
                if http.post(f"/api/v1/contacts/{cid}/accept").status_code == 200:
                    accepted += 1
                    talk = math.exp(rng.gauss(math.log(25), 0.5))
                    agent.busy_until[cid] = now + talk
                    if contact["channel"] == "chat":
                        http.post(f"/api/v1/contacts/{cid}/messages",
                                  json={"body": rng.choice(CHAT_LINES)})
            elif cid in agent.busy_until and now >= agent.busy_until[cid]:
                http.post(f"/api/v1/contacts/{cid}/wrap-up",
                          json={"disposition": rng.choice(DISPOSITIONS)})
                del agent.busy_until[cid]
            elif cid not in agent.busy_until and contact["state"] in ("accepted", "wrap_up"):
                agent.busy_until[cid] = now + 5
    return accepted
