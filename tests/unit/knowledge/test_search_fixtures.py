"""French queries as people type them → the expected article of the demo base.

The table lives in ``tests/fixtures/kb_queries_fr.jsonl``: one query per line with the id
expected first (or within ``top`` when the query is ambiguous on purpose), and the kind of
difficulty it exercises (accents, elisions, typos, colloquial, synonyms, English).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from renfort.knowledge.articles import Status, Version, content_from
from renfort.knowledge.search import KnowledgeSearch

TABLE = Path(__file__).resolve().parents[2] / "fixtures" / "kb_queries_fr.jsonl"
CASES = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def demo_search() -> KnowledgeSearch:
    search = KnowledgeSearch()
    text = resources.files("renfort.demo").joinpath("knowledge_fr.jsonl").read_text("utf-8")
    for line in text.splitlines():
        data = json.loads(line)
        search.put(Version(data["id"], 1, content_from(data), Status.PUBLISHED,
                           valid_from=0.0))
    return search


@pytest.mark.parametrize("case", CASES, ids=[c["query"] for c in CASES])
def test_query_finds_expected_article(demo_search: KnowledgeSearch, case: dict[str, Any]
                                      ) -> None:
    hits = demo_search.search(case["query"], now=1.0, k=5).hits
    ranked = [h.ref for h in hits]
    assert case["expected"] in ranked[: case.get("top", 1)], ranked


def test_every_kind_of_difficulty_is_covered() -> None:
    kinds = {c["kind"] for c in CASES}
    assert {"accents", "elision", "typos", "colloquial", "synonyms", "english"} <= kinds


def test_typo_is_reported_as_a_correction(demo_search: KnowledgeSearch) -> None:
    result = demo_search.search("deplacment", now=1.0)
    assert ("deplacment", "deplacement") in result.corrections


def test_public_only_never_returns_agents_only(demo_search: KnowledgeSearch) -> None:
    question = "procédure question médicale réorientation 15"
    everyone = [h.ref for h in demo_search.search(question, now=1.0).hits]
    public = [h.ref for h in demo_search.search(question, now=1.0, public_only=True).hits]
    assert "procedure-question-medicale" in everyone
    assert "procedure-question-medicale" not in public
