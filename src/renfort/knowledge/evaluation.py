"""Evaluation measures: retrieval (top-1, top-5, MRR) and classification (per-class P/R)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetrievalScores:
    queries: int
    top1: float
    top5: float
    mrr: float

    def as_dict(self) -> dict[str, float | int]:
        return {"queries": self.queries, "top1": round(self.top1, 4),
                "top5": round(self.top5, 4), "mrr": round(self.mrr, 4)}


def first_relevant_rank(ranked: Sequence[str], relevant: Collection[str]) -> int | None:
    """1-based rank of the first relevant id in ``ranked``, or None."""
    for rank, item in enumerate(ranked, 1):
        if item in relevant:
            return rank
    return None


def retrieval(rankings: Sequence[tuple[Sequence[str], Collection[str]]]) -> RetrievalScores:
    """Scores of ``(ranked ids, relevant ids)`` pairs; MRR counts ranks as far as given."""
    ranks = [first_relevant_rank(ranked, relevant) for ranked, relevant in rankings]
    n = len(ranks) or 1
    return RetrievalScores(
        queries=len(ranks),
        top1=sum(1 for r in ranks if r == 1) / n,
        top5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr=sum(1.0 / r for r in ranks if r is not None) / n,
    )


@dataclass(frozen=True, slots=True)
class ClassScores:
    label: str
    support: int
    predicted: int
    precision: float
    recall: float

    def as_dict(self) -> dict[str, float | int | str]:
        return {"label": self.label, "support": self.support, "predicted": self.predicted,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4)}


def per_class(pairs: Sequence[tuple[str, str]]) -> list[ClassScores]:
    """Precision and recall of each label over ``(gold, predicted)`` pairs."""
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    scores = []
    for label in labels:
        support = sum(1 for g, _ in pairs if g == label)
        predicted = sum(1 for _, p in pairs if p == label)
        right = sum(1 for g, p in pairs if g == p == label)
        scores.append(ClassScores(label, support, predicted,
                                  right / predicted if predicted else 0.0,
                                  right / support if support else 0.0))
    return scores


def collapse_triage(gold: str, predicted: str, gold_labels: Collection[str]) -> tuple[str, str]:
    """Compare a 5-way decision with gold labels that may be coarser.

    ``medical_advice`` (the data sets' name) is ``medical``; when no gold label says
    ``medical_urgent`` an urgent decision counts as ``medical``, and likewise a
    ``psychological`` decision counts as ``medical`` when the gold set has no such label.
    """
    gold = "medical" if gold == "medical_advice" else gold
    if predicted == "medical_urgent" and "medical_urgent" not in gold_labels:
        predicted = "medical"
    if predicted == "psychological" and "psychological" not in gold_labels:
        predicted = "medical"
    return gold, predicted
