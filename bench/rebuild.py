"""Rebuilding the desk from the store: seconds to load a national backlog.

Run: ``.venv/bin/python bench/rebuild.py [--waiting 100000] [--agents 10000] [--postgres URL]
[--profile]``.

Builds the demo federation plus ``--agents`` extra agents (half logged in, a tenth of those
holding an accepted contact) and ``--waiting`` waiting contacts spread over the queues, in a
fresh SQLite file (and in a PostgreSQL database when ``--postgres`` names a server: a
database ``renfort_bench_rebuild`` is created and dropped there). Then times what a start-up
or a take-over does: :meth:`renfort.services.desk_handlers.DeskCore.load`, and the snapshot
the readers get. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from renfort.bootstrap import build_runtime
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.domain.ids import new_id
from renfort.services.demo_load import load_demo
from renfort.services.desk_handlers import DeskCore
from renfort.store import tables as t
from renfort.store.engine import make_engine, upgrade

T0 = datetime(2020, 3, 17, 9, 0, tzinfo=UTC).timestamp()


def populate(url: str, waiting: int, agents: int) -> None:
    upgrade(url)
    runtime = build_runtime(Settings(database_url=url), ManualClock(T0))
    load_demo(runtime.engine, runtime.auth, datetime.fromtimestamp(T0, tz=UTC))
    engine = runtime.engine
    rng = random.Random(7)
    with engine.begin() as conn:
        queues = conn.execute(select(t.queues.c.id, t.queues.c.client_id, t.queues.c.channels,
                                     t.queues.c.skill)).all()
        template = conn.execute(select(t.agents).limit(1)).mappings().one()
        outsourcers = [r[0] for r in conn.execute(select(t.outsourcers.c.id))]
        skills = sorted({q.skill for q in queues})
        rows = []
        for n in range(agents):
            row = dict(template)
            row.update(id=f"bench-ag-{n:05d}", name=f"Agent {n}",
                       outsourcer_id=outsourcers[n % len(outsourcers)],
                       skills={s: rng.randint(1, 5) for s in rng.sample(skills, 3)},
                       status="available" if n % 2 == 0 else "logged_out",
                       status_since=T0)
            rows.append(row)
        conn.execute(insert(t.agents), rows)
        contacts = []
        for n in range(waiting):
            queue = queues[n % len(queues)]
            contacts.append({
                "id": new_id(), "seq": n + 1, "queue_id": queue.id, "client_id": queue.client_id,
                "channel": sorted(queue.channels)[0], "customer_ref": f"+33 6 {n:08d}",
                "external_ref": None, "priority": 2, "state": "queued", "agent_id": None,
                "outsourcer_id": None, "overflow": False, "created_at": T0 + n * 0.01,
                "enqueued_at": T0 + n * 0.01, "offered_at": None, "answered_at": None,
                "ended_at": None, "disposition": None})
        for start in range(0, len(contacts), 10_000):
            conn.execute(insert(t.contacts), contacts[start:start + 10_000])
    engine.dispose()


def time_load(url: str, profile: bool) -> None:
    engine = make_engine(url)
    core = DeskCore(engine, ManualClock(T0 + 3600), offer_timeout=20)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with engine.begin() as conn:
        rows = core.load(conn, restart=True)
        rows.write(conn)
    loaded = time.perf_counter()
    core.full_view()
    viewed = time.perf_counter()
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    backend = make_url(url).get_backend_name()
    print(f"  {backend:10s} load {loaded - started:6.2f} s   snapshot {viewed - loaded:5.2f} s   "
          f"waiting {sum(1 for _ in core.router.waiting())}   agents "
          f"{len(core.config_view.agents)}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--waiting", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (any database)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(f"Rebuild of the desk: {args.waiting:,} waiting contacts, "
          f"{args.agents:,} extra agents (target <= 3 s)")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'rebuild.db'}"
        populate(url, args.waiting, args.agents)
        time_load(url, args.profile)
    if args.postgres:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS renfort_bench_rebuild"))
            conn.execute(text("CREATE DATABASE renfort_bench_rebuild"))
        url = make_url(args.postgres).set(database="renfort_bench_rebuild") \
            .render_as_string(hide_password=False)
        try:
            populate(url, args.waiting, args.agents)
            time_load(url, args.profile)
        finally:
            with admin.connect() as conn:
                conn.execute(text("DROP DATABASE IF EXISTS renfort_bench_rebuild"))
            admin.dispose()


if __name__ == "__main__":
    main()
