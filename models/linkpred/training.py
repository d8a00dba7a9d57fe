"""One training run: every model on the same temporal split, judged side by side.

The run fits the baselines and the GNN on the training windows, picks the cross-sell model by
validation NDCG@10 (the GNN only wins by beating every baseline), picks the propensity model by
validation Brier score, and reports all of them on the later, untouched test window — including
the cold-start slice (customers with no purchase before the cut-off).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.linkpred.baselines import CoPurchaseRanker, PopularityRanker, Ranker, TabularRanker
from models.linkpred.features import Vocabulary, customer_features
from models.linkpred.frames import GraphFrames
from models.linkpred.gnn import GNNRanker
from models.linkpred.metrics import ranking_metrics
from models.linkpred.propensity import PropensityModel, fit_propensity
from models.linkpred.snapshot import Snapshot
from models.linkpred.windows import (
    Labels,
    Window,
    plan_windows,
    positives_by_customer,
    window_labels,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingParams:
    horizon_days: int = 60
    train_windows: int = 4
    hidden: int = 64
    epochs: int = 60
    seed: int = 7
    # Customers each model is judged on per window (a seeded sample above this). The serving
    # choice rests on it: at 100k, 2,000 left the GNN and the trees tied within noise (one
    # standard error of NDCG@10 ≈ 0.007), so up to 10,000 (~+30 s of tree scoring at 100k).
    max_eval_customers: int = 10_000
    top_k: int = 10
    gnn_loss: str = "softmax"  # or "bce" (4 random negatives per purchase); see GNNRanker

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class TrainedModels:
    """What a training run produced: the chosen models, every model's metrics, the plan."""

    params: TrainingParams
    vocabulary: Vocabulary
    windows: list[dict[str, str]]
    cross_sell: Ranker
    propensity: PropensityModel
    cross_sell_metrics: dict[str, dict[str, dict[str, float]]]  # model → split → metric
    propensity_candidates: list[PropensityModel]
    timings: dict[str, float] = field(default_factory=dict)
    gnn_history: list[dict[str, float]] = field(default_factory=list)
    reference: dict[str, Any] = field(default_factory=dict)
    candidates: dict[str, Ranker] = field(default_factory=dict)

    @property
    def best_baseline(self) -> str:
        baselines = {m: v for m, v in self.cross_sell_metrics.items() if m != GNNRanker.name}
        return max(baselines, key=lambda m: baselines[m]["validation"].get("ndcg@10", 0.0))


def evaluate_ranker(
    ranker: Ranker,
    snapshot: Snapshot,
    labels: Labels,
    max_customers: int,
    seed: int,
    only: np.ndarray | None = None,
) -> dict[str, dict[str, float]]:
    """Full-catalog ranking metrics on a window (on `only` these customers when given); also
    on its cold-start customers."""
    customers = np.unique(labels.new_pairs[:, 0]) if only is None else np.unique(only)
    if len(customers) > max_customers:
        customers = np.sort(
            np.random.default_rng(seed).choice(customers, max_customers, replace=False)
        )
    owned = snapshot.owned_lists(customers)
    positives = positives_by_customer(labels, customers)
    scores = ranker.score(snapshot, customers)
    cold = np.asarray([len(o) == 0 for o in owned])
    result = {"all": ranking_metrics(scores, positives, owned)}
    if cold.any():
        result["cold_start"] = ranking_metrics(
            scores[cold],
            [p for p, c in zip(positives, cold, strict=True) if c],
            [o for o, c in zip(owned, cold, strict=True) if c],
        )
    return result


def train_models(
    frames: GraphFrames,
    params: TrainingParams,
    progress: Callable[[str], None] = lambda _: None,
) -> TrainedModels:
    """Fit every candidate on the temporal windows and choose what serves."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    vocabulary = Vocabulary.from_frames(frames)
    plan = plan_windows(frames, params.horizon_days, params.train_windows)

    def prepared(window: Window) -> tuple[Snapshot, Labels]:
        return Snapshot.build(
            frames, window.input_end, params.horizon_days, vocabulary
        ), window_labels(frames, window)

    progress("features for each temporal window")
    training = [prepared(w) for w in plan.train]
    validation, test = prepared(plan.validation), prepared(plan.test)
    timings["features_s"] = time.perf_counter() - started
    if not all(len(lab.new_pairs) for _, lab in training):
        raise_empty(plan.train)

    # The GNN picks its best epoch on one half of the validation customers; every model is
    # compared on the other half, so that choice does not flatter the GNN in the comparison.
    stopping, selection = split_customers(validation[1], params.seed)
    rankers: list[Ranker] = [
        PopularityRanker(),
        CoPurchaseRanker(),
        TabularRanker(),
        GNNRanker(
            validation,
            hidden=params.hidden,
            epochs=params.epochs,
            loss=params.gnn_loss,
            stopping_customers=stopping,
        ),
    ]
    metrics: dict[str, dict[str, dict[str, float]]] = {}
    for ranker in rankers:
        progress(f"fit {ranker.name}")
        t0 = time.perf_counter()
        ranker.fit(training, params.seed)
        timings[f"fit_{ranker.name}_s"] = time.perf_counter() - t0
        progress(f"evaluate {ranker.name}")
        per_split: dict[str, dict[str, float]] = {}
        for split, (snapshot, labels) in (("validation", validation), ("test", test)):
            result = evaluate_ranker(
                ranker, snapshot, labels, params.max_eval_customers, params.seed,
                only=selection if split == "validation" else None,
            )  # fmt: skip
            per_split[split] = result["all"]
            if "cold_start" in result:
                per_split[f"{split}_cold_start"] = result["cold_start"]
        metrics[ranker.name] = per_split
        log.info("%s test %s", ranker.name, per_split["test"])

    by_name = {r.name: r for r in rankers}
    baseline = max(
        (r for r in rankers if r.name != GNNRanker.name),
        key=lambda r: metrics[r.name]["validation"].get("ndcg@10", 0.0),
    )
    gnn_ndcg = metrics[GNNRanker.name]["validation"].get("ndcg@10", 0.0)
    chosen = (
        by_name[GNNRanker.name]
        if gnn_ndcg > metrics[baseline.name]["validation"].get("ndcg@10", 0.0)
        else baseline
    )

    progress("fit propensity models")
    t0 = time.perf_counter()
    propensity, candidates = fit_propensity(training, validation, test, params.seed)
    timings["fit_propensity_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started
    gnn = by_name[GNNRanker.name]
    assert isinstance(gnn, GNNRanker)
    return TrainedModels(
        params=params,
        vocabulary=vocabulary,
        windows=[w.describe() for w in (*plan.train, plan.validation, plan.test)],
        cross_sell=chosen,
        propensity=propensity,
        cross_sell_metrics=metrics,
        propensity_candidates=candidates,
        timings=timings,
        gnn_history=gnn.history,
        candidates=by_name,
        # The population the new model will first score (features as of the newest event):
        # what a later promote compares today's customers against.
        reference={
            "customer_features": customer_features(
                frames, plan.serve.input_end, params.horizon_days, vocabulary
            )
        },
    )


def split_customers(labels: Labels, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A window's buying customers in two seeded random halves (early stopping, selection)."""
    customers = np.random.default_rng(seed).permutation(np.unique(labels.new_pairs[:, 0]))
    return np.sort(customers[::2]), np.sort(customers[1::2])


def raise_empty(windows: tuple[Window, ...]) -> None:
    from graph.errors import ModelError

    spans = ", ".join(f"{w.describe()['input_end']}…{w.describe()['label_end']}" for w in windows)
    raise ModelError(
        f"A training window has no new purchases ({spans}). Load more order history or raise "
        "MARKETGRAPH_LINKPRED_HORIZON_DAYS."
    )
