"""Knowledge base: retrieval and triage quality on real data, and search latency.

    .venv/bin/python bench/knowledge.py [--data ../shared/data] [--articles 20000]

Prints, on the same data in the same run:

* retrieval of the Québec FAQ paraphrases (``quebec_covid_faq_fr``) by Renfort's search and
  by a plain BM25 baseline (rank-bm25 ``BM25Okapi`` over lower-cased words of question and
  answer): top-1, top-5 and MRR, over the 48 FAQ items alone and mixed with the ~1,100
  answered French government FAQ items (``fr_gov_covid_faq``) as distractors; separately for
  the tuning part and the blind part (fixed split, ``scripts/kb_datasets.py``);
* the self-service policy on the blind part: share answered automatically, share right;
* triage on the blind parts of ``ibm_watson_covid_intents_fr`` and ``covid_q``: precision
  and recall per class against the silver labels, recall on the *personal* medical
  questions (silver medical with a first-person or relative marker) and the share of
  non-medical questions flagged (redirected);
* search latency p50/p95 over a base of 20,000 articles (built from the French FAQ texts),
  the time to build it and to publish one more article.

Needs ``../shared/data`` (or ``RENFORT_SHARED_DATA``); exits with a message otherwise.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import kb_datasets as data

from renfort.knowledge import evaluation, policy
from renfort.knowledge.articles import Status, Version, content_from
from renfort.knowledge.search import KnowledgeSearch
from renfort.knowledge.triage import REDIRECTED, Label, Triage, plain
from renfort.services.knowledge_search import bundled_model

PERSONAL = re.compile(r"\b(je|j|me|moi|mon|ma|mes|nous|notre|nos|i|my|me|we|our|im)\b")
Ranker = Callable[[str], list[str]]


def _versions(lines: Sequence[dict[str, Any]]) -> list[Version]:
    return [Version(line["id"], 1, content_from(line), Status.PUBLISHED, valid_from=0.0)
            for line in lines]


def ours(lines: Sequence[dict[str, Any]]) -> tuple[KnowledgeSearch, Ranker]:
    search = KnowledgeSearch()
    search.put_all(_versions(lines))
    return search, lambda q: [h.ref for h in search.search(q, now=1.0, k=10).hits]


def bm25(lines: Sequence[dict[str, Any]]) -> Ranker:
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    index = BM25Okapi([words(f"{line['question']} {line['answer']}") for line in lines])
    ids = [line["id"] for line in lines]

    def rank(query: str) -> list[str]:
        scores = index.get_scores(words(query))
        return [ids[i] for i in np.argsort(-scores)[:10]]

    return rank


def _scores(rank: Ranker, queries: Sequence[data.Query]) -> evaluation.RetrievalScores:
    return evaluation.retrieval([(rank(q.text), {q.relevant}) for q in queries])


def retrieval(root: Path) -> None:
    faq = data.quebec_faq(root)
    distractors = data.french_gov_faq(root)
    queries = data.quebec_queries(root)
    parts = {"tuning": [q for q in queries if q.part != "blind"],
             "blind": [q for q in queries if q.part == "blind"]}
    print("## Retrieval: Québec FAQ paraphrases (top-1 / top-5 / MRR)\n")
    print("| base | queries | Renfort | BM25 | Δ top-1 |")
    print("|---|---|---|---|---|")
    blind_search = None
    for name, lines in (("48 FAQ", faq), (f"48 FAQ + {len(distractors)} distractors",
                                          faq + distractors)):
        search, mine = ours(lines)
        theirs = bm25(lines)
        for part, subset in parts.items():
            a, b = _scores(mine, subset), _scores(theirs, subset)
            print(f"| {name} | {part} ({a.queries}) | {a.top1:.3f} / {a.top5:.3f} / "
                  f"{a.mrr:.3f} | {b.top1:.3f} / {b.top5:.3f} / {b.mrr:.3f} | "
                  f"{100 * (a.top1 - b.top1):+.1f} pts |")
        blind_search = search
    assert blind_search is not None
    answered = right = 0
    for query in parts["blind"]:
        result = blind_search.search(query.text, now=1.0, k=5)
        if result.hits and policy.confidence(result) >= policy.ANSWER_THRESHOLD:
            answered += 1
            right += result.hits[0].ref == query.relevant
    n = len(parts["blind"])
    print(f"\nSelf-service on the blind queries (with distractors), threshold "
          f"{policy.ANSWER_THRESHOLD}: answered {answered / n:.1%}, of which right "
          f"{right / max(answered, 1):.1%}; the rest is handed off.\n")


def triage(root: Path) -> None:
    engine = Triage(bundled_model())
    print("## Triage, blind parts (silver labels; medical = medical_advice)\n")
    for name, items in (("IBM Watson intents (fr)", data.ibm_intents(root)),
                        ("COVID-Q (en)", data.covid_q(root))):
        blind = [i for i in items if i.part == "blind"]
        decisions = {i.id: engine.classify(i.text) for i in blind}
        pairs = [evaluation.collapse_triage(i.label, str(decisions[i.id].label),
                                            {"medical", "health_info", "non_medical"})
                 for i in blind]
        print(f"{name}, {len(blind)} questions:\n")
        print("| class | support | precision | recall |")
        print("|---|---|---|---|")
        for s in evaluation.per_class(pairs):
            print(f"| {s.label} | {s.support} | {s.precision:.3f} | {s.recall:.3f} |")
        personal = [i for i in blind if i.label == "medical" and PERSONAL.search(plain(i.text))]
        caught = sum(decisions[i.id].label in (Label.MEDICAL, Label.MEDICAL_URGENT)
                     for i in personal)
        non_medical = [i for i in blind if i.label == "non_medical"]
        flagged = sum(decisions[i.id].label in REDIRECTED for i in non_medical)
        print(f"\npersonal medical caught: {caught}/{len(personal)} "
              f"({caught / max(len(personal), 1):.1%}); non-medical flagged: "
              f"{flagged}/{len(non_medical)} ({flagged / max(len(non_medical), 1):.1%})\n")


def latency(root: Path, size: int) -> None:
    rng = random.Random(1729)
    sources = data.french_gov_faq(root) + data.quebec_faq(root)
    lines = []
    for i in range(size):
        first, second = rng.choice(sources), rng.choice(sources)
        extra = second["answer"].split(". ")[0][:300]
        lines.append({**first, "id": f"synthetic-{i}",
                      "answer": f"{first['answer'][:2000]} {extra}".strip()})
    versions = _versions(lines)
    search = KnowledgeSearch()
    started = time.perf_counter()
    search.put_all(versions)
    built = time.perf_counter() - started
    queries = [q.text for q in data.quebec_queries(root)]
    for text in queries[:20]:  # warm the stemmer cache as a running server would be
        search.search(text, now=1.0)
    timings = []
    for text in queries:
        started = time.perf_counter()
        search.search(text, now=1.0, k=5)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    extra = Version("new-article", 1, content_from(sources[0]), Status.PUBLISHED,
                    valid_from=0.0)
    started = time.perf_counter()
    search.put(extra)
    publish_ms = (time.perf_counter() - started) * 1000
    print(f"## Latency, {size:,} articles\n")
    print(f"index built in {built:.1f} s; one more article published in {publish_ms:.2f} ms "
          "(no rebuild)")
    print(f"search over {len(timings)} queries: p50 {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    root = args.data or data.data_dir()
    if root is None:
        raise SystemExit("no ../shared/data: pass --data or set RENFORT_SHARED_DATA")
    retrieval(root)
    triage(root)
    latency(root, args.articles)


if __name__ == "__main__":
    main()
