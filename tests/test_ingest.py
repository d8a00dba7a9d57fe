"""Ingestion against the real Neo4j: conservation, quarantine, idempotency, incremental loads,
provenance, late-arriving references and convergence after a killed load."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from graph.db import Database
from graph.local_server import connection
from graph.settings import Settings
from ingestion.loader import IngestReport, IngestRun
from ingestion.mapping import MAPPINGS
from ingestion.readers import read_and_validate
from tests.graph_snapshot import snapshot

PERSON_FILES = {"crm_contacts", "shop_customers", "email_subscribers", "web_visitors"}
EVENT_FILES = {"crm_calls", "shop_orders", "email_events", "web_events", "ads_clicks"}


def _bad_rows_by_file(demo_dir: Path) -> dict[str, int]:
    manifest = json.loads((demo_dir / "manifest.json").read_text())
    return {name: int(info["bad_rows"]) for name, info in manifest["files"].items()}


def _ingest(db: Database, settings: Settings, *paths: Path, force: bool = False) -> IngestReport:
    return IngestRun(db, settings, force=force).run(list(paths))


def test_counts_are_conserved_and_bad_rows_quarantined(
    empty_db: Database, settings: Settings, demo_dir: Path
) -> None:
    report = _ingest(empty_db, settings, demo_dir)
    bad = _bad_rows_by_file(demo_dir)
    # Every export type the demo writes (deletion feeds and erasure logs are optional: it has
    # none).
    optional = {"deleted_records", "erasure_requests"}
    assert {f.source_type for f in report.files} == set(MAPPINGS) - optional
    for f in report.files:
        assert f.status == "loaded"
        assert f.rows_read == f.loaded + f.quarantined, f.name
        assert f.quarantined == bad.get(f.name, 0), f.name
    assert report.total("quarantined") > 0
    # Every quarantined row is in the graph with a reason, and in full in the JSONL file.
    in_graph = empty_db.query(
        "MATCH (:IngestRun {run_id: $run})-[:QUARANTINED]->(q:QuarantinedRow) "
        "RETURN q.reason AS reason, q.raw_length AS length",
        {"run": report.run_id},
    )
    assert len(in_graph) == report.total("quarantined")
    assert all(row["reason"] for row in in_graph)
    assert report.quarantine_file is not None
    lines = [json.loads(x) for x in Path(report.quarantine_file).read_text().splitlines()]
    assert len(lines) == report.total("quarantined")
    by_length = {row["length"] for row in in_graph}
    assert max(len(x["raw"]) for x in lines) == max(by_length)  # nothing truncated in the file
    # The run is recorded with conserved totals.
    run = empty_db.query(
        "MATCH (r:IngestRun {run_id: $run}) RETURN r.status AS status, r.rows_read AS read, "
        "r.loaded AS loaded, r.quarantined AS quarantined",
        {"run": report.run_id},
    )[0]
    assert run["status"] == "completed"
    assert run["read"] == run["loaded"] + run["quarantined"] == report.total("rows_read")


def test_every_loaded_row_is_in_the_graph(
    empty_db: Database, settings: Settings, demo_dir: Path
) -> None:
    report = _ingest(empty_db, settings, demo_dir)
    loaded = {f.source_type: f.loaded for f in report.files}
    records = empty_db.query(
        "MATCH (n:CustomerRecord) WHERE n.placeholder IS NULL RETURN count(n) AS n"
    )[0]["n"]
    assert records == sum(loaded[t] for t in PERSON_FILES)
    events = empty_db.query(
        "MATCH (n:Interaction) WHERE n.placeholder IS NULL RETURN count(n) AS n"
    )[0]["n"]
    assert events == sum(loaded[t] for t in EVENT_FILES)
    lines = empty_db.query("MATCH ()-[l:CONTAINS]->() RETURN count(l) AS n")[0]["n"]
    assert lines == loaded["shop_order_lines"]
    products = empty_db.query("MATCH (p:Product) WHERE p.placeholder IS NULL RETURN count(p) AS n")
    assert products[0]["n"] == loaded["catalog_products"]


def test_rerun_skips_and_forced_rerun_changes_no_data(
    empty_db: Database, settings: Settings, demo_dir: Path
) -> None:
    _ingest(empty_db, settings, demo_dir)
    before = snapshot(empty_db)
    again = _ingest(empty_db, settings, demo_dir)
    assert {f.status for f in again.files} == {"skipped"}
    assert again.total("loaded") == 0
    assert snapshot(empty_db) == before
    # A skip must not forget the earlier load (found by bench/jobs_bench.py: every second
    # quiet refresh re-loaded the whole inbox).
    third = _ingest(empty_db, settings, demo_dir)
    assert {f.status for f in third.files} == {"skipped"}
    forced = _ingest(empty_db, settings, demo_dir, force=True)
    assert forced.total("created") == forced.total("updated") == 0
    assert forced.total("unchanged") == forced.total("loaded") > 0
    # Only "seen again" bookkeeping moves; every data property and relationship is the same.
    assert snapshot(empty_db) == before
    assert before["duplicate_keys"] == 0


def test_changed_export_updates_only_what_changed(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    _ingest(empty_db, settings, demo_dir)
    contacts = pd.read_csv(
        demo_dir / "crm_contacts.csv", dtype=str, keep_default_na=False,
        on_bad_lines="skip", encoding_errors="replace",
    )  # fmt: skip
    valid_ids = {
        r["id"]
        for r in empty_db.query(
            "MATCH (n:CustomerRecord {source_system: 'crm'}) WHERE n.placeholder IS NULL "
            "RETURN n.source_id AS id"
        )
    }
    contacts = contacts[contacts["contact_id"].isin(valid_ids)].copy()
    target = contacts.index[0]
    contacts.loc[target, "email"] = "changed.address@example.org"
    new_row = contacts.loc[[target]].copy()
    new_row["contact_id"] = "CNEW0001"
    new_row["email"] = "brand.new@example.org"
    changed = pd.concat([contacts, new_row])
    export = tmp_path / "crm_contacts.csv"
    changed.to_csv(export, index=False)

    report = _ingest(empty_db, settings, export)
    (f,) = report.files
    assert (f.created, f.updated, f.quarantined) == (1, 1, 0)
    assert f.unchanged == len(changed) - 2
    row = empty_db.query(
        "MATCH (n:CustomerRecord {record_id: $id}) RETURN n.email AS email, "
        "n.last_run AS last_run, n.first_run <> n.last_run AS changed_later",
        {"id": "crm:" + contacts.loc[target, "contact_id"]},
    )[0]
    assert row == {"email": "changed.address@example.org", "last_run": report.run_id,
                   "changed_later": True}  # fmt: skip


def test_provenance_on_every_node_and_relationship(
    empty_db: Database, settings: Settings, demo_dir: Path
) -> None:
    _ingest(empty_db, settings, demo_dir)
    missing_nodes = empty_db.query(
        "MATCH (n) WHERE n.source_system IS NULL OR n.source_id IS NULL OR n.first_seen IS NULL "
        "OR n.first_run IS NULL RETURN labels(n) AS labels, count(*) AS n"
    )
    assert missing_nodes == []
    missing_rels = empty_db.query(
        "MATCH ()-[r]->() WHERE r.source_system IS NULL OR r.source_id IS NULL "
        "OR r.first_seen IS NULL OR r.first_run IS NULL RETURN type(r) AS type, count(*) AS n"
    )
    assert missing_rels == []


def test_late_arriving_references_are_filled_in(
    empty_db: Database, settings: Settings, demo_dir: Path
) -> None:
    _ingest(empty_db, settings, demo_dir / "shop_order_lines.csv", demo_dir / "shop_orders.csv")
    placeholders = empty_db.query("MATCH (p:Product) WHERE p.placeholder RETURN count(p) AS n")[0][
        "n"
    ]
    assert placeholders > 0
    _ingest(empty_db, settings, demo_dir / "catalog_products.csv")
    left = empty_db.query(
        "MATCH (:Order)-[:CONTAINS]->(p:Product) WHERE p.placeholder RETURN p.sku AS sku"
    )
    # Only products whose own catalog row was quarantined can still be placeholders.
    catalog = read_and_validate(demo_dir / "catalog_products.csv")
    assert {r["sku"] for r in left}.isdisjoint(set(catalog.valid["sku"]))
    assert len(left) <= len(catalog.quarantined)


@pytest.mark.slow
def test_killed_load_converges_without_duplicates(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    _ingest(empty_db, settings, demo_dir)
    clean = snapshot(empty_db, exclude=[*_RUN_FIELDS])

    from graph.maintenance import delete_all_data

    delete_all_data(empty_db)
    info = connection(settings)
    env = {
        **os.environ,
        "MARKETGRAPH_NEO4J_URI": info.uri,
        "MARKETGRAPH_NEO4J_PASSWORD": info.password,
        "MARKETGRAPH_STATE_DIR": str(tmp_path / "state"),
        "MARKETGRAPH_BATCH_SIZE": "200",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "ingest", str(demo_dir)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        events = empty_db.query("MATCH (i:Interaction) RETURN count(i) AS n")[0]["n"]
        if events > 0 or child.poll() is not None:
            break
        time.sleep(0.2)
    assert child.poll() is None, "the load finished before it could be killed; use more data"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    partial = empty_db.query("MATCH (r:IngestRun) RETURN r.status AS status")
    assert [r["status"] for r in partial] == ["running"]  # the killed run is visible as such

    _ingest(empty_db, settings, demo_dir)
    assert snapshot(empty_db, exclude=[*_RUN_FIELDS]) == clean
    shutil.rmtree(tmp_path / "state", ignore_errors=True)


_RUN_FIELDS = ["first_seen", "last_seen", "first_run", "last_run", "last_changed"]


def test_a_folder_inside_the_folder_loaded_is_named_not_skipped_silently(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    """Exports moved into `october/` (or an archive of done files) are not read — one level
    only — and the report says so instead of loading nothing without a word."""
    inbox = tmp_path / "inbox"
    (inbox / "october").mkdir(parents=True)
    shutil.copy(demo_dir / "campaigns.csv", inbox / "october" / "campaigns.csv")
    (inbox / ".hidden").mkdir()
    report = IngestRun(empty_db, settings).run([inbox])
    assert report.files == []
    assert report.ignored == [f"{inbox / 'october'}/: a folder; files are read from {inbox} "
                              "itself, not from folders in it"]  # fmt: skip
