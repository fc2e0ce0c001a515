"""Fit the self-service confidence (``CALIBRATION`` in ``renfort/knowledge/policy.py``).

    .venv/bin/python scripts/calibrate_answers.py [--data ../shared/data]

A logistic regression of "the first hit is the right article" on the first hit's coverage,
the margin over the second hit and its strength (score per unit of query weight), over the
Québec paraphrases outside the blind part, searched in the Québec FAQ mixed with the French
government FAQ (the harder setting). Prints the coefficients to paste into ``policy.py``
and, for a few thresholds, the share of questions answered and the share of those answers
that were right, on the tuning queries and on the blind part.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kb_datasets as data

from renfort.knowledge.articles import Status, Version, content_from
from renfort.knowledge.search import KnowledgeSearch, Result


def features(result: Result) -> list[float]:
    best = result.hits[0]
    return [best.coverage, result.margin, best.strength]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    root = args.data or data.data_dir()
    if root is None:
        raise SystemExit("no ../shared/data: pass --data or set RENFORT_SHARED_DATA")
    search = KnowledgeSearch()
    for line in data.quebec_faq(root) + data.french_gov_faq(root):
        search.put(Version(line["id"], 1, content_from(line), Status.PUBLISHED, valid_from=0.0))
    rows: dict[str, list[tuple[list[float], int]]] = {"dev": [], "blind": [], "train": []}
    for query in data.quebec_queries(root):
        result = search.search(query.text, now=1.0, k=5)
        if result.hits:
            right = int(result.hits[0].ref == query.relevant)
            rows[query.part].append((features(result), right))
        else:
            rows[query.part].append(([0.0, 0.0, 0.0], 0))
    tuning = rows["dev"] + rows["train"]
    x = np.array([f for f, _ in tuning])
    y = np.array([r for _, r in tuning], dtype=float)
    design = np.hstack([x, np.ones((len(x), 1))])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ w
        p = 1 / (1 + np.exp(-z))
        eps = 1e-9
        value = -(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)).sum() + 0.01 * w @ w
        return float(value), design.T @ (p - y) + 0.02 * w

    w = minimize(loss, np.zeros(4), jac=True, method="L-BFGS-B").x
    print("CALIBRATION =", tuple(round(float(v), 2) for v in w))
    rows["dev+train"] = tuning
    for part in ("dev+train", "blind"):
        xs = np.array([f for f, _ in rows[part]])
        ys = np.array([r for _, r in rows[part]])
        p = 1 / (1 + np.exp(-(np.hstack([xs, np.ones((len(xs), 1))]) @ w)))
        for threshold in (0.5, 0.6, 0.7, 0.8):
            answered = p >= threshold
            share = answered.mean()
            right = ys[answered].mean() if answered.any() else float("nan")
            print(f"{part:9} threshold {threshold:.1f}: answered {share:6.1%}, "
                  f"right {right:6.1%} (top-1 overall {ys.mean():.1%})")


if __name__ == "__main__":
    main()
