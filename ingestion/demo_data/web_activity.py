"""Website activity: landings from ads and emails, form fills, and ordinary browsing sessions.

Page views after a click carry the campaign id (as UTM-tagged landings do), so attribution can
follow ad → visit → order. Known visitors browse product pages in the categories they like;
anonymous visitors browse by overall popularity. A visitor's ``first_seen_at`` is moved back
to their first event so the export never shows activity before a visitor existed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.catalog import Catalog
from ingestion.demo_data.engagement import AdClicks, Clicks, first_record_of
from ingestion.demo_data.identities import SourceRecords
from ingestion.demo_data.marketing import Campaigns, Content
from ingestion.demo_data.population import Population
from ingestion.demo_data.timeline import ACTIVITY_START, END, between
from ingestion.demo_data.vector_strings import ids, iso_utc, pick


@dataclass
class _Events:
    visitor: list[np.ndarray]
    time: list[np.ndarray]
    kind: list[np.ndarray]  # 0 page_view, 1 form_fill
    url: list[np.ndarray]
    content: list[np.ndarray]  # content index or -1
    campaign: list[np.ndarray]  # campaign index or -1

    def add(
        self,
        visitor: np.ndarray,
        time: np.ndarray,
        kind: int,
        url: np.ndarray,
        content: np.ndarray,
        campaign: np.ndarray,
    ) -> None:
        n = len(visitor)
        self.visitor.append(visitor)
        self.time.append(time)
        self.kind.append(np.full(n, kind))
        self.url.append(np.asarray(url, dtype=object))
        self.content.append(np.broadcast_to(content, (n,)).astype(np.int64))
        self.campaign.append(np.broadcast_to(campaign, (n,)).astype(np.int64))

    def count(self) -> int:
        return sum(len(v) for v in self.visitor)


def web_events(
    rng: np.random.Generator,
    visitors: SourceRecords,
    pop: Population,
    campaigns: Campaigns,
    content: Content,
    catalog: Catalog,
    ads: AdClicks,
    email_clicks: Clicks,
    budget: int,
) -> pa.Table:
    """All web events as an arrow table (written to Parquet with a real timestamp type)."""
    events = _Events([], [], [], [], [], [])
    landing = np.where(campaigns.landing_content >= 0, campaigns.landing_content, -1)
    urls = np.asarray([*content.urls, vocab.SITE_URL], dtype=object)
    campaign_tag = np.asarray([f"?utm_campaign={c.lower()}" for c in campaigns.ids], dtype=object)

    # landings from ad clicks, a couple of seconds after the click
    events.add(
        ads.visitor,
        ads.time + 2,
        0,
        urls[landing[ads.campaign]] + campaign_tag[ads.campaign],
        landing[ads.campaign],
        ads.campaign,
    )
    # landings from email clicks, for people the website knows
    visitor_of = first_record_of(visitors, len(pop.people))
    has_visitor = visitor_of[email_clicks.person] >= 0
    v = visitor_of[email_clicks.person[has_visitor]]
    camp = email_clicks.campaign[has_visitor]
    assert email_clicks.url is not None
    clicked_url = email_clicks.url[has_visitor]
    is_landing = clicked_url == urls[landing[camp]]
    events.add(
        v,
        email_clicks.time[has_visitor] + 3,
        0,
        clicked_url,
        np.where(is_landing, landing[camp], -1),
        camp,
    )
    # the form fill that made each known visitor known
    known = np.flatnonzero(visitors.person >= 0)
    via_campaign = rng.random(len(known)) < 0.5
    form_campaign = np.where(via_campaign, rng.integers(0, len(campaigns.ids), size=len(known)), -1)
    form_url = np.where(
        via_campaign, urls[landing[np.maximum(form_campaign, 0)]], f"{vocab.SITE_URL}/contact"
    )
    events.add(
        known,
        visitors.created[known],
        1,
        form_url,
        np.where(via_campaign, landing[np.maximum(form_campaign, 0)], -1),
        np.full(len(known), -1),
    )
    _browsing(rng, events, visitors, pop, content, catalog, max(0, budget - events.count()))

    visitor = np.concatenate(events.visitor)
    time = np.minimum(np.concatenate(events.time), END - 1)
    order = np.argsort(time, kind="stable")
    visitor, time = visitor[order], time[order]
    kind = np.concatenate(events.kind)[order]
    content_idx = np.concatenate(events.content)[order]
    campaign_idx = np.concatenate(events.campaign)[order]
    _move_first_seen(visitors, visitor, time)
    content_ids = np.asarray([*content.ids, None], dtype=object)
    campaign_ids = np.asarray([*campaigns.ids, None], dtype=object)
    return pa.table(
        {
            "event_id": pa.array(ids("WE", len(visitor), 9), type=pa.string()),
            "visitor_id": pa.array(
                pick(visitors.table["visitor_id"].to_numpy(dtype=object), visitor), type=pa.string()
            ),
            "event_type": pa.array(
                np.asarray(["page_view", "form_fill"], dtype=object)[kind], type=pa.string()
            ),
            "occurred_at": pa.array(
                time.astype("datetime64[s]").astype("datetime64[us]"),
                type=pa.timestamp("us", tz="UTC"),
            ),
            "url": pa.array(np.concatenate(events.url)[order], type=pa.string()),
            "content_id": pa.array(content_ids[content_idx], type=pa.string()),
            "campaign_id": pa.array(campaign_ids[campaign_idx], type=pa.string()),
        }
    )


def _browsing(
    rng: np.random.Generator,
    events: _Events,
    visitors: SourceRecords,
    pop: Population,
    content: Content,
    catalog: Catalog,
    budget: int,
) -> None:
    """Organic sessions of a few page views each."""
    if budget <= 0:
        return
    lengths = 1 + rng.poisson(2.5, size=max(1, budget // 3))
    lengths = lengths[: np.searchsorted(np.cumsum(lengths), budget) + 1]
    lengths[-1] -= max(0, int(lengths.sum()) - budget)
    lengths = lengths[lengths > 0]
    n_sessions = len(lengths)
    known_rows = np.flatnonzero(visitors.person >= 0)
    anon_rows = np.flatnonzero(visitors.person < 0)
    use_known = (rng.random(n_sessions) < 0.45) & (len(known_rows) > 0) | (len(anon_rows) == 0)
    session_visitor = np.empty(n_sessions, dtype=np.int64)
    if len(known_rows):
        activity = pop.people["activity"].to_numpy()[visitors.person[known_rows]]
        session_visitor[use_known] = known_rows[
            rng.choice(len(known_rows), size=use_known.sum(), p=activity / activity.sum())
        ]
    if len(anon_rows):
        session_visitor[~use_known] = anon_rows[
            rng.integers(0, len(anon_rows), size=(~use_known).sum())
        ]
    start = between(
        rng, np.maximum(visitors.created[session_visitor], ACTIVITY_START), END, n_sessions
    )

    visitor = np.repeat(session_visitor, lengths)
    n = len(visitor)
    offsets = rng.exponential(45, size=n).astype(np.int64) + 5
    session_of = np.repeat(np.arange(n_sessions), lengths)
    cumulative = np.cumsum(offsets)
    first_in_session = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    time = start[session_of] + cumulative - cumulative[first_in_session][session_of]

    person = visitors.person[visitor]
    cum = pop.affinity[np.maximum(person, 0)].cumsum(axis=1)
    liked = (cum < rng.random(n)[:, None]).sum(axis=1).clip(0, len(vocab.CATEGORIES) - 1)
    category = np.where(person >= 0, liked, rng.integers(0, len(vocab.CATEGORIES), size=n))
    tier = np.where(person >= 0, pop.people["price_tier"].to_numpy()[np.maximum(person, 0)], 1)
    product = catalog.draw(rng, category, tier)
    skus = catalog.products["sku"].str.lower().to_numpy(dtype=object)
    slugs = np.asarray([c.slug for c in vocab.CATEGORIES], dtype=object)
    posts = np.asarray([i for i, r in enumerate(content.rows) if r["content_type"] == "post"])
    content_urls = np.asarray(content.urls, dtype=object)

    page = rng.choice(4, size=n, p=[0.55, 0.15, 0.15, 0.15])  # product, category, blog post, home
    if not len(posts):
        page = np.where(page == 2, 0, page)
    post = posts[rng.integers(0, len(posts), size=n)] if len(posts) else np.zeros(n, dtype=np.int64)
    url = np.where(
        page == 0,
        f"{vocab.SHOP_URL}/p/" + skus[product],
        np.where(
            page == 1,
            f"{vocab.SHOP_URL}/c/" + slugs[category],
            np.where(page == 2, content_urls[post] if len(posts) else "", vocab.SITE_URL + "/"),
        ),
    )
    events.add(visitor, time, 0, url, np.where(page == 2, post, -1), np.full(n, -1))


def _move_first_seen(visitors: SourceRecords, visitor: np.ndarray, time: np.ndarray) -> None:
    """Set first_seen_at to the earliest of the drawn value and the visitor's first event."""
    earliest = visitors.created.copy()
    np.minimum.at(earliest, visitor, time)
    visitors.created[:] = earliest
    visitors.table["first_seen_at"] = iso_utc(earliest)
