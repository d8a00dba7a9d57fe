"""Housekeeping on the data graph that tests, benchmarks and resets need (schema left alone)."""

from __future__ import annotations

from graph.cypher_catalog import load_query
from graph.db import Database


def _drain(db: Database, query_name: str, batch: int) -> int:
    total = 0
    while True:
        rows = db.query(load_query(query_name), {"limit": batch}, write=True)
        deleted = int(rows[0]["deleted"]) if rows else 0
        total += deleted
        if deleted == 0:
            return total


def delete_all_data(db: Database, batch: int = 20_000) -> int:
    """Delete every data node in bounded transactions; migrations and indexes survive.

    Relationships go first, in batches: after a 1M-interaction load one campaign or product
    holds ~10^6 of them, and DETACH DELETE of such a node does not fit one transaction's memory.
    Returns the number of nodes deleted.
    """
    _drain(db, "maintenance/delete_relationships_batch", batch * 2)
    return _drain(db, "maintenance/delete_data_batch", batch)
