"""Search a base of article versions for a question as a citizen typed it.

Each published version is one document. Its terms come from three weighted fields: the
question and its alternative phrasings (:data:`QUESTION_WEIGHT`), the category and tags
(:data:`TAG_WEIGHT`) and the answer (weight 1); every field adds the concepts of the crisis
vocabulary it mentions (:mod:`renfort.knowledge.synonyms`).

A query goes through the same analysis, with two additions: a word the base has seen
without accents, or in another inflection, takes the stem the base gave it; a word the base
has never seen is matched to its nearest known words (:mod:`renfort.knowledge.fuzzy`), at a
discount. Only versions in force at the query's instant, and public ones when asked, are
ranked. Each hit says which version matched and how much of the query it covers, which is
what the self-service policy calibrates its confidence on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from renfort.knowledge.articles import FOREVER, Audience, Status, Version
from renfort.knowledge.fuzzy import Vocabulary
from renfort.knowledge.index import InvertedIndex
from renfort.knowledge.synonyms import Synonyms
from renfort.knowledge.text import Analyzer, Lang, Word

QUESTION_WEIGHT = 3.0
TAG_WEIGHT = 1.5
ANSWER_WEIGHT = 1.0
CONCEPT_WEIGHT = 0.8
"""A concept counts this much of a word in a query (the words themselves stay)."""
TYPO_WEIGHT = 0.7
"""A corrected word counts this much of a word spelt right."""
PREFIX_WEIGHT = 0.3
"""Long words also count by their first letters (:func:`prefix_term`), at this weight."""
PREFIX_LENGTH = 6


def prefix_term(surface: str) -> str | None:
    """``^travai`` for "travailler" and "travail", ``^transm`` for "transmission" and
    "transmet": derivations the stemmer keeps apart; only for words of 7+ letters."""
    return "^" + surface[:PREFIX_LENGTH] if len(surface) > PREFIX_LENGTH else None


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked article: the version that matched, its score and how well it matched."""

    ref: str
    number: int
    score: float
    coverage: float
    """Share of the query's weight (idf × weight) that this version contains, 0–1."""
    matched: tuple[str, ...]
    strength: float = 0.0
    """Score per unit of the query's weight: comparable across bases of any size."""


@dataclass(frozen=True, slots=True)
class Result:
    hits: tuple[Hit, ...]
    lang: Lang
    terms: tuple[tuple[str, float], ...]
    corrections: tuple[tuple[str, str], ...]
    """Words the base did not know, with the known word used instead."""

    @property
    def margin(self) -> float:
        """How far the best hit stands above the second, 0–1 (1 when alone)."""
        if not self.hits:
            return 0.0
        if len(self.hits) == 1 or self.hits[0].score <= 0:
            return 1.0
        return 1.0 - self.hits[1].score / self.hits[0].score


@dataclass(frozen=True, slots=True)
class _Meta:
    ref: str
    number: int
    valid_from: float
    valid_to: float
    public: bool


class KnowledgeSearch:
    """An in-memory search over published versions; updated one version at a time."""

    def __init__(self, analyzer: Analyzer | None = None,
                 synonyms: Synonyms | None = None) -> None:
        self.analyzer = analyzer or Analyzer()
        self.synonyms = synonyms or Synonyms(self.analyzer)
        self._index = InvertedIndex()
        self._meta: dict[int, _Meta] = {}
        self._by_ref: dict[str, set[str]] = {}
        self._stem_of: dict[str, str] = {}
        self._vocabulary = Vocabulary()
        self._valid_from = np.zeros(0)
        self._valid_to = np.zeros(0)
        self._public = np.zeros(0, dtype=bool)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: object) -> bool:
        """Whether the version with this key (``ref#number``) is indexed."""
        return key in self._index

    # ------------------------------------------------------------------ maintenance

    def put(self, version: Version) -> None:
        """Index a published version (replacing it if indexed); other statuses are removed."""
        self._drop_key(version.ref, version.key)
        if version.status is not Status.PUBLISHED or version.valid_from is None:
            return
        terms = self._document_terms(version)
        slot = self._index.add(version.key, terms)
        self._by_ref.setdefault(version.ref, set()).add(version.key)
        self._meta[slot] = _Meta(version.ref, version.number, version.valid_from,
                                 FOREVER if version.valid_to is None else version.valid_to,
                                 version.content.audience is Audience.PUBLIC)
        self._grow(slot)

    def put_all(self, versions: Iterable[Version]) -> None:
        for version in versions:
            self.put(version)

    def drop(self, ref: str) -> None:
        """Remove every version of an article (it was archived)."""
        for key in sorted(self._by_ref.get(ref, set())):
            self._drop_key(ref, key)

    def _drop_key(self, ref: str, key: str) -> None:
        if key in self._index:
            slot = self._index.slot(key)
            self._index.remove(key)
            self._meta.pop(slot, None)
            self._valid_from[slot] = FOREVER
        keys = self._by_ref.get(ref)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_ref[ref]

    def _grow(self, slot: int) -> None:
        if slot >= len(self._valid_from):
            size = max(64, 2 * len(self._valid_from), slot + 1)
            extra = size - len(self._valid_from)
            self._valid_from = np.concatenate([self._valid_from, np.full(extra, FOREVER)])
            self._valid_to = np.concatenate([self._valid_to, np.zeros(extra)])
            self._public = np.concatenate([self._public, np.zeros(extra, dtype=bool)])
        meta = self._meta[slot]
        self._valid_from[slot] = meta.valid_from
        self._valid_to[slot] = meta.valid_to
        self._public[slot] = meta.public

    def _field_terms(self, text: str, lang: Lang, weight: float,
                     into: defaultdict[str, float]) -> None:
        words, _ = self.analyzer.analyse(text, lang)
        for word in words:
            self._stem_of.setdefault(word.surface, word.stem)
            self._vocabulary.add(word.surface)
            into[word.stem] += weight
            prefix = prefix_term(word.surface)
            if prefix:
                into[prefix] += weight * PREFIX_WEIGHT
        for concept in self.synonyms.concepts([w.stem for w in words]):
            into[concept] += weight * CONCEPT_WEIGHT

    def _document_terms(self, version: Version) -> defaultdict[str, float]:
        content = version.content
        lang: Lang = "en" if content.lang == "en" else "fr"
        terms: defaultdict[str, float] = defaultdict(float)
        for text in (content.question, *content.alternatives):
            self._field_terms(text, lang, QUESTION_WEIGHT, terms)
        self._field_terms(" ".join((content.category.replace("-", " "), *content.tags)),
                          lang, TAG_WEIGHT, terms)
        self._field_terms(content.answer, lang, ANSWER_WEIGHT, terms)
        return terms

    # ------------------------------------------------------------------ queries

    def query_terms(self, text: str, lang: Lang | None = None
                    ) -> tuple[list[tuple[str, float]], Lang, list[tuple[str, str]]]:
        """Weighted terms of a query, its language and the typo corrections made."""
        words, used = self.analyzer.analyse(text, lang)
        weights: defaultdict[str, float] = defaultdict(float)
        corrections: list[tuple[str, str]] = []
        read: list[str] = []
        for word in words:
            prefix = prefix_term(word.surface)
            if prefix and self._index.df(prefix):
                weights[prefix] += PREFIX_WEIGHT
            stem = self._known_stem(word)
            if stem is not None:
                weights[stem] += 1.0
                read.append(stem)
                continue
            # A word of the crisis vocabulary ("certificate") is not a typo of another.
            close = () if self.synonyms.knows(word.stem) else \
                self._vocabulary.closest(word.surface, limit=2)
            if not close:
                weights[word.stem] += 1.0  # unknown: it counts against the coverage
                read.append(word.stem)
                continue
            best = close[0][1]
            chosen = [c for c, d in close if d == best]
            corrections.append((word.surface, chosen[0]))
            for candidate in chosen:
                weights[self._stem_of[candidate]] += TYPO_WEIGHT / len(chosen)
            read.append(self._stem_of[chosen[0]])
        # Concepts of the words as typed ("certificate") and as read ("certificat").
        typed = self.synonyms.concepts([w.stem for w in words])
        for concept in dict.fromkeys(typed + self.synonyms.concepts(read)):
            weights[concept] += CONCEPT_WEIGHT
        return sorted(weights.items()), used, corrections

    def _known_stem(self, word: Word) -> str | None:
        if self._index.df(word.stem):
            return word.stem
        known = self._stem_of.get(word.surface)
        if known is not None and self._index.df(known):
            return known
        return None

    def search(self, text: str, *, now: float, k: int = 5, public_only: bool = False,
               lang: Lang | None = None) -> Result:
        """The ``k`` best articles in force at ``now`` for the question ``text``."""
        terms, used, corrections = self.query_terms(text, lang)
        scores = self._index.scores(terms)
        size = len(scores)
        if size:
            usable = ((self._valid_from[:size] <= now) & (now < self._valid_to[:size])
                      & self._index.alive())
            if public_only:
                usable &= self._public[:size]
            scores = np.where(usable, scores, 0.0)
        hits = self._top(scores, terms, k)
        return Result(tuple(hits), used, tuple(terms), tuple(corrections))

    # ------------------------------------------------------------------ persistence

    def export(self) -> dict[str, Any]:
        """Everything the search knows, as arrays and lists (:mod:`renfort.knowledge.snapshot`
        turns it into bytes); :meth:`restore` gives back a search that ranks the same."""
        slots = sorted(self._meta)
        size = self._index.capacity
        return {
            **{f"index.{name}": value for name, value in self._index.export().items()},
            "meta_slots": np.asarray(slots, dtype=np.int64),
            "meta_refs": [self._meta[s].ref for s in slots],
            "meta_numbers": np.asarray([self._meta[s].number for s in slots], dtype=np.int64),
            "valid_from": self._valid_from[:size].copy(),
            "valid_to": self._valid_to[:size].copy(), "public": self._public[:size].copy(),
            "surfaces": list(self._stem_of), "stems": list(self._stem_of.values()),
            "words": self._vocabulary.words(),
        }

    @classmethod
    def restore(cls, data: Mapping[str, Any], analyzer: Analyzer | None = None,
                synonyms: Synonyms | None = None) -> KnowledgeSearch:
        search = cls(analyzer, synonyms)
        search._index = InvertedIndex.restore(
            {name[6:]: value for name, value in data.items() if name.startswith("index.")})
        size = max(64, search._index.capacity)
        search._valid_from = np.full(size, FOREVER)
        search._valid_to = np.zeros(size)
        search._public = np.zeros(size, dtype=bool)
        used = len(data["valid_from"])
        search._valid_from[:used] = data["valid_from"]
        search._valid_to[:used] = data["valid_to"]
        search._public[:used] = data["public"]
        for slot, ref, number in zip(data["meta_slots"].tolist(), data["meta_refs"],
                                     data["meta_numbers"].tolist(), strict=True):
            search._meta[slot] = _Meta(ref, number, float(search._valid_from[slot]),
                                       float(search._valid_to[slot]),
                                       bool(search._public[slot]))
            search._by_ref.setdefault(ref, set()).add(f"{ref}#{number}")
        search._stem_of = dict(zip(data["surfaces"], data["stems"], strict=True))
        for word in data["words"]:
            search._vocabulary.add(word)
        return search

    def _top(self, scores: np.ndarray, terms: list[tuple[str, float]], k: int) -> list[Hit]:
        positive = int(np.count_nonzero(scores > 0))
        if not positive or k <= 0:
            return []
        take = min(k, positive)
        if take < len(scores):
            best = np.argpartition(-scores, take - 1)[:take]
        else:
            best = np.arange(len(scores))
        order = sorted(best.tolist(), key=lambda s: (-scores[s], self._meta[s].ref))
        mass = {t: w * self._index.idf(t) for t, w in terms}
        total = sum(mass.values()) or 1.0
        hits = []
        for slot in order[:take]:
            present = self._index.terms_of(slot)
            matched = tuple(t for t, _ in terms if t in present)
            coverage = sum(mass[t] for t in matched) / total
            meta = self._meta[slot]
            hits.append(Hit(meta.ref, meta.number, float(scores[slot]),
                            round(min(1.0, coverage), 4), matched,
                            round(float(scores[slot]) / total, 4)))
        return hits


def softmax_confidence(strength: float, coverage: float, margin: float,
                       coefficients: tuple[float, float, float, float]) -> float:
    """Logistic calibration ``σ(a·coverage + b·margin + c·strength + d)``, 0–1."""
    a, b, c, d = coefficients
    z = a * coverage + b * margin + c * strength + d
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
