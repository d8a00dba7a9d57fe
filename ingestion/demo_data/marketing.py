"""Campaigns and the content that carries them.

Campaigns promote one category over a few days to weeks, mostly in that category's season
(outdoor in summer, electronics before Christmas). Each gets a landing page; email campaigns
also get an email, social campaigns posts; free-standing blog posts fill the content library.
Budgets and spend of paid campaigns are settled later from their actual ad clicks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingestion.demo_data import copywriting as copy
from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.catalog import Catalog
from ingestion.demo_data.timeline import ACTIVITY_START, DAY, END, month_index, seasonal_times
from ingestion.demo_data.vector_strings import iso_date, iso_date_one, iso_utc_one, money, text

_DURATION_DAYS = {
    "email": (3, 14),
    "ads": (14, 45),
    "social": (10, 40),
    "web": (20, 60),
    "sms": (1, 5),
}
_OBJECTIVES = {
    "email": ("retention", "conversion", "reactivation"),
    "ads": ("acquisition", "conversion", "awareness"),
    "social": ("awareness", "acquisition"),
    "web": ("conversion", "awareness"),
    "sms": ("conversion", "reactivation"),
}


@dataclass
class Campaigns:
    ids: list[str]
    channel: np.ndarray  # str
    category: np.ndarray  # category index
    start: np.ndarray  # seconds
    end: np.ndarray  # seconds, exclusive
    discount: np.ndarray  # percent off during the campaign (0 = none)
    budget: np.ndarray
    names: list[str]
    objectives: list[str]
    email_content: np.ndarray  # content index or -1
    landing_content: np.ndarray  # content index or -1

    def table(self, spend: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "campaign_id": text(self.ids),
                "name": text(self.names),
                "channel": text(self.channel),
                "objective": text(self.objectives),
                "start_date": iso_date(self.start),
                "end_date": iso_date(self.end - 1),
                "budget": money(self.budget),
                "spend": money(spend),
                "target_category": text([vocab.CATEGORIES[c].name for c in self.category]),
            }
        )


@dataclass
class Content:
    rows: list[dict[str, object]]

    @property
    def urls(self) -> list[str]:
        return [str(r["url"]) for r in self.rows]

    @property
    def ids(self) -> list[str]:
        return [str(r["content_id"]) for r in self.rows]

    def lines(self) -> list[str]:
        return [json.dumps(r, ensure_ascii=False) for r in self.rows]


def build_campaigns(rng: np.random.Generator, n_customers: int) -> Campaigns:
    n = int(np.clip(30 + n_customers // 2_000, 30, 80))
    weights = np.asarray(vocab.CHANNEL_WEIGHTS)
    channel = rng.choice(
        np.asarray(vocab.CAMPAIGN_CHANNELS, dtype=object), size=n, p=weights / weights.sum()
    )
    category = rng.integers(0, len(vocab.CATEGORIES), size=n)
    start = np.empty(n, dtype=np.int64)
    season = np.asarray(vocab.SEASONALITY)
    for c in range(len(vocab.CATEGORIES)):
        rows = np.flatnonzero(category == c)
        low = np.full(len(rows), ACTIVITY_START)
        start[rows] = seasonal_times(rng, low, np.full(len(rows), END - 7 * DAY), season[c] ** 2)
    start = start - start % DAY
    order = np.argsort(start, kind="stable")
    channel, category, start = channel[order], category[order], start[order]
    days = np.asarray([rng.integers(*_DURATION_DAYS[ch]) for ch in channel])
    end = np.minimum(start + days * DAY, END)
    objectives = [str(_OBJECTIVES[ch][rng.integers(len(_OBJECTIVES[ch]))]) for ch in channel]
    discount = np.asarray(
        [
            int(rng.choice([10, 15, 20])) if o in ("conversion", "reactivation") else 0
            for o in objectives
        ]
    )
    budget = rng.lognormal(np.log(np.where(np.isin(channel, ["ads", "social"]), 6_000, 2_500)), 0.5)
    months = month_index(start)
    years = start.astype("datetime64[s]").astype("datetime64[Y]").astype(int) + 1970
    names, seen = [], set()
    for i in range(n):
        name = copy.campaign_name(
            copy.OCCASIONS[months[i]],
            vocab.CATEGORIES[category[i]].name,
            objectives[i],
            int(years[i]),
            str(channel[i]),
        )
        k = 2
        while name in seen:
            name, k = f"{name} #{k}", k + 1
        seen.add(name)
        names.append(name)
    return Campaigns(
        ids=[f"CMP{i + 1:04d}" for i in range(n)],
        channel=channel,
        category=category,
        start=start,
        end=end,
        discount=discount,
        budget=budget,
        names=names,
        objectives=objectives,
        email_content=np.full(n, -1),
        landing_content=np.full(n, -1),
    )


def _featured(
    rng: np.random.Generator, catalog: Catalog, category: int, k: int
) -> list[dict[str, object]]:
    members = catalog.by_category[category]
    popularity = catalog.products["popularity"].to_numpy()[members]
    chosen = rng.choice(
        members, size=min(k, len(members)), replace=False, p=popularity / popularity.sum()
    )
    return [dict(catalog.products.iloc[int(i)]) for i in chosen]


def build_content(
    rng: np.random.Generator, campaigns: Campaigns, catalog: Catalog, n_customers: int
) -> Content:
    """Emails, landing pages and posts; links campaigns to the content that carries them."""
    target = int(np.clip(100 + n_customers // 500, 100, 300))
    drafts: list[dict[str, object]] = []

    def add(
        kind: str,
        title: str,
        body: str,
        url: str,
        campaign: int,
        products: list[dict[str, object]],
        published: int,
    ) -> int:
        drafts.append(
            {
                "content_type": kind,
                "title": title,
                "body": body,
                "url": url,
                "campaign": campaign,
                "skus": [str(p["sku"]) for p in products],
                "published": published,
            }
        )
        return len(drafts) - 1

    for i, cid in enumerate(campaigns.ids):
        category = vocab.CATEGORIES[campaigns.category[i]]
        occasion = copy.OCCASIONS[month_index(campaigns.start[i : i + 1])[0]]
        products = _featured(rng, catalog, int(campaigns.category[i]), int(rng.integers(3, 6)))
        published = int(campaigns.start[i] - rng.integers(1, 10) * DAY)
        slug = f"{occasion}-{category.slug}-{cid}".lower().replace(" ", "-")
        tips = copy.TIPS[category.name]
        title, body = copy.landing_text(
            occasion,
            category.name,
            int(campaigns.discount[i]),
            products,
            tips[rng.integers(len(tips))],
        )
        landing_url = f"{vocab.SITE_URL}/lp/{slug}"
        campaigns.landing_content[i] = add(
            "landing_page", title, body, landing_url, i, products, published
        )
        if campaigns.channel[i] == "email":
            ends = iso_date_one(int(campaigns.end[i]) - 1)
            title, body = copy.email_text(
                occasion, category.name, int(campaigns.discount[i]), products, landing_url, ends
            )
            campaigns.email_content[i] = add(
                "email", title, body, f"{vocab.SITE_URL}/email/{slug}", i, products, published
            )
        if campaigns.channel[i] == "social":
            for _ in range(int(rng.integers(1, 4))):
                _blog_post(
                    rng,
                    catalog,
                    add,
                    int(campaigns.category[i]),
                    i,
                    int(campaigns.start[i] + rng.integers(0, 7) * DAY),
                )
    while len(drafts) < target:
        category_index = int(rng.integers(len(vocab.CATEGORIES)))
        _blog_post(
            rng, catalog, add, category_index, -1, int(rng.integers(ACTIVITY_START, END - 5 * DAY))
        )
    order = sorted(range(len(drafts)), key=lambda k: (int(drafts[k]["published"]), k))  # type: ignore[call-overload]
    position = {old: new for new, old in enumerate(order)}
    campaigns.landing_content = np.asarray(
        [position.get(int(c), -1) for c in campaigns.landing_content]
    )
    campaigns.email_content = np.asarray(
        [position.get(int(c), -1) if c >= 0 else -1 for c in campaigns.email_content]
    )
    rows = []
    for new, old in enumerate(order):
        draft = drafts[old]
        published = int(draft["published"])  # type: ignore[call-overload]
        updated = published + int(rng.integers(0, 40)) * DAY if rng.random() < 0.4 else published
        campaign = int(draft["campaign"])  # type: ignore[call-overload]
        rows.append(
            {
                "content_id": f"CT{new + 1:05d}",
                "content_type": draft["content_type"],
                "title": draft["title"],
                "body": draft["body"],
                "url": draft["url"],
                "campaign_id": campaigns.ids[campaign] if campaign >= 0 else None,
                "product_skus": draft["skus"],
                "published_at": iso_utc_one(published),
                "updated_at": iso_utc_one(min(updated, END - 1)),
            }
        )
    return Content(rows)


def _blog_post(
    rng: np.random.Generator,
    catalog: Catalog,
    add: object,
    category_index: int,
    campaign: int,
    published: int,
) -> None:
    category = vocab.CATEGORIES[category_index]
    tips = copy.TIPS[category.name]
    chosen = tuple(
        str(t)
        for t in rng.choice(
            np.asarray(tips, dtype=object), size=int(rng.integers(3, 6)), replace=False
        )
    )
    products = _featured(rng, catalog, category_index, int(rng.integers(1, 4)))
    season = copy.OCCASIONS[month_index(np.asarray([published]))[0]]
    style = int(rng.integers(3))
    title, body = copy.post_text(category.name, season, chosen, products, style)
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    url = f"{vocab.SITE_URL}/blog/{slug}-{published // DAY}"
    add("post", title, body, url, campaign, products, published)  # type: ignore[operator]
