"""Housekeeping on the data graph that tests and resets need (the schema is left alone)."""

from __future__ import annotations

from graph.cypher_catalog import load_query
from graph.db import Database


def delete_all_data(db: Database, batch: int = 20_000) -> int:
    """Delete every data node in bounded transactions; migrations and indexes survive."""
    total = 0
    while True:
        rows = db.query(load_query("maintenance/delete_data_batch"), {"limit": batch}, write=True)
        deleted = int(rows[0]["deleted"]) if rows else 0
        total += deleted
        if deleted == 0:
            return total
