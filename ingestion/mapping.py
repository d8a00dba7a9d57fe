"""How each validated source file becomes rows for one of the `cypher/ingest/*.cypher` queries.

Why a mapping layer: four person-record exports share one Cypher upsert, five event exports
share another; the differences (id prefixes, column names, derived fields) live here as small
pure functions over DataFrames, so the Cypher stays one readable query per node family.
Ids are made globally unique by prefixing the source system (`crm:C0000012`), which is also
how the demo data's ground truth names records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ingestion.contracts import CONTRACTS

CUSTOMER_RECORD_COLUMNS = [
    "first_name", "last_name", "full_name", "email", "phone", "job_title", "company_name",
    "street", "city", "postcode", "country", "consent_email", "consent_sms", "status",
    "created_at", "updated_at", "account_record_id",
]  # fmt: skip
INTERACTION_COLUMNS = [
    "kind", "channel", "occurred_at", "performer_id", "campaign_id", "content_id", "url",
    "duration_s", "outcome", "notes", "status", "currency", "total", "ad_id", "cost",
]  # fmt: skip


@dataclass(frozen=True)
class GraphMapping:
    """A source type's target query, its key column and the function that shapes its rows."""

    source_type: str
    source_system: str
    query: str
    key: str
    build: Callable[[pd.DataFrame], pd.DataFrame]


def slug(text: str) -> str:
    """A stable id for a category name: "Outdoor & Camping" -> "outdoor-camping"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _prefixed(source: str, ids: pd.Series) -> pd.Series:
    out = source + ":" + ids.astype("string")
    return out.where(ids.notna(), None)


def _frame(df: pd.DataFrame, columns: list[str], **values: Any) -> pd.DataFrame:
    """A frame with exactly `columns` (+ key/provenance), missing ones filled with None."""
    out = pd.DataFrame(index=df.index)
    for column in columns:
        out[column] = (
            values[column] if column in values else (df[column] if column in df.columns else None)
        )
    for column, value in values.items():
        if column not in out.columns:
            out[column] = value
    return out


def _people(source: str, id_column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def build(df: pd.DataFrame) -> pd.DataFrame:
        extra: dict[str, object] = {
            "record_id": _prefixed(source, df[id_column]),
            "source_id": df[id_column],
        }
        if "full_name" not in df.columns and {"first_name", "last_name"} <= set(df.columns):
            full = df["first_name"].fillna("") + " " + df["last_name"].fillna("")
            extra["full_name"] = full.str.strip().replace("", None)
        if "company" in df.columns:
            extra["company_name"] = df["company"]
        if "account_id" in df.columns:
            extra["account_record_id"] = _prefixed(source, df["account_id"])
        if source == "shop":
            extra["consent_email"] = df["marketing_opt_in"]
        if source == "email":
            extra["consent_email"] = df["status"] == "subscribed"
            extra["created_at"] = df["subscribed_at"]
        if source == "web":
            extra["created_at"] = df["first_seen_at"]
        return _frame(df, CUSTOMER_RECORD_COLUMNS, **extra)

    return build


def _events(
    source: str, id_column: str, kind: Callable[[pd.DataFrame], object], channel: str,
    occurred: str, performer: tuple[str, str] | None, **renames: str,
) -> Callable[[pd.DataFrame], pd.DataFrame]:  # fmt: skip
    def build(df: pd.DataFrame) -> pd.DataFrame:
        extra: dict[str, object] = {
            "interaction_id": _prefixed(source, df[id_column]),
            "source_id": df[id_column],
            "kind": kind(df),
            "channel": channel,
            "occurred_at": df[occurred],
        }
        if performer is not None:
            extra["performer_id"] = _prefixed(performer[0], df[performer[1]])
        for target, column in renames.items():
            extra[target] = df[column]
        return _frame(df, INTERACTION_COLUMNS, **extra)

    return build


def _accounts(df: pd.DataFrame) -> pd.DataFrame:
    return _frame(
        df,
        ["name", "domain", "industry", "employees", "city", "country", "created_at", "updated_at"],
        record_id=_prefixed("crm", df["account_id"]),
        source_id=df["account_id"],
    )


def _order_lines(df: pd.DataFrame) -> pd.DataFrame:
    return _frame(
        df,
        ["line_no", "sku", "quantity", "unit_price"],
        order_id=_prefixed("shop", df["order_id"]),
        source_id=df["order_id"].astype("string") + "#" + df["line_no"].astype("string"),
    )


def _products(df: pd.DataFrame) -> pd.DataFrame:
    category_id = df["category"].map(slug)
    return _frame(
        df,
        ["sku", "name", "category", "subcategory", "price", "currency", "attributes", "description",
         "launched_at", "discontinued"],
        source_id=df["sku"],
        category_id=category_id,
        subcategory_id=category_id + "/" + df["subcategory"].map(slug),
    )  # fmt: skip


def _campaigns(df: pd.DataFrame) -> pd.DataFrame:
    target = df["target_category"].map(lambda v: slug(v) if isinstance(v, str) else None)
    return _frame(
        df,
        [
            "campaign_id",
            "name",
            "channel",
            "objective",
            "start_date",
            "end_date",
            "budget",
            "spend",
        ],
        source_id=df["campaign_id"],
        target_category_id=target,
    )


def _content(df: pd.DataFrame) -> pd.DataFrame:
    return _frame(
        df,
        ["content_id", "content_type", "title", "body", "url", "campaign_id", "product_skus",
         "published_at", "updated_at"],
        source_id=df["content_id"],
    )  # fmt: skip


#: Deletable exports whose records are companies ((:AccountRecord)); the others hold people.
_COMPANY_EXPORTS = frozenset({"crm_accounts"})


def _deletions(df: pd.DataFrame) -> pd.DataFrame:
    """A deletion names its record as its export does (type + id); the graph's id is derived
    the way that export's own mapping derives it (`crm:` + id)."""
    system = df["source_type"].map(lambda t: CONTRACTS[t].source_system).astype("string")
    return _frame(
        df,
        ["source_type", "deleted_at", "reason"],
        record_id=system + ":" + df["source_id"].astype("string"),
        source_id=df["source_id"],
        record_system=system,
        family=df["source_type"].isin(_COMPANY_EXPORTS).map({True: "company", False: "person"}),
    )


def _erasure_requests(df: pd.DataFrame) -> pd.DataFrame:
    """An erasure request names its person record as the deletion feed does; a request without
    a reference gets its log's name, so the proof still says where the request came from.

    One row per record with all its tickets (``references`` and ``requested_ats``, oldest
    first): a log may name one record under two tickets (the person asked twice, or through
    two channels), and each is honoured and recorded. Together in one row, because rows of one
    record in two batches, or two rows of one batch, would each read the record's flag before
    the other wrote it; erasure_requests.cypher counts the tickets, not the rows."""
    system = df["source_type"].map(lambda t: CONTRACTS[t].source_system).astype("string")
    tickets = _frame(
        df,
        ["source_type", "requested_at"],
        record_id=system + ":" + df["source_id"].astype("string"),
        source_id=df["source_id"],
        record_system=system,
        reference=df["reference"].fillna(df["source_type"] + " erasure log"),
    ).sort_values(["record_id", "requested_at", "reference"], kind="stable")
    grouped = tickets.groupby("record_id", sort=False)
    out = grouped[["source_type", "source_id", "record_system"]].first()
    out["references"] = grouped["reference"].agg(list)
    out["requested_ats"] = grouped["requested_at"].agg(list)
    return out.reset_index()


def _const(value: str) -> Callable[[pd.DataFrame], object]:
    return lambda df: value


MAPPINGS: dict[str, GraphMapping] = {
    m.source_type: m
    for m in [
        GraphMapping("catalog_products", "catalog", "ingest/products", "sku", _products),
        GraphMapping("campaigns", "marketing", "ingest/campaigns", "campaign_id", _campaigns),
        GraphMapping("content", "marketing", "ingest/content", "content_id", _content),
        GraphMapping("crm_accounts", "crm", "ingest/account_records", "record_id", _accounts),
        GraphMapping("crm_contacts", "crm", "ingest/customer_records", "record_id",
                     _people("crm", "contact_id")),
        GraphMapping("shop_customers", "shop", "ingest/customer_records", "record_id",
                     _people("shop", "customer_id")),
        GraphMapping("email_subscribers", "email", "ingest/customer_records", "record_id",
                     _people("email", "subscriber_id")),
        GraphMapping("web_visitors", "web", "ingest/customer_records", "record_id",
                     _people("web", "visitor_id")),
        GraphMapping("crm_calls", "crm", "ingest/interactions", "interaction_id",
                     _events("crm", "call_id", _const("call"), "phone", "occurred_at",
                             ("crm", "contact_id"))),
        GraphMapping("shop_orders", "shop", "ingest/interactions", "interaction_id",
                     _events("shop", "order_id", _const("purchase"), "shop", "ordered_at",
                             ("shop", "customer_id"))),
        GraphMapping("shop_order_lines", "shop", "ingest/order_lines", "source_id",
                     _order_lines),
        GraphMapping("email_events", "email", "ingest/interactions", "interaction_id",
                     _events("email", "event_id", lambda df: "email_" + df["event_type"],
                             "email", "occurred_at", ("email", "subscriber_id"))),
        GraphMapping("web_events", "web", "ingest/interactions", "interaction_id",
                     _events("web", "event_id",
                             lambda df: df["event_type"].replace({"page_view": "web_visit"}),
                             "web", "occurred_at", ("web", "visitor_id"))),
        GraphMapping("ads_clicks", "ads", "ingest/interactions", "interaction_id",
                     _events("ads", "click_id", _const("ad_click"), "ads", "clicked_at",
                             ("web", "visitor_id"))),
        # Last: a deletion loaded with the snapshot that still lists its record wins.
        GraphMapping("deleted_records", "any", "ingest/delete_records", "record_id",
                     _deletions),
        # After the records it names, so a request finds the record its export just loaded.
        GraphMapping("erasure_requests", "any", "ingest/erasure_requests", "record_id",
                     _erasure_requests),
    ]
}  # fmt: skip

# Files load in this order so most references exist before they are used; references that
# still arrive early become placeholders, so order is an optimisation, not a requirement.
LOAD_ORDER = list(MAPPINGS)
