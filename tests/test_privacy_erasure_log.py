"""A source's erasure log (`erasure_requests.csv`) against the real Neo4j: its rows flag the
person records they name, and the step after the load erases them (one request per reference,
each with its proof); loading the log again adds nothing; a request for a record not loaded yet
still erases it (an older export cannot fill it afterwards); company rows are quarantined;
requests that meet a running resolution wait in the graph until `erase --requested`; and a
resolution run that outlived its lock writes nothing onto a record erased meanwhile."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from graph import locks
from graph.db import Database
from graph.errors import ResolutionError
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.privacy import erasure, population
from models.privacy.erasure import REFERENCE_MAX
from models.privacy.requested import erase_requested, waiting
from models.resolution import ResolutionReport, engine, resolve, scoring, store
from models.resolution.engine import RESOLUTION_LOCK
from models.resolution.run import resolution_lock
from tests.resolution_fixtures import resolved
from tests.test_cli_resolution import Cli, cli
from tests.test_privacy_erasure import KEPT, _bad_rows, _contacts

__all__ = ["cli", "resolved"]  # the fixtures, re-exported for pytest

HEADER = "source_type,source_id,requested_at,reference\n"


def _log(folder: Path, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "erasure_requests.csv").write_text(HEADER + "".join(f"{x}\n" for x in lines))
    return folder


def _shop_export(demo_dir: Path) -> pd.DataFrame:
    """The demo's shop customers as text (its few broken lines skipped)."""
    return pd.read_csv(
        demo_dir / "shop_customers.csv", dtype=str, keep_default_na=False, on_bad_lines="skip",
        encoding_errors="replace",
    )  # fmt: skip


def _two_people(db: Database) -> list[dict[str, str]]:
    """Two linked person records of different customers: a CRM contact and a shop customer,
    created before the requests of these tests (a request does not cover a record created
    after it, and the demo's records run to late 2026)."""
    rows = db.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c:Customer {status: 'active'}) "
        "WHERE r.source_system IN ['crm', 'shop'] AND r.full_name IS NOT NULL "
        "AND r.created_at < datetime('2025-12-01') "
        "WITH r, c ORDER BY r.record_id "
        "WITH r.source_system AS system, collect({id: r.record_id, source_id: r.source_id, "
        "customer: c.customer_id})[0] AS one RETURN one ORDER BY system"
    )
    return [row["one"] for row in rows]


def _erased(db: Database, ids: list[str]) -> dict[str, tuple[set[str], bool]]:
    rows = db.query(
        "MATCH (r:CustomerRecord) WHERE r.record_id IN $ids RETURN r.record_id AS id, "
        "keys(r) AS keys, EXISTS { (r)-[:RESOLVES_TO]->() } AS linked", {"ids": ids}
    )  # fmt: skip
    return {r["id"]: (set(r["keys"]), r["linked"]) for r in rows}


def test_an_erasure_log_erases_its_people_once_with_proof_per_reference(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path,
    demo_dir: Path,
) -> None:  # fmt: skip
    db, _ = resolved
    crm, shop = _two_people(db)
    folder = _log(tmp_path / "log", [
        f"crm_contacts,{crm['source_id']},2026-01-05T10:00:00Z,DSR-L1",
        "shop_customers,S-NEVER-LOADED,2026-01-05T10:00:00Z,DSR-L1",
        f"shop_customers,{shop['source_id']},2026-01-06T10:00:00Z,",
        "crm_accounts,A-00001,2026-01-06T10:00:00Z,DSR-L2",
    ])  # fmt: skip
    report = IngestRun(db, settings).run([folder])
    [file] = report.files
    assert (file.created, file.updated, file.quarantined) == (1, 2, 1)
    [reason] = db.query(
        "MATCH (:IngestRun {run_id: $run})-[:QUARANTINED]->(q) RETURN q.reason AS reason",
        {"run": report.run_id},
    )
    assert "source_type" in reason["reason"] and "crm_accounts" in reason["reason"]
    assert waiting(db) == 3
    ids = [crm["id"], "shop:S-NEVER-LOADED", shop["id"]]
    assert not any(keys <= KEPT for keys, _ in _erased(db, [crm["id"], shop["id"]]).values())

    done = erase_requested(db, settings)

    assert not done.failed and done.waiting == 0 and waiting(db) == 0
    assert sorted((e.records, e.customers) for e in done.erasures) == sorted([
        (sorted([crm["id"], "shop:S-NEVER-LOADED"]), [crm["customer"]]),
        ([shop["id"]], [shop["customer"]]),
    ])  # fmt: skip
    state = _erased(db, ids)
    assert all(keys <= KEPT and not linked for keys, linked in state.values()), state
    proofs = db.query(
        "MATCH (q:ErasureRequest)-[:ERASED]->(r) RETURN q.reference AS ref, "
        "q.requested_by AS by, collect(r.record_id) AS ids ORDER BY ref"
    )
    assert [(p["ref"], sorted(p["ids"])) for p in proofs] == [
        ("DSR-L1", sorted([crm["id"], "shop:S-NEVER-LOADED"])),
        ("shop_customers erasure log", [shop["id"]]),
    ]
    assert all(report.run_id in p["by"] for p in proofs)

    again = IngestRun(db, settings, force=True).run([folder])
    assert (again.files[0].created, again.files[0].updated) == (0, 0)
    assert waiting(db) == 0 and erase_requested(db, settings).erasures == []

    # An export written before the erasure cannot fill the record it named before loading.
    late = tmp_path / "late"
    late.mkdir()
    shop_rows = _shop_export(demo_dir)
    row = shop_rows.iloc[[0]].copy()
    row["customer_id"], row["created_at"], row["updated_at"] = (
        "S-NEVER-LOADED", "2025-12-01T00:00:00Z", "2025-12-02T00:00:00Z",
    )  # fmt: skip
    row.to_csv(late / "shop_customers.csv", index=False)
    IngestRun(db, settings).run([late])
    [placeholder] = _erased(db, ["shop:S-NEVER-LOADED"]).values()
    assert placeholder[0] <= KEPT


def test_a_request_older_than_its_record_is_reported_not_applied(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path
) -> None:
    """The record was created after the request (the person signed up again since): the
    request does not erase it, and the load says so instead of counting it unchanged."""
    db, _ = resolved
    crm, _shop = _two_people(db)
    folder = _log(
        tmp_path / "old-log", [f"crm_contacts,{crm['source_id']},2001-01-01T00:00:00Z,T-OLD"]
    )
    report = IngestRun(db, settings).run([folder])
    [file] = report.files
    assert (file.created, file.updated, file.older) == (0, 0, 1), file
    assert "1 request(s) not applied" in file.note and "signed up again" in file.note
    flagged = db.query(
        "MATCH (r:CustomerRecord {record_id: $id}) RETURN r.erasure_requested_at AS at",
        {"id": crm["id"]},
    )
    assert flagged == [{"at": None}]


def test_requests_wait_for_a_running_resolution_then_erase_requested_finishes_them(
    resolved: tuple[Database, ResolutionReport], settings: Settings, cli: Cli, tmp_path: Path,
    demo_dir: Path,
) -> None:  # fmt: skip
    db, _ = resolved
    crm, shop = _two_people(db)
    folder = _log(tmp_path / "log", [
        f"crm_contacts,{crm['source_id']},2026-02-01T00:00:00Z,T-9",
        f"shop_customers,{shop['source_id']},2026-02-01T00:00:00Z,T-9",
    ])  # fmt: skip
    with resolution_lock(db, settings, "a long resolution run"):
        loaded = cli("ingest", str(folder))
    assert loaded.returncode == 0, loaded.stderr
    assert "wait" in loaded.stderr and "erase --requested" in loaded.stderr
    assert waiting(db) == 2 and not _erased(db, [crm["id"]])[crm["id"]][0] <= KEPT

    # Before the request is honoured, the shop's person signs up again: not covered by it.
    rows = _shop_export(demo_dir)
    again = rows[rows["customer_id"] == shop["source_id"]].copy()
    again["created_at"] = again["updated_at"] = "2099-01-01T00:00:00Z"
    (tmp_path / "signup").mkdir()
    again.to_csv(tmp_path / "signup" / "shop_customers.csv", index=False)
    IngestRun(db, settings).run([tmp_path / "signup"])
    assert waiting(db) == 1

    mixed = cli("erase", "--requested", "--reference", "T-9")
    assert mixed.returncode != 0 and "--requested alone" in mixed.stderr + mixed.stdout
    finished = cli("erase", "--requested")
    assert finished.returncode == 0, finished.stderr
    [proof] = db.query(
        "MATCH (q:ErasureRequest {reference: 'T-9'})-[:ERASED]->(r) "
        "RETURN q.erasure_id AS id, collect(r.record_id) AS ids"
    )
    assert proof["id"] in finished.stdout and proof["ids"] == [crm["id"]]
    state = _erased(db, [crm["id"], shop["id"]])
    assert waiting(db) == 0 and state[crm["id"]][0] <= KEPT and "full_name" in state[shop["id"]][0]
    idle = cli("erase", "--requested")
    assert idle.returncode == 0 and "No erasure requests wait" in idle.stdout


def test_a_run_that_outlived_its_lock_writes_nothing_onto_a_record_erased_meanwhile(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path
) -> None:
    db, _ = resolved
    crm, _ = _two_people(db)
    IngestRun(db, settings).run(
        [_log(tmp_path / "log", [f"crm_contacts,{crm['source_id']},2026-03-01T00:00:00Z,T-10"])]
    )
    erase_requested(db, settings)
    at = datetime.now(UTC)
    row = {
        "record_id": crm["id"], "entity_id": crm["customer"], "fresh": True, "rule": "model",
        "match_probability": 0.99, "match_weight": 9.0, "matched_with": None,
        "evidence_fields": [], "evidence_levels": [], "evidence_weights": [],
        "keys": {"rk_email": 42},
    }  # fmt: skip
    for fresh in (True, False):  # what the late run wrote for it: a link, its keys
        store.write_links(
            db, "customer", [{**row, "fresh": fresh}], 100, run_id="late-run", at=at,
            model_version="m1",
        )  # fmt: skip
    store.write_keys(db, "customer", [{"record_id": crm["id"], "keys": {"rk_email": 42}}], 100)
    [(keys, linked)] = _erased(db, [crm["id"]]).values()
    assert keys <= KEPT and not linked


@pytest.mark.parametrize("erasure_done", [False, True], ids=["still-erasing", "erasure-done"])
def test_a_run_whose_lock_was_taken_over_writes_nothing_more(
    resolved: tuple[Database, ResolutionReport], settings: Settings,
    monkeypatch: pytest.MonkeyPatch, erasure_done: bool,
) -> None:  # fmt: skip
    """A run that outlived its lease and lost the lock to an erasure stops before it writes
    links, employers, reviews or population counts from the records it read before — also
    when the erasure is over and the lock free again by the time the run would write."""
    db, _ = resolved
    before = db.query("MATCH ()-[l:RESOLVES_TO]->() RETURN count(l) AS n, max(l.last_run) AS r")
    counts = scoring.counts_path(settings, "customer")
    saved = counts.stat().st_mtime_ns
    build_rows = engine._link_rows

    def lease_runs_out(*args: Any, **kwargs: Any) -> Any:
        db.query(  # the lease ran out while the run scored, and an erasure took the lock
            "MATCH (l:JobLock {name: $name}) SET l.expires_at = datetime() - duration('PT1M')",
            {"name": RESOLUTION_LOCK}, write=True,
        )  # fmt: skip
        locks.acquire(db, RESOLUTION_LOCK, "era-meanwhile", 5)
        if erasure_done:
            locks.release(db, RESOLUTION_LOCK, "era-meanwhile")
        return build_rows(*args, **kwargs)

    monkeypatch.setattr(engine, "_link_rows", lease_runs_out)  # fault injection
    try:
        with pytest.raises(ResolutionError, match="ran past its lock lease"):
            resolve(db, settings)
    finally:
        locks.release(db, RESOLUTION_LOCK, "era-meanwhile")
    after = db.query("MATCH ()-[l:RESOLVES_TO]->() RETURN count(l) AS n, max(l.last_run) AS r")
    assert after == before and counts.stat().st_mtime_ns == saved


def test_a_page_of_tickets_is_honoured_in_one_pass_each_with_its_own_rows_and_proof(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path,
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Tickets honoured together still each claim the quarantined rows of their own person
    (graph and files), and one that cannot be honoured does not hold up the others."""
    db, _ = resolved
    people = db.query(
        "MATCH (r:CustomerRecord {source_system: 'crm'})-[:RESOLVES_TO]->(c:Customer) "
        "WHERE r.email IS NOT NULL WITH c, min(r.source_id) AS contact "
        "RETURN contact ORDER BY contact LIMIT 4"
    )
    first, second, third, fourth = (str(p["contact"]) for p in people)
    contacts = _contacts(demo_dir)
    IngestRun(db, settings).run([_bad_rows(tmp_path / "bad", contacts, [first, second])])
    IngestRun(db, settings).run([_log(tmp_path / "log", [
        f"crm_contacts,{first},2026-04-01T00:00:00Z,T-FIRST",
        f"crm_contacts,{second},2026-04-01T00:00:00Z,T-SECOND",
    ])])  # fmt: skip

    passes = []
    forget = population.forget

    def counted(*args: Any, **kwargs: Any) -> int:
        passes.append(args[2])
        return forget(*args, **kwargs)

    monkeypatch.setattr(population, "forget", counted)  # a spy: the real call goes ahead
    done = erase_requested(db, settings)

    assert not done.failed and waiting(db) == 0
    assert len(passes) == 1 and len(passes[0]) == 2  # both tickets' counts in one pass
    erasure_of = {e.records[0]: e.erasure_id for e in done.erasures}
    assert sorted(erasure_of) == [f"crm:{first}", f"crm:{second}"]
    assert len(set(erasure_of.values())) == 2
    bad_file = str(tmp_path / "bad" / "crm_contacts.csv")  # the quarantine dir is shared
    rows = db.query(
        "MATCH (q:QuarantinedRow {source_type: 'crm_contacts'}) WHERE q.file = $file "
        "RETURN q.row_number AS n, q.erasure_id AS e, q.raw AS raw ORDER BY n", {"file": bad_file}
    )  # fmt: skip
    mine = contacts[contacts["contact_id"].isin([first, second])]["contact_id"].tolist()
    assert [(r["e"], r["raw"]) for r in rows] == [(erasure_of[f"crm:{c}"], None) for c in mine]
    lines = [json.loads(line) for f in settings.quarantine_dir.glob("*.jsonl")
             for line in f.read_text().splitlines()]  # fmt: skip
    scrubbed = [
        (q["row_number"], q["erasure_id"]) for q in lines
        if q.get("file") == bad_file
    ]  # fmt: skip
    assert scrubbed == [(r["n"], r["e"]) for r in rows]

    IngestRun(db, settings).run(
        [_log(tmp_path / "log2", [f"crm_contacts,{fourth},2026-04-02T00:00:00Z,T-FOURTH"])]
    )
    db.query(  # a flag an older version left with a reference no erasure may keep
        "MATCH (r:CustomerRecord {record_id: $id}) SET r.erasure_requested_at = "
        "datetime('2026-04-01T00:00:00Z'), r.erasure_reference = $ref, "
        "r.erasure_request_run = 'old-run'",
        {"id": f"crm:{third}", "ref": "x" * (REFERENCE_MAX + 1)}, write=True,
    )  # fmt: skip

    stuck = erase_requested(db, settings)

    assert [key.startswith("x" * 20) for key in stuck.failed] == [True] and stuck.waiting == 1
    assert [e.records for e in stuck.erasures] == [[f"crm:{fourth}"]] and waiting(db) == 1
    assert not _erased(db, [f"crm:{third}"])[f"crm:{third}"][0] <= KEPT


def test_a_page_that_failed_half_way_is_finished_by_the_next_pass(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path,
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """What is found by the people's values goes first, for the whole page, so a crash after
    the first ticket's records leaves nothing the retry could no longer find."""
    db, _ = resolved
    people = db.query(
        "MATCH (r:CustomerRecord {source_system: 'crm'})-[:RESOLVES_TO]->(c:Customer) "
        "WHERE r.email IS NOT NULL WITH c, min(r.source_id) AS contact "
        "RETURN contact ORDER BY contact DESC LIMIT 2"
    )
    first, second = (str(p["contact"]) for p in people)
    bad = _bad_rows(tmp_path / "bad", _contacts(demo_dir), [first, second])
    IngestRun(db, settings).run([bad])
    IngestRun(db, settings).run([_log(tmp_path / "log", [
        f"crm_contacts,{first},2030-05-01T00:00:00Z,T-A",
        f"crm_contacts,{second},2030-05-01T00:00:00Z,T-B",
    ])])  # fmt: skip
    erase_one, calls = erasure._erase_one, []

    def crash_on_the_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the machine went down")
        return erase_one(*args, **kwargs)

    monkeypatch.setattr(erasure, "_erase_one", crash_on_the_second)  # fault injection
    with pytest.raises(RuntimeError):
        erase_requested(db, settings)
    monkeypatch.undo()

    quarantined = db.query(
        "MATCH (q:QuarantinedRow) WHERE q.file = $file RETURN q.raw AS raw, "
        "EXISTS { (:ErasureRequest {erasure_id: q.erasure_id}) } AS proof",
        {"file": str(bad / "crm_contacts.csv")},
    )
    assert len(quarantined) == 2 and all(q["raw"] is None and q["proof"] for q in quarantined)
    state = _erased(db, [f"crm:{first}", f"crm:{second}"])
    assert [keys <= KEPT for keys, _ in state.values()].count(True) == 1
    assert waiting(db) == 1  # the erased record's flag went with its data

    done = erase_requested(db, settings)

    assert not done.failed and waiting(db) == 0 and done.records == 1
    state = _erased(db, [f"crm:{first}", f"crm:{second}"])
    assert all(keys <= KEPT and not linked for keys, linked in state.values()), state


def test_a_ticket_whose_erasure_fails_waits_while_the_others_are_honoured(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db, _ = resolved
    crm, shop = _two_people(db)
    IngestRun(db, settings).run([_log(tmp_path / "log", [
        f"crm_contacts,{crm['source_id']},2030-06-01T00:00:00Z,T-FAILS",
        f"shop_customers,{shop['source_id']},2030-06-01T00:00:00Z,T-WORKS",
    ])])  # fmt: skip
    erase_one = erasure._erase_one

    def fails_for_one(db: Database, one: Any, *args: Any, **kwargs: Any) -> Any:
        if one.request.reference == "T-FAILS":
            raise ResolutionError("the graph refused this one")
        return erase_one(db, one, *args, **kwargs)

    monkeypatch.setattr(erasure, "_erase_one", fails_for_one)  # fault injection
    done = erase_requested(db, settings)

    assert [e.records for e in done.erasures] == [[shop["id"]]]
    assert [k for k in done.failed if k.startswith("T-FAILS")] and waiting(db) == 1
    assert _erased(db, [shop["id"]])[shop["id"]][0] <= KEPT
