"""A stored index ranks exactly as the one it was taken from, and goes on changing alike."""

from __future__ import annotations

import io
import json
import pickle
from importlib import resources

import numpy as np
import pytest

from renfort.knowledge import snapshot
from renfort.knowledge.articles import Status, Version, content_from
from renfort.knowledge.search import KnowledgeSearch

QUERIES = ["attestation de déplacement", "atestation deplacment", "chomage partiel",
           "can I go out to buy food", "procédure question médicale réorientation 15",
           "école fermée garde enfant", "mots inconnus xyzzy"]


def _demo() -> list[Version]:
    text = resources.files("renfort.demo").joinpath("knowledge_fr.jsonl").read_text("utf-8")
    out = []
    for line in text.splitlines():
        data = json.loads(line)
        out.append(Version(data["id"], 1, content_from(data), Status.PUBLISHED,
                           valid_from=0.0, valid_to=None if len(out) % 7 else 50.0))
    return out


def _ranked(search: KnowledgeSearch, now: float = 1.0) -> list[object]:
    return [search.search(q, now=now, k=10, public_only=public)
            for q in QUERIES for public in (False, True)]


def test_a_restored_search_ranks_and_changes_exactly_as_the_original() -> None:
    versions = _demo()
    original = KnowledgeSearch()
    original.put_all(versions)
    original.drop(versions[0].ref)
    restored = snapshot.load(snapshot.dump(original))
    assert len(restored) == len(original)
    assert _ranked(restored) == _ranked(original)
    assert _ranked(restored, now=60.0) == _ranked(original, now=60.0)
    # Both go on the same way: a new version, an article withdrawn, one back.
    newer = Version(versions[3].ref, 2, content_from({
        "question": "Faut-il une attestation pour promener le chien ?", "answer": "Oui.",
        "category": "deplacements", "source": "Gouvernement", "source_date": "2020-03-24"}),
        Status.PUBLISHED, valid_from=0.0)
    for search in (original, restored):
        search.put(newer)
        search.drop(versions[5].ref)
        search.put(versions[0])
    assert _ranked(restored) == _ranked(original)
    assert restored.search("promener le chien", now=1.0).hits[0].ref == versions[3].ref


def test_an_empty_search_survives_the_round_trip() -> None:
    restored = snapshot.load(snapshot.dump(KnowledgeSearch()))
    assert len(restored) == 0
    assert restored.search("attestation", now=1.0).hits == ()


def test_bytes_it_did_not_write_are_refused_and_never_unpickled() -> None:
    with pytest.raises(ValueError):
        snapshot.load(b"not a snapshot")
    with pytest.raises(ValueError):
        snapshot.load(pickle.dumps({"index.keys": []}))
    out = io.BytesIO()
    np.savez(out, __strings__=np.array([{"k1": 1}], dtype=object))  # an object array
    with pytest.raises(ValueError):
        snapshot.load(out.getvalue())
