"""A comparable picture of the data graph, for idempotency and convergence tests.

Nodes and relationships are identified by business keys (not element ids), and their
properties are fingerprinted with APOC minus the run bookkeeping that legitimately differs.
"""

from __future__ import annotations

import hashlib

from graph.db import Database

BOOKKEEPING = ["first_seen", "last_seen", "first_run", "last_run", "last_changed"]


def snapshot(db: Database, exclude: list[str] | None = None) -> dict[str, object]:
    """Counts plus a digest of every data node and relationship with its properties."""
    excluded = exclude if exclude is not None else BOOKKEEPING
    nodes = db.query(
        "MATCH (n) WHERE NOT (n:IngestRun OR n:SourceFile OR n:Migration OR n:SourceSystem "
        "OR n:JobLock OR n:JobRun) "
        "RETURN labels(n) AS labels, coalesce(n.record_id, n.interaction_id, n.sku, "
        "n.category_id, n.content_id, n.campaign_id, n.row_id, n.name) AS key, "
        "apoc.hashing.fingerprint(n, $exclude) AS fp",
        {"exclude": excluded},
    )
    rels = db.query(
        "MATCH (a)-[r]->(b) "
        "WHERE NOT (a:IngestRun OR a:SourceFile OR a:Migration OR a:SourceSystem) "
        "RETURN type(r) AS type, "
        "coalesce(a.record_id, a.interaction_id, a.sku, a.category_id, a.content_id, "
        "a.campaign_id, a.row_id, a.name) AS start, "
        "coalesce(b.record_id, b.interaction_id, b.sku, b.category_id, b.content_id, "
        "b.campaign_id, b.row_id, b.name) AS end, "
        "apoc.hashing.fingerprint(r, $exclude) AS fp",
        {"exclude": excluded},
    )
    node_lines = sorted(f"{sorted(r['labels'])}|{r['key']}|{r['fp']}" for r in nodes)
    rel_lines = sorted(f"{r['type']}|{r['start']}|{r['end']}|{r['fp']}" for r in rels)
    digest = hashlib.sha256("\n".join(node_lines + rel_lines).encode()).hexdigest()
    keys = [line.split("|")[0] + "|" + line.split("|")[1] for line in node_lines]
    return {
        "nodes": len(node_lines),
        "relationships": len(rel_lines),
        "duplicate_keys": len(keys) - len(set(keys)),
        "digest": digest,
    }
