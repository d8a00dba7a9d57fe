"""Accuracy of a clustering against ground truth: pairwise precision/recall/F1 and B-cubed.

Why both: pairwise scores weigh big clusters quadratically (one wrong merge of two large
clusters dominates), B-cubed weighs every record equally; a resolver can look good on one and
poor on the other. Only records present in both the truth and the prediction are scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Accuracy:
    """Scores in [0, 1] plus the counts behind the pairwise ones."""

    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    true_pairs: int
    predicted_pairs: int
    records: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def score(predicted: pd.Series, truth: pd.Series) -> Accuracy:
    """``predicted`` and ``truth`` map record id (index) → cluster id."""
    frame = pd.DataFrame({"pred": predicted, "true": truth}).dropna()
    frame["pred"] = frame["pred"].astype(str)
    frame["true"] = frame["true"].astype(str)
    both = frame.groupby(["pred", "true"]).size()
    pred_sizes = frame.groupby("pred").size()
    true_sizes = frame.groupby("true").size()
    tp, pp, tt = _pairs(both), _pairs(pred_sizes), _pairs(true_sizes)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    # B-cubed: for each record, the share of its predicted cluster that is truly its own.
    inter = both.rename("n").reset_index()
    inter["pred_size"] = inter["pred"].map(pred_sizes)
    inter["true_size"] = inter["true"].map(true_sizes)
    total = len(frame)
    b_precision = float((inter["n"] ** 2 / inter["pred_size"]).sum() / total) if total else 1.0
    b_recall = float((inter["n"] ** 2 / inter["true_size"]).sum() / total) if total else 1.0
    return Accuracy(
        precision, recall, _f1(precision, recall),
        b_precision, b_recall, _f1(b_precision, b_recall), tt, pp, total,
    )  # fmt: skip
