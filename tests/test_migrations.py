"""The schema applies once, is recorded in the graph, and refuses edited history."""

from __future__ import annotations

import pytest

from graph.cypher_catalog import load_query, query_names, split_statements
from graph.db import Database
from graph.errors import MigrationError
from graph.migrations import apply_migrations


def _schema(db: Database) -> tuple[list[str], list[str]]:
    constraints = [
        r["name"] for r in db.query("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")
    ]
    indexes = [r["name"] for r in db.query("SHOW INDEXES YIELD name RETURN name ORDER BY name")]
    return constraints, indexes


def test_migrations_apply_twice_without_change(db: Database) -> None:
    before = _schema(db)
    result = apply_migrations(db)
    assert result.applied == []
    assert result.already_applied == query_names("migrations")
    assert _schema(db) == before
    recorded = db.query("MATCH (m:Migration) RETURN m.version AS v ORDER BY v")
    assert [r["v"] for r in recorded] == [n.split("/")[-1][:4] for n in query_names("migrations")]


def test_schema_has_the_promised_indexes(db: Database) -> None:
    rows = db.query("SHOW INDEXES YIELD name, type, state RETURN name, type, state")
    by_name = {r["name"]: r for r in rows}
    assert by_name["content_embedding"]["type"] == "VECTOR"
    assert by_name["entity_names"]["type"] == "FULLTEXT"
    assert by_name["content_text"]["type"] == "FULLTEXT"
    assert all(r["state"] == "ONLINE" for r in rows)
    constraints = {r["name"] for r in db.query("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"customer_record_id", "interaction_id", "product_sku", "customer_id"} <= constraints


def test_edited_migration_is_refused(db: Database) -> None:
    original = db.query("MATCH (m:Migration {version: '0001'}) RETURN m.checksum AS c")[0]["c"]
    db.query("MATCH (m:Migration {version: '0001'}) SET m.checksum = 'tampered'", write=True)
    try:
        with pytest.raises(MigrationError, match="changed after it was applied"):
            apply_migrations(db)
    finally:
        db.query(
            "MATCH (m:Migration {version: '0001'}) SET m.checksum = $c", {"c": original}, write=True
        )


@pytest.mark.parametrize("name", [n for n in query_names() if not n.startswith("migrations/")])
def test_every_cypher_file_compiles(db: Database, name: str) -> None:
    """Each query an analyst or the system runs is valid Cypher against the real schema (a
    multi-statement file, such as the blocking-key indexes, statement by statement)."""
    for statement in split_statements(load_query(name)):
        db.run_autocommit("EXPLAIN " + statement)


def test_list_parameters_travel_whole_but_print_as_a_summary(db: Database) -> None:
    """Rows go to Neo4j exactly as a list would; only their repr is short (the driver formats
    every RUN for its debug log even when that log is off)."""
    from graph.db import Rows, summarised

    rows = [{"n": i, "tags": ["a", "b"], "w": [0.5, 1.5]} for i in range(2_000)]
    params = summarised({"rows": rows, "kind": "x"})
    assert isinstance(params["rows"], Rows) and params["kind"] == "x"
    assert repr(params["rows"]) == "<2000 rows>"
    found = db.query(
        "UNWIND $rows AS row RETURN count(*) AS n, sum(row.n) AS total, "
        "collect(row.tags)[1999] AS tags, collect(row.w)[0] AS w",
        params,
    )
    assert found == [{"n": 2_000, "total": sum(range(2_000)), "tags": ["a", "b"], "w": [0.5, 1.5]}]


def test_decisions_made_before_origins_and_history_get_both(empty_db: Database) -> None:
    """Migration 0012 back-fills: an operation's decision is told apart by its note, and each
    decided item without a (:ReviewDecision) gets its one entry; applied again, nothing more."""
    db = empty_db
    db.query(
        "UNWIND $rows AS row CREATE (:MatchReview {review_id: row.id, status: row.status, "
        "note: row.note, decided_by: 'old', decided_at: datetime('2026-01-01T00:00:00Z')})",
        {"rows": [{"id": "rev-a", "status": "rejected", "note": "unmerge cus-1"},
                  {"id": "rev-b", "status": "accepted", "note": "reverse split ev-1"},
                  {"id": "rev-c", "status": "accepted", "note": None},
                  {"id": "rev-d", "status": "open", "note": None}]},
        write=True,
    )  # fmt: skip
    for _ in range(2):
        for statement in split_statements(load_query("migrations/0012_decision_origin")):
            db.run_autocommit(statement)
    rows = db.query(
        "MATCH (m:MatchReview) OPTIONAL MATCH (m)-[:DECIDED]->(d:ReviewDecision) "
        "RETURN m.review_id AS id, m.origin AS origin, count(d) AS entries, "
        "collect(d.status) AS statuses ORDER BY id"
    )
    assert [(r["id"], r["origin"], r["entries"], r["statuses"]) for r in rows] == [
        ("rev-a", "unmerge", 1, ["rejected"]),
        ("rev-b", "rejoin", 1, ["accepted"]),
        ("rev-c", "review", 1, ["accepted"]),
        ("rev-d", None, 0, []),
    ]
