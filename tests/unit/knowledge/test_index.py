"""The index is incremental: adding and removing documents gives the same scores as
building from scratch; typo tolerance finds near words only."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from renfort.knowledge.fuzzy import Vocabulary, distance
from renfort.knowledge.index import InvertedIndex

TERMS = st.sampled_from(["attest", "confin", "ecol", "travail", "aide", "~attestation", "^travai"])
DOCS = st.dictionaries(st.sampled_from([f"d{i}" for i in range(8)]),
                       st.dictionaries(TERMS, st.floats(0.5, 5.0), min_size=1, max_size=5),
                       min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(DOCS, st.lists(st.sampled_from([f"d{i}" for i in range(8)]), max_size=4))
def test_incremental_equals_rebuilt(docs: dict[str, dict[str, float]],
                                    removed: list[str]) -> None:
    incremental = InvertedIndex()
    for key, terms in docs.items():
        incremental.add(key, {"aide": 1.0})  # replaced just below
        incremental.add(key, terms)
    for key in removed:
        incremental.remove(key)
    rebuilt = InvertedIndex()
    kept = {k: v for k, v in docs.items() if k not in removed}
    for key, terms in kept.items():
        rebuilt.add(key, terms)
    query = [("attest", 1.0), ("travail", 0.5), ("~attestation", 0.8)]
    got = incremental.scores(query)
    want = rebuilt.scores(query)
    by_key_got = {incremental.key(s): got[s] for s in range(len(got)) if incremental.key(s)}
    by_key_want = {rebuilt.key(s): want[s] for s in range(len(want)) if rebuilt.key(s)}
    assert by_key_got.keys() == by_key_want.keys() == kept.keys()
    for key in kept:
        assert np.isclose(by_key_got[key], by_key_want[key])


def test_typos_within_edit_distance_only() -> None:
    vocabulary = Vocabulary()
    for word in ("attestation", "deplacement", "confinement", "ecole", "chomage"):
        vocabulary.add(word)
    assert vocabulary.closest("atestation")[0] == ("attestation", 1)
    assert vocabulary.closest("attestaion")[0] == ("attestation", 1)
    assert vocabulary.closest("cofninement")[0] == ("confinement", 1)  # transposition
    assert vocabulary.closest("ecol") == ()  # too short to guess
    assert vocabulary.closest("parapluie") == ()
    assert distance("chomage", "chaumage", 2) == 2
