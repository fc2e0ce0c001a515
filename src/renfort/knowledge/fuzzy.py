"""Typo tolerance: the closest known words to a word the index has never seen.

Candidates come from character trigrams shared with the word (padded, so the first and last
letters count); each candidate is then checked with the optimal-string-alignment distance
(Damerau–Levenshtein where a transposition of two neighbours costs one edit). Allowed
distance grows with length: none under 5 letters, one up to 8, two beyond. "atestation",
"attestaion" and "atttestation" all come back to "attestation"; "chomage" needs no edit at
all because accents are stripped before we get here.
"""

from __future__ import annotations

from collections import Counter


def _grams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def max_edits(length: int) -> int:
    """Edits tolerated in a word of ``length`` letters."""
    if length < 5:
        return 0
    if length <= 8:
        return 1
    return 2


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b``; ``limit + 1`` once above it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Vocabulary:
    """Known words with a trigram index; words can be added at any time (never removed:
    a word that no article uses any more simply finds no posting)."""

    def __init__(self) -> None:
        self._words: set[str] = set()
        self._by_gram: dict[str, list[str]] = {}
        self._memo: dict[str, tuple[tuple[str, int], ...]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __len__(self) -> int:
        return len(self._words)

    def words(self) -> list[str]:
        """Every known word, sorted (what a restored vocabulary is rebuilt from)."""
        return sorted(self._words)

    def add(self, word: str) -> None:
        if word in self._words or len(word) < 4:
            self._words.add(word)
            return
        self._words.add(word)
        for gram in _grams(word):
            self._by_gram.setdefault(gram, []).append(word)
        self._memo.clear()

    def closest(self, word: str, limit: int = 3) -> tuple[tuple[str, int], ...]:
        """Up to ``limit`` known words within :func:`max_edits` of ``word``, nearest first,
        as ``(word, edits)``; empty when ``word`` is known, short, or has no close match."""
        if word in self._words:
            return ()
        memo = self._memo.get(word)
        if memo is not None:
            return memo
        edits = max_edits(len(word))
        found: tuple[tuple[str, int], ...] = ()
        if edits:
            grams = _grams(word)
            shared: Counter[str] = Counter()
            for gram in grams:
                shared.update(self._by_gram.get(gram, ()))
            # A word within k edits shares at least |grams| - 3k trigrams with it.
            needed = max(1, len(grams) - 3 * edits)
            scored = []
            for candidate, count in shared.items():
                if count < needed:
                    continue
                d = distance(word, candidate, edits)
                if d <= edits:
                    scored.append((d, -count, candidate))
            scored.sort()
            found = tuple((c, d) for d, _, c in scored[:limit])
        if len(self._memo) > 50_000:
            self._memo.clear()
        self._memo[word] = found
        return found
