"""The triage model: a multinomial logistic regression over words, word pairs and letters.

Features of a question (all binary): the Snowball stem of every content word, each pair
of neighbouring content stems, and the 4-letter pieces of each accent-free content word
(typos). Small words (``je``, ``mon``) are left out on purpose: who the question is about
is the rules' business; trained on a thousand questions, a model that sees pronouns learns
that "je" means "medical". The
weights are trained offline by ``scripts/train_triage.py`` on the training part of the
labelled data and shipped as JSON inside the package; this module only reads them from a
mapping and predicts. :meth:`LinearModel.explain` names the features that pushed a class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from renfort.knowledge.text import Analyzer, detect_lang, is_stopword, strip_accents, tokens

CHAR_N = 4


def features(text: str, analyzer: Analyzer) -> list[str]:
    """The distinct features of ``text``, in a stable order."""
    every = tokens(text)
    lang = detect_lang(every)
    words = [w for w in every if not is_stopword(w, lang)]
    stems = [analyzer.stem(w, lang) for w in words]
    found: dict[str, None] = {}
    for stem in stems:
        found["w:" + stem] = None
    for first, second in pairwise(stems):
        found[f"b:{first}_{second}"] = None
    for word in words:
        padded = f"<{strip_accents(word)}>"
        for i in range(len(padded) - CHAR_N + 1):
            found["c:" + padded[i:i + CHAR_N]] = None
    return list(found)


@dataclass(frozen=True)
class LinearModel:
    """Softmax over ``bias + Σ weights[feature]`` for the features present."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    meta: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        classes = tuple(str(c) for c in data["classes"])
        bias = tuple(float(b) for b in data["bias"])
        weights = {str(f): tuple(float(x) for x in w) for f, w in data["weights"].items()}
        if len(bias) != len(classes) or any(len(w) != len(classes) for w in weights.values()):
            raise ValueError("triage model: every weight needs one value per class")
        return cls(classes, bias, weights, dict(data.get("meta", {})))

    def to_dict(self) -> dict[str, Any]:
        return {"classes": list(self.classes), "bias": list(self.bias),
                "meta": dict(self.meta),
                "weights": {f: list(w) for f, w in sorted(self.weights.items())}}

    def logits(self, feats: Sequence[str]) -> list[float]:
        totals = list(self.bias)
        for feature in feats:
            weight = self.weights.get(feature)
            if weight is not None:
                for i, value in enumerate(weight):
                    totals[i] += value
        return totals

    def probabilities(self, feats: Sequence[str]) -> dict[str, float]:
        logits = self.logits(feats)
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def explain(self, feats: Sequence[str], label: str, limit: int = 3) -> list[str]:
        """The features that most favour ``label`` over the other classes."""
        index = self.classes.index(label)
        pushes = []
        for feature in feats:
            weight = self.weights.get(feature)
            if weight is None:
                continue
            others = [w for i, w in enumerate(weight) if i != index]
            push = weight[index] - (sum(others) / len(others) if others else 0.0)
            if push > 0:
                pushes.append((push, feature))
        pushes.sort(key=lambda p: (-p[0], p[1]))
        return [feature for _, feature in pushes[:limit]]
