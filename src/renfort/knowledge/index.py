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

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass
class _Postings:
    slots: list[int]
    freqs: list[float]
    cache: tuple[npt.NDArray[np.int64], FloatArray] | None = None

    def arrays(self) -> tuple[npt.NDArray[np.int64], FloatArray]:
        if self.cache is None:
            self.cache = (np.asarray(self.slots, dtype=np.int64),
                          np.asarray(self.freqs, dtype=np.float64))
        return self.cache


class InvertedIndex:
    """Documents keyed by a string; each occupies a slot (an integer) for its lifetime."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._slot_of: dict[str, int] = {}
        self._keys: list[str | None] = []
        self._terms: list[dict[str, float]] = []
        self._length = np.zeros(64, dtype=np.float64)
        self._alive = np.zeros(64, dtype=bool)
        self._postings: dict[str, _Postings] = {}
        self._total_length = 0.0
        self._count = 0

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
        return self._terms[slot]

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
            postings.slots.append(slot)
            postings.freqs.append(freq)
            postings.cache = None
        return slot

    def remove(self, key: str) -> bool:
        """Forget a document; its slot stays empty for good."""
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return False
        for term in self._terms[slot]:
            postings = self._postings[term]
            at = postings.slots.index(slot)
            del postings.slots[at]
            del postings.freqs[at]
            postings.cache = None
            if not postings.slots:
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
        return len(postings.slots) if postings else 0

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
