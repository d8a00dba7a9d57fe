"""Per-customer, per-product and per-pair features at one instant, from events before it only.

Shared by the GNN (as node inputs), the tabular baselines and the propensity models, and by the
drift check (population stability of the same columns). The vocabulary (industries, interaction
kinds, categories) is fixed at training time and saved with the model, so a scoring run builds
exactly the columns the model was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.linkpred.frames import GraphFrames

DAY = 86_400
NO_EVENT_DAYS = 3_650.0  # "never": ten years, so recency stays finite and monotone


@dataclass(frozen=True)
class Vocabulary:
    industries: tuple[str, ...]
    kinds: tuple[str, ...]
    categories: tuple[str, ...]
    subcategories: tuple[str, ...]
    skus: tuple[str, ...]

    @classmethod
    def from_frames(cls, frames: GraphFrames) -> Vocabulary:
        def values(series: pd.Series) -> tuple[str, ...]:
            return tuple(sorted(str(v) for v in series.dropna().unique()))

        return cls(
            industries=values(frames.customers["industry"]),
            kinds=values(frames.interactions["kind"]),
            categories=values(frames.products["category"]),
            subcategories=values(frames.products["subcategory"]),
            skus=tuple(str(s) for s in frames.products["sku"]),
        )

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "industries": list(self.industries),
            "kinds": list(self.kinds),
            "categories": list(self.categories),
            "subcategories": list(self.subcategories),
            "skus": list(self.skus),
        }


def one_hot(values: pd.Series, vocabulary: tuple[str, ...], prefix: str) -> pd.DataFrame:
    codes = pd.Categorical(values.astype("string"), categories=list(vocabulary)).codes
    matrix = np.zeros((len(values), len(vocabulary)), dtype=np.float32)
    known = codes >= 0
    matrix[np.flatnonzero(known), codes[known]] = 1.0
    return pd.DataFrame(matrix, columns=[f"{prefix}={v}" for v in vocabulary], index=values.index)


def customer_features(
    frames: GraphFrames, at: int, horizon_days: int, vocabulary: Vocabulary
) -> pd.DataFrame:
    """Recency, frequency, breadth, engagement by kind, employer activity and industry."""
    n = frames.n_customers
    horizon = horizon_days * DAY
    bought = frames.purchases_before(at)
    acted = frames.interactions_before(at)

    def count(events: pd.DataFrame, since: int | None = None) -> np.ndarray:
        if since is not None:
            events = events[events["at"] >= since]
        return np.bincount(events["customer"].to_numpy(), minlength=n).astype(np.float32)

    def days_since(events: pd.DataFrame) -> np.ndarray:
        last = np.full(n, -1, dtype=np.int64)
        if len(events):
            latest = events.groupby("customer")["at"].max()
            last[latest.index.to_numpy()] = latest.to_numpy()
        days = (at - last) / DAY
        return np.where(last < 0, NO_EVENT_DAYS, np.minimum(days, NO_EVENT_DAYS)).astype(np.float32)

    columns: dict[str, np.ndarray] = {
        "purchase_lines": np.log1p(count(bought)),
        "purchase_lines_recent": np.log1p(count(bought, at - horizon)),
        "purchase_lines_prior": np.log1p(
            count(bought, at - 2 * horizon) - count(bought, at - horizon)
        ),
        "distinct_products": np.log1p(
            np.bincount(
                bought.drop_duplicates(["customer", "product"])["customer"].to_numpy(), minlength=n
            ).astype(np.float32)
        ),
        "days_since_purchase": np.log1p(days_since(bought)),
        "days_since_interaction": np.log1p(days_since(acted)),
        "interactions_recent": np.log1p(count(acted, at - horizon)),
    }
    for kind in vocabulary.kinds:
        of_kind = acted[acted["kind"] == kind]
        columns[f"kind={kind}"] = np.log1p(count(of_kind))
        columns[f"kind_recent={kind}"] = np.log1p(count(of_kind, at - horizon))
    table = pd.DataFrame(columns)

    account = frames.customers["account"]
    recent_buyers = pd.Series(count(bought, at - horizon) > 0)
    coworkers_buying = recent_buyers.groupby(account.fillna("")).transform("sum") - recent_buyers
    table["has_account"] = account.notna().to_numpy(dtype=np.float32)
    table["coworkers_buying_recent"] = np.where(
        account.notna(), np.log1p(coworkers_buying.to_numpy(dtype=np.float32)), 0.0
    ).astype(np.float32)
    industry = one_hot(frames.customers["industry"], vocabulary.industries, "industry")
    return pd.concat([table, industry.reset_index(drop=True)], axis=1)


def product_features(
    frames: GraphFrames, at: int, horizon_days: int, vocabulary: Vocabulary
) -> pd.DataFrame:
    """Price, category, recent and all-time popularity (distinct buyers), availability."""
    n = frames.n_products
    bought = frames.purchases_before(at).drop_duplicates(["customer", "product"])
    recent = bought[bought["at"] >= at - horizon_days * DAY]
    table = pd.DataFrame(
        {
            "log_price": np.log1p(frames.products["price"].fillna(0).to_numpy(dtype=np.float32)),
            "buyers": np.log1p(np.bincount(bought["product"], minlength=n)).astype(np.float32),
            "buyers_recent": np.log1p(np.bincount(recent["product"], minlength=n)).astype(
                np.float32
            ),
            "discontinued": frames.products["discontinued"].fillna(False).to_numpy(np.float32),
        }
    )
    category = one_hot(frames.products["category"], vocabulary.categories, "category")
    subcategory = one_hot(frames.products["subcategory"], vocabulary.subcategories, "sub")
    return pd.concat([table, category, subcategory], axis=1)


def popularity(frames: GraphFrames, at: int, horizon_days: int) -> np.ndarray:
    """Distinct buyers per product in the two horizons before ``at`` (recent tastes)."""
    window = frames.purchases[
        (frames.purchases["at"] < at) & (frames.purchases["at"] >= at - 2 * horizon_days * DAY)
    ].drop_duplicates(["customer", "product"])
    counts = np.bincount(window["product"], minlength=frames.n_products).astype(np.float64)
    # All-time buyers break ties so products unseen lately still have an order.
    everyone = frames.purchases_before(at).drop_duplicates(["customer", "product"])
    return counts + 1e-3 * np.bincount(everyone["product"], minlength=frames.n_products)
