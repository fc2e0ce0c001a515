"""Readers of the evaluation data in ``../shared/data`` and the fixed blind split.

Used by ``scripts/train_triage.py`` and ``bench/knowledge.py``; never by the package.

**Blind split.** Of what ``shared/data`` holds (itself ~70 % of each set: the rest is held
out by the data owners), about 30 % more is set aside here and never looked at while tuning:
an item is *blind* when ``sha256("renfort-blind:" + key)`` read as a number is 0, 1 or 2
modulo 10. The key is the query id (Québec queries), the utterance id (IBM intents) and
the question *class* for COVID-Q, so paraphrases of one question never cross the split.
Of the rest, buckets 3 and 4 are the *dev* part (thresholds, calibration) and 5–9 the
*train* part (the triage model's weights).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Part = Literal["train", "dev", "blind"]


def data_dir() -> Path | None:
    """``RENFORT_SHARED_DATA`` or ``../shared/data`` next to the repository, if present."""
    configured = os.environ.get("RENFORT_SHARED_DATA")
    candidates = [Path(configured)] if configured else []
    here = Path(__file__).resolve().parent.parent
    candidates += [here.parent / "shared" / "data", here / "shared" / "data"]
    for candidate in candidates:
        if (candidate / "quebec_covid_faq_fr").is_dir():
            return candidate
    return None


def part_of(key: str) -> Part:
    bucket = int(hashlib.sha256(f"renfort-blind:{key}".encode()).hexdigest()[:12], 16) % 10
    if bucket < 3:
        return "blind"
    if bucket < 5:
        return "dev"
    return "train"


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    relevant: str
    part: Part


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def quebec_faq(root: Path) -> list[dict[str, Any]]:
    """The 48 Québec FAQ items as import lines (question, answer, category)."""
    return [{"id": row["faq_id"], "question": row["question"], "alternatives": [],
             "answer": row["answer_text"], "category": "quebec", "lang": "fr",
             "source": "MSSS Québec", "source_url": "https://www.quebec.ca/sante",
             "source_date": "2020-03-20", "audience": "public", "tags": [row["category"]]}
            for row in _jsonl(root / "quebec_covid_faq_fr" / "faq.jsonl")]


def quebec_queries(root: Path) -> list[Query]:
    return [Query(r["query_id"], r["query_text"], r["faq_id"], part_of(r["query_id"]))
            for r in _csv(root / "quebec_covid_faq_fr" / "queries.csv")]


def french_gov_faq(root: Path) -> list[dict[str, Any]]:
    """The French government FAQ items that carry an answer (not a bare link)."""
    lines = []
    for row in _jsonl(root / "fr_gov_covid_faq" / "faq_items.jsonl"):
        if row["answer_is_link_only"] or not row["answer_text"].strip():
            continue
        lines.append({"id": row["faq_id"], "question": row["question"], "alternatives": [],
                      "answer": row["answer_text"][:20_000], "category": "france", "lang": "fr",
                      "source": row["source"][:200], "source_url": row["url"],
                      "source_date": row["last_seen"], "audience": "public", "tags": []})
    return lines


@dataclass(frozen=True)
class Labelled:
    id: str
    text: str
    label: str
    """``medical``, ``health_info`` or ``non_medical`` (silver ``medical_advice`` renamed)."""
    lang: str
    part: Part
    source: str


def _label(silver: str) -> str:
    return "medical" if silver == "medical_advice" else silver


def ibm_intents(root: Path) -> list[Labelled]:
    return [Labelled(r["utterance_id"], r["utterance"], _label(r["triage_3way"]), "fr",
                     part_of(r["utterance_id"]), "ibm:" + r["intent"])
            for r in _csv(root / "ibm_watson_covid_intents_fr" / "utterances.csv")]


def covid_q(root: Path) -> list[Labelled]:
    return [Labelled(r["question_id"], r["question"], _label(r["triage_3way"]), "en",
                     part_of(r["question_class"]), "covidq:" + r["category"])
            for r in _csv(root / "covid_q" / "questions_labelled.csv")]
