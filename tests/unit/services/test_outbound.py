"""The outbound sender: signed, retried with backoff, never dropped, and supervised (an
exception inside its loop is logged and the loop goes on)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import insert, select

from renfort.domain.clock import ManualClock
from renfort.services import outbound
from renfort.store import safety_tables as s
from renfort.store.engine import make_engine, upgrade


def _engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'out.db'}"
    upgrade(url)
    return make_engine(url)


def test_failures_are_retried_with_backoff_and_never_dropped(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    clock = ManualClock(1_000.0)
    with engine.begin() as conn:
        conn.execute(insert(s.outbox).values(outbound.event_row(
            "telephony", "transfer_requested", {"call_id": "c-1"}, clock.now())))
    answers = [OSError("refused"), 500, 204]
    seen: list[dict[str, str]] = []

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        seen.append(headers)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    sender = outbound.OutboundSender(engine, clock, "telephony",
                                     outbound.Target("http://127.0.0.1:9/x", "k"), post=post)
    assert asyncio.run(sender.run_once()) == 0
    assert asyncio.run(sender.run_once()) == 0  # not due yet: backoff
    clock.advance(1.0)
    assert asyncio.run(sender.run_once()) == 0  # HTTP 500
    clock.advance(2.0)
    assert asyncio.run(sender.run_once()) == 1
    with engine.connect() as conn:
        row = conn.execute(select(s.outbox)).mappings().one()
    assert row["attempts"] == 3 and row["delivered_at"] is not None
    assert seen[0]["X-Renfort-Signature"] == outbound.sign(
        "k", seen[0]["X-Renfort-Timestamp"],
        b'{"event":"transfer_requested","call_id":"c-1"}')
    assert outbound.backoff(1) == 1.0 and outbound.backoff(30) == outbound.MAX_BACKOFF


def test_an_exception_in_the_loop_is_logged_and_the_loop_goes_on(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    clock = ManualClock(1_000.0)
    with engine.begin() as conn:
        conn.execute(insert(s.outbox).values(outbound.event_row(
            "telephony", "transfer_requested", {"call_id": "c-2"}, clock.now())))
    delivered: list[bytes] = []
    sender = outbound.OutboundSender(
        engine, clock, "telephony", outbound.Target("http://127.0.0.1:9/x", "k"),
        poll_seconds=0.01, post=lambda url, body, headers: delivered.append(body) or 200)
    real_claim = sender._claim
    calls = {"n": 0}

    def broken_then_fine(limit: int) -> list[tuple[int, str, dict[str, object]]]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("injected failure")
        return real_claim(limit)

    sender._claim = broken_then_fine  # type: ignore[method-assign]

    async def scenario() -> None:
        sender.start()
        for _ in range(500):
            if delivered:
                break
            await asyncio.sleep(0.01)
        await sender.stop()

    asyncio.run(scenario())
    assert sender.failures == 1 and len(delivered) == 1
