"""Propensity: each customer's calibrated probability to buy in the next period.

Two candidate models on the same customer features — a logistic regression on recency/frequency
(the simple baseline) and gradient-boosted trees on every feature including industry, engagement
and what colleagues at the same account are buying. Each is fitted on the training windows and
calibrated with isotonic regression on the validation window (trees rank well but their raw
probabilities are not to be trusted). The one with the lower validation Brier score serves; the
test window only reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from models.linkpred.metrics import probability_metrics
from models.linkpred.snapshot import Snapshot
from models.linkpred.windows import Labels

RFM_COLUMNS = (
    "purchase_lines",
    "purchase_lines_recent",
    "purchase_lines_prior",
    "days_since_purchase",
    "distinct_products",
)


@dataclass
class PropensityModel:
    """A fitted classifier, its calibration map and the feature columns it reads."""

    name: str
    columns: tuple[str, ...]
    classifier: Pipeline | HistGradientBoostingClassifier
    calibrator: IsotonicRegression | None = None
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)

    def raw(self, customer_table: pd.DataFrame, customers: np.ndarray) -> np.ndarray:
        table = customer_table.reindex(columns=list(self.columns), fill_value=0.0)
        features = table.to_numpy(np.float32)[customers]
        return np.asarray(self.classifier.predict_proba(features)[:, 1], dtype=np.float64)

    def predict(self, customer_table: pd.DataFrame, customers: np.ndarray) -> np.ndarray:
        raw = self.raw(customer_table, customers)
        if self.calibrator is None:
            return raw
        return np.asarray(self.calibrator.predict(raw), dtype=np.float64)


def _training_matrix(
    training: Sequence[tuple[Snapshot, Labels]], columns: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    blocks, labels = [], []
    for snapshot, lab in training:
        table = snapshot.customer_table.reindex(columns=list(columns), fill_value=0.0)
        blocks.append(table.to_numpy(np.float32)[lab.population])
        labels.append(lab.bought_any.astype(np.int64))
    return np.concatenate(blocks), np.concatenate(labels)


def fit_propensity(
    training: Sequence[tuple[Snapshot, Labels]],
    validation: tuple[Snapshot, Labels],
    test: tuple[Snapshot, Labels],
    seed: int,
) -> tuple[PropensityModel, list[PropensityModel]]:
    """Fit both candidates, calibrate on validation, report on test; return (chosen, all)."""
    all_columns = tuple(str(c) for c in training[0][0].customer_table.columns)
    candidates = [
        PropensityModel(
            "logistic_rfm",
            RFM_COLUMNS,
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1_000, random_state=seed)),
        ),
        PropensityModel(
            "gbdt_graph_features",
            all_columns,
            HistGradientBoostingClassifier(
                max_iter=200, learning_rate=0.06, max_leaf_nodes=31, random_state=seed
            ),
        ),
    ]
    for model in candidates:
        x, y = _training_matrix(training, model.columns)
        model.classifier.fit(x, y)
        val_snapshot, val_labels = validation
        raw = model.raw(val_snapshot.customer_table, val_labels.population)
        model.calibrator = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        model.calibrator.fit(raw, val_labels.bought_any.astype(np.int64))
        model.metrics["validation"] = probability_metrics(
            model.predict(val_snapshot.customer_table, val_labels.population), val_labels.bought_any
        )
        test_snapshot, test_labels = test
        model.metrics["test"] = probability_metrics(
            model.predict(test_snapshot.customer_table, test_labels.population),
            test_labels.bought_any,
        )
        model.metrics["test_uncalibrated"] = probability_metrics(
            model.raw(test_snapshot.customer_table, test_labels.population), test_labels.bought_any
        )
    chosen = min(candidates, key=lambda m: m.metrics["validation"]["brier"])
    return chosen, candidates


def account_propensity(customer_accounts: pd.Series, probabilities: np.ndarray) -> pd.DataFrame:
    """P(at least one person at the account buys) = 1 - Π(1 - p_i), assuming independence
    (an upper-leaning estimate when colleagues buy together), with the head count.

    Returns a frame indexed by account id with columns ``probability`` and ``people``."""
    frame = pd.DataFrame(
        {
            "account": customer_accounts.to_numpy(),
            "log_miss": np.log1p(-np.clip(probabilities, 0.0, 1.0 - 1e-9)),
        }
    ).dropna(subset=["account"])
    grouped = frame.groupby("account")["log_miss"].agg(["sum", "size"])
    return pd.DataFrame(
        {"probability": 1.0 - np.exp(grouped["sum"]), "people": grouped["size"]},
        index=grouped.index,
    )
