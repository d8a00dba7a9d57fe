"""Ranking and calibration metrics, computed the same way for every model.

Ranking metrics are per customer over the whole catalog minus what the customer already owns
(the candidates a recommender really chooses from), then averaged over customers who bought
something new in the label period. No sampled-negative shortcuts for NDCG/Hit/MRR.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import brier_score_loss, roc_auc_score


def ranking_metrics(
    scores: np.ndarray, positives: list[np.ndarray], owned: list[np.ndarray], k: int = 10
) -> dict[str, float]:
    """NDCG@k, Hit@k, MRR and per-customer AUC of an (m customers × n products) score matrix."""
    ndcg, hit, mrr, auc = [], [], [], []
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for row, pos, own in zip(scores, positives, owned, strict=True):
        row = row.astype(np.float64, copy=True)
        row[own] = -np.inf
        candidates = np.isfinite(row)
        relevant = np.zeros(len(row), dtype=bool)
        relevant[pos] = True
        relevant &= candidates
        n_pos = int(relevant.sum())
        if n_pos == 0:
            continue
        top = np.argpartition(-row, min(k, len(row) - 1))[:k]
        top = top[np.argsort(-row[top], kind="stable")]
        gains = relevant[top].astype(np.float64)
        ideal = discounts[: min(n_pos, k)].sum()
        ndcg.append(float((gains * discounts[: len(top)]).sum() / ideal))
        hit.append(float(gains.any()))
        best = row[relevant].max()
        mrr.append(1.0 / (1.0 + float((row[candidates] > best).sum())))
        n_neg = int(candidates.sum()) - n_pos
        if n_neg > 0:
            ranks = rankdata(row[candidates])
            pos_ranks = ranks[relevant[candidates]]
            auc.append(float((pos_ranks.sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)))
    if not ndcg:
        return {"customers": 0.0}
    return {
        f"ndcg@{k}": float(np.mean(ndcg)),
        f"hit@{k}": float(np.mean(hit)),
        "mrr": float(np.mean(mrr)),
        "auc": float(np.mean(auc)) if auc else float("nan"),
        "customers": float(len(ndcg)),
    }


def reliability(
    probabilities: np.ndarray, labels: np.ndarray, bins: int = 10
) -> list[dict[str, float]]:
    """Mean predicted vs observed rate per probability decile (the reliability diagram's data)."""
    edges = np.quantile(probabilities, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, probabilities, side="right") - 1, 0, bins - 1)
    table = []
    for b in range(bins):
        members = which == b
        if members.any():
            table.append(
                {
                    "predicted": float(probabilities[members].mean()),
                    "observed": float(labels[members].mean()),
                    "n": float(members.sum()),
                }
            )
    return table


def probability_metrics(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """AUC, Brier score and expected calibration error of binary probabilities."""
    labels = labels.astype(np.int64)
    table = reliability(probabilities, labels)
    total = sum(row["n"] for row in table)
    ece = sum(row["n"] / total * abs(row["predicted"] - row["observed"]) for row in table)
    both = len(np.unique(labels)) == 2
    return {
        "auc": float(roc_auc_score(labels, probabilities)) if both else float("nan"),
        "brier": float(brier_score_loss(labels, probabilities)),
        "ece": float(ece),
        "base_rate": float(labels.mean()),
        "customers": float(len(labels)),
    }
