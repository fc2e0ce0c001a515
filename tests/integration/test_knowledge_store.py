"""The knowledge base in the store, on SQLite and PostgreSQL: imports are all or nothing,
and an index follows changes made by another process without being rebuilt."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select

from renfort.domain.clock import ManualClock
from renfort.domain.errors import ValidationError
from renfort.domain.ids import ClientId
from renfort.domain.model import Client, Sector
from renfort.services.knowledge import KnowledgeService
from renfort.services.knowledge_search import KnowledgeBases
from renfort.store import knowledge_tables as k
from renfort.store import repository as repo
from renfort.store.engine import make_engine

T0 = 1_584_435_600.0


def _line(ref: str, answer: str = "Une heure par jour.") -> str:
    return json.dumps({"id": ref, "question": f"Question {ref} sur le sport ?", "answer": answer,
                       "category": "deplacements", "source": "Gouvernement",
                       "source_date": "2020-03-24"})


Maker = Callable[[ManualClock], tuple[Engine, KnowledgeService]]


@pytest.fixture
def make(database_url: str) -> Iterator[Maker]:
    """Services on engines of their own (one per simulated process), disposed at the end."""
    engines: list[Engine] = []

    def build(clock: ManualClock) -> tuple[Engine, KnowledgeService]:
        engine = make_engine(database_url)
        engines.append(engine)
        return engine, KnowledgeService(engine, clock, KnowledgeBases(engine, clock))

    yield build
    for engine in engines:
        engine.dispose()


def _hotline(engine: Engine) -> None:
    with engine.begin() as conn:
        repo.save_client(conn, Client(ClientId("cl-hotline"), "numero-vert", "Hotline",
                                      Sector.PUBLIC))


def test_import_is_all_or_nothing_and_idempotent(make: Maker) -> None:
    engine, service = make(ManualClock(T0))
    _hotline(engine)
    with pytest.raises(ValidationError, match="line 2"):
        service.import_lines("numero-vert", [_line("a"), '{"id": "b"}'], by="test")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(k.kb_articles)).scalar() == 0
    counts = service.import_lines("numero-vert", [_line("a"), _line("b")], by="test")
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    again = service.import_lines("numero-vert", [_line("a"), _line("b", "Deux heures.")],
                                 by="test")
    assert again == {"created": 0, "updated": 1, "unchanged": 1}


def test_an_index_follows_another_process_incrementally(make: Maker) -> None:
    clock = ManualClock(T0)
    engine, writer = make(clock)
    _, reader = make(clock)
    _hotline(engine)
    writer.import_lines("numero-vert", [_line("a"), _line("b")], by="test")
    hits = reader.search("numero-vert", "question a sport", k=5).result.hits
    assert {h.ref for h in hits} == {"a", "b"}
    clock.advance(60)
    writer.import_lines("numero-vert", [_line("a", "Sans limite de durée désormais.")],
                        by="test")
    found = reader.search("numero-vert", "sans limite de durée", k=1)
    assert (found.result.hits[0].ref, found.result.hits[0].number) == ("a", 2)
    assert found.versions[0].content.answer.startswith("Sans limite")
