"""Records their source deleted leave the entities they made up, at the start of every run.

Why here and not in clustering: snapshot exports cannot say a record is gone, so a deletion
feed marks it (`deleted_records`, `cypher/ingest/delete_records.cypher`) and the next run —
full or incremental — detaches it before reading anything. The rest of its entity stays
together under the same id (as when a changed record leaves: existing clusters are held
together), an entity left with no record is retired like one emptied by a split, and each
entity that lost records gets a 'remove' (:ResolutionEvent) naming them, so `marketgraph
history` says why a customer shrank. The record itself stays in the graph with its
provenance; it is simply read no more.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from graph.cypher_catalog import load_query
from graph.db import Database, summarised
from models.resolution.splink_model import EntityKind

log = logging.getLogger(__name__)

#: Recorded as the model version of a removal: no model decided it, the source did.
SOURCE_DELETION = "source deletion"


@dataclass
class Detached:
    """What detaching deleted records did for one kind of entity."""

    records: int = 0
    entities: list[str] = field(default_factory=list)
    retired: int = 0


def _event_rows(found: list[dict[str, Any]], kind: str, run_id: str) -> list[dict[str, Any]]:
    rows = []
    for row in found:
        entity, records = str(row["entity_id"]), [str(r) for r in row["records"]]
        digest = hashlib.sha256(f"{run_id}|remove|{entity}".encode()).hexdigest()
        rows.append({
            "event_id": f"ev-{digest[:16]}", "kind": "remove", "entity_type": kind,
            "entity_id": entity, "other_ids": [], "record_ids": records,
            "previous_ids": [entity] * len(records), "count": len(records), "reverses": None,
        })  # fmt: skip
    return rows


def detach_deleted(
    db: Database, kind: EntityKind, *, run_id: str, at: datetime, by: str,
    records: list[str] | None = None, model_version: str = SOURCE_DELETION,
) -> Detached:  # fmt: skip
    """Unlink every deleted record of ``kind`` still linked (or only ``records``), retire
    emptied entities, append one 'remove' event per entity that lost records (decided by
    ``model_version``: the source's deletion, or an erasure) and withdraw the open review items
    that pair a detached record — in one transaction, so a crash cannot leave an entity
    unlinked but active, or a removal without its history."""
    params = {"run_id": run_id, "at": at, "model_version": model_version, "by": by}
    query = load_query(f"resolution/detach_deleted_{kind}_records")

    def work(tx: ManagedTransaction) -> Detached:
        found = [r.data() for r in tx.run(query, {"records": records})]
        if not found:
            return Detached()
        entities = [str(row["entity_id"]) for row in found]
        retire = {"ids": entities, "merged_into": {}, "run_id": run_id, "at": at}
        retired = tx.run(load_query(f"resolution/retire_{kind}s"), summarised(retire)).single()
        events = {"rows": _event_rows(found, kind, run_id), **params}
        tx.run(load_query("resolution/write_events"), summarised(events)).consume()
        left = [str(r) for row in found for r in row["records"]]
        tx.run(load_query("resolution/withdraw_reviews_of_records"), {"records": left}).consume()
        count = int(retired["retired"]) if retired is not None else 0
        return Detached(sum(len(row["records"]) for row in found), entities, count)

    detached = db.write(work)
    if detached.records:
        log.info(
            "%s: %d deleted records left %d entities (%d of them retired: no record left)",
            kind, detached.records, len(detached.entities), detached.retired,
        )  # fmt: skip
    return detached
