"""Orders with the hidden structure a cross-sell model should learn.

Three kinds of orders make up the history:

* everyday orders: the category follows the buyer's affinities, the date the category's season
  (outdoor in summer, electronics before Christmas), the product the buyer's price tier;
* campaign-driven orders: a click on a campaign leads, within days, to an order in the promoted
  category at the campaign's discount;
* follow-up orders: some weeks after buying X, the buyer returns for X's partner product.

Within an order, extra lines are often the first product's partner as well. Shares are fixed
so the planted effects are strong enough to detect on a few thousand customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.catalog import Catalog
from ingestion.demo_data.engagement import Clicks, first_record_of
from ingestion.demo_data.identities import SourceRecords
from ingestion.demo_data.marketing import Campaigns
from ingestion.demo_data.population import Population
from ingestion.demo_data.timeline import ACTIVITY_START, DAY, END, seasonal_times
from ingestion.demo_data.vector_strings import ids, iso_utc, money, pick, text

_SUPPLIES = 0  # category index of Office Supplies: bought by the box


@dataclass(frozen=True)
class Purchases:
    orders: pd.DataFrame
    lines: pd.DataFrame
    first_sold: np.ndarray  # per product: earliest order time, -1 if never sold


def _sample_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column index per row of a non-negative weight matrix (inverse CDF, vectorised)."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.asarray(
        np.minimum((cum < u[:, None]).sum(axis=1), weights.shape[1] - 1), dtype=np.int64
    )


def build_purchases(
    rng: np.random.Generator,
    customers: SourceRecords,
    pop: Population,
    catalog: Catalog,
    campaigns: Campaigns,
    clicks: Clicks,
    budget: int,
) -> Purchases:
    people = pop.people
    n_records = len(customers.person)
    season = np.asarray(vocab.SEASONALITY)  # categories × months
    b2b = people["company"].to_numpy() >= 0
    tier = people["price_tier"].to_numpy()

    # everyday orders
    n_base = int(budget * 0.65)
    weight = people["activity"].to_numpy()[customers.person] * np.where(
        b2b[customers.person], 1.4, 1.0
    )
    record = (
        rng.choice(n_records, size=n_base, p=weight / weight.sum())
        if n_records
        else np.empty(0, np.int64)
    )
    person = customers.person[record]
    category = _sample_rows(rng, pop.affinity[person])
    low = np.maximum(customers.created[record], ACTIVITY_START)
    time = np.empty(n_base, dtype=np.int64)
    for c in range(len(season)):  # when a category sells follows its season
        rows = np.flatnonzero(category == c)
        time[rows] = seasonal_times(rng, low[rows], np.full(len(rows), END), season[c])
    discount = np.zeros(n_base)

    # campaign-driven orders: shop customers who clicked
    shop_of = first_record_of(customers, len(people))
    has_shop = shop_of[clicks.person] >= 0
    candidates = np.flatnonzero(has_shop)
    n_campaign = min(len(candidates), int(budget * 0.15))
    if n_campaign:
        fit = pop.affinity[
            clicks.person[candidates], campaigns.category[clicks.campaign[candidates]]
        ]
        chosen = candidates[
            rng.choice(len(candidates), size=n_campaign, replace=False, p=fit / fit.sum())
        ]
        c_time = (
            clicks.time[chosen] + rng.exponential(1.5 * DAY, size=n_campaign).astype(np.int64) + 600
        )
        c_camp = clicks.campaign[chosen]
        keep = c_time < END
        record = np.concatenate([record, shop_of[clicks.person[chosen]][keep]])
        time = np.concatenate([time, c_time[keep]])
        category = np.concatenate([category, campaigns.category[c_camp][keep]])
        in_window = c_time[keep] < campaigns.end[c_camp][keep]
        discount = np.concatenate(
            [discount, np.where(in_window, campaigns.discount[c_camp][keep], 0)]
        )
    person = customers.person[record]
    first_product = catalog.draw(rng, category, tier[person])

    # follow-ups: X's partner some weeks after X
    n_follow = int(budget * 0.2)
    if len(record) and n_follow:
        source = rng.integers(0, len(record), size=n_follow)
        f_time = time[source] + 3 * DAY + rng.exponential(25 * DAY, size=n_follow).astype(np.int64)
        keep = f_time < END
        record = np.concatenate([record, record[source][keep]])
        time = np.concatenate([time, f_time[keep]])
        first_product = np.concatenate(
            [first_product, catalog.partner[first_product[source][keep]]]
        )
        discount = np.concatenate([discount, np.zeros(keep.sum())])
    return _orders_and_lines(rng, customers, pop, catalog, record, time, first_product, discount)


def _orders_and_lines(
    rng: np.random.Generator,
    customers: SourceRecords,
    pop: Population,
    catalog: Catalog,
    record: np.ndarray,
    time: np.ndarray,
    first_product: np.ndarray,
    discount: np.ndarray,
) -> Purchases:
    order = np.argsort(time, kind="stable")
    record, time, first_product, discount = (
        record[order],
        time[order],
        first_product[order],
        discount[order],
    )
    n_orders = len(record)
    person = customers.person[record]
    b2b = pop.people["company"].to_numpy()[person] >= 0
    n_lines = 1 + np.minimum(rng.poisson(np.where(b2b, 1.4, 0.7)), 7)
    order_of_line = np.repeat(np.arange(n_orders), n_lines)
    line_no = np.arange(len(order_of_line)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines) + 1
    n = len(order_of_line)

    line_person = person[order_of_line]
    extra_category = _sample_rows(rng, pop.affinity[line_person])
    extra = catalog.draw(rng, extra_category, pop.people["price_tier"].to_numpy()[line_person])
    partner = catalog.partner[first_product[order_of_line]]
    product = np.where(
        line_no == 1, first_product[order_of_line], np.where(rng.random(n) < 0.35, partner, extra)
    )

    category = catalog.products["category"].to_numpy()[product]
    line_b2b = b2b[order_of_line]
    bulk = np.minimum(1 + rng.geometric(0.15, size=n), 60)
    some = np.minimum(rng.geometric(0.55, size=n), 20)
    quantity = np.where(
        line_b2b & (category == _SUPPLIES),
        bulk,
        np.where(line_b2b, some, 1 + (rng.random(n) < 0.12)),
    )

    country = pop.people["country"].to_numpy()[person]
    currencies = np.asarray([c.currency for c in vocab.COUNTRIES], dtype=object)
    currency = currencies[country]
    fx = np.asarray([vocab.FX_FROM_GBP[c] for c in currency])
    price = catalog.products["price"].to_numpy()[product]
    unit = np.round(price * fx[order_of_line] * (1 - discount[order_of_line] / 100), 2)
    total = np.round(np.bincount(order_of_line, weights=unit * quantity, minlength=n_orders), 2)
    status = rng.choice(
        np.asarray(["paid", "refunded", "cancelled"], dtype=object),
        size=n_orders,
        p=[0.92, 0.045, 0.035],
    )
    order_ids = ids("ORD", n_orders, 8)
    orders = pd.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": pick(customers.table["customer_id"].to_numpy(dtype=object), record),
            "ordered_at": iso_utc(time),
            "status": text(status),
            "currency": text(currency),
            "total": money(total),
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": pick(order_ids.to_numpy(dtype=object), order_of_line),
            "line_no": text(line_no.astype(str)),
            "sku": pick(catalog.products["sku"].to_numpy(dtype=object), product),
            "quantity": text(quantity.astype(str)),
            "unit_price": money(unit),
        }
    )
    first_sold = np.full(len(catalog.products), np.iinfo(np.int64).max)
    np.minimum.at(first_sold, product, time[order_of_line])
    first_sold[first_sold == np.iinfo(np.int64).max] = -1
    return Purchases(orders, lines, first_sold)
