"""The baselines every GNN run is judged against, behind one small `Ranker` interface.

- popularity: most-bought products lately (what a shop's "bestsellers" box shows);
- co-purchase: item-item cosine over buyers ("bought X, also bought Y");
- tabular: gradient-boosted trees on hand-made (customer, product) features — no graph learning,
  but the same signals a good analyst would compute (RFM, category habits, industry taste,
  co-purchase, content read).
A GNN that cannot beat the best of these is not worth serving, and is not served.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from models.linkpred.snapshot import Snapshot
from models.linkpred.windows import Labels

PAIR_FEATURES = ("copurchase", "content_read", "same_category_owned", "industry_affinity")


class Ranker(Protocol):
    """Anything that scores every product for some customers at a snapshot."""

    name: str

    def fit(self, training: Sequence[tuple[Snapshot, Labels]], seed: int) -> None: ...

    def score(self, snapshot: Snapshot, customers: np.ndarray) -> np.ndarray: ...


class PopularityRanker:
    name = "popularity"

    def fit(self, training: Sequence[tuple[Snapshot, Labels]], seed: int) -> None:
        """Nothing to learn: popularity is read from the snapshot."""

    def score(self, snapshot: Snapshot, customers: np.ndarray) -> np.ndarray:
        return np.tile(snapshot.popularity.astype(np.float32), (len(customers), 1))


class CoPurchaseRanker:
    name = "co_purchase"

    def fit(self, training: Sequence[tuple[Snapshot, Labels]], seed: int) -> None:
        """Nothing to learn: similarities are read from the snapshot."""

    def score(self, snapshot: Snapshot, customers: np.ndarray) -> np.ndarray:
        # Popularity, scaled far below one shared buyer, orders customers with no history.
        tie_break = snapshot.popularity / (snapshot.popularity.max() + 1.0) * 1e-3
        scores: np.ndarray = snapshot.copurchase_scores(customers) + tie_break.astype(np.float32)
        return scores


def pair_matrix(snapshot: Snapshot, customers: np.ndarray) -> np.ndarray:
    """(len(customers) × n_products × features) for the tabular model, as a 2-D array."""
    n_p = snapshot.frames.n_products
    local = np.repeat(np.arange(len(customers)), n_p)
    return pair_rows(snapshot, customers, local, np.tile(np.arange(n_p), len(customers)))


def pair_rows(
    snapshot: Snapshot, customers: np.ndarray, local: np.ndarray, products: np.ndarray
) -> np.ndarray:
    """Feature rows for the pairs (customers[local[i]], products[i]): customer columns, product
    columns, then the four pair signals — the columns of `pair_matrix`, for chosen pairs only
    (re-ranking 200 candidates need not build all 2,000 products' rows)."""
    customer_part = snapshot.customer_table.to_numpy(np.float32)[customers]
    product_part = snapshot.product_table.to_numpy(np.float32)
    pair_parts = [
        snapshot.copurchase_scores(customers),
        snapshot.content_scores(customers),
        np.log1p(snapshot.category_counts(customers)),
        snapshot.industry_affinity(customers),
    ]
    return np.concatenate(
        [
            customer_part[local],
            product_part[products],
            np.stack([p[local, products] for p in pair_parts], axis=1).astype(np.float32),
        ],
        axis=1,
    )


def sample_pairs(
    snapshot: Snapshot, labels: Labels, negatives: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positive (customer, product) pairs plus ``negatives`` random non-bought products each."""
    pos_c, pos_p = labels.new_pairs[:, 0], labels.new_pairs[:, 1]
    neg_c = np.repeat(pos_c, negatives)
    neg_p = rng.integers(0, snapshot.frames.n_products, size=len(neg_c))
    keep = np.asarray(snapshot.owned[neg_c, neg_p]).ravel() == 0
    customers = np.concatenate([pos_c, neg_c[keep]])
    products = np.concatenate([pos_p, neg_p[keep]])
    target = np.concatenate([np.ones(len(pos_c)), np.zeros(int(keep.sum()))])
    return customers, products, target


class TabularRanker:
    """Gradient-boosted trees on (customer, product) features; the strongest non-graph model."""

    name = "tabular_gbdt"

    # 20 candidates: validation NDCG@10 0.2440 at 10k and 0.2094 at 100k, against 0.2411 and
    # 0.2086 with 50 (and 0.2382 / 0.2290 at 10k with 15 / 10: the trees need room to re-rank);
    # scoring everyone at 100k drops from 32.8 to 17.7 s. Earlier, 50 matched 200 on test NDCG;
    # only AUC dips as candidates shrink (test 0.8764 → 0.8763 at 100k), since the products
    # outside the candidates keep the prior's order. bench/README.md, "Session 8", has the table.
    def __init__(self, negatives: int = 8, chunk: int = 256, candidates: int = 20) -> None:
        self.negatives = negatives
        self.chunk = chunk
        self.candidates = candidates
        self.model: HistGradientBoostingClassifier | None = None

    def fit(self, training: Sequence[tuple[Snapshot, Labels]], seed: int) -> None:
        rng = np.random.default_rng(seed)
        blocks, targets = [], []
        for snapshot, labels in training:
            customers, products, target = sample_pairs(snapshot, labels, self.negatives, rng)
            order = np.argsort(customers, kind="stable")
            customers, products, target = customers[order], products[order], target[order]
            blocks.append(pair_matrix_rows(snapshot, np.unique(customers), customers, products))
            targets.append(target)
        self.model = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.08, max_leaf_nodes=31, random_state=seed
        )
        self.model.fit(np.concatenate(blocks), np.concatenate(targets))

    def score(self, snapshot: Snapshot, customers: np.ndarray) -> np.ndarray:
        if self.model is None:
            raise RuntimeError("TabularRanker.score before fit")
        n_p = snapshot.frames.n_products
        out = np.empty((len(customers), n_p), dtype=np.float32)
        if n_p <= self.candidates:
            for lo in range(0, len(customers), self.chunk):
                part = customers[lo : lo + self.chunk]
                rows = pair_matrix(snapshot, part)
                out[lo : lo + len(part)] = self.model.predict_proba(rows)[:, 1].reshape(-1, n_p)
            return out
        # Two stages, as recommenders do at scale: a cheap prior (co-purchase paths, industry
        # appetite, popularity) picks `candidates` products per customer; the trees re-rank
        # only those. The rest keep the prior's order, below every candidate. Every step is
        # per customer, so the batch size changes speed, never a score.
        # The prior is float32 and updated in place: at 100k customers × 2,000 products its
        # full-catalog arithmetic and selection cost as much as the trees (float64 selection
        # alone took ~2.7 s); the features the trees read are float32 values either way.
        popular = (snapshot.popularity / (snapshot.popularity.max() + 1.0)).astype(np.float32)
        first_candidate = n_p - self.candidates
        for lo in range(0, len(customers), SCORE_BATCH):
            part = customers[lo : lo + SCORE_BATCH]
            copurchase = snapshot.copurchase_scores(part)
            affinity = snapshot.industry_affinity(part).astype(np.float32, copy=False)
            prior = copurchase + affinity
            prior += popular
            prior /= np.abs(prior).max(axis=1, keepdims=True) + 1.0
            # The `candidates` largest priors per row end up in the last columns.
            top = np.argpartition(prior, first_candidate, axis=1)[:, first_candidate:]
            local = np.repeat(np.arange(len(part)), self.candidates)
            rows = candidate_rows(snapshot, part, local, top.ravel(), copurchase, affinity)
            prior -= 1.0  # every product outside the candidates ranks below every candidate
            prior[local, top.ravel()] = self.model.predict_proba(rows)[:, 1]
            out[lo : lo + len(part)] = prior
        return out


# Customers re-ranked per `predict_proba` call (x 20 candidates = 20,480 rows, ~14 MB of
# features): each of the 80–120 trees is one OpenMP pass over the rows, so few large calls keep
# the threads' start-up and barriers small next to the work (with 256 customers per call on
# a busy 2-core machine, the threads' waiting cost more CPU than the trees).
SCORE_BATCH = 1_024


def candidate_rows(
    snapshot: Snapshot,
    customers: np.ndarray,
    local: np.ndarray,
    products: np.ndarray,
    copurchase: np.ndarray,
    affinity: np.ndarray,
) -> np.ndarray:
    """`pair_rows` for scoring: the same values, laid out for fast tree prediction.

    The trees read float64 (sklearn converts anything else), and a tree walk reads a handful of
    columns of each row: column-major float64 keeps consecutive rows' values of one feature
    adjacent, where row-major rows (83 features, 664 bytes) made every node visit a cache miss —
    ~3x less CPU per prediction, identical results. ``copurchase``/``affinity`` are the
    customers' full rows the prior already computed."""
    customer_part = snapshot.customer_table.iloc[customers].to_numpy(np.float32)
    product_part = snapshot.product_table.to_numpy(np.float32)
    pair_parts = [
        copurchase,
        snapshot.content_scores(customers),
        np.log1p(snapshot.category_counts(customers)),
        affinity,
    ]
    n_c, n_p = customer_part.shape[1], product_part.shape[1]
    rows = np.empty((len(local), n_c + n_p + len(pair_parts)), dtype=np.float64, order="F")
    # Column by column: each is one contiguous gather (a 2-D fancy copy into a column-major
    # array writes with a stride and cost ~20x more).
    for source, index, first in (
        (customer_part.T.astype(np.float64), local, 0),
        (product_part.T.astype(np.float64), products, n_c),
    ):
        for offset, values in enumerate(source):
            np.take(values, index, out=rows[:, first + offset], mode="clip")  # unbuffered
    for column, part in enumerate(pair_parts, n_c + n_p):
        rows[:, column] = part[local, products].astype(np.float32)
    return rows


def pair_matrix_rows(
    snapshot: Snapshot, unique: np.ndarray, customers: np.ndarray, products: np.ndarray
) -> np.ndarray:
    """Feature rows for explicit (customer, product) pairs (training); `unique` is the sorted
    set of `customers`, taken 256 at a time so the per-customer signal tables stay small."""
    rows: np.ndarray | None = None
    for lo in range(0, len(unique), 256):
        block = unique[lo : lo + 256]
        mask = (customers >= block[0]) & (customers <= block[-1])
        values = pair_rows(snapshot, block, np.searchsorted(block, customers[mask]), products[mask])
        if rows is None:
            rows = np.empty((len(customers), values.shape[1]), dtype=np.float32)
        rows[mask] = values
    return rows if rows is not None else np.empty((0, 0), dtype=np.float32)
