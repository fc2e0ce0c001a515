"""Quality checks on the real data in ../shared/data; skipped when it is not there.

Only the tuning parts are used here; the blind parts are for ``bench/knowledge.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
sys.path.insert(0, str(SCRIPTS))
import kb_datasets as data  # noqa: E402

from renfort.knowledge import evaluation  # noqa: E402
from renfort.knowledge.articles import Status, Version, content_from  # noqa: E402
from renfort.knowledge.search import KnowledgeSearch  # noqa: E402
from renfort.knowledge.triage import REDIRECTED, Triage  # noqa: E402
from renfort.services.knowledge_search import bundled_model  # noqa: E402

ROOT = data.data_dir()
pytestmark = pytest.mark.skipif(ROOT is None, reason="../shared/data is not available")


def test_search_beats_plain_bm25_with_distractors() -> None:
    assert ROOT is not None
    rank_bm25 = pytest.importorskip("rank_bm25")
    import re

    lines = data.quebec_faq(ROOT) + data.french_gov_faq(ROOT)
    queries = [q for q in data.quebec_queries(ROOT) if q.part == "dev"]
    search = KnowledgeSearch()
    search.put_all(Version(x["id"], 1, content_from(x), Status.PUBLISHED, valid_from=0.0)
                   for x in lines)
    ours = evaluation.retrieval([([h.ref for h in search.search(q.text, now=1.0, k=10).hits],
                                  {q.relevant}) for q in queries])

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    bm25 = rank_bm25.BM25Okapi([words(f"{x['question']} {x['answer']}") for x in lines])
    ids = [x["id"] for x in lines]
    theirs = evaluation.retrieval([
        ([ids[int(bm25.get_scores(words(q.text)).argmax())]], {q.relevant}) for q in queries])
    assert ours.top1 >= theirs.top1 + 0.05  # dev part is small (91 queries): margin 5 pts
    assert ours.top1 >= 0.35


def test_triage_catches_personal_medical_and_spares_non_medical() -> None:
    assert ROOT is not None
    triage = Triage(bundled_model())
    items = [i for i in data.ibm_intents(ROOT) if i.part != "blind"]
    personal = [i for i in items if i.label == "medical"
                and any(w in i.text.lower().split() for w in ("je", "j'ai", "mon", "ma"))]
    caught = sum(triage.classify(i.text).label in ("medical", "medical_urgent")
                 for i in personal)
    assert caught / len(personal) >= 0.95
    non_medical = [i for i in items if i.label == "non_medical"]
    flagged = sum(triage.classify(i.text).label in REDIRECTED for i in non_medical)
    assert flagged / len(non_medical) <= 0.10
