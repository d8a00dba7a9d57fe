"""Records their source deleted: a deletion feed marks them, the next resolution run detaches
them from their entities (retiring those left empty, with a 'remove' event), and only a row
updated after the deletion brings one back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import ResolutionReport, decide, resolve, store
from models.resolution.history import list_events
from tests.resolution_fixtures import assignments, expected_works_at, resolved, works_at

__all__ = ["resolved"]  # the fixture, re-exported for pytest

DELETED_AT = "2026-11-01T00:00:00Z"


def _feed(folder: Path, rows: list[tuple[str, str]], name: str = "deleted_records.csv") -> Path:
    path = folder / name
    frame = pd.DataFrame(rows, columns=["source_type", "source_id"])
    frame["deleted_at"] = DELETED_AT
    frame["reason"] = "deleted in the source"
    frame.to_csv(path, index=False)
    return path


def _crm_contacts(db: Database, records: int) -> list[tuple[str, str]]:
    """(customer, CRM contact record) of customers with exactly ``records`` records."""
    rows = db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, collect(r.record_id) AS records WHERE size(records) = $n "
        "UNWIND records AS record WITH c, record WHERE record STARTS WITH 'crm:' "
        "RETURN c.customer_id AS c, record ORDER BY c, record LIMIT 3",
        {"n": records},
    )
    return [(row["c"], row["record"]) for row in rows]


def _pending(db: Database) -> int:
    late = store.late_ingest_runs(db)
    return int(db.query(load_query("jobs/pending_work"), {"changed_by": late})[0]["unresolved"])


def test_a_deletion_feed_marks_records_remembers_unknown_ones_and_quarantines_bad_rows(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    db = empty_db
    IngestRun(db, settings).run([demo_dir])
    contact = db.query(
        "MATCH (r:CustomerRecord {source_system: 'crm'}) WHERE r.placeholder IS NULL "
        "RETURN r.source_id AS id ORDER BY id LIMIT 1"
    )[0]["id"]
    account = db.query(
        "MATCH (r:AccountRecord) WHERE r.placeholder IS NULL RETURN r.source_id AS id "
        "ORDER BY id LIMIT 1"
    )[0]["id"]
    feed = _feed(tmp_path, [("crm_contacts", contact), ("crm_accounts", account),
                            ("shop_customers", "NEVER-EXPORTED"), ("crm_calls", "X1")])  # fmt: skip

    report = IngestRun(db, settings).run([feed])
    [file] = report.files
    assert (file.rows_read, file.loaded, file.quarantined) == (4, 3, 1)
    assert (file.created, file.updated) == (1, 2)  # one never loaded, two loaded records
    reason = db.query("MATCH (q:QuarantinedRow {source_type: 'deleted_records'}) RETURN q.reason")
    assert "source_type" in reason[0]["q.reason"]
    marked = db.query(
        "MATCH (r:CustomerRecord|AccountRecord) WHERE r.deleted_at IS NOT NULL "
        "RETURN r.record_id AS id, r.placeholder AS placeholder, r.deletion_reason AS why"
    )
    assert {(m["id"], m["placeholder"]) for m in marked} == {
        (f"crm:{contact}", None), (f"crm:{account}", None), ("shop:NEVER-EXPORTED", True),
    }  # fmt: skip
    assert {m["why"] for m in marked} == {"deleted in the source"}

    again = IngestRun(db, settings, force=True).run([feed]).files[0]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_only_a_row_updated_after_the_deletion_brings_a_record_back(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    db = empty_db
    IngestRun(db, settings).run([demo_dir])
    contacts = pd.read_csv(demo_dir / "crm_contacts.csv", dtype=str, keep_default_na=False,
                           on_bad_lines="skip", encoding_errors="replace")  # fmt: skip
    row = contacts[contacts["email"].str.contains("@")].iloc[[0]].copy()
    feed = _feed(tmp_path, [("crm_contacts", row["contact_id"].iloc[0])])
    IngestRun(db, settings).run([feed])
    record = f"crm:{row['contact_id'].iloc[0]}"
    deleted = "MATCH (r:CustomerRecord {record_id: $id}) RETURN r.deleted_at IS NOT NULL AS d"

    older = tmp_path / "older"
    older.mkdir()
    row["job_title"] = "Changed before the deletion"  # changed content, stamped before it
    row["updated_at"] = "2026-10-01T00:00:00Z"
    row["created_at"] = "2026-09-01T00:00:00Z"
    row.to_csv(older / "crm_contacts.csv", index=False)
    IngestRun(db, settings).run([older])
    assert db.query(deleted, {"id": record})[0]["d"] is True

    newer = tmp_path / "newer"
    newer.mkdir()
    row["job_title"] = "Back again"
    row["updated_at"] = "2026-11-02T00:00:00Z"
    row.to_csv(newer / "crm_contacts.csv", index=False)
    IngestRun(db, settings).run([newer])
    assert db.query(deleted, {"id": record})[0]["d"] is False
    # The deletion is older news now: a cumulative feed that lists it again changes nothing.
    IngestRun(db, settings, force=True).run([feed])
    assert db.query(deleted, {"id": record})[0]["d"] is False


def test_a_run_detaches_deleted_records_and_retires_customers_left_empty(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path
) -> None:
    db, _ = resolved
    (kept, leaving), (emptied, only) = _crm_contacts(db, 2)[0], _crm_contacts(db, 1)[0]
    before = assignments(db)
    IngestRun(db, settings).run(
        [_feed(tmp_path, [("crm_contacts", leaving[4:]), ("crm_contacts", only[4:])])]
    )
    assert _pending(db) == 2  # the refresh job sees work to do

    report = resolve(db, settings, incremental=True)
    assert report.customers.removed == 2 and report.customers.retired >= 1
    after = assignments(db)
    assert leaving not in after and only not in after
    assert {r: e for r, e in before.items() if r not in (leaving, only)} == after
    status = db.query(
        "MATCH (c:Customer) WHERE c.customer_id IN $ids RETURN c.customer_id AS id, c.status AS s",
        {"ids": [kept, emptied]},
    )
    assert {s["id"]: s["s"] for s in status} == {kept: "active", emptied: "retired"}
    [removal] = [e for e in list_events(db, kept, 10) if e["kind"] == "remove"]
    assert removal["record_ids"] == [leaving] and removal["model_version"] == "source deletion"
    assert works_at(db) == expected_works_at(db)
    assert _pending(db) == 0

    full = resolve(db, settings)  # a full run reads them no more, and moves no one
    assert full.customers.removed == 0
    assert assignments(db) == after


def test_open_review_items_of_a_deleted_record_are_withdrawn_and_decided_ones_kept(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path
) -> None:
    db, _ = resolved
    items = db.query(
        "MATCH (m:MatchReview {status: 'open', kind: 'customer'}) WHERE m.record_a STARTS WITH "
        "'crm:' RETURN m.review_id AS id, m.record_a AS record ORDER BY id LIMIT 2"
    )
    assert len(items) == 2, "the demo resolves with open crm review items"
    (gone, record), (decided, other) = (
        (items[0]["id"], items[0]["record"]),
        (items[1]["id"], items[1]["record"]),
    )
    decide(db, decided, "rejected", by="kim")
    IngestRun(db, settings).run(
        [_feed(tmp_path, [("crm_contacts", record[4:]), ("crm_contacts", other[4:])])]
    )
    resolve(db, settings, incremental=True)
    left = db.query(
        "MATCH (m:MatchReview) WHERE m.review_id IN $ids RETURN m.review_id AS id, m.status AS s",
        {"ids": [gone, decided]},
    )
    assert [(r["id"], r["s"]) for r in left] == [(decided, "rejected")]
