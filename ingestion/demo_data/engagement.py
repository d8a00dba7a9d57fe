"""Interactions: email sends/opens/clicks, ad clicks, website visits and sales calls.

Outcomes follow the hidden traits: people open more when their engagement is high, click on
campaigns for categories they like, browse product pages in those categories, and the sales
team calls active business contacts about what they buy. Clicks also feed the purchase model
(a click raises the chance of an order in the promoted category), so campaign response and
revenue are correlated the way attribution models expect.

All draws are column-wise over the whole event set; nothing loops per event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingestion.demo_data import vocabulary as vocab
from ingestion.demo_data.catalog import Catalog
from ingestion.demo_data.identities import SourceRecords
from ingestion.demo_data.marketing import Campaigns, Content
from ingestion.demo_data.population import Population
from ingestion.demo_data.timeline import ACTIVITY_START, END, HOUR, between, business_hours
from ingestion.demo_data.vector_strings import STR, ids, iso_utc, pick, text


@dataclass(frozen=True)
class Clicks:
    """Campaign clicks by known people: the trigger for campaign-driven orders."""

    person: np.ndarray
    time: np.ndarray
    campaign: np.ndarray
    url: np.ndarray | None = None  # what was clicked, for email clicks


def first_record_of(records: SourceRecords, n_people: int) -> np.ndarray:
    """For each hidden person, the row of their first record in a system (-1 if none)."""
    out = np.full(n_people, -1, dtype=np.int64)
    rows = np.flatnonzero(records.person >= 0)[::-1]
    out[records.person[rows]] = rows
    return out


def _landing_urls(campaigns: Campaigns, content: Content) -> np.ndarray:
    urls = np.asarray(content.urls, dtype=object)
    return np.where(
        campaigns.landing_content >= 0,
        urls[np.maximum(campaigns.landing_content, 0)],
        vocab.SITE_URL,
    )


def email_events(
    rng: np.random.Generator,
    subscribers: SourceRecords,
    pop: Population,
    campaigns: Campaigns,
    content: Content,
    catalog: Catalog,
    budget: int,
) -> tuple[pd.DataFrame, Clicks]:
    """Sends to a sample of subscribers per email campaign, then opens and clicks."""
    email_campaigns = np.flatnonzero(campaigns.channel == "email")
    status = subscribers.table["status"].to_numpy(dtype=object)
    eligible_status = (status != "unsubscribed") | (rng.random(len(status)) < 0.5)
    sends_total = int(budget / 1.33)
    shares = rng.uniform(0.6, 1.4, size=len(email_campaigns))
    per_campaign = np.round(sends_total * shares / max(shares.sum(), 1e-9)).astype(int)
    sub_idx: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    camp_idx: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
    for c, k in zip(email_campaigns, per_campaign, strict=True):
        eligible = np.flatnonzero(eligible_status & (subscribers.created < campaigns.start[c]))
        k = min(int(k), len(eligible))
        if k:
            sub_idx.append(rng.choice(eligible, size=k, replace=False))
            camp_idx.append(np.full(k, c))
    sub = np.concatenate(sub_idx)
    camp = np.concatenate(camp_idx)
    person = subscribers.person[sub]
    sent = campaigns.start[camp] + 8 * HOUR + (rng.random(len(sub)) * 4 * HOUR).astype(np.int64)
    bounced = status[sub] == "bounced"
    p_open = np.clip(pop.people["engagement"].to_numpy()[person] * 1.1, 0, 0.95) * ~bounced
    opened = rng.random(len(sub)) < p_open
    open_time = sent + rng.exponential(6 * HOUR, size=len(sub)).astype(np.int64) + 60
    p_click = np.clip(0.08 + 1.2 * pop.affinity[person, campaigns.category[camp]], 0, 0.9)
    clicked = opened & (rng.random(len(sub)) < p_click)
    click_time = open_time + rng.exponential(180, size=len(sub)).astype(np.int64) + 10

    kinds = np.concatenate(
        [np.zeros(len(sub), int), np.ones(opened.sum(), int), np.full(clicked.sum(), 2)]
    )
    rows = np.concatenate([np.arange(len(sub)), np.flatnonzero(opened), np.flatnonzero(clicked)])
    times = np.concatenate([sent, open_time[opened], click_time[clicked]])
    keep = times < END
    kinds, rows, times = kinds[keep], rows[keep], times[keep]

    landing = _landing_urls(campaigns, content)
    sku_urls = _product_url_for_campaign(rng, catalog, campaigns.category[camp])
    click_url = np.where(rng.random(len(sub)) < 0.7, landing[camp], sku_urls)
    table = _email_table(kinds, rows, times, sub, camp, click_url, campaigns, content, subscribers)
    is_click = (kinds == 2) & (subscribers.person[sub[rows]] >= 0)
    clicked_rows = rows[is_click]
    clicks = Clicks(
        person[clicked_rows], times[is_click], camp[clicked_rows], click_url[clicked_rows]
    )
    return table, clicks


def _product_url_for_campaign(
    rng: np.random.Generator, catalog: Catalog, category: np.ndarray
) -> np.ndarray:
    tier = rng.integers(0, 3, size=len(category))
    product = catalog.draw(rng, category, tier)
    skus = catalog.products["sku"].str.lower().to_numpy(dtype=object)
    return np.asarray(f"{vocab.SHOP_URL}/p/" + skus[product], dtype=object)


def _email_table(
    kinds: np.ndarray,
    rows: np.ndarray,
    times: np.ndarray,
    sub: np.ndarray,
    camp: np.ndarray,
    click_url: np.ndarray,
    campaigns: Campaigns,
    content: Content,
    subscribers: SourceRecords,
) -> pd.DataFrame:
    order = np.lexsort((kinds, rows, times))
    kinds, rows, times = kinds[order], rows[order], times[order]
    camp_of_row = camp[rows]
    content_ids = np.asarray([*content.ids, ""], dtype=object)
    email_content = campaigns.email_content[camp_of_row]
    url_of_row = np.where(kinds == 2, click_url[rows], None)
    return pd.DataFrame(
        {
            "event_id": ids("EE", len(rows), 9),
            "subscriber_id": pick(
                subscribers.table["subscriber_id"].to_numpy(dtype=object), sub[rows]
            ),
            "campaign_id": pick(np.asarray(campaigns.ids, dtype=object), camp_of_row),
            "content_id": text(content_ids[email_content]).replace("", None),
            "event_type": pick(np.asarray(["send", "open", "click"], dtype=object), kinds),
            "occurred_at": iso_utc(times),
            "url": pd.Series(url_of_row, dtype=STR),
        }
    )


@dataclass(frozen=True)
class AdClicks:
    table: pd.DataFrame
    visitor: np.ndarray  # visitor row per click
    time: np.ndarray
    campaign: np.ndarray
    spend: np.ndarray  # per campaign
    by_people: Clicks


def ads_clicks(
    rng: np.random.Generator,
    visitors: SourceRecords,
    pop: Population,
    campaigns: Campaigns,
    budget: int,
) -> AdClicks:
    """Paid clicks by (mostly anonymous) visitors; known people click what they like."""
    paid = np.flatnonzero(np.isin(campaigns.channel, ["ads", "social"]))
    if not len(paid):
        budget = 0
        paid = np.zeros(1, dtype=np.int64)
    weight = campaigns.budget[paid] / campaigns.budget[paid].sum()
    budget = max(budget, 0)
    camp = paid[rng.choice(len(paid), size=budget, p=weight)]
    known_rows = np.flatnonzero(visitors.person >= 0)
    anon_rows = np.flatnonzero(visitors.person < 0)
    is_known = (rng.random(budget) < 0.35) & (len(known_rows) > 0) | (len(anon_rows) == 0)
    visitor = np.empty(budget, dtype=np.int64)
    if len(anon_rows):
        visitor[~is_known] = anon_rows[rng.integers(0, len(anon_rows), size=(~is_known).sum())]
    known_idx = np.flatnonzero(is_known)
    if len(known_idx):
        activity = pop.people["activity"].to_numpy()[visitors.person[known_rows]]
        candidates = known_rows[
            rng.choice(len(known_rows), size=len(known_idx) * 3, p=activity / activity.sum())
        ]
        candidates = candidates.reshape(len(known_idx), 3)
        fit = pop.affinity[
            visitors.person[candidates], campaigns.category[camp[known_idx]][:, None]
        ]
        visitor[known_idx] = candidates[np.arange(len(known_idx)), fit.argmax(axis=1)]
    time = between(rng, campaigns.start[camp], np.minimum(campaigns.end[camp], END), budget)
    social = campaigns.channel[camp] == "social"
    cost = np.where(
        social, rng.lognormal(np.log(0.6), 0.5, budget), rng.lognormal(np.log(1.4), 0.6, budget)
    )
    cost = np.round(cost, 2)
    order = np.argsort(time, kind="stable")
    camp, visitor, time, cost = camp[order], visitor[order], time[order], cost[order]
    ad_number = rng.integers(1, 5, size=budget)
    table = pd.DataFrame(
        {
            "click_id": ids("AC", budget, 9),
            "campaign_id": pick(np.asarray(campaigns.ids, dtype=object), camp),
            "ad_id": "AD"
            + text((camp + 1).astype(str)).str.pad(4, "left", "0")
            + "-"
            + text(ad_number.astype(str)),
            "visitor_id": pick(visitors.table["visitor_id"].to_numpy(dtype=object), visitor),
            "clicked_at": iso_utc(time),
            "cost": text(np.char.mod("%.2f", cost)),
        }
    )
    spend = np.bincount(camp, weights=cost, minlength=len(campaigns.ids))
    known = visitors.person[visitor] >= 0
    clicks = Clicks(visitors.person[visitor[known]], time[known], camp[known])
    return AdClicks(table, visitor, time, camp, spend, clicks)


def calls(
    rng: np.random.Generator, contacts: SourceRecords, pop: Population, budget: int
) -> pd.DataFrame:
    """Sales calls to business contacts, with notes that mention what the contact buys."""
    b2b = np.flatnonzero(contacts.table["account_id"].notna().to_numpy())
    if not len(b2b) or budget <= 0:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=STR)
                for c in ("call_id", "contact_id", "occurred_at", "duration_s", "outcome", "notes")
            }
        )
    activity = pop.people["activity"].to_numpy()[contacts.person[b2b]]
    row = b2b[rng.choice(len(b2b), size=budget, p=activity / activity.sum())]
    low = np.maximum(contacts.created[row], ACTIVITY_START)
    time = np.minimum(business_hours(rng, between(rng, low, END, budget)), END - 1)
    outcome = rng.choice(3, size=budget, p=[0.5, 0.3, 0.2])
    duration = np.where(
        outcome == 0,
        rng.lognormal(np.log(300), 0.7, budget),
        np.where(outcome == 1, rng.uniform(15, 70, budget), 0),
    ).astype(np.int64)
    person = contacts.person[row]
    cum = pop.affinity[person].cumsum(axis=1)
    category = (cum < rng.random(budget)[:, None]).sum(axis=1).clip(0, len(vocab.CATEGORIES) - 1)
    names = [c.name.lower() for c in vocab.CATEGORIES]
    first = contacts.table["first_name"].fillna("the contact").to_numpy(dtype=object)[row]
    template = rng.integers(0, 3, size=budget)
    notes = []
    for o, t, c, f in zip(outcome, template, category, first, strict=True):
        topic = names[c]
        if o == 0:
            notes.append(
                (
                    f"Spoke with {f} about {topic} for the team; sending a quote this week.",
                    f"Discussed the next {topic} order with {f}; asked for bulk pricing.",
                    f"Follow-up on the last delivery. {f} is interested in new {topic} lines.",
                )[t]
            )
        elif o == 1:
            notes.append(f"Left a voicemail about our {topic} offer.")
        else:
            notes.append("No answer." if t else "")
    order = np.argsort(time, kind="stable")
    outcomes = np.asarray(["connected", "voicemail", "no_answer"], dtype=object)
    return pd.DataFrame(
        {
            "call_id": ids("CL", budget, 8),
            "contact_id": pick(contacts.table["contact_id"].to_numpy(dtype=object), row[order]),
            "occurred_at": iso_utc(time[order]),
            "duration_s": text(duration[order].astype(str)),
            "outcome": pick(outcomes, outcome[order]),
            "notes": text(np.asarray(notes, dtype=object)[order]).replace("", None),
        }
    )
