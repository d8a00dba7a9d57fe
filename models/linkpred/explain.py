"""Why this product for this person — reasons a marketer reads, each tied to graph facts.

Reasons come from paths in the graph at the scoring instant, not from the model's internals:
content the person read that features the product, a product they own that is often bought
together with it (with the number of shared buyers), how much their industry buys the product's
category, and recent best-seller rank. The model ranks; these paths say why the ranking is
plausible, with the node ids a reviewer can open in Neo4j Browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from models.linkpred.snapshot import Snapshot


@dataclass(frozen=True)
class Reason:
    text: str
    facts: tuple[str, ...]  # "Label:id" references to the nodes the reason rests on
    strength: float


class Explainer:
    """Precomputes co-buyer counts and best-seller ranks once per scoring run."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        owned = snapshot.owned.astype(np.float32)
        self.co_buyers = np.asarray((owned.T @ owned).todense(), dtype=np.int64)
        np.fill_diagonal(self.co_buyers, 0)
        order = np.argsort(-snapshot.popularity, kind="stable")
        self.popularity_rank = np.empty_like(order)
        self.popularity_rank[order] = np.arange(1, len(order) + 1)
        products = snapshot.frames.products
        self.names = products["name"].astype(str).to_numpy()
        self.skus = products["sku"].astype(str).to_numpy()
        self.categories = products["category"].astype(str).to_numpy()
        self.content_ids = snapshot.frames.content["content_id"].astype(str).to_numpy()
        titles = snapshot.frames.content["title"]
        self.content_titles = titles.where(titles.notna(), self.content_ids).astype(str).to_numpy()
        customers = snapshot.frames.customers
        self.industries = customers["industry"].to_numpy()
        content_by_product = sp.csc_matrix(snapshot.content_products)
        self.featuring = [
            frozenset(
                content_by_product.indices[
                    content_by_product.indptr[p] : content_by_product.indptr[p + 1]
                ].tolist()
            )
            for p in range(content_by_product.shape[1])
        ]
        engaged, owned = snapshot.engaged.tocsr(), snapshot.owned.tocsr()
        self._engaged = (engaged.indptr, engaged.indices)
        self._owned = (owned.indptr, owned.indices)

    def reasons(self, customer: int, product: int, limit: int = 2) -> list[Reason]:
        """Up to ``limit`` reasons, strongest first (row lookups are plain array slices: this
        runs for every recommendation of every customer)."""
        found: list[Reason] = []
        name, sku = self.names[product], self.skus[product]
        indptr, indices = self._engaged
        read = indices[indptr[customer] : indptr[customer + 1]]
        featuring = self.featuring[product]
        read_featuring = [c for c in read.tolist() if c in featuring] if featuring else []
        for content in read_featuring[:1]:
            found.append(
                Reason(
                    f"Read “{self.content_titles[content]}”, which features {name}.",
                    (f"Content:{self.content_ids[content]}", f"Product:{sku}"),
                    3.0,
                )
            )
        indptr, indices = self._owned
        owned = indices[indptr[customer] : indptr[customer + 1]]
        if len(owned):
            shared = self.co_buyers[owned, product]
            best = int(np.argmax(shared))
            if shared[best] > 0:
                partner = owned[best]
                found.append(
                    Reason(
                        f"{shared[best]} customers who bought {self.names[partner]} (which you "
                        f"own) also bought {name}.",
                        (f"Product:{self.skus[partner]}", f"Product:{sku}"),
                        2.0 + float(np.log1p(shared[best])),
                    )
                )
        industry = self.industries[customer]
        if isinstance(industry, str):
            share = float(
                self.snapshot.industry_category_share[
                    self.snapshot.customer_industry[customer],
                    self.snapshot.product_category[product],
                ]
            )
            if share > 0:
                found.append(
                    Reason(
                        f"{share:.0%} of customers at {industry} companies buy "
                        f"{self.categories[product]}.",
                        (f"Industry:{industry}", f"Category:{self.categories[product]}"),
                        1.0 + share,
                    )
                )
        rank = int(self.popularity_rank[product])
        if rank <= 50:
            days = 2 * self.snapshot.horizon_days
            found.append(
                Reason(f"Best seller #{rank} over the last {days} days.", (f"Product:{sku}",), 0.5)
            )
        found.sort(key=lambda r: -r.strength)
        return found[:limit]


def confidence(purchase_lines: int, interactions: int, has_account: bool) -> tuple[str, str]:
    """How much history the score rests on, in words (cold start is stated, not hidden)."""
    if purchase_lines == 0 and interactions == 0:
        basis = "company and industry only" if has_account else "overall popularity only"
        return "low", f"New customer with no history: based on {basis}."
    if purchase_lines < 2:
        return "medium", "Little purchase history: industry and engagement weigh more."
    return "high", "Based on the customer's own purchase and engagement history."


def behaviour_counts(snapshot: Snapshot) -> dict[str, np.ndarray]:
    """Per customer, the counts propensity reasons quote (undoing the features' log1p)."""
    table = snapshot.customer_table

    def counts(column: str) -> np.ndarray:
        if column not in table:
            return np.zeros(len(table), dtype=np.int64)
        values: np.ndarray = np.rint(np.expm1(table[column].to_numpy(np.float64)))
        return values.astype(np.int64)

    return {
        "recent": counts("purchase_lines_recent"),
        "since": counts("days_since_purchase"),
        "coworkers": counts("coworkers_buying_recent"),
        "engaged": counts("interactions_recent"),
    }


def propensity_reasons(
    counts: dict[str, np.ndarray], customer: int, horizon_days: int
) -> list[str]:
    """The behaviour behind a propensity score, strongest first."""
    recent, since = int(counts["recent"][customer]), int(counts["since"][customer])
    coworkers, engaged = int(counts["coworkers"][customer]), int(counts["engaged"][customer])
    reasons = []
    if recent:
        reasons.append(f"Bought {recent} item(s) in the last {horizon_days} days.")
    elif since < 3_000:
        reasons.append(f"Last purchase {since} days ago.")
    else:
        reasons.append("Has not bought yet.")
    if coworkers:
        reasons.append(
            f"{coworkers} colleague(s) at the same company bought in the last {horizon_days} days."
        )
    if engaged:
        reasons.append(
            f"{engaged} interaction(s) (opens, clicks, visits, calls) in the last "
            f"{horizon_days} days."
        )
    return reasons
