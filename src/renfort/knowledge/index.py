"""An incremental inverted index scored with BM25 over weighted fields.

Documents are bags of weighted term frequencies (a word of the question counts more than a
word of the answer: see :mod:`renfort.knowledge.search`). Adding or removing one document
touches only its own terms' postings, so publishing an article never rebuilds the index.
Scoring is vectorised with NumPy: each query term adds its BM25 contribution to a dense
array of scores, one cell per document slot; slots of removed documents are masked out.

BM25 (Robertson & Zaragoza): for a term of document frequency *df* in *N* documents,
``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` and a document of weighted length *dl* with
weighted frequency *tf* scores ``idf · tf (k1 + 1) / (tf + k1 (1 - b + b · dl / avgdl))``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass
class _Postings:
    """A term's documents: as lists while it changes, as arrays while it is read. A
    restored index holds arrays only; the lists are made on its first change."""

    slots: list[int] | None
    freqs: list[float] | None
    cache: tuple[npt.NDArray[np.int64], FloatArray] | None = None

    def arrays(self) -> tuple[npt.NDArray[np.int64], FloatArray]:
        if self.cache is None:
            self.cache = (np.asarray(self.slots, dtype=np.int64),
                          np.asarray(self.freqs, dtype=np.float64))
        return self.cache

    def lists(self) -> tuple[list[int], list[float]]:
        """The lists, to change (the arrays are dropped: they are remade when read)."""
        if self.slots is None or self.freqs is None:
            assert self.cache is not None
            self.slots, self.freqs = self.cache[0].tolist(), self.cache[1].tolist()
        self.cache = None
        return self.slots, self.freqs

    def __len__(self) -> int:
        if self.slots is not None:
            return len(self.slots)
        assert self.cache is not None
        return len(self.cache[0])


class InvertedIndex:
    """Documents keyed by a string; each occupies a slot (an integer) for its lifetime."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._slot_of: dict[str, int] = {}
        self._keys: list[str | None] = []
        self._terms: list[dict[str, float] | None] = []
        self._length = np.zeros(64, dtype=np.float64)
        self._alive = np.zeros(64, dtype=bool)
        self._postings: dict[str, _Postings] = {}
        self._total_length = 0.0
        self._count = 0
        # A restored index keeps its documents' terms packed (see :meth:`restore`); a
        # slot's entry in ``_terms`` is then None until it is read.
        self._packed: _Packed | None = None

    # ------------------------------------------------------------------ documents

    def __len__(self) -> int:
        return self._count

    def __contains__(self, key: object) -> bool:
        return key in self._slot_of

    @property
    def capacity(self) -> int:
        """Number of slots ever used (alive or not): the size of a score array."""
        return len(self._keys)

    def slot(self, key: str) -> int:
        return self._slot_of[key]

    def key(self, slot: int) -> str | None:
        return self._keys[slot]

    def terms_of(self, slot: int) -> Mapping[str, float]:
        terms = self._terms[slot]
        if terms is None:
            assert self._packed is not None
            terms = self._terms[slot] = self._packed.terms(slot)
        return terms

    def add(self, key: str, terms: Mapping[str, float]) -> int:
        """Index a document (replacing any document with the same key); returns its slot."""
        if key in self._slot_of:
            self.remove(key)
        slot = len(self._keys)
        if slot >= len(self._length):
            grow = max(64, len(self._length))
            self._length = np.concatenate([self._length, np.zeros(grow)])
            self._alive = np.concatenate([self._alive, np.zeros(grow, dtype=bool)])
        kept = {t: float(f) for t, f in terms.items() if f > 0}
        length = sum(kept.values())
        self._keys.append(key)
        self._terms.append(kept)
        self._slot_of[key] = slot
        self._length[slot] = length
        self._alive[slot] = True
        self._total_length += length
        self._count += 1
        for term, freq in kept.items():
            postings = self._postings.get(term)
            if postings is None:
                postings = self._postings[term] = _Postings([], [])
            slots, freqs = postings.lists()
            slots.append(slot)
            freqs.append(freq)
        return slot

    def remove(self, key: str) -> bool:
        """Forget a document; its slot stays empty for good."""
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return False
        for term in self.terms_of(slot):
            postings = self._postings[term]
            slots, freqs = postings.lists()
            at = slots.index(slot)
            del slots[at]
            del freqs[at]
            if not slots:
                del self._postings[term]
        self._total_length -= float(self._length[slot])
        self._count -= 1
        self._alive[slot] = False
        self._length[slot] = 0.0
        self._terms[slot] = {}
        self._keys[slot] = None
        return True

    # ------------------------------------------------------------------ statistics

    def df(self, term: str) -> int:
        postings = self._postings.get(term)
        return len(postings) if postings else 0

    def idf(self, term: str) -> float:
        """BM25 inverse document frequency (never negative); unknown terms get the most."""
        n = max(self._count, 1)
        df = self.df(term)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def alive(self) -> npt.NDArray[np.bool_]:
        return self._alive[: self.capacity]

    # ------------------------------------------------------------------ scoring

    def scores(self, query: Iterable[tuple[str, float]]) -> FloatArray:
        """BM25 score of every slot for the weighted query terms (0 where nothing matched)."""
        total = np.zeros(self.capacity, dtype=np.float64)
        if not self._count:
            return total
        avgdl = self._total_length / self._count or 1.0
        k1, b = self.k1, self.b
        for term, weight in query:
            postings = self._postings.get(term)
            if postings is None or weight <= 0:
                continue
            slots, freqs = postings.arrays()
            norm = k1 * (1.0 - b + b * self._length[slots] / avgdl)
            total[slots] += (weight * self.idf(term)) * freqs * (k1 + 1.0) / (freqs + norm)
        return total

    # ------------------------------------------------------------------ persistence

    def export(self) -> dict[str, Any]:
        """The whole index as arrays and lists of strings (see :meth:`restore`)."""
        vocabulary = sorted(self._postings)
        ids = {term: i for i, term in enumerate(vocabulary)}
        pointers = np.zeros(self.capacity + 1, dtype=np.int64)
        term_ids: list[int] = []
        freqs: list[float] = []
        for slot in range(self.capacity):
            terms = self.terms_of(slot)
            term_ids.extend(ids[t] for t in terms)
            freqs.extend(terms.values())
            pointers[slot + 1] = len(term_ids)
        return {"k1": self.k1, "b": self.b, "total_length": self._total_length,
                "count": self._count, "keys": list(self._keys), "terms": vocabulary,
                "length": self._length[: self.capacity].copy(),
                "alive": self._alive[: self.capacity].copy(), "pointers": pointers,
                "term_ids": np.asarray(term_ids, dtype=np.int32),
                "freqs": np.asarray(freqs, dtype=np.float64)}

    @classmethod
    def restore(cls, data: Mapping[str, Any]) -> InvertedIndex:
        """The index :meth:`export` described, scoring exactly as it did. Postings are
        views of one array sorted by term: nothing is unpacked until it changes."""
        index = cls(float(data["k1"]), float(data["b"]))
        keys: list[str | None] = list(data["keys"])
        capacity = len(keys)
        index._keys = keys
        index._slot_of = {key: slot for slot, key in enumerate(keys) if key is not None}
        size = max(64, capacity)
        index._length = np.zeros(size, dtype=np.float64)
        index._length[:capacity] = data["length"]
        index._alive = np.zeros(size, dtype=bool)
        index._alive[:capacity] = data["alive"]
        index._total_length = float(data["total_length"])
        index._count = int(data["count"])
        packed = _Packed(list(data["terms"]), np.asarray(data["pointers"], dtype=np.int64),
                         np.asarray(data["term_ids"], dtype=np.int32),
                         np.asarray(data["freqs"], dtype=np.float64))
        index._packed = packed
        index._terms = [None] * capacity
        slots = np.repeat(np.arange(capacity, dtype=np.int64), np.diff(packed.pointers))
        order = np.argsort(packed.term_ids, kind="stable")
        by_term, by_slot, by_freq = packed.term_ids[order], slots[order], packed.freqs[order]
        edges = np.searchsorted(by_term, np.arange(len(packed.vocabulary) + 1))
        for term_id, term in enumerate(packed.vocabulary):
            start, end = int(edges[term_id]), int(edges[term_id + 1])
            if end > start:
                index._postings[term] = _Postings(None, None,
                                                  (by_slot[start:end], by_freq[start:end]))
        return index


@dataclass(frozen=True)
class _Packed:
    """Every document's terms in three arrays (compressed sparse rows): slot ``s`` has the
    terms ``term_ids[pointers[s]:pointers[s + 1]]`` of ``vocabulary``."""

    vocabulary: list[str]
    pointers: npt.NDArray[np.int64]
    term_ids: npt.NDArray[np.int32]
    freqs: FloatArray

    def terms(self, slot: int) -> dict[str, float]:
        start, end = int(self.pointers[slot]), int(self.pointers[slot + 1])
        return {self.vocabulary[t]: f for t, f in
                zip(self.term_ids[start:end].tolist(), self.freqs[start:end].tolist(),
                    strict=True)}
