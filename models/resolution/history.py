"""Resolution history and the reversal of splits (merges are reversed by `unmerge`).

Why splits need reversing too: a split comes from a reviewer's reject, a retrained model or an
unmerge, and each can be wrong. Its (:ResolutionEvent) records which records moved and from
which entity (`previous_ids`), so reversing it moves them back, retires the entities it left
empty, and pins the decision the way an unmerge does: rejects that kept the parts apart become
accepts (the overturned ones stay in the decision history), so no later run splits them again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph import locks
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ResolutionError
from graph.settings import Settings
from models.resolution import store, works_at
from models.resolution.operations import record_decision
from models.resolution.run import new_run_id, resolution_lock
from models.resolution.splink_model import EntityKind


def list_events(db: Database, entity_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Merges and splits an entity took part in, and removals of its records their source
    deleted, newest first."""
    return db.query(
        load_query("resolution/read_events"),
        {"entity_id": entity_id, "after": None, "limit": limit},
    )


@dataclass(frozen=True)
class RejoinResult:
    """Which split was reversed, where its records went back to, and what was retired."""

    event_id: str
    restored: dict[str, list[str]]
    retired: list[str]


def rejoin(db: Database, settings: Settings, event_id: str, by: str) -> RejoinResult:
    """Reverse the split ``event_id``: its records go back to the entities they had before it.

    Holds the resolution lock, like every writer of resolution results.
    """
    at = datetime.now(UTC)
    run_id = new_run_id(at)
    with resolution_lock(db, settings, run_id) as lease:
        return _rejoin(db, settings, event_id, by, run_id, at, lease)


def _rejoin(
    db: Database,
    settings: Settings,
    event_id: str,
    by: str,
    run_id: str,
    at: datetime,
    lease: locks.Lease,
) -> RejoinResult:
    found = db.query(load_query("resolution/read_event"), {"event_id": event_id})
    if not found or found[0]["kind"] != "split":
        raise ResolutionError(
            f"no split {event_id!r}; `marketgraph history ENTITY_ID` lists an entity's events"
        )
    event = found[0]
    if event["undone_at"] is not None:
        raise ResolutionError(f"the split {event_id} was already reversed ({event['undone_at']})")
    kind: EntityKind = "customer" if event["entity_type"] == "customer" else "account"
    groups: dict[str, list[str]] = defaultdict(list)
    for record, previous in zip(event["record_ids"], event["previous_ids"], strict=True):
        if previous:
            groups[previous].append(record)
    now = store.read_record_entities(db, kind, sorted({r for rs in groups.values() for r in rs}))
    # A record with no entity now was deleted at its source since: it stays detached.
    groups = {t: linked for t, rs in groups.items() if (linked := [r for r in rs if r in now])}
    if not groups:
        raise ResolutionError(f"every record the split {event_id} moved was deleted since")
    moved = {r for records in groups.values() for r in records}
    note = f"reverse split {event_id}"
    lease.confirm()  # still ours after the reads (a run never overlaps the writes below)
    for target, records in groups.items():
        kept = store.read_members(db, kind, [target])["record_id"].astype(str).tolist()
        kept = [r for r in kept if r not in moved]
        _overturn_rejects(db, kind, set(records) | set(kept), by, note)
        anchor = kept[0] if kept else records[0]
        for r in records:
            if r != anchor:
                record_decision(db, kind, anchor, r, "accepted", by, note, origin="rejoin")
    links: list[dict[str, Any]] = [
        {"record_id": r, "entity_id": target, "rule": "rejoin", "match_probability": None,
         "match_weight": None, "matched_with": None, "evidence_fields": [],
         "evidence_levels": [], "evidence_weights": []}
        for target, records in groups.items() for r in records
    ]  # fmt: skip
    store.write_links(db, kind, links, settings.batch_size, run_id=run_id, at=at,
                      model_version="rejoin")  # fmt: skip
    left = sorted(set(now.values()) - set(groups))
    into = {now[r]: target for r, target in _targets(groups) if r in now}
    store.retire_entities(db, kind, left, into, run_id=run_id, at=at)
    still = store.read_members(db, kind, left) if left else None
    holding = set() if still is None or still.empty else set(still["entity_id"].astype(str))
    if event["reverses"]:  # an unmerge reversed: the merge it undid is in force again
        db.query(load_query("resolution/reopen_event"), {"event_id": event["reverses"]},
                 write=True)  # fmt: skip
    else:  # a run's split reversed: the rejoin is a merge of its own (unmerge can undo it)
        store.write_events(db, _merge_rows(groups, now, kind, run_id, event_id),
                           settings.batch_size, run_id=run_id, at=at, model_version="rejoin",
                           by=by)  # fmt: skip
    db.query(load_query("resolution/mark_event_undone"),
             {"event_id": event_id, "at": at, "by": by}, write=True)  # fmt: skip
    works_at.relink_around(
        db, settings.batch_size, kind, sorted(set(groups) | set(now.values())), run_id=run_id, at=at
    )
    return RejoinResult(
        event_id, {t: sorted(r) for t, r in groups.items()}, [e for e in left if e not in holding]
    )


def _targets(groups: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(r, target) for target, records in groups.items() for r in records]


def _merge_rows(
    groups: dict[str, list[str]], now: dict[str, str], kind: str, run_id: str, reverses: str
) -> list[dict[str, Any]]:
    """One merge event per entity the records went back to, pointing at the split it reverses."""
    rows = []
    for target, records in sorted(groups.items()):
        sources = sorted({now[r] for r in records if r in now} - {target})
        rows.append({
            "event_id": f"ev-{run_id}-rejoin-{target}", "kind": "merge", "entity_type": kind,
            "entity_id": target, "other_ids": sources, "record_ids": records,
            "previous_ids": [now.get(r, "") for r in records], "count": len(records),
            "reverses": reverses,
        })  # fmt: skip
    return rows


def _overturn_rejects(
    db: Database, kind: EntityKind, together: set[str], by: str, note: str
) -> None:
    """Turn every reject between two records that end up together into an accept: that
    cannot-link (a reviewer's, or an unmerge's) is what split them, would split them again
    on the next run, and would contradict the accepts that pin the rejoin."""
    _, cannot = store.read_decisions(db, kind)
    for a, b in cannot:
        if a in together and b in together:
            record_decision(db, kind, a, b, "accepted", by, note, origin="rejoin")
