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
import pandas as pd
import scipy.sparse as sp

from models.linkpred.features import DAY
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
        # For `many`: (content, product) links as sorted integer keys, each customer's industry
        # as a code (-1 when not a name), each product's best-seller reason (or None).
        links = content_by_product.tocoo()
        self._links = np.unique(links.row.astype(np.int64) * len(self.names) + links.col)
        named = np.asarray([isinstance(i, str) for i in self.industries], dtype=bool)
        self._industry_code = np.full(len(named), -1, dtype=np.int64)
        self._industry_code[named] = pd.factorize(self.industries[named])[0]
        days = 2 * snapshot.horizon_days
        self._seller: list[tuple[str, tuple[str, ...]] | None] = [
            (f"Best seller #{rank} over the last {days} days.", (f"Product:{sku}",))
            if rank <= 50
            else None
            for rank, sku in zip(self.popularity_rank.tolist(), self.skus, strict=True)
        ]

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

    def many(
        self, customers: np.ndarray, products: np.ndarray, limit: int = 2
    ) -> tuple[list[list[str]], list[list[str]]]:
        """`reasons` for the pairs (customers[i], products[i]) at once: each pair's texts
        (strongest first) and its sorted, de-duplicated facts — what `reasons` gives, with the
        graph lookups done as array operations over all pairs (scoring explains every
        recommendation: ~1.7M at 100k customers, which one `reasons` call each made ~30 s of
        Python)."""
        m = len(customers)
        # One column per kind, in `reasons`' order (the sort below is stable, as there).
        strength = np.full((m, 4), -np.inf)
        found: list[list[tuple[str, tuple[str, ...]] | None]] = [[None] * m for _ in range(4)]
        names, skus = self.names, self.skus
        content = self._first_featuring_read(customers, products)
        for i in np.flatnonzero(content >= 0).tolist():
            c, p = int(content[i]), int(products[i])
            found[0][i] = (
                f"Read “{self.content_titles[c]}”, which features {names[p]}.",
                (f"Content:{self.content_ids[c]}", f"Product:{skus[p]}"),
            )
            strength[i, 0] = 3.0
        partner, shared = self._best_co_buyer(customers, products)
        has = np.flatnonzero(shared > 0)
        strength[has, 1] = 2.0 + np.log1p(shared[has])
        for i, q, n, p in zip(
            has.tolist(),
            partner[has].tolist(),
            shared[has].tolist(),
            products[has].tolist(),
            strict=True,
        ):
            found[1][i] = (
                f"{n} customers who bought {names[q]} (which you own) also bought {names[p]}.",
                (f"Product:{skus[q]}", f"Product:{skus[p]}"),
            )
        share = self.snapshot.industry_category_share[
            self.snapshot.customer_industry[customers], self.snapshot.product_category[products]
        ]
        has = np.flatnonzero((self._industry_code[customers] >= 0) & (share > 0))
        strength[has, 2] = 1.0 + share[has].astype(np.float64)
        # The text depends on the industry and the product only: write each such pair once.
        key = self._industry_code[customers[has]] * len(names) + products[has]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        texts = []
        for i in has[first].tolist():
            industry, category = self.industries[customers[i]], self.categories[products[i]]
            texts.append(
                (
                    f"{float(share[i]):.0%} of customers at {industry} companies buy {category}.",
                    (f"Industry:{industry}", f"Category:{category}"),
                )
            )
        for i, t in zip(has.tolist(), inverse.tolist(), strict=True):
            found[2][i] = texts[t]
        found[3] = [self._seller[p] for p in products.tolist()]
        strength[[f is not None for f in found[3]], 3] = 0.5
        order = np.argsort(-strength, axis=1, kind="stable")[:, :limit]
        present = np.take_along_axis(strength, order, axis=1) > -np.inf
        out_texts, out_facts = [], []
        for i, (kinds, valid) in enumerate(zip(order.tolist(), present.tolist(), strict=True)):
            chosen = [found[kind][i] for kind, ok in zip(kinds, valid, strict=True) if ok]
            out_texts.append([r[0] for r in chosen if r is not None])
            out_facts.append(sorted({f for r in chosen if r is not None for f in r[1]}))
        return out_texts, out_facts

    def _expand(
        self, rows: tuple[np.ndarray, np.ndarray], customers: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each pair's customer row of a CSR matrix, concatenated in row order: (pair index,
        column, lengths per pair)."""
        indptr, indices = rows
        starts, lengths = indptr[customers], indptr[customers + 1] - indptr[customers]
        pair = np.repeat(np.arange(len(customers)), lengths)
        offsets = np.arange(len(pair)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return pair, indices[np.repeat(starts, lengths) + offsets], lengths

    def _first_featuring_read(self, customers: np.ndarray, products: np.ndarray) -> np.ndarray:
        """Per pair, the first content (in the customer's row order) the customer read that
        features the product, or -1."""
        pair, read, _ = self._expand(self._engaged, customers)
        key = read.astype(np.int64) * len(self.names) + products[pair]
        where = np.minimum(np.searchsorted(self._links, key), max(len(self._links) - 1, 0))
        hit = np.flatnonzero(self._links[where] == key) if len(self._links) else where[:0]
        out = np.full(len(customers), -1, dtype=np.int64)
        pairs, first = np.unique(pair[hit], return_index=True)
        out[pairs] = read[hit[first]]
        return out

    def _best_co_buyer(
        self, customers: np.ndarray, products: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per pair, the owned product sharing the most buyers with the product (the first such
        in the customer's row order, as `np.argmax`) and that count (0 when none)."""
        pair, owned, lengths = self._expand(self._owned, customers)
        shared = self.co_buyers[owned, products[pair]]
        partner = np.full(len(customers), -1, dtype=np.int64)
        best = np.zeros(len(customers), dtype=np.int64)
        nonempty = np.flatnonzero(lengths)
        if len(nonempty):
            starts = (np.cumsum(lengths) - lengths)[nonempty]
            best[nonempty] = np.maximum.reduceat(shared, starts)
            top = np.flatnonzero(shared == best[pair])
            pairs, first = np.unique(pair[top], return_index=True)
            partner[pairs] = owned[top[first]]
        return partner, best


def confidence(purchase_lines: int, interactions: int, has_account: bool) -> tuple[str, str]:
    """How much history the score rests on, in words (cold start is stated, not hidden)."""
    if purchase_lines == 0 and interactions == 0:
        basis = "company and industry only" if has_account else "overall popularity only"
        return "low", f"New customer with no history: based on {basis}."
    if purchase_lines < 2:
        return "medium", "Little purchase history: industry and engagement weigh more."
    return "high", "Based on the customer's own purchase and engagement history."


#: Interaction kinds that are not the person engaging: e-mails we sent them, and purchases
#: (which the first propensity reason counts, as products).
NOT_ENGAGEMENT = ("email_send", "purchase")


def behaviour_counts(snapshot: Snapshot) -> dict[str, np.ndarray]:
    """Per customer, the counts propensity reasons quote, each counting what its sentence says:
    distinct products bought in the last horizon (an order line is not an item: one product on
    three lines, or three of it on one line, is one product bought), the person's own
    interactions (not e-mails sent to them, not purchases), colleagues who bought (people) and
    days since the last purchase. The features count order lines and every interaction, which
    suits a model but not a sentence."""
    frames, at = snapshot.frames, snapshot.at
    since, n = at - snapshot.horizon_days * DAY, frames.n_customers
    purchases = frames.purchases
    bought = purchases[(purchases["at"] >= since) & (purchases["at"] < at)]
    products = bought.drop_duplicates(["customer", "product"])["customer"].to_numpy()
    acted = frames.interactions
    own = acted[(acted["at"] >= since) & (acted["at"] < at) & ~acted["kind"].isin(NOT_ENGAGEMENT)]
    table = snapshot.customer_table

    def unlogged(column: str) -> np.ndarray:
        if column not in table:
            return np.zeros(len(table), dtype=np.int64)
        values: np.ndarray = np.rint(np.expm1(table[column].to_numpy(np.float64)))
        return values.astype(np.int64)

    return {
        "products": np.bincount(products, minlength=n).astype(np.int64),
        "since": unlogged("days_since_purchase"),
        "coworkers": unlogged("coworkers_buying_recent"),
        "engaged": np.bincount(own["customer"].to_numpy(), minlength=n).astype(np.int64),
    }


def propensity_reasons(
    counts: dict[str, np.ndarray], customer: int, horizon_days: int
) -> list[str]:
    """The behaviour behind a propensity score, strongest first."""
    products, since = int(counts["products"][customer]), int(counts["since"][customer])
    coworkers, engaged = int(counts["coworkers"][customer]), int(counts["engaged"][customer])
    reasons = []
    if products:
        what = "1 product" if products == 1 else f"{products} different products"
        reasons.append(f"Bought {what} in the last {horizon_days} days.")
    elif since < 3_000:
        reasons.append(f"Last purchase {since} days ago.")
    else:
        reasons.append("Has not bought yet.")
    if coworkers:
        reasons.append(
            f"{coworkers} colleague(s) at the same company bought in the last {horizon_days} days."
        )
    if engaged:
        acts = "open, click, visit, form fill or call" if engaged == 1 else (
            "opens, clicks, visits, form fills or calls")  # fmt: skip
        reasons.append(f"{engaged} {acts} in the last {horizon_days} days.")
    return reasons
