"""The product catalogue, with the structure purchases are later drawn from.

Products are composed from the vocabulary (brand, model, product type, attributes), priced
within their subcategory's range, and given a popularity and a price tier. Each product also
gets a *partner* in its complementary subcategory (a tent's sleeping bag, a laptop's bag): the
co-purchase pairs that buyers follow and a recommender should find again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.timeline import ACTIVITY_START, DAY, END, HISTORY_START, between
from ingestion.demo_data.vector_strings import bools, iso_date, money, text

_MODELS = (
    "Pro",
    "Lite",
    "Max",
    "Air",
    "Classic",
    "Compact",
    "Plus",
    "Flex",
    "Eco",
    "Ultra",
    "Trek",
    "Studio",
    "Go",
    "X2",
    "S3",
    "One",
    "Edge",
    "Core",
    "Prime",
    "Nova",
)
#: How strongly each price tier of buyer (rows) prefers each price tier of product (columns).
_TIER_FIT = np.array([[1.0, 0.45, 0.12], [0.5, 1.0, 0.5], [0.15, 0.5, 1.0]])


@dataclass(frozen=True)
class Catalog:
    products: pd.DataFrame  # sku, name, category (index), subcategory (name), price, tier, ...
    partner: np.ndarray  # product index of each product's co-purchase partner
    by_category: list[np.ndarray]  # product indices per category
    cdf: np.ndarray  # categories × buyer tiers × products: cumulative choice probabilities

    def draw(self, rng: np.random.Generator, category: np.ndarray, tier: np.ndarray) -> np.ndarray:
        """One product per row from a category, matching the buyer's price tier; vectorised."""
        u = rng.random(len(category))
        out = np.empty(len(category), dtype=np.int64)
        for c in range(self.cdf.shape[0]):
            for t in range(self.cdf.shape[1]):
                rows = np.flatnonzero((category == c) & (tier == t))
                if len(rows):
                    out[rows] = np.searchsorted(self.cdf[c, t], u[rows], side="right")
        return np.minimum(out, len(self.products) - 1)


def _sku_code(slug: str) -> str:
    parts = slug.split("-")
    return (parts[0][0] + parts[1][0]).upper() if len(parts) > 1 else slug[:2].upper()


def _describe(name: str, adjective: str, sub: vocab.Subcategory, attributes: dict[str, str]) -> str:
    facts = [f"{key.replace('_', ' ')}: {value}" for key, value in attributes.items()]
    article = "an" if adjective[0] in "aeiou" else "a"
    return (
        f"The {name} is {article} {adjective} choice for {sub.use}. "
        f"Key details - {'; '.join(facts)}. "
        f"Sold and supported by {vocab.BUSINESS}, with free returns within 30 days."
    )


def build_catalog(rng: np.random.Generator, n_customers: int) -> Catalog:
    """Draw ~200-2000 products across the eight categories, scaled with the customer count."""
    n_products = int(np.clip(n_customers // 50, 200, 2000))
    subs = [
        (ci, si, sub)
        for ci, cat in enumerate(vocab.CATEGORIES)
        for si, sub in enumerate(cat.subcategories)
    ]
    share = rng.dirichlet(np.full(len(subs), 8.0))
    counts = np.maximum(3, np.round(share * n_products)).astype(int)
    rows: list[dict[str, object]] = []
    seen_names: set[str] = set()
    for (ci, si, sub), count in zip(subs, counts, strict=True):
        category = vocab.CATEGORIES[ci]
        lo, hi = sub.price
        prices = np.exp(rng.uniform(np.log(lo), np.log(hi), size=count))
        for j in range(count):
            noun = sub.nouns[rng.integers(len(sub.nouns))]
            brand = category.brands[rng.integers(len(category.brands))]
            model = _MODELS[rng.integers(len(_MODELS))]
            name = f"{brand} {model} {noun}"
            generation = 2
            while name in seen_names:
                name, generation = f"{brand} {model} {noun} Gen {generation}", generation + 1
            seen_names.add(name)
            attributes = {
                key: options[rng.integers(len(options))] for key, options in sub.attributes
            }
            adjective = category.adjectives[rng.integers(len(category.adjectives))]
            price = max(1.0, float(np.round(prices[j])) - 0.01)
            rows.append(
                {
                    "sku": f"{_sku_code(category.slug)}-{si + 1:02d}{len(rows) + 1:05d}",
                    "name": name,
                    "category": ci,
                    "subcategory": sub.name,
                    "noun": noun,
                    "price": price,
                    "attributes": json.dumps(attributes, ensure_ascii=False),
                    "description": _describe(name, adjective, sub, attributes),
                }
            )
    products = pd.DataFrame(rows)
    n = len(products)
    products["tier"] = (
        (
            products.groupby("subcategory", sort=False)["price"]
            .rank(pct=True, method="first")
            .to_numpy()
            * 3
        )
        .clip(0, 2.999)
        .astype(int)
    )
    products["popularity"] = rng.pareto(1.3, size=n) + 0.05
    launched_late = rng.random(n) < 0.25
    products["launched"] = np.where(
        launched_late,
        between(rng, ACTIVITY_START, END - 90 * DAY, n),
        between(rng, HISTORY_START - 365 * DAY, ACTIVITY_START - DAY, n),
    )
    products["discontinued"] = rng.random(n) < 0.08
    by_category = [
        np.flatnonzero(products["category"].to_numpy() == c) for c in range(len(vocab.CATEGORIES))
    ]
    return Catalog(
        products, _partners(rng, products), by_category, _choice_cdf(products, by_category)
    )


def _partners(rng: np.random.Generator, products: pd.DataFrame) -> np.ndarray:
    sub = products["subcategory"].to_numpy()
    popularity = products["popularity"].to_numpy()
    partner = np.empty(len(products), dtype=np.int64)
    for name in np.unique(sub):
        mine = np.flatnonzero(sub == name)
        theirs = np.flatnonzero(sub == vocab.COMPLEMENTS[str(name)])
        weight = popularity[theirs] / popularity[theirs].sum()
        partner[mine] = rng.choice(theirs, size=len(mine), p=weight)
    return partner


def _choice_cdf(products: pd.DataFrame, by_category: list[np.ndarray]) -> np.ndarray:
    n = len(products)
    popularity = products["popularity"].to_numpy()
    tier = products["tier"].to_numpy()
    cdf = np.ones((len(by_category), 3, n))
    for c, members in enumerate(by_category):
        for buyer_tier in range(3):
            weight = np.zeros(n)
            weight[members] = popularity[members] * _TIER_FIT[buyer_tier, tier[members]]
            cdf[c, buyer_tier] = np.cumsum(weight) / weight.sum()
    return cdf


def catalog_table(catalog: Catalog, first_sold: np.ndarray) -> pd.DataFrame:
    """The export: launch dates are moved before the first sale so history stays consistent."""
    products = catalog.products
    launched = products["launched"].to_numpy()
    sold = first_sold >= 0
    launched = np.where(sold & (first_sold < launched), first_sold - 14 * DAY, launched)
    names = np.asarray([c.name for c in vocab.CATEGORIES], dtype=object)
    return pd.DataFrame(
        {
            "sku": text(products["sku"]),
            "name": text(products["name"]),
            "category": text(names[products["category"].to_numpy()]),
            "subcategory": text(products["subcategory"]),
            "price": money(products["price"].to_numpy()),
            "currency": "GBP",
            "attributes": text(products["attributes"]),
            "description": text(products["description"]),
            "launched_at": iso_date(launched),
            "discontinued": bools(products["discontinued"].to_numpy()),
        }
    )
