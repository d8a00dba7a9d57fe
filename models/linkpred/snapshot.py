"""Everything the models know at one instant, computed once and shared by all of them.

A `Snapshot` holds the features and sparse matrices derived from events strictly before ``at``:
who owns what, item-item co-purchase similarity, what content each customer engaged with, and
how much each industry buys of each category. Training windows, the test window and the serving
run each build one; because nothing after ``at`` is read, no model can leak the future.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from models.linkpred.features import (
    Vocabulary,
    customer_features,
    popularity,
    product_features,
)
from models.linkpred.frames import GraphFrames


def _csr(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=shape)
    matrix.data[:] = 1.0  # duplicates collapse to "yes"
    return matrix


def item_similarity(owned: sp.csr_matrix) -> np.ndarray:
    """Item-item cosine similarity over buyers (dense: catalogs are thousands, not millions)."""
    by_item = normalize(owned.T.tocsr(), norm="l2", axis=1)
    similarity = np.asarray((by_item @ by_item.T).todense(), dtype=np.float32)
    np.fill_diagonal(similarity, 0.0)
    return similarity


PAIR_SIGNALS = ("log_copurchase", "industry_affinity", "log_content_read", "log_category_owned")


@dataclass
class Snapshot:
    frames: GraphFrames
    at: int
    horizon_days: int
    vocabulary: Vocabulary
    customer_table: pd.DataFrame
    product_table: pd.DataFrame
    owned: sp.csr_matrix  # customers × products, 1 = bought before `at`
    engaged: sp.csr_matrix  # customers × content
    content_products: sp.csr_matrix  # content × products
    popularity: np.ndarray  # per product
    item_similarity: (
        np.ndarray
    )  # products × products cosine over buyers (dense; catalogs are small)
    industry_category_share: np.ndarray  # industries(+unknown) × categories: share of buyers
    customer_industry: np.ndarray  # industry index per customer (len(industries) = unknown)
    product_category: np.ndarray  # category index per product

    @classmethod
    def build(
        cls, frames: GraphFrames, at: int, horizon_days: int, vocabulary: Vocabulary
    ) -> Snapshot:
        n_c, n_p = frames.n_customers, frames.n_products
        bought = frames.purchases_before(at)
        owned = _csr(bought["customer"].to_numpy(), bought["product"].to_numpy(), (n_c, n_p))
        acted = frames.interactions_before(at)
        acted = acted[acted["content"] >= 0]
        n_content = max(len(frames.content), 1)
        engaged = _csr(acted["customer"].to_numpy(), acted["content"].to_numpy(), (n_c, n_content))
        links = frames.content_products
        content_products = _csr(
            links["content"].to_numpy(), links["product"].to_numpy(), (n_content, n_p)
        )
        similarity = item_similarity(owned)

        industries = list(vocabulary.industries)
        customer_industry = pd.Categorical(
            frames.customers["industry"], categories=industries
        ).codes.astype(np.int64)
        customer_industry[customer_industry < 0] = len(industries)
        product_category = pd.Categorical(
            frames.products["category"], categories=list(vocabulary.categories)
        ).codes.astype(np.int64)
        product_category[product_category < 0] = 0
        buyer_category = (
            owned @ _csr(np.arange(n_p), product_category, (n_p, len(vocabulary.categories)))
        ).astype(bool)
        share = np.zeros((len(industries) + 1, len(vocabulary.categories)), dtype=np.float32)
        for industry in range(len(industries) + 1):
            members = customer_industry == industry
            if members.any():
                share[industry] = np.asarray(buyer_category[members].mean(axis=0)).ravel()
        return cls(
            frames=frames,
            at=at,
            horizon_days=horizon_days,
            vocabulary=vocabulary,
            customer_table=customer_features(frames, at, horizon_days, vocabulary),
            product_table=product_features(frames, at, horizon_days, vocabulary),
            owned=owned,
            engaged=engaged,
            content_products=content_products,
            popularity=popularity(frames, at, horizon_days),
            item_similarity=similarity,
            industry_category_share=share,
            customer_industry=customer_industry,
            product_category=product_category,
        )

    def owned_lists(self, customers: np.ndarray) -> list[np.ndarray]:
        rows = self.owned[customers]
        return [rows.indices[rows.indptr[i] : rows.indptr[i + 1]] for i in range(len(customers))]

    def copurchase_scores(self, customers: np.ndarray) -> np.ndarray:
        """Sum of item-item similarity between each candidate and what the customer owns."""
        return np.asarray(self.owned[customers] @ self.item_similarity, dtype=np.float32)

    def content_scores(self, customers: np.ndarray) -> np.ndarray:
        """How many pieces of content featuring each product the customer engaged with."""
        return np.asarray((self.engaged[customers] @ self.content_products).todense(), np.float32)

    def owned_per_category(
        self, customers: np.ndarray, owned: sp.csr_matrix | None = None
    ) -> np.ndarray:
        """How many products each customer owns in each category (customers × categories)."""
        owned = self.owned if owned is None else owned
        n_cat = len(self.vocabulary.categories)
        to_category = _csr(
            np.arange(len(self.product_category)),
            self.product_category,
            (len(self.product_category), n_cat),
        )
        return np.asarray((owned[customers] @ to_category).todense(), np.float32)

    def category_counts(
        self, customers: np.ndarray, owned: sp.csr_matrix | None = None
    ) -> np.ndarray:
        """Products the customer owns in each candidate's category (customers × products)."""
        per_category = self.owned_per_category(customers, owned)
        counts: np.ndarray = np.take(per_category, self.product_category, axis=1)
        return counts

    def industry_affinity(self, customers: np.ndarray) -> np.ndarray:
        """Share of the customer's industry that buys each candidate's category."""
        by_industry = self.industry_category_share[self.customer_industry[customers]]
        # np.take keeps rows contiguous; `[:, index]` returns a column-major array that costs
        # ~3x more to copy into the signal planes (measured at 4,000 × 2,002).
        affinity: np.ndarray = np.take(by_industry, self.product_category, axis=1)
        return affinity

    def pair_signals(
        self,
        customers: np.ndarray,
        products: np.ndarray,
        owned: sp.csr_matrix | None = None,
        similarity: np.ndarray | None = None,
    ) -> np.ndarray:
        """`PAIR_SIGNALS` for explicit (customer, product) pairs, in O(what they own + read).

        ``owned``/``similarity`` replace the snapshot's when a training view hides purchases."""
        owned = self.owned if owned is None else owned
        similarity = self.item_similarity if similarity is None else similarity
        n = len(customers)
        bought = owned[customers].tocoo()
        copurchase = np.bincount(
            bought.row, weights=similarity[bought.col, products[bought.row]], minlength=n
        )
        read = self.engaged[customers].tocoo()
        featured = np.asarray(self.content_products[read.col, products[read.row]]).ravel()
        content = np.bincount(read.row, weights=featured, minlength=n)
        affinity = self.industry_category_share[
            self.customer_industry[customers], self.product_category[products]
        ]
        same_category = self.owned_per_category(customers, owned)[
            np.arange(n), self.product_category[products]
        ]
        return np.stack(
            [np.log1p(copurchase), affinity, np.log1p(content), np.log1p(same_category)], axis=1
        ).astype(np.float32)

    def all_pair_signals(
        self,
        customers: np.ndarray,
        owned: sp.csr_matrix | None = None,
        similarity: np.ndarray | None = None,
    ) -> np.ndarray:
        """`PAIR_SIGNALS` for every product, signal-major: (len(PAIR_SIGNALS), len(customers),
        n_products).

        ``owned``/``similarity`` replace the snapshot's when a training view hides purchases.
        Signal-major because this runs on every GNN training step over thousands of customers
        × the catalog: filling contiguous planes in place costs ~70 ms for 4,000 × 2,002 where
        stacking into (customers, products, signals) cost ~310 ms."""
        owned = self.owned if owned is None else owned
        similarity = self.item_similarity if similarity is None else similarity
        out = np.empty((len(PAIR_SIGNALS), len(customers), self.frames.n_products), np.float32)
        out[0] = np.asarray(owned[customers] @ similarity, dtype=np.float32)
        out[1] = self.industry_affinity(customers)
        out[2] = self.content_scores(customers)
        out[3] = self.category_counts(customers, owned)
        for log_scaled in (0, 2, 3):
            np.log1p(out[log_scaled], out=out[log_scaled])
        return out
