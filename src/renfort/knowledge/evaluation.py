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


REDIRECTED_LABELS = frozenset({"medical_urgent", "medical", "psychological"})
"""Gold or predicted labels that send the person elsewhere (never answered here)."""


@dataclass(frozen=True, slots=True)
class SafetyScores:
    """What matters for a non-medical line, over ``(gold, predicted)`` 5-way labels.

    *recall* per gold label is the share given that exact label; *urgent recall* the share
    of urgent messages labelled ``medical_urgent``; *redirect recall* the share of
    urgent, medical and psychological messages that are redirected at all (any of the
    three); *false alarms* the share of non-medical messages redirected.
    """

    questions: int
    recall: dict[str, float]
    support: dict[str, int]
    urgent_recall: float | None
    redirect_recall: float | None
    false_alarms: float | None
    missed: int
    """Messages that should be redirected and are not."""

    def as_dict(self) -> dict[str, object]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {"questions": self.questions,
                "recall": {k: round(v, 4) for k, v in self.recall.items()},
                "support": dict(self.support), "urgent_recall": r(self.urgent_recall),
                "redirect_recall": r(self.redirect_recall),
                "false_alarms": r(self.false_alarms), "missed": self.missed}


def safety(pairs: Sequence[tuple[str, str]]) -> SafetyScores:
    """:class:`SafetyScores` of ``(gold, predicted)`` pairs (``medical_advice`` = medical)."""
    norm = [("medical" if g == "medical_advice" else g, p) for g, p in pairs]
    support: dict[str, int] = {}
    right: dict[str, int] = {}
    for gold, predicted in norm:
        support[gold] = support.get(gold, 0) + 1
        right[gold] = right.get(gold, 0) + (gold == predicted)
    urgent = [p for g, p in norm if g == "medical_urgent"]
    redirect = [p for g, p in norm if g in REDIRECTED_LABELS]
    controls = [p for g, p in norm if g == "non_medical"]
    missed = sum(1 for p in redirect if p not in REDIRECTED_LABELS)
    return SafetyScores(
        questions=len(norm),
        recall={k: right[k] / support[k] for k in sorted(support)},
        support=dict(sorted(support.items())),
        urgent_recall=(sum(p == "medical_urgent" for p in urgent) / len(urgent)
                       if urgent else None),
        redirect_recall=(1 - missed / len(redirect)) if redirect else None,
        false_alarms=(sum(p in REDIRECTED_LABELS for p in controls) / len(controls)
                      if controls else None),
        missed=missed)
