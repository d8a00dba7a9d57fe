"""Human operations on resolution results: review decisions, unmerge, explanation.

Why decisions are stored as (:MatchReview) nodes rather than applied once: every later run
reads them back as must-link / cannot-link constraints, so a re-trained model can never undo
what a person decided. An unmerge is itself recorded as cannot-link decisions for that reason.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from graph import locks
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ResolutionError
from graph.settings import Settings
from models.resolution import store, works_at
from models.resolution.run import new_run_id, resolution_lock
from models.resolution.splink_model import EntityKind

log = logging.getLogger(__name__)

Decision = Literal["accepted", "rejected"]


def list_reviews(
    db: Database, status: str | None = "open", limit: int = 50
) -> list[dict[str, Any]]:
    """Review items (open by default), most probable first."""
    return db.query(load_query("resolution/list_reviews"), {"status": status, "limit": limit})


def decide(
    db: Database, review_id: str, decision: Decision, by: str, note: str | None = None
) -> None:
    """Accept (must-link) or reject (cannot-link) a review item; later runs honour it."""
    found = db.query(load_query("resolution/read_review"), {"review_id": review_id})
    if not found:
        raise ResolutionError(f"no review item {review_id!r}; see `marketgraph review list`")
    item = found[0]
    record_decision(db, str(item["kind"]), item["record_a"], item["record_b"], decision, by,
                     note, review_id)  # fmt: skip


def record_decision(
    db: Database, kind: str, a: str, b: str, decision: Decision, by: str, note: str | None = None,
    review_id: str | None = None, origin: str = "review",
) -> None:  # fmt: skip
    """Record a decision on any pair of records of one kind (a review item is made if none).

    ``origin`` says what made it: a person judging this pair ("review"), or an operation that
    pins pairs to hold its result ("unmerge", "rejoin") — those bind runs just the same, but
    are not a judgement of each pair, so they are no labels to measure the model against.
    """
    first, second = sorted((a, b))
    rid = review_id or "rev-" + hashlib.sha256(f"{kind}|{first}|{second}".encode()).hexdigest()[:16]
    db.query(
        load_query("resolution/decide_review"),
        {"review_id": rid, "kind": kind, "record_a": first, "record_b": second,
         "status": decision, "by": by, "at": datetime.now(UTC), "note": note, "origin": origin},
        write=True,
    )  # fmt: skip


def _overturn_accepts(
    db: Database, kind: EntityKind, restored: dict[str, list[str]], remaining: set[str],
    by: str, note: str,
) -> None:  # fmt: skip
    """Turn every accepted decision joining a restored record to one the survivor keeps into
    a rejection: when a reviewer's accept made the merge, that must-link would otherwise pull
    part of the restored group back on the next run (which part depended on the order the
    decisions were read in)."""
    moved = {r for records in restored.values() for r in records}
    must, _ = store.read_decisions(db, kind)
    for a, b in must:
        if (a in moved and b in remaining) or (b in moved and a in remaining):
            record_decision(db, kind, a, b, "rejected", by, note, origin="unmerge")


@dataclass(frozen=True)
class UnmergeResult:
    """Which merge was reversed and which records went back where."""

    event_id: str
    entity_id: str
    restored: dict[str, list[str]]


def unmerge(
    db: Database, settings: Settings, *, entity_id: str | None = None,
    event_id: str | None = None, by: str = "marketgraph",
) -> UnmergeResult:  # fmt: skip
    """Reverse the latest merge into ``entity_id`` (or the merge ``event_id``).

    The moved records go back to their previous entities, which are reactivated, and each
    restored group gets a cannot-link decision against the survivor so no later run re-merges it.
    Who works where is derived again for the people of both sides. Holds the resolution lock,
    so it never interleaves with a run (JobBusyError while one runs).
    """
    at = datetime.now(UTC)
    run_id = new_run_id(at)
    with resolution_lock(db, settings, run_id) as lease:
        return _unmerge(db, settings, entity_id, event_id, by, run_id, at, lease)


def _unmerge(
    db: Database, settings: Settings, entity_id: str | None, event_id: str | None, by: str,
    run_id: str, at: datetime, lease: locks.Lease,
) -> UnmergeResult:  # fmt: skip
    rows = db.query(
        load_query("resolution/read_merge_event"), {"entity_id": entity_id, "event_id": event_id}
    )
    if not rows:
        raise ResolutionError(
            f"no merge to undo for {entity_id or event_id!r}; merges are listed as "
            "(:ResolutionEvent {kind: 'merge'}) nodes"
        )
    event = rows[0]
    kind: EntityKind = "customer" if event["entity_type"] == "customer" else "account"
    survivor = str(event["entity_id"])
    restored: dict[str, list[str]] = {}
    # Only records still in the survivor go back: a later run or rejoin may have moved some.
    now = store.read_record_entities(db, kind, list(event["record_ids"]))
    for record, previous in zip(event["record_ids"], event["previous_ids"], strict=True):
        if previous and now.get(record) == survivor:
            restored.setdefault(previous, []).append(record)
    if not restored:
        raise ResolutionError(
            f"the records of merge {event['event_id']} have all left {survivor} since; "
            "`marketgraph history` shows what moved them"
        )
    links: list[dict[str, Any]] = [
        {"record_id": r, "entity_id": entity, "rule": "unmerge", "match_probability": None,
         "match_weight": None, "matched_with": None, "evidence_fields": [],
         "evidence_levels": [], "evidence_weights": []}
        for entity, records in restored.items() for r in records
    ]  # fmt: skip
    lease.confirm()  # still ours after the reads (a run never overlaps the writes below)
    store.write_links(db, kind, links, settings.batch_size, run_id=run_id, at=at,
                      model_version="unmerge")  # fmt: skip
    remaining = store.read_members(db, kind, [survivor])["record_id"].astype(str).tolist()
    _overturn_accepts(db, kind, restored, set(remaining), by, f"unmerge {survivor}")
    for records in restored.values():
        for other in remaining[:50]:
            record_decision(db, kind, records[0], other, "rejected", by, f"unmerge {survivor}",
                            origin="unmerge")  # fmt: skip
        # Records of one restored group stay together even if the model would split them.
        for r in records[1:]:
            record_decision(db, kind, records[0], r, "accepted", by, f"unmerge {survivor}",
                            origin="unmerge")  # fmt: skip
    store.write_events(
        db,
        [{"event_id": f"ev-{run_id}-unmerge", "kind": "split", "entity_type": kind,
          "entity_id": survivor, "other_ids": sorted(restored),
          "record_ids": [r for v in restored.values() for r in v],
          "previous_ids": [survivor for v in restored.values() for _ in v],
          "count": len(links), "reverses": event["event_id"]}],
        settings.batch_size, run_id=run_id, at=at, model_version="unmerge", by=by,
    )  # fmt: skip
    db.query(
        load_query("resolution/mark_event_undone"),
        {"event_id": event["event_id"], "at": at, "by": by},
        write=True,
    )
    works_at.relink_around(
        db, settings.batch_size, kind, [survivor, *restored], run_id=run_id, at=at
    )
    return UnmergeResult(str(event["event_id"]), survivor, restored)


def explain(db: Database, entity_id: str) -> list[dict[str, Any]]:
    """Per record of a customer or an account (``acc-`` ids): the pair, rule, probability and
    per-field evidence that joined it (one row per record; columns in explain_customer.cypher)."""
    if entity_id.startswith("acc-"):
        rows = db.query(load_query("resolution/explain_account"), {"account_id": entity_id})
    else:
        rows = db.query(load_query("resolution/explain_customer"), {"customer_id": entity_id})
    if not rows:
        raise ResolutionError(f"no customer or account {entity_id!r}")
    return rows
