"""An entity's resolution history is found from the entity, not by scanning every event: each
(:ResolutionEvent) points at the entities it names with INVOLVES (write_events.cypher, and
migration 0013 for events written before), and read_events.cypher walks them — including the
events that name the entity only in other_ids (merged into another, split from it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from graph.cypher_catalog import load_query, split_statements
from graph.db import Database
from graph.settings import Settings
from models.resolution import ResolutionReport, record_decision, resolve, store, unmerge
from models.resolution.history import list_events, rejoin
from tests.resolution_fixtures import assignments, resolved, split_one_customer

__all__ = ["resolved"]  # the fixture, re-exported for pytest

AT = datetime(2026, 1, 1, tzinfo=UTC)
#: Plan leaves that read every node of a label, an index or a relationship type.
SCANS = ("AllNodesScan", "NodeByLabelScan", "NodeIndexScan", "RelationshipTypeScan")


def _plan_leaves(db: Database, cypher: str, params: dict[str, Any]) -> list[str]:
    """The operators a query's plan starts from (EXPLAIN: planned, not run)."""
    with db.driver.session(database=db.database) as session:
        plan = session.run("EXPLAIN " + cypher, params).consume().plan
    assert plan is not None
    leaves: list[str] = []
    stack: list[dict[str, Any]] = [plan]
    while stack:
        node = stack.pop()
        children = node.get("children", [])
        if not children:
            leaves.append(str(node["operatorType"]).split("@")[0])
        stack.extend(children)
    return leaves


def _involved(db: Database, event_id: str) -> dict[str, str]:
    """entity id → role of each entity an event INVOLVES."""
    rows = db.query(
        "MATCH (:ResolutionEvent {event_id: $e})-[i:INVOLVES]->(n) "
        "RETURN coalesce(n.customer_id, n.account_id) AS id, i.role AS role",
        {"e": event_id},
    )
    return {r["id"]: r["role"] for r in rows}


def _event(event_id: str, kind: str, entity_type: str, entity: str | None,
           others: list[str]) -> dict[str, Any]:  # fmt: skip
    return {
        "event_id": event_id, "kind": kind, "entity_type": entity_type, "entity_id": entity,
        "other_ids": others, "record_ids": [], "previous_ids": [], "count": 0, "reverses": None,
    }  # fmt: skip


def _entities(db: Database) -> None:
    db.query(
        "UNWIND ['cus-a', 'cus-b', 'cus-c'] AS id CREATE (:Customer {customer_id: id}) "
        "WITH count(*) AS n CREATE (:Account {account_id: 'acc-a'}), "
        "(:Account {account_id: 'acc-b'})",
        write=True,
    )


def test_history_is_planned_from_the_entity_never_a_scan(db: Database) -> None:
    """Every leaf of read_events' plan is a unique-index seek on Customer or Account (the old
    query scanned every :ResolutionEvent, since other_ids is a list no index answers)."""
    leaves = _plan_leaves(db, load_query("resolution/read_events"),
                          {"entity_id": "cus-x", "after": None, "limit": 50})  # fmt: skip
    assert not [op for op in leaves if op.endswith(SCANS)], leaves
    assert "NodeUniqueIndexSeek" in leaves, leaves
    assert set(leaves) <= {"NodeUniqueIndexSeek", "Argument"}, leaves


def test_written_events_involve_their_entities_and_never_create_one(empty_db: Database) -> None:
    """Each event names its entity and other_ids with INVOLVES (by entity_type's label, with
    provenance); a missing entity and a run's 'create' summary get none, the event is still
    written, and writing the same events again adds nothing."""
    db = empty_db
    _entities(db)
    rows = [
        _event("ev-merge", "merge", "customer", "cus-a", ["cus-b"]),
        _event("ev-split", "split", "customer", "cus-c", ["cus-a", "cus-gone"]),
        _event("ev-acc", "merge", "account", "acc-a", ["acc-b", "cus-b"]),
        _event("ev-create", "create", "customer", None, []),
    ]
    for _ in range(2):
        store.write_events(db, rows, 2, run_id="run-1", at=AT, model_version="m", by="t")
    assert _involved(db, "ev-merge") == {"cus-a": "entity", "cus-b": "other"}
    assert _involved(db, "ev-split") == {"cus-c": "entity", "cus-a": "other"}
    assert _involved(db, "ev-acc") == {"acc-a": "entity", "acc-b": "other"}  # labels by type
    assert _involved(db, "ev-create") == {}
    counts = db.query(
        "MATCH (ev:ResolutionEvent) WITH count(ev) AS events "
        "MATCH (c:Customer) WITH events, count(c) AS customers "
        "MATCH ()-[i:INVOLVES]->() RETURN events, customers, count(i) AS involves, "
        "collect(DISTINCT [i.source_system, i.first_run, i.last_run]) AS provenance"
    )
    assert counts == [{"events": 4, "customers": 3, "involves": 6,
                       "provenance": [["resolution", "run-1", "run-1"]]}]  # fmt: skip
    assert [e["event_id"] for e in list_events(db, "cus-a")] == ["ev-split", "ev-merge"]
    assert [e["event_id"] for e in list_events(db, "cus-b")] == ["ev-merge"]
    assert [e["event_id"] for e in list_events(db, "acc-b")] == ["ev-acc"]
    assert list_events(db, "cus-a", 1)[0]["event_id"] == "ev-split"  # the limit still holds


def test_migration_0013_backfills_older_events_once(empty_db: Database) -> None:
    """Events written before INVOLVES existed get it from migration 0013 — entity and
    other_ids, by entity_type's label — and their history reads as the scan read it."""
    db = empty_db
    _entities(db)
    db.query(
        "UNWIND $rows AS row CREATE (ev:ResolutionEvent) SET ev = row, ev.at = $at, "
        "ev.first_seen = $at",
        {"rows": [
            {"event_id": "ev-1", "kind": "merge", "entity_type": "customer",
             "entity_id": "cus-a", "other_ids": ["cus-b", "cus-gone"]},
            {"event_id": "ev-2", "kind": "split", "entity_type": "customer",
             "entity_id": "cus-c", "other_ids": ["cus-a"]},
            {"event_id": "ev-3", "kind": "remove", "entity_type": "account",
             "entity_id": "acc-a", "other_ids": []},
            {"event_id": "ev-4", "kind": "create", "entity_type": "customer", "count": 3},
        ], "at": AT},
        write=True,
    )  # fmt: skip
    assert list_events(db, "cus-a") == []  # nothing to walk before the back-fill
    for _ in range(2):
        for statement in split_statements(load_query("migrations/0013_event_entities")):
            db.run_autocommit(statement)
    assert _involved(db, "ev-1") == {"cus-a": "entity", "cus-b": "other"}
    assert _involved(db, "ev-2") == {"cus-c": "entity", "cus-a": "other"}
    assert _involved(db, "ev-3") == {"acc-a": "entity"}
    rels = db.query(
        "MATCH ()-[i:INVOLVES]->() RETURN count(i) AS n, collect(DISTINCT i.first_run) AS runs, "
        "collect(DISTINCT i.backfilled) AS backfilled"
    )
    assert rels == [{"n": 5, "runs": ["migration-0013"], "backfilled": [True]}]
    assert db.query("MATCH (c:Customer) RETURN count(c) AS n") == [{"n": 3}]
    assert {e["event_id"] for e in list_events(db, "cus-a")} == {"ev-1", "ev-2"}
    assert [e["event_id"] for e in list_events(db, "acc-a")] == ["ev-3"]


def test_history_of_an_entity_named_only_in_other_ids(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    """A customer merged into another, restored by an unmerge, merged again by the unmerge's
    rejoin, and one a reviewer's reject split: each event is in the history of every entity
    it names, also of those only in other_ids."""
    db, _ = resolved
    before = assignments(db)
    singles = pd.Series(before).drop_duplicates(keep=False).sort_index()
    a, b = singles.index[2], singles.index[-3]
    record_decision(db, "customer", a, b, "accepted", "lee")
    resolve(db, settings, incremental=True)
    survivor = assignments(db)[a]
    absorbed = before[b] if survivor == before[a] else before[a]
    [merge] = [e for e in list_events(db, absorbed) if e["kind"] == "merge"]
    assert merge["entity_id"] == survivor and absorbed in merge["other_ids"]
    assert _involved(db, merge["event_id"]) == {survivor: "entity", absorbed: "other"}
    assert merge in list_events(db, survivor)

    unmerge(db, settings, entity_id=survivor, by="lee")
    undo = next(e for e in list_events(db, absorbed) if e["kind"] == "split")
    assert undo["entity_id"] == survivor and undo["reverses"] == merge["event_id"]
    rejoin(db, settings, undo["event_id"], by="lee")  # the merge back in force: no new event
    history = list_events(db, absorbed)
    assert [e["event_id"] for e in history[:2]] == [undo["event_id"], merge["event_id"]]
    assert history[0]["undone_by"] == "lee" and history[1]["undone_at"] is None

    entity, x, y = split_one_customer(db, settings)
    split = assignments(db)
    fresh = split[x] if split[x] != entity else split[y]
    [event] = [e for e in list_events(db, entity) if e["kind"] == "split"]
    assert event["entity_id"] == fresh and event["other_ids"] == [entity]
    assert list_events(db, fresh)[0] == event
