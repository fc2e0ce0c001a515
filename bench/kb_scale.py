"""Knowledge base at scale: import, index build and load, query latency, against the
libraries an operator would otherwise pick.

    .venv/bin/python bench/kb_scale.py [--articles 20000] [--postgres URL] [--data DIR]

On a fresh SQLite store (or the PostgreSQL database given, which is emptied), with
``--articles`` articles made from the French and Québec FAQ texts (each a FAQ item with a
sentence of another one appended, as ``bench/knowledge.py`` does), prints in the same run:

* ``kb import`` as the CLI runs it (:meth:`KnowledgeService.import_lines`): CPU and wall time;
* the index built from the store by a process that finds no snapshot (it then stores one),
  and loaded by the next process (another CLI command, another server): CPU and wall time,
  the snapshot's size;
* query latency over the Québec FAQ paraphrases: p50 / p95 for the search alone and for a
  whole ``KnowledgeBases.search`` (revision check + search + the hits' versions read);
* the same base in rank-bm25's ``BM25Okapi`` (the Python library one would pip install)
  and in SQLite FTS5 ranked by ``bm25()``: build time and p50 / p95 per query.

Retrieval *quality* of these against Renfort is compared by ``bench/knowledge.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi
from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import kb_datasets as data

from renfort.domain.clock import SystemClock
from renfort.domain.ids import ClientId
from renfort.domain.model import Client, Sector
from renfort.knowledge.articles import HOTLINE_BASE
from renfort.services.knowledge import KnowledgeService
from renfort.services.knowledge_search import KnowledgeBases
from renfort.store import knowledge_repository as kr
from renfort.store import repository as repo
from renfort.store.engine import make_engine, upgrade

CLIENT = "cl-hotline"


def articles(root: Path, size: int) -> list[dict[str, Any]]:
    rng = random.Random(1729)
    sources = data.french_gov_faq(root) + data.quebec_faq(root)
    out = []
    for i in range(size):
        first, second = rng.choice(sources), rng.choice(sources)
        extra = second["answer"].split(". ")[0][:300]
        out.append({**first, "id": f"synthetic-{i}",
                    "answer": f"{first['answer'][:2000]} {extra}".strip()})
    return out


@contextmanager
def timed(label: str, note: str = "") -> Iterator[None]:
    cpu, wall = time.process_time(), time.perf_counter()
    yield
    print(f"| {label} | {time.process_time() - cpu:.2f} s | {time.perf_counter() - wall:.2f} s "
          f"| {note} |")


def percentiles(run: Callable[[str], object], queries: Sequence[str]
                ) -> tuple[float, float, float, float]:
    """Wall-clock p50, p95 and CPU p50, p95 per query, in ms (the CPU figures hold on a
    machine shared with other work; the wall-clock ones include its waits)."""
    for query in queries[:20]:  # warm caches, as a running server's are
        run(query)
    wall, cpu = [], []
    for query in queries:
        started, used = time.perf_counter(), time.process_time()
        run(query)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    wall.sort()
    cpu.sort()
    at = int(0.95 * (len(queries) - 1))
    return statistics.median(wall), wall[at], statistics.median(cpu), cpu[at]


def _shown(figures: tuple[float, float, float, float]) -> str:
    return (f"p50 {figures[0]:.2f} ms, p95 {figures[1]:.2f} ms (CPU: p50 {figures[2]:.2f} ms, "
            f"p95 {figures[3]:.2f} ms)")


def store(url: str | None, workdir: Path) -> Engine:
    if url is None:
        url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        admin.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        repo.save_client(conn, Client(ClientId(CLIENT), HOTLINE_BASE, "Hotline", Sector.PUBLIC))
    return engine


def ours(engine: Engine, lines: list[str], queries: list[str]) -> None:
    clock = SystemClock()
    service = KnowledgeService(engine, clock, KnowledgeBases(engine, clock))
    print("| step | CPU | wall | note |")
    print("|---|---|---|---|")
    with timed(f"import {len(lines):,} articles", "bulk writes; no index built"):
        service.import_lines(HOTLINE_BASE, lines, by="bench")
    builder = KnowledgeBases(engine, clock)
    with timed("index built (first search, no snapshot)", "analysis of every article, "
                                                          "snapshot stored"):
        builder.sync(CLIENT)
    with engine.connect() as conn:
        shot = kr.snapshot(conn, CLIENT)
    size = f"{len(shot.data) / 1e6:.1f} MB" if shot else "none"
    loader = KnowledgeBases(engine, clock)
    with timed("index loaded (next process)", f"snapshot {size}"):
        loader.sync(CLIENT)
    search = loader._bases[CLIENT].search  # the in-memory search itself
    now = clock.now()
    alone = percentiles(lambda q: search.search(q, now=now, k=5), queries)
    whole = percentiles(lambda q: loader.search(CLIENT, q, k=5), queries)
    print(f"\nRenfort, {len(queries)} queries: search alone {_shown(alone)}; with the "
          f"revision check and the versions read from the store {_shown(whole)}\n")


def _words(value: str) -> list[str]:
    return re.findall(r"\w+", value.lower())


def rank_bm25(rows: list[dict[str, Any]], queries: list[str]) -> None:
    cpu = time.process_time()
    index = BM25Okapi([_words(f"{r['question']} {r['answer']}") for r in rows])
    built = time.process_time() - cpu

    def run(query: str) -> list[int]:
        return list(np.argsort(-index.get_scores(_words(query)))[:5])

    sample = queries[:60]  # pure Python over every document: each query is slow
    print(f"| rank-bm25 BM25Okapi (in memory, rebuilt by each process) | {built:.2f} s CPU | "
          f"{_shown(percentiles(run, sample))} | {len(sample)} queries |")


def fts5(rows: list[dict[str, Any]], queries: list[str], workdir: Path) -> None:
    conn = sqlite3.connect(workdir / "fts.db")
    cpu = time.process_time()
    conn.execute("CREATE VIRTUAL TABLE kb USING fts5(ref UNINDEXED, question, answer, "
                 "tokenize='unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO kb VALUES (?, ?, ?)",
                     [(r["id"], r["question"], r["answer"]) for r in rows])
    conn.commit()
    built = time.process_time() - cpu

    def run(query: str) -> list[str]:
        terms = " OR ".join(f'"{w}"' for w in _words(query)) or '""'
        return [r[0] for r in conn.execute(
            "SELECT ref FROM kb WHERE kb MATCH ? ORDER BY bm25(kb, 0, 3.0, 1.0) LIMIT 5",
            (terms,))]

    print(f"| SQLite FTS5, bm25() (on disk, shared) | {built:.2f} s CPU | "
          f"{_shown(percentiles(run, queries))} | {len(queries)} queries |")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (emptied!)")
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    root = args.data or data.data_dir()
    if root is None:
        raise SystemExit("no ../shared/data: pass --data or set RENFORT_SHARED_DATA")
    rows = articles(root, args.articles)
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    queries = [q.text for q in data.quebec_queries(root)]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        engine = store(args.postgres, workdir)
        print(f"## Knowledge base at {args.articles:,} articles, "
              f"{'PostgreSQL' if args.postgres else 'SQLite'}\n")
        ours(engine, lines, queries)
        engine.dispose()
        print("| the same base in | build | query | note |")
        print("|---|---|---|---|")
        rank_bm25(rows, queries)
        fts5(rows, queries, workdir)


if __name__ == "__main__":
    main()
