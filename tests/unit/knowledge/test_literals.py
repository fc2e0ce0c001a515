"""The literal pre-check of the colloquial patterns never changes what :func:`fold` does."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from renfort.knowledge import text
from renfort.knowledge.literals import leading_literals


def test_literals_of_alternatives_with_a_shared_start() -> None:
    assert leading_literals(r"\b(chui|chuis|jsuis|chu)\b") == ("chu", "jsuis")
    assert leading_literals(r"@covid|@virus") == ("@covid", "@virus")
    assert leading_literals(r"\bcovid ?19\b") == ("covid",)
    assert leading_literals(r"\bj'?(vais|veux)\b") == ("j",)


def test_a_pattern_that_may_start_anywhere_has_no_literal() -> None:
    assert leading_literals(r"\b\w+ment\b") is None
    assert leading_literals(r"(a|\d)x") is None
    assert leading_literals(r"x?abc") is None


def _fold_every_pattern(value: str) -> str:
    """:func:`text.fold` as it was: every pattern run on every text."""
    value = unicodedata.normalize("NFC", value).lower().translate(text._APOSTROPHES)
    for pattern, replacement, _ in text._COLLOQUIAL_RE:
        value = pattern.sub(replacement, value)
    value = text._ELISION.sub(lambda m: text._ELIDED[m.group(1)] + " ", value)
    for pattern, replacement in text._EN_CONTRACTIONS:
        value = pattern.sub(replacement, value)
    return value


# Pieces of every pattern (its alternatives, as typed), glued with ordinary words.
PIECES = sorted({piece for p, _ in text._COLLOQUIAL
                 for piece in re.findall(r"[a-zà-ÿ0-9@'-]+", p.replace("\\b", " "))}
                | {"je", "vais", "Covid-19", "corona virus", "l'attestation", "école", "-", "'",
                   "19", " ", "?", "Ya", "J’vais", "qu'", "n't"})


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=12),
       st.lists(st.sampled_from(["", " ", "'", "-", "."]), min_size=12, max_size=12))
def test_fold_is_the_same_with_and_without_the_check(pieces: list[str],
                                                      glue: list[str]) -> None:
    value = "".join(p + g for p, g in zip(pieces, glue, strict=False))
    assert text.fold(value) == _fold_every_pattern(value)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(text._COLLOQUIAL_RE), st.lists(st.sampled_from(PIECES), max_size=6))
def test_a_match_always_contains_one_of_its_literals(
        compiled: tuple[re.Pattern[str], str, tuple[str, ...] | None], pieces: list[str]) -> None:
    pattern, _, needles = compiled
    value = " ".join(pieces)
    if pattern.search(value) and needles is not None:
        assert any(n in value for n in needles)
