"""Read the customer graph out of Neo4j into `GraphFrames` (one streaming read per table).

The model works on unified customers, so this needs entity resolution to have run; records
that never resolved are invisible here, which is the point (scores belong to people, not to rows
of one source system).
"""

from __future__ import annotations

import logging
from typing import Any, LiteralString

import numpy as np
import pandas as pd

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ModelError
from models.linkpred.frames import GraphFrames, index_of

log = logging.getLogger(__name__)


def _frame(db: Database, name: str, columns: list[str]) -> pd.DataFrame:
    query: LiteralString = load_query(f"linkpred/{name}")
    with db.driver.session(database=db.database, fetch_size=20_000) as session:
        rows: list[list[Any]] = session.run(query).values()
    return pd.DataFrame(rows, columns=columns)


def export_graph(db: Database) -> GraphFrames:
    """Export customers, catalog, purchases, interactions and content links."""
    customers = _frame(db, "export_customers", ["customer_id", "account", "industry"])
    if customers.empty:
        raise ModelError(
            "No unified customers in the graph. Run `marketgraph resolve` after ingesting "
            "(the models score people, not raw source records)."
        )
    products = _frame(
        db, "export_products", ["sku", "name", "category", "subcategory", "price", "discontinued"]
    )
    if products.empty:
        raise ModelError("No products in the graph: ingest a catalog export first.")
    purchases = _frame(db, "export_purchases", ["customer_id", "sku", "at", "quantity", "order"])
    interactions = _frame(db, "export_interactions", ["customer_id", "kind", "at", "content_id"])
    content_links = _frame(db, "export_content_products", ["content_id", "sku", "title"])
    snapshot = db.query(load_query("linkpred/export_snapshot"))[0]

    content = (
        content_links[["content_id", "title"]]
        .drop_duplicates("content_id")
        .sort_values("content_id")
        .reset_index(drop=True)
    )
    engaged = interactions["content_id"].dropna().unique()
    extra = sorted(set(engaged) - set(content["content_id"]))
    if extra:
        content = pd.concat(
            [content, pd.DataFrame({"content_id": extra, "title": [None] * len(extra)})],
            ignore_index=True,
        )

    purchase_frame = pd.DataFrame(
        {
            "customer": index_of(purchases["customer_id"], customers["customer_id"]),
            "product": index_of(purchases["sku"], products["sku"]),
            "at": purchases["at"].astype(np.int64),
            "quantity": purchases["quantity"].fillna(1).astype(np.int64),
        }
    )
    interaction_frame = pd.DataFrame(
        {
            "customer": index_of(interactions["customer_id"], customers["customer_id"]),
            "kind": interactions["kind"].astype(str),
            "at": interactions["at"].astype(np.int64),
            "content": index_of(interactions["content_id"].fillna(""), content["content_id"]),
        }
    )
    content_products = pd.DataFrame(
        {
            "content": index_of(content_links["content_id"], content["content_id"]),
            "product": index_of(content_links["sku"], products["sku"]),
        }
    ).drop_duplicates()
    frames = GraphFrames(
        customers=customers,
        products=products,
        purchases=purchase_frame[purchase_frame["product"] >= 0].reset_index(drop=True),
        interactions=interaction_frame,
        content=content,
        content_products=content_products,
        snapshot={**snapshot, "purchases": len(purchase_frame), "interactions": len(interactions)},
    )
    log.info(
        "exported %d customers, %d products, %d purchase lines, %d interactions",
        frames.n_customers,
        frames.n_products,
        len(frames.purchases),
        len(frames.interactions),
    )
    return frames
