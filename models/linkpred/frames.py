"""The graph, flattened into a few integer-indexed tables that every model reads.

Why a neutral shape: the GNN, the baselines and the benchmark on MovieLens must all see exactly
the same customers, items and events, so that their metrics are comparable. Neo4j export
(`export.py`) and the MovieLens loader both produce `GraphFrames`; nothing downstream touches the
database or knows where the data came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class GraphFrames:
    """Customers, items and timestamped events, with dense integer ids.

    - ``customers``: customer_id, account (nullable str), industry (nullable str); row i = index i.
    - ``products``: sku, name, category, subcategory, price, discontinued; row j = index j.
    - ``purchases``: customer (int), product (int), at (epoch s), quantity.
    - ``interactions``: customer (int), kind (str), at (epoch s), content (int, -1 = none).
    - ``content``: content_id, title; ``content_products``: content (int), product (int).
    """

    customers: pd.DataFrame
    products: pd.DataFrame
    purchases: pd.DataFrame
    interactions: pd.DataFrame
    content: pd.DataFrame
    content_products: pd.DataFrame
    snapshot: dict[str, object] = field(default_factory=dict)

    @property
    def n_customers(self) -> int:
        return len(self.customers)

    @property
    def n_products(self) -> int:
        return len(self.products)

    @property
    def last_event_at(self) -> int:
        """The newest purchase time: the "now" that temporal windows count back from."""
        return int(self.purchases["at"].max()) if len(self.purchases) else 0

    def until(self, at: int) -> GraphFrames:
        """The same graph as it was just before ``at`` (events from ``at`` on removed): the
        input of a rolling-origin evaluation, and what a leakage test compares against."""
        return replace(
            self,
            purchases=self.purchases_before(at).reset_index(drop=True),
            interactions=self.interactions_before(at).reset_index(drop=True),
        )

    def purchases_before(self, at: int) -> pd.DataFrame:
        return self.purchases[self.purchases["at"] < at]

    def interactions_before(self, at: int) -> pd.DataFrame:
        return self.interactions[self.interactions["at"] < at]

    def owned_matrix_pairs(self, before: int) -> np.ndarray:
        """Unique (customer, product) pairs bought before ``before``, as an (n, 2) array."""
        bought = self.purchases_before(before)[["customer", "product"]].drop_duplicates()
        return bought.to_numpy(dtype=np.int64)


def index_of(values: pd.Series, universe: pd.Series) -> np.ndarray:
    """Position of each value in ``universe`` (-1 when absent), vectorised."""
    lookup = pd.Index(universe)
    return np.asarray(lookup.get_indexer(values), dtype=np.int64)
