"""The vectorised scoring paths give exactly what the per-recommendation code gave.

No Neo4j here: a small random graph built in memory, rich enough to hit every kind of reason
(content read, co-buyers with one and with several shared buyers, industry share, best seller,
a customer without industry and one whose industry the vocabulary never saw).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from models.linkpred.baselines import PopularityRanker, candidate_rows, pair_rows
from models.linkpred.explain import (
    Explainer,
    behaviour_counts,
    confidence,
    propensity_reasons,
)
from models.linkpred.features import Vocabulary
from models.linkpred.frames import GraphFrames
from models.linkpred.propensity import RFM_COLUMNS, PropensityModel
from models.linkpred.scoring import score_all, top_k
from models.linkpred.snapshot import Snapshot

DAY = 86_400
NOW = 1_700_000_000


def random_frames(seed: int = 3, customers: int = 120, products: int = 70) -> GraphFrames:
    rng = np.random.default_rng(seed)
    industries = np.array(["Retail", "Banking", "Energy", "Space"], dtype=object)
    industry = industries[rng.integers(0, len(industries), customers)]
    industry[rng.random(customers) < 0.2] = None
    purchases = pd.DataFrame(
        {
            "customer": rng.integers(0, customers, 900),
            # A skewed catalog: some products are bought by many, so co-buyer counts vary.
            "product": np.minimum(rng.geometric(0.06, 900) - 1, products - 1),
            "at": NOW - rng.integers(1, 300, 900) * DAY,
            "quantity": 1,
        }
    )
    n_content = 12
    interactions = pd.DataFrame(
        {
            "customer": rng.integers(0, customers, 700),
            "kind": rng.choice(["open", "click", "visit"], 700),
            "at": NOW - rng.integers(1, 300, 700) * DAY,
            "content": np.where(rng.random(700) < 0.7, rng.integers(0, n_content, 700), -1),
        }
    )
    titles = pd.Series([f"Guide {i}" for i in range(n_content)], dtype=object)
    titles[[2, 5]] = None
    return GraphFrames(
        customers=pd.DataFrame(
            {
                "customer_id": [f"C{i}" for i in range(customers)],
                "account": [f"A{i % 17}" if i % 5 else None for i in range(customers)],
                "industry": industry,
            }
        ),
        products=pd.DataFrame(
            {
                "sku": [f"SKU-{j}" for j in range(products)],
                "name": [f"Product {j}" for j in range(products)],
                "category": [f"Cat{j % 4}" for j in range(products)],
                "subcategory": [f"Sub{j % 7}" for j in range(products)],
                "price": rng.uniform(5, 500, products),
                "discontinued": rng.random(products) < 0.1,
            }
        ),
        purchases=purchases,
        interactions=interactions,
        content=pd.DataFrame({"content_id": [f"K{i}" for i in range(n_content)], "title": titles}),
        content_products=pd.DataFrame(
            {"content": rng.integers(0, n_content, 40), "product": rng.integers(0, products, 40)}
        ),
    )


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    frames = random_frames()
    vocabulary = Vocabulary.from_frames(frames)
    # "Space" customers: an industry the model never saw (named in the text, unknown share row).
    vocabulary = replace(
        vocabulary, industries=tuple(i for i in vocabulary.industries if i != "Space")
    )
    return Snapshot.build(frames, NOW, 60, vocabulary)


def test_many_reasons_equal_one_at_a_time(snapshot: Snapshot) -> None:
    explainer = Explainer(snapshot)
    n_c, n_p = snapshot.frames.n_customers, snapshot.frames.n_products
    customers = np.repeat(np.arange(n_c), n_p)
    products = np.tile(np.arange(n_p), n_c)
    texts, facts = explainer.many(customers, products)
    kinds = set()
    for c, p, text, fact in zip(customers.tolist(), products.tolist(), texts, facts, strict=True):
        expected = explainer.reasons(c, p)
        assert text == [r.text for r in expected], (c, p)
        assert fact == sorted({f for r in expected for f in r.facts}), (c, p)
        kinds.update((r.text.split()[0], r.strength >= 3.0) for r in expected)
    # Every kind of reason, and co-buyers both below and above the content reason, occurred.
    assert ("Read", True) in kinds and ("Best", False) in kinds
    assert any(k[0].isdigit() and k[1] for k in kinds)  # ≥ 2 shared buyers: ranks first
    assert any(k[0].isdigit() and not k[1] for k in kinds)  # 1 shared buyer: after content
    assert any(k[0].endswith("%") for k in kinds)


def test_candidate_rows_equal_pair_rows(snapshot: Snapshot) -> None:
    customers = np.arange(0, snapshot.frames.n_customers, 3)
    rng = np.random.default_rng(0)
    local = np.repeat(np.arange(len(customers)), 9)
    products = rng.integers(0, snapshot.frames.n_products, len(local))
    rows = candidate_rows(
        snapshot,
        customers,
        local,
        products,
        snapshot.copurchase_scores(customers),
        snapshot.industry_affinity(customers),
    )
    assert rows.dtype == np.float64 and rows.flags.f_contiguous
    assert np.array_equal(rows, pair_rows(snapshot, customers, local, products))


def test_score_all_rows_equal_the_per_recommendation_rows(snapshot: Snapshot) -> None:
    frames, k = snapshot.frames, 5
    table = snapshot.customer_table
    classifier = LogisticRegression().fit(
        table[list(RFM_COLUMNS)].to_numpy(), np.arange(frames.n_customers) % 3 == 0
    )
    propensity = PropensityModel("logistic_rfm", RFM_COLUMNS, classifier)
    ranker = PopularityRanker()
    result = score_all(frames, snapshot, ranker, propensity, k, chunk=32)

    explainer = Explainer(snapshot)
    discontinued = np.flatnonzero(frames.products["discontinued"].to_numpy(bool))
    customers = np.arange(frames.n_customers)
    excluded = [np.union1d(o, discontinued) for o in snapshot.owned_lists(customers)]
    best, best_scores = top_k(ranker.score(snapshot, customers), excluded, k)
    lines = np.expm1(table["purchase_lines"].to_numpy()).round().astype(np.int64)
    events = np.expm1(table["interactions_recent"].to_numpy()).round().astype(np.int64)
    events += np.asarray(snapshot.engaged.sum(axis=1)).ravel().astype(np.int64) + lines
    accounts = frames.customers["account"].notna().to_numpy()
    expected = []
    for c in customers:
        level, note = confidence(int(lines[c]), int(events[c]), bool(accounts[c]))
        for rank, (p, score) in enumerate(zip(best[c], best_scores[c], strict=True), 1):
            reasons = explainer.reasons(int(c), int(p))
            expected.append(
                {
                    "customer_id": f"C{c}",
                    "sku": f"SKU-{p}",
                    "rank": rank,
                    "score": float(score),
                    "confidence": level,
                    "confidence_note": note,
                    "reasons": [r.text for r in reasons] or ["Ranked by the model."],
                    "facts": sorted({f for r in reasons for f in r.facts}),
                }
            )
    assert result.rows == expected
    assert [list(r) for r in result.rows] == [list(r) for r in expected]  # key order too


def test_propensity_reasons_count_what_their_sentences_say() -> None:
    """One product on three order lines (one of them three units) is one product bought, not
    three items; e-mails sent to a person and their purchases are not interactions of theirs."""
    frames = random_frames(customers=3, products=4)
    sent, bought = "email_send", "purchase"
    recent = [NOW - 5 * DAY, NOW - 20 * DAY, NOW - 40 * DAY]
    purchases = pd.DataFrame(
        {
            "customer": [0, 0, 0, 1, 1],
            "product": [2, 2, 2, 1, 3],
            "at": [*recent, NOW - 3 * DAY, NOW - 400 * DAY],
            "quantity": [1, 3, 1, 1, 1],
        }
    )
    interactions = pd.DataFrame(
        {
            "customer": [0, 0, 0, 1, 1, 1, 2],
            "kind": [sent, sent, bought, "email_open", "web_visit", sent, "call"],
            "at": [NOW - 2 * DAY] * 6 + [NOW - 90 * DAY],
            "content": -1,
        }
    )
    frames = replace(frames, purchases=purchases, interactions=interactions)
    snapshot = Snapshot.build(frames, NOW, 60, Vocabulary.from_frames(frames))
    counts = behaviour_counts(snapshot)
    first, second, third = (propensity_reasons(counts, c, 60) for c in range(3))
    assert first == ["Bought 1 product in the last 60 days."]
    assert second[0] == "Bought 1 product in the last 60 days."
    assert second[-1] == "2 opens, clicks, visits, form fills or calls in the last 60 days."
    assert third == ["Has not bought yet."]  # its call was before the window
