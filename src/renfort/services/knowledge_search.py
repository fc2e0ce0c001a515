"""Search and triage use cases: one in-memory index per client base, kept in step with the
store, and the scope guard whose every decision is recorded with its reason.

An index is loaded on first use and then follows the base's *revision*: before each search
one indexed read tells whether the base changed; if so only the versions changed since are
applied (``changes_since``), never a rebuild. A publication made by this process applies its
change at once; one made elsewhere (the CLI, another process) is picked up by the next
search. Who may read which base is decided in :mod:`renfort.services.knowledge_access`.

Analysing every article of a large base takes a while (20 seconds for 20,000), so the index
is stored: a process that built it, or applied :data:`SNAPSHOT_AFTER` changes to it, saves
a snapshot with its revision (``kb_index_snapshots``); any process, a server or one CLI
command, starts from the latest snapshot and applies only the changes made after it. The
index holds no article text: the versions a search returns are read from the store.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from sqlalchemy import Connection, Engine, insert
from sqlalchemy.exc import SQLAlchemyError

from renfort.domain.clock import Clock, to_iso
from renfort.knowledge import snapshot
from renfort.knowledge.articles import Version, content_to
from renfort.knowledge.model import LinearModel
from renfort.knowledge.search import KnowledgeSearch, Result
from renfort.knowledge.synonyms import Synonyms
from renfort.knowledge.text import Analyzer, mask_personal
from renfort.knowledge.triage import Decision, Triage
from renfort.store import knowledge_repository as kr
from renfort.store import knowledge_tables as k

MODEL_RESOURCE = "triage_model.json"
SNAPSHOT_AFTER = 500
"""Changes applied to an index since its last snapshot after which a new one is stored."""
log = logging.getLogger("renfort.knowledge")


def bundled_model() -> LinearModel:
    """The triage model shipped inside the package (``renfort/knowledge/triage_model.json``)."""
    text = resources.files("renfort.knowledge").joinpath(MODEL_RESOURCE).read_text("utf-8")
    return LinearModel.from_dict(json.loads(text))


def version_out(version: Version) -> dict[str, Any]:
    """A version as the API and the CLI show it."""
    return {"id": version.ref, "version": version.number, "status": str(version.status),
            **content_to(version.content),
            "valid_from": to_iso(version.valid_from), "valid_to": to_iso(version.valid_to),
            "created_at": to_iso(version.created_at), "created_by": version.created_by,
            "published_at": to_iso(version.published_at), "published_by": version.published_by}


@dataclass
class _Base:
    search: KnowledgeSearch
    revision: int = 0
    unsaved: int = 0
    """Changes applied since the snapshot this index was loaded from or saved as."""


@dataclass(frozen=True)
class Found:
    """A search result with the versions its hits point to."""

    result: Result
    versions: tuple[Version, ...]

    def as_list(self) -> list[dict[str, Any]]:
        return [{**version_out(v), "score": round(h.score, 4), "coverage": h.coverage}
                for h, v in zip(self.result.hits, self.versions, strict=True)]


class KnowledgeBases:
    """The indexes of every base this process has searched, and the triage engine."""

    def __init__(self, engine: Engine, clock: Clock, model: LinearModel | None = None) -> None:
        self._engine = engine
        self._clock = clock
        self._model = model
        self._analyzer = Analyzer()
        self._synonyms: Synonyms | None = None
        self._triage: Triage | None = None
        self._bases: dict[str, _Base] = {}
        self._gates: dict[str, threading.Lock] = {}
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ triage

    @property
    def triage_engine(self) -> Triage:
        with self._lock:
            if self._triage is None:
                self._triage = Triage(self._model or bundled_model(), self._analyzer)
            return self._triage

    def triage(self, question: str) -> Decision:
        """Classify without recording (offline tools and evaluation)."""
        return self.triage_engine.classify(question)

    def triage_recorded(self, conn: Connection, question: str, *, origin: str,
                        client_id: str | None = None, conversation_id: str | None = None,
                        asked_by: str | None = None) -> Decision:
        """Classify and store the decision with its reason, in the caller's transaction."""
        decision = self.triage(question)
        conn.execute(insert(k.kb_triage_decisions).values(
            at=self._clock.now(), client_id=client_id, origin=origin,
            conversation_id=conversation_id, asked_by=asked_by,
            question=mask_personal(question)[:2000], label=str(decision.label),
            rule=decision.rule, reason=decision.reason,
            probabilities=dict(decision.probabilities) or None))
        return decision

    # ------------------------------------------------------------------ indexes

    def _new_search(self) -> KnowledgeSearch:
        return KnowledgeSearch(self._analyzer, self._shared_synonyms())

    def _shared_synonyms(self) -> Synonyms:
        if self._synonyms is None:
            self._synonyms = Synonyms(self._analyzer)
        return self._synonyms

    def sync(self, client_id: str, *, wait: bool = False, save: bool = False,
             conn: Connection | None = None) -> None:
        """Bring the base's index up to the stored revision (loads or builds it first).

        One thread at a time works on a base; while it does, the others search the index
        as it stands unless they ``wait`` (a base not loaded yet is always waited for).
        ``save`` stores a snapshot of any change applied, however few. ``conn``: the
        caller's open connection, to read with (one checkout per search, not three).
        """
        with self._lock:
            gate = self._gates.setdefault(client_id, threading.Lock())
            held = client_id in self._bases
        if not gate.acquire(blocking=wait or save or not held):
            return
        try:
            if conn is not None:
                self._sync(client_id, save, conn)
            else:
                with self._engine.connect() as own:
                    self._sync(client_id, save, own)
        finally:
            gate.release()

    def _sync(self, client_id: str, save: bool, conn: Connection) -> None:
        stored = kr.revision(conn, client_id)
        with self._lock:
            base = self._bases.get(client_id)
        if base is not None and base.revision >= stored and not (save and base.unsaved):
            return
        known = base.revision if base is not None else 0
        # Many changes (an import): a newer snapshot, if one was stored, is cheaper; if none,
        # they are applied to a copy, so that searches go on with the index as it stands.
        fresh = None
        if base is None or kr.changed_count(conn, client_id, known) > SNAPSHOT_AFTER:
            fresh = self._load(conn, client_id, stored,
                               newer_than=known if base is not None else -1)
            if fresh is None and base is not None:
                with self._lock:
                    copy = snapshot.dump(base.search)
                fresh = _Base(snapshot.load(copy, self._analyzer, self._shared_synonyms()),
                              base.revision, base.unsaved)
        if fresh is not None:
            known = fresh.revision
        elif base is None:
            fresh = _Base(self._new_search())
        changes = kr.changes_since(conn, client_id, known)
        if fresh is not None:
            # Not shared yet: built without the lock, so searches go on meanwhile.
            self._catch_up(fresh, changes, stored)
            with self._lock:
                self._bases[client_id] = fresh
        else:
            assert base is not None
            with self._lock:
                self._catch_up(base, changes, stored)
        work = fresh or base
        assert work is not None
        if work.unsaved >= SNAPSHOT_AFTER or (save and work.unsaved):
            with self._lock:
                shot = kr.Snapshot(work.revision, snapshot.FORMAT, snapshot.dump(work.search))
                work.unsaved = 0
            self._save(client_id, shot)

    def _catch_up(self, base: _Base, changes: list[kr.Change], stored: int) -> None:
        for change in changes:
            self._apply(base, change)
        base.revision = max([stored, base.revision] + [c.revision for c in changes])
        base.unsaved += len(changes)

    def _load(self, conn: Connection, client_id: str, stored: int,
              newer_than: int) -> _Base | None:
        """The base as its stored snapshot has it, or None (none newer than ``newer_than``,
        or of another format)."""
        shot = kr.snapshot(conn, client_id)
        if (shot is None or shot.format != snapshot.FORMAT or shot.revision > stored
                or shot.revision <= newer_than):
            return None
        try:
            search = snapshot.load(shot.data, self._analyzer, self._shared_synonyms())
        except ValueError as error:
            log.warning("knowledge base %s: snapshot unreadable, rebuilt (%s)", client_id, error)
            return None
        return _Base(search, shot.revision)

    def _save(self, client_id: str, shot: kr.Snapshot) -> None:
        """Store a snapshot; a failure only means the next process analyses more."""
        try:
            with self._engine.begin() as conn:
                kr.save_snapshot(conn, client_id, shot, self._clock.now())
        except SQLAlchemyError as error:
            log.warning("knowledge base %s: snapshot not stored (%s)", client_id, error)

    def refresh(self, client_id: str) -> None:
        """Catch up after a change made here, if this process holds the base's index (one
        never searched is not built: an import from the CLI only writes)."""
        with self._lock:
            held = client_id in self._bases
        if held:
            self.sync(client_id, wait=True)  # whoever changed the base then reads it

    @staticmethod
    def _apply(base: _Base, change: kr.Change) -> None:
        if change.archived:
            base.search.drop(change.version.ref)
        else:
            base.search.put(change.version)

    def search(self, client_id: str, question: str, *, k: int = 5,
               public_only: bool = False, conn: Connection | None = None) -> Found:
        """The best ``k`` articles in force now in the base of ``client_id`` (read with
        ``conn`` when given)."""
        if conn is None:
            with self._engine.connect() as own:
                return self.search(client_id, question, k=k, public_only=public_only,
                                   conn=own)
        self.sync(client_id, conn=conn)
        with self._lock:
            base = self._bases[client_id]
            result = base.search.search(question, now=self._clock.now(), k=k,
                                        public_only=public_only)
        if not result.hits:
            return Found(result, ())
        stored = kr.versions_by_number(conn, client_id, [(h.ref, h.number) for h in result.hits])
        # A hit whose version has gone since (never, short of a deleted row) is left out.
        hits = tuple(h for h in result.hits if (h.ref, h.number) in stored)
        return Found(replace(result, hits=hits),
                     tuple(stored[(h.ref, h.number)] for h in hits))

    def forget(self, client_id: str | None = None) -> None:
        """Drop cached indexes (all of them when ``client_id`` is None)."""
        with self._lock:
            if client_id is None:
                self._bases.clear()
            else:
                self._bases.pop(client_id, None)
