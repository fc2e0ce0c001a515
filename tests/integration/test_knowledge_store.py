"""The knowledge base in the store, on SQLite and PostgreSQL: imports are all or nothing,
and an index follows changes made by another process without being rebuilt."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from renfort.domain.clock import ManualClock
from renfort.domain.errors import ValidationError
from renfort.domain.ids import ClientId
from renfort.domain.model import Client, Sector
from renfort.knowledge import snapshot
from renfort.knowledge.search import KnowledgeSearch
from renfort.services import knowledge_search
from renfort.services.knowledge import KnowledgeService
from renfort.services.knowledge_search import KnowledgeBases
from renfort.services.principals import Principal, Role
from renfort.store import knowledge_repository as kr
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


def test_an_import_publishes_drafts_replaces_versions_and_revives_archived_articles(
        make: Maker) -> None:
    clock = ManualClock(T0)
    engine, service = make(clock)
    _hotline(engine)
    admin = Principal("u", "admin", Role.ADMIN)
    assert service.import_lines("numero-vert", [_line("a"), _line("b"), _line("c")],
                                by="test", publish=False)["created"] == 3
    assert service.search("numero-vert", "question sport", k=5).result.hits == ()
    clock.advance(60)
    counts = service.import_lines("numero-vert", [_line("a"), _line("b", "Deux heures."),
                                                  _line("c")], by="test")
    assert counts == {"created": 0, "updated": 3, "unchanged": 0}
    service.archive(admin, "numero-vert", "c")
    clock.advance(60)
    counts = service.import_lines("numero-vert", [_line("a", "Trois heures."), _line("c")],
                                  by="test")
    assert counts == {"created": 0, "updated": 2, "unchanged": 0}
    history = {ref: [(v["version"], v["status"]) for v in service.history(admin, "numero-vert",
                                                                          ref)]
               for ref in "abc"}
    # a: v1 published then replaced by v2 (window closed); b: the draft v1 kept, v2 in force;
    # c: archived, then a new version published brings it back.
    assert history == {"a": [(1, "published"), (2, "published")],
                       "b": [(1, "draft"), (2, "published")],
                       "c": [(1, "published"), (2, "published")]}
    a_versions = service.history(admin, "numero-vert", "a")
    assert a_versions[0]["valid_to"] == a_versions[1]["valid_from"]
    hits = service.search("numero-vert", "question sport", k=5).result.hits
    assert sorted((h.ref, h.number) for h in hits) == [("a", 2), ("b", 2), ("c", 2)]
    assert service.get(admin, "numero-vert", "c")["status"] == "published"


def test_a_process_starts_from_the_stored_index_and_applies_only_later_changes(
        make: Maker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge_search, "SNAPSHOT_AFTER", 3)
    clock = ManualClock(T0)
    engine, writer = make(clock)
    _hotline(engine)
    writer.import_lines("numero-vert", [_line(r) for r in "abcd"], by="test")
    with engine.connect() as conn:
        assert kr.snapshot(conn, "cl-hotline") is None  # an import only writes
    _, first = make(clock)
    assert len(first.search("numero-vert", "question sport", k=10).result.hits) == 4
    with engine.connect() as conn:
        shot = kr.snapshot(conn, "cl-hotline")
    assert shot is not None and shot.revision == 1  # the first search built and stored it
    clock.advance(60)
    writer.import_lines("numero-vert", [_line("b", "Sans limite de durée désormais.")],
                        by="test")
    analysed: list[str] = []
    put = KnowledgeSearch.put
    monkeypatch.setattr(KnowledgeSearch, "put",
                        lambda self, v: (analysed.append(v.key), put(self, v))[1])
    _, second = make(clock)
    found = second.search("numero-vert", "sans limite de durée", k=1)
    assert (found.result.hits[0].ref, found.result.hits[0].number) == ("b", 2)
    assert found.versions[0].content.answer.startswith("Sans limite")
    assert sorted(analysed) == ["b#1", "b#2"]  # the change since the snapshot, not a, c, d
    assert {h.ref for h in second.search("numero-vert", "question sport", k=10).result.hits} \
        == set("abcd")


def test_an_unreadable_snapshot_is_rebuilt(make: Maker) -> None:
    clock = ManualClock(T0)
    engine, writer = make(clock)
    _hotline(engine)
    writer.import_lines("numero-vert", [_line("a")], by="test")
    with engine.begin() as conn:
        kr.save_snapshot(conn, "cl-hotline", kr.Snapshot(1, snapshot.FORMAT, b"garbage"), T0)
    _, reader = make(clock)
    assert [h.ref for h in reader.search("numero-vert", "sport", k=5).result.hits] == ["a"]


def test_an_import_that_stores_the_index_spares_every_process_the_analysis(
        make: Maker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge_search, "SNAPSHOT_AFTER", 3)
    clock = ManualClock(T0)
    engine, writer = make(clock)
    _hotline(engine)
    writer.import_lines("numero-vert", [_line("a")], by="test", index=True)
    _, server = make(clock)  # a process that searched before the big import
    assert [h.ref for h in server.search("numero-vert", "sport", k=5).result.hits] == ["a"]
    clock.advance(60)
    writer.import_lines("numero-vert", [_line(r) for r in "abcdef"], by="test", index=True)
    with engine.connect() as conn:
        shot = kr.snapshot(conn, "cl-hotline")
        assert shot is not None and shot.revision == kr.revision(conn, "cl-hotline")
    analysed: list[str] = []
    put = KnowledgeSearch.put
    monkeypatch.setattr(KnowledgeSearch, "put",
                        lambda self, v: (analysed.append(v.key), put(self, v))[1])
    hits = server.search("numero-vert", "question sport", k=10).result.hits
    assert {h.ref for h in hits} == set("abcdef")
    assert analysed == []  # five new articles: the stored index was loaded instead


def test_concurrent_first_searches_build_the_index_once(
        make: Maker, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ManualClock(T0)
    engine, writer = make(clock)
    _hotline(engine)
    writer.import_lines("numero-vert", [_line(r) for r in "abcd"], by="test")
    analysed: list[str] = []
    put = KnowledgeSearch.put
    monkeypatch.setattr(KnowledgeSearch, "put",
                        lambda self, v: (analysed.append(v.key), put(self, v))[1])
    _, reader = make(clock)
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda _: reader.search("numero-vert", "question sport", k=10),
                              range(8)))
    assert all({h.ref for h in f.result.hits} == set("abcd") for f in found)
    assert sorted(analysed) == ["a#1", "b#1", "c#1", "d#1"]


def test_many_changes_without_a_stored_index_are_applied_all_the_same(
        make: Maker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge_search, "SNAPSHOT_AFTER", 3)
    clock = ManualClock(T0)
    engine, writer = make(clock)
    _hotline(engine)
    writer.import_lines("numero-vert", [_line("a")], by="test")
    _, server = make(clock)
    assert [h.ref for h in server.search("numero-vert", "sport", k=5).result.hits] == ["a"]
    clock.advance(60)
    writer.import_lines("numero-vert", [_line("a", "Plus de limite.")]
                        + [_line(r) for r in "bcdef"], by="test")
    found = server.search("numero-vert", "question sport", k=10)
    assert {(h.ref, h.number) for h in found.result.hits} == {
        ("a", 2), ("b", 1), ("c", 1), ("d", 1), ("e", 1), ("f", 1)}
    with engine.connect() as conn:  # six changes: the server stored what it applied
        shot = kr.snapshot(conn, "cl-hotline")
        assert shot is not None and shot.revision == kr.revision(conn, "cl-hotline")
