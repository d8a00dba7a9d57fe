"""Score everyone with one model version and write the scores back, versioned, into Neo4j.

Scoring reads the graph as it is now (all history), ranks every non-owned, available product
per customer with the version's cross-sell model, keeps the top K with their reasons, computes
calibrated propensity for customers and accounts, and replaces that version's previous scores
in the graph. Scores of other versions are left alone, which is what makes rollback instant.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from graph.cypher_catalog import load_query
from graph.db import Database
from models.collector import collector_paused
from models.linkpred.baselines import Ranker
from models.linkpred.explain import Explainer, behaviour_counts, confidence, propensity_reasons
from models.linkpred.frames import GraphFrames
from models.linkpred.propensity import PropensityModel, account_propensity
from models.linkpred.snapshot import Snapshot

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@runtime_checkable
class WholeGraphRanker(Protocol):
    """A ranker that embeds the whole graph once and then scores any customers from it."""

    def embed(self, snapshot: Snapshot) -> Any: ...


@dataclass(frozen=True)
class ScoreResult:
    customers: int
    recommendations: int
    accounts: int
    score_seconds: float
    write_seconds: float
    rows: list[dict[str, Any]]
    propensity: np.ndarray
    propensity_rows: list[dict[str, Any]]


def top_k(scores: np.ndarray, excluded: list[np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best ``k`` products per row after removing each row's excluded products."""
    scores = scores.copy()
    for row, banned in enumerate(excluded):
        scores[row, banned] = -np.inf
    return _best(scores, k)


def _best(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    return top, np.take_along_axis(scores, top, axis=1)


def _best_available(
    scores: np.ndarray, owned: sp.csr_matrix, discontinued: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """`top_k` with what each row's customer owns (``owned``: their rows) and discontinued
    products excluded, masked in two array writes instead of a set union per customer."""
    scores = scores.copy()
    scores[np.repeat(np.arange(owned.shape[0]), np.diff(owned.indptr)), owned.indices] = -np.inf
    scores[:, discontinued] = -np.inf
    return _best(scores, k)


def score_all(
    frames: GraphFrames,
    snapshot: Snapshot,
    ranker: Ranker,
    propensity: PropensityModel,
    k: int,
    progress: Progress = lambda *_: None,
    chunk: int = 2_048,
) -> ScoreResult:
    """Recommendations (with reasons) and propensity for every customer, in memory."""
    with collector_paused():
        return _score_all(frames, snapshot, ranker, propensity, k, progress, chunk)


def _score_all(
    frames: GraphFrames,
    snapshot: Snapshot,
    ranker: Ranker,
    propensity: PropensityModel,
    k: int,
    progress: Progress,
    chunk: int,
) -> ScoreResult:
    started = time.perf_counter()
    n = frames.n_customers
    discontinued = np.flatnonzero(frames.products["discontinued"].fillna(False).to_numpy(bool))
    explainer = Explainer(snapshot)
    table = snapshot.customer_table
    lines = np.expm1(table["purchase_lines"].to_numpy()).round().astype(np.int64)
    events = np.expm1(table["interactions_recent"].to_numpy()).round().astype(np.int64)
    total_events = (
        lines + np.asarray(snapshot.engaged.sum(axis=1)).ravel().astype(np.int64) + events
    )
    has_account = frames.customers["account"].notna().to_numpy()
    levels = [
        confidence(a, b, c)
        for a, b, c in zip(lines.tolist(), total_events.tolist(), has_account.tolist(), strict=True)
    ]
    ids = frames.customers["customer_id"].astype(str).to_numpy()
    skus = frames.products["sku"].astype(str).to_numpy()
    owned = snapshot.owned.tocsr()
    if isinstance(ranker, WholeGraphRanker):
        # Embed every node once. Asked chunk by chunk, a GNN would encode each chunk's
        # receptive field, which through shared products is most of the graph: at 100k
        # customers that made scoring everyone 43 s instead of ~20 (bench/README, Session 8).
        ranker.embed(snapshot)
    rows: list[dict[str, Any]] = []
    for lo in range(0, n, chunk):
        customers = np.arange(lo, min(lo + chunk, n))
        scores = ranker.score(snapshot, customers)
        best, best_scores = _best_available(scores, owned[customers], discontinued, k)
        texts, facts = explainer.many(np.repeat(customers, best.shape[1]), best.ravel())
        pairs = zip(
            np.repeat(ids[customers], best.shape[1]).tolist(),
            skus[best.ravel()].tolist(),
            np.tile(np.arange(1, best.shape[1] + 1), len(customers)).tolist(),
            best_scores.ravel().tolist(),
            np.repeat(customers, best.shape[1]).tolist(),
            texts,
            facts,
            strict=True,
        )
        rows.extend(
            {
                "customer_id": customer_id,
                "sku": sku,
                "rank": rank,
                "score": score,
                "confidence": levels[customer][0],
                "confidence_note": levels[customer][1],
                "reasons": reasons or ["Ranked by the model."],
                "facts": found,
            }
            for customer_id, sku, rank, score, customer, reasons, found in pairs
        )
        progress("score customers", min(lo + chunk, n), n)
    probabilities = propensity.predict(snapshot.customer_table, np.arange(n))
    # Each customer's rank-1 row carries their confidence (none without recommendations).
    notes = dict(zip(ids.tolist(), levels, strict=True)) if rows else {}
    propensity_rows = []
    counts = behaviour_counts(snapshot)
    for index in range(n):
        level, note = notes.get(ids[index], ("low", "No history."))
        propensity_rows.append(
            {
                "customer_id": ids[index],
                "probability": round(float(probabilities[index]), 6),
                "confidence": level,
                "confidence_note": note,
                "reasons": propensity_reasons(counts, index, snapshot.horizon_days),
            }
        )
    return ScoreResult(
        customers=n,
        recommendations=len(rows),
        accounts=int(frames.customers["account"].nunique()),
        score_seconds=time.perf_counter() - started,
        write_seconds=0.0,
        rows=rows,
        propensity=probabilities,
        propensity_rows=propensity_rows,
    )


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for lo in range(0, len(rows), size):
        yield rows[lo : lo + size]


def delete_version_scores(db: Database, version: str, batch: int = 20_000) -> int:
    deleted = 0
    while True:
        result = db.query(
            load_query("linkpred/delete_version_scores"),
            {"version": version, "limit": batch},
            write=True,
        )
        deleted += int(result[0]["deleted"])
        if result[0]["deleted"] == 0:
            return deleted


def write_scores(
    db: Database,
    frames: GraphFrames,
    result: ScoreResult,
    versions: dict[str, str],
    progress: Progress = lambda *_: None,
    batch: int = 5_000,
) -> float:
    """Replace the two versions' scores in the graph; return the seconds it took."""
    started = time.perf_counter()
    at = datetime.now(UTC).isoformat()
    cross_version, propensity_version = versions["cross_sell"], versions["propensity"]
    for version in (cross_version, propensity_version):
        delete_version_scores(db, version)
    done = 0
    for rows in _batches(result.rows, batch):
        db.query(
            load_query("linkpred/write_recommendations"),
            {"rows": rows, "version": cross_version, "at": at},
            write=True,
        )
        done += len(rows)
        progress("write recommendations", done, len(result.rows))
    for rows in _batches(result.propensity_rows, batch):
        db.query(
            load_query("linkpred/write_customer_scores"),
            {"rows": rows, "version": propensity_version, "at": at},
            write=True,
        )
    accounts = account_propensity(frames.customers["account"], result.propensity)
    account_rows = [
        {"account_id": str(a), "probability": round(float(p), 6), "people": int(n)}
        for a, p, n in zip(accounts.index, accounts["probability"], accounts["people"], strict=True)
    ]
    for rows in _batches(account_rows, batch):
        db.query(
            load_query("linkpred/write_account_scores"),
            {"rows": rows, "version": propensity_version, "at": at},
            write=True,
        )
    for version, count in (
        (cross_version, result.customers),
        (propensity_version, result.customers),
    ):
        db.query(
            load_query("linkpred/mark_scored"),
            {"version": version, "at": at, "customers": count},
            write=True,
        )
    return time.perf_counter() - started
