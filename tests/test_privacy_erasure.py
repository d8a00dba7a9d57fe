"""A person's right to erasure against the real Neo4j: every trace of their personal data goes
(records, typed employer, call notes, copy drafts, quarantined rows in the graph and in files),
the records leave their customer with a history entry, later runs and older exports do not
bring the data back, and a row created after the erasure does (the person signed up again)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from graph.db import Database
from graph.errors import ResolutionError
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.privacy import erase, erasure
from models.privacy.population import minus
from models.resolution import ResolutionReport, record_decision, resolve, scoring
from models.resolution.frequencies import PopulationCounts
from models.resolution.history import list_events
from tests.resolution_fixtures import resolved
from tests.test_cli_resolution import Cli, cli

__all__ = ["cli", "resolved"]  # the fixtures, re-exported for pytest

#: All a person record may keep once erased: that it existed, where from, and its erasure.
KEPT = {
    "record_id", "source_system", "source_id", "placeholder", "first_seen", "first_run",
    "last_seen", "last_run", "last_changed", "created_at", "updated_at", "deleted_at",
    "deletion_reason", "deleted_run", "erased_at", "erased_by", "erasure_id",
    "erased_customer",  # the customer it left: an id, no personal data
}  # fmt: skip


def _person_with_call_notes(db: Database) -> tuple[str, list[str], str]:
    """(customer, its records, its CRM contact id) of a customer with several records whose
    CRM contact has call notes and an e-mail address."""
    row = db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(crm:CustomerRecord "
        "{source_system: 'crm'})-[:PERFORMED]->(i:Interaction) "
        "WHERE i.notes IS NOT NULL AND crm.email IS NOT NULL "
        "WITH c, crm ORDER BY c.customer_id LIMIT 20 "
        "MATCH (c)<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, crm, collect(r.record_id) AS records WHERE size(records) >= 2 "
        "RETURN c.customer_id AS c, records, crm.source_id AS contact LIMIT 1"
    )[0]
    return str(row["c"]), sorted(row["records"]), str(row["contact"])


def _contacts(demo_dir: Path) -> pd.DataFrame:
    return pd.read_csv(
        demo_dir / "crm_contacts.csv", dtype=str, keep_default_na=False, on_bad_lines="skip",
        encoding_errors="replace",
    )  # fmt: skip


def _bad_rows(folder: Path, contacts: pd.DataFrame, ids: list[str]) -> Path:
    """A CRM export whose rows for ``ids`` break the contract (a phone that is no phone), so
    they are quarantined with the person's data in them."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = contacts[contacts["contact_id"].isin(ids)].copy()
    rows["phone"] = "not-a-phone"
    rows.to_csv(folder / "crm_contacts.csv", index=False)
    return folder


def test_erasing_a_customer_removes_every_trace_and_keeps_proof(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    db, _ = resolved
    customer, records, contact = _person_with_call_notes(db)
    contacts = _contacts(demo_dir)
    other = str(contacts[contacts["contact_id"] != contact]["contact_id"].iloc[0])
    IngestRun(db, settings).run([_bad_rows(tmp_path / "bad", contacts, [contact, other])])
    email = str(contacts.loc[contacts["contact_id"] == contact, "email"].iloc[0])
    other_customer = db.query(
        "MATCH (c:Customer {status: 'active'}) WHERE c.customer_id <> $c "
        "RETURN c.customer_id AS c LIMIT 1", {"c": customer}
    )[0]["c"]  # fmt: skip
    for cid in (customer, other_customer):  # a draft quoting each, written by the copy step
        db.query(
            "MATCH (c:Customer {customer_id: $c}) CREATE (d:CopyDraft {draft_id: 'd-' + $c, "
            "customer_id: $c, body: 'Hi there'})-[:FOR]->(c)", {"c": cid}, write=True
        )  # fmt: skip
        db.query(  # and scores of two model versions, whose reasons quote what they bought
            "MATCH (c:Customer {customer_id: $c}) MERGE (p:Product {sku: 'SKU-ERASE-TEST'}) "
            "MERGE (m:ModelVersion {version: 'lp-erase-test'}) "
            "CREATE (c)-[:RECOMMENDED {model_version: 'lp-old', reasons: ['Bought a desk']}]->(p) "
            "CREATE (c)-[:RECOMMENDED {model_version: 'lp-new', reasons: ['Bought a desk']}]->(p) "
            "CREATE (c)-[:SCORED_BY {probability: 0.4, reasons: ['Bought a desk']}]->(m)",
            {"c": cid}, write=True,
        )  # fmt: skip

    a, b = records[:2]
    record_decision(db, "customer", a, b, "accepted", "kim", "same person, she phoned us")
    counted = scoring.counts_path(settings, "customer")
    assert email.lower() in set(pd.read_parquet(counted)["value"])

    report = erase(db, settings, customer_id=customer, reference="DSR-1", by="dpo")

    assert email.lower() not in set(pd.read_parquet(counted)["value"])
    notes = db.query(
        "MATCH (m:MatchReview) WHERE m.record_a IN $ids OR m.record_b IN $ids "
        "OPTIONAL MATCH (m)-[:DECIDED]->(d) RETURN m.status AS status, m.note AS note, "
        "collect(d.note) AS decided", {"ids": [a, b]}
    )  # fmt: skip
    assert [(n["status"], n["note"], n["decided"]) for n in notes] == [("accepted", None, [])]

    assert report.records == records and report.customers == [customer]
    assert report.retired == 1 and report.drafts == 1 and report.interactions >= 1
    # Its bad CRM row below, and any of the demo's rejected rows naming one of its records;
    # the files also hold the lines of earlier tests' loads of the same demo exports.
    assert report.quarantine_lines >= report.quarantined_rows >= 1
    nodes = db.query(
        "MATCH (r:CustomerRecord) WHERE r.record_id IN $ids "
        "RETURN r.record_id AS id, keys(r) AS keys, r.erasure_id AS erasure, "
        "EXISTS { (r)-[:RESOLVES_TO|WORKS_AT]->() } AS linked, "
        "[(r)-[:PERFORMED]->(i) WHERE i.notes IS NOT NULL | i] AS noted",
        {"ids": records},
    )
    assert len(nodes) == len(records)
    for node in nodes:
        assert set(node["keys"]) <= KEPT, set(node["keys"]) - KEPT
        assert node["erasure"] == report.erasure_id and not node["linked"] and not node["noted"]
    status = db.query(
        "MATCH (c:Customer {customer_id: $c}) RETURN c.status AS s, c.merged_into AS into",
        {"c": customer},
    )
    assert (status[0]["s"], status[0]["into"]) == ("retired", None)  # a tombstone, not "merged"
    [removal] = [e for e in list_events(db, customer) if e["kind"] == "remove"]
    assert sorted(removal["record_ids"]) == records and removal["model_version"] == "erasure"
    drafts = db.query("MATCH (d:CopyDraft) RETURN d.customer_id AS c")
    assert [d["c"] for d in drafts] == [other_customer]
    scored = db.query(
        "MATCH (c:Customer)-[s:RECOMMENDED|SCORED_BY]->(x) WHERE x.sku = 'SKU-ERASE-TEST' "
        "OR x.version = 'lp-erase-test' RETURN c.customer_id AS c, count(s) AS n"
    )
    assert scored == [{"c": other_customer, "n": 3}]  # every version's, of this person only
    db.query(
        "MATCH (p:Product {sku: 'SKU-ERASE-TEST'}) DETACH DELETE p WITH 1 AS one "
        "MATCH (m:ModelVersion {version: 'lp-erase-test'}) DETACH DELETE m",
        write=True,
    )
    proof = db.query(
        "MATCH (q:ErasureRequest {erasure_id: $e})-[:ERASED]->(r) "
        "RETURN q.reference AS ref, q.requested_by AS by, collect(r.record_id) AS records",
        {"e": report.erasure_id},
    )[0]
    assert (proof["ref"], proof["by"], sorted(proof["records"])) == ("DSR-1", "dpo", records)
    # Nothing findable by the person's name or address any more.
    hits = db.query(
        "MATCH (r:CustomerRecord) WHERE r.record_id IN $ids AND (r.email = $m OR "
        "r.full_name IS NOT NULL) RETURN count(r) AS n", {"ids": records, "m": email}
    )  # fmt: skip
    assert hits[0]["n"] == 0
    # The quarantined row that carried the person is scrubbed; the other person's is intact.
    rows = db.query(
        "MATCH (q:QuarantinedRow {source_type: 'crm_contacts'}) WHERE q.file ENDS WITH "
        "'bad/crm_contacts.csv' RETURN q.raw AS raw, q.reason AS reason, q.erasure_id AS e"
    )
    assert sorted(r["e"] is None for r in rows) == [False, True]
    assert next(r for r in rows if r["e"])["raw"] is None
    assert all(other in r["raw"] and contact not in r["raw"] for r in rows if not r["e"])
    lines = [json.loads(line) for f in settings.quarantine_dir.glob("*.jsonl")
             for line in f.read_text().splitlines()]  # fmt: skip
    assert not [q for q in lines if q["raw"] and email in q["raw"]]
    assert [q for q in lines if q.get("raw") and other in q["raw"]]
    # Asked again: the records are found, erased already — before, nothing was found, which
    # read as "this customer had no records"; a second ticket is recorded as covered by the
    # first erasure, a retry of the same one records nothing
    again = erase(db, settings, customer_id=customer, reference="DSR-1b", by="dpo")
    assert again.erasure_id and (again.records, again.already_erased) == ([], records)
    retry = erase(db, settings, customer_id=customer, reference="DSR-1", by="dpo")
    assert (retry.erasure_id, retry.records, retry.already_erased) == (None, [], records)


def test_erased_data_stays_gone_through_runs_and_old_exports_until_the_person_returns(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    db, _ = resolved
    customer, records, contact = _person_with_call_notes(db)
    first = erase(db, settings, customer_id=customer, reference="DSR-2", by="dpo")
    assert first.records == records

    resolve(db, settings, incremental=True)
    IngestRun(db, settings, force=True).run([demo_dir])  # the same (older) exports again
    resolve(db, settings)
    state = db.query(
        "MATCH (r:CustomerRecord) WHERE r.record_id IN $ids RETURN keys(r) AS keys, "
        "EXISTS { (r)-[:RESOLVES_TO|WORKS_AT]->() } AS linked", {"ids": records}
    )  # fmt: skip
    assert all(set(s["keys"]) <= KEPT and not s["linked"] for s in state)

    again = erase(db, settings, record_ids=records, reference="DSR-2", by="dpo")
    assert again.records == [] and again.already_erased == records

    calls = pd.read_csv(demo_dir / "crm_calls.csv", dtype=str, keep_default_na=False)
    calls = calls[calls["contact_id"] == contact].copy()
    calls["notes"] = "Called again after the erasure; she asked about the new range."
    (tmp_path / "calls").mkdir()
    calls.to_csv(tmp_path / "calls" / "crm_calls.csv", index=False)
    assert IngestRun(db, settings).run([tmp_path / "calls"]).files[0].updated == len(calls) > 0
    noted = db.query(
        "MATCH (:CustomerRecord {record_id: $id})-[:PERFORMED]->(i:Interaction) "
        "RETURN count(i.notes) AS notes, count(i) AS calls", {"id": f"crm:{contact}"}
    )[0]  # fmt: skip
    assert noted["notes"] == 0 and noted["calls"] >= len(calls)

    contacts = _contacts(demo_dir)
    email = str(contacts.loc[contacts["contact_id"] == contact, "email"].iloc[0])
    late = IngestRun(db, settings).run([_bad_rows(tmp_path / "late", contacts, [contact])])
    [kept] = db.query(
        "MATCH (:IngestRun {run_id: $run})-[:QUARANTINED]->(q) RETURN q.raw AS raw, "
        "q.reason AS reason", {"run": late.run_id}
    )  # fmt: skip
    assert kept["raw"] == "" and first.erasure_id in kept["reason"]  # counted, not kept
    assert email not in Path(str(late.quarantine_file)).read_text()

    row = contacts[contacts["contact_id"] == contact].copy()
    of_record = (
        "MATCH (r:CustomerRecord {record_id: $id}) RETURN r.full_name AS name, "
        "r.erased_at AS erased, r.deleted_at AS deleted"
    )
    row["updated_at"] = "2099-01-01T00:00:00Z"  # edited in the source, which kept the person
    for folder in ("edited", "back"):
        (tmp_path / folder).mkdir()
        if folder == "back":
            row["created_at"] = "2099-01-01T00:00:00Z"  # created after the erasure: a sign-up
        row.to_csv(tmp_path / folder / "crm_contacts.csv", index=False)
        IngestRun(db, settings).run([tmp_path / folder])
        if folder == "edited":
            edited = db.query(of_record, {"id": f"crm:{contact}"})[0]
            assert edited["name"] is None and edited["erased"] is not None
    back = db.query(of_record, {"id": f"crm:{contact}"})[0]
    assert back["name"] and back["erased"] is None and back["deleted"] is None
    resolve(db, settings, incremental=True)
    linked = db.query(
        "MATCH (:CustomerRecord {record_id: $id})-[:RESOLVES_TO]->(c) RETURN c.customer_id AS c",
        {"id": f"crm:{contact}"},
    )
    assert len(linked) == 1
    # a second ticket for the old customer covers what it erased, not the new sign-up
    retry = erase(db, settings, customer_id=customer, reference="DSR-2b", by="dpo")
    assert f"crm:{contact}" not in retry.records + retry.already_erased
    assert db.query(of_record, {"id": f"crm:{contact}"})[0]["name"] == back["name"]


def test_an_erasure_names_what_it_cannot_find(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    with pytest.raises(ResolutionError, match="no customer"):
        erase(db, settings, customer_id="cus-nobody", reference="DSR-3", by="dpo")
    with pytest.raises(ResolutionError, match="no person record crm:NOPE"):
        erase(db, settings, record_ids=["crm:NOPE"], reference="DSR-3", by="dpo")
    with pytest.raises(ResolutionError, match="reference"):
        erase(db, settings, record_ids=["crm:NOPE"], reference="  ", by="dpo")
    with pytest.raises(ResolutionError, match="name a customer"):
        erase(db, settings, reference="DSR-3", by="dpo")
    db.query(
        "CREATE (:Customer {customer_id: 'cus-gone', status: 'merged', merged_into: 'cus-x'})",
        write=True,
    )
    with pytest.raises(ResolutionError, match="merged into cus-x"):
        erase(db, settings, customer_id="cus-gone", reference="DSR-3", by="dpo")
    assert db.query("MATCH (q:ErasureRequest) RETURN count(q) AS n")[0]["n"] == 0


def test_an_interrupted_erasure_is_finished_by_asking_again_and_old_ids_lose_their_drafts(
    resolved: tuple[Database, ResolutionReport], settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db, _ = resolved
    singles = db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, collect(r.record_id) AS records WHERE size(records) = 1 "
        "RETURN records[0] AS r ORDER BY r LIMIT 2"
    )
    a, b = singles[0]["r"], singles[1]["r"]
    record_decision(db, "customer", a, b, "accepted", "kim")  # one person after all: a merge
    resolve(db, settings, incremental=True)
    [merge] = db.query(
        "MATCH (ev:ResolutionEvent {kind: 'merge'}) RETURN ev.entity_id AS kept, "
        "ev.other_ids AS gone ORDER BY ev.at DESC LIMIT 1"
    )
    absorbed = merge["gone"][0]
    db.query(
        "MATCH (c:Customer {customer_id: $c}) CREATE (d:CopyDraft {draft_id: 'd-old', "
        "customer_id: $c, body: 'Hi there'})-[:FOR]->(c)", {"c": absorbed}, write=True
    )  # fmt: skip

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erasure, "detach_deleted", crash)  # fault injection, after the scrub
    with pytest.raises(RuntimeError):
        erase(db, settings, customer_id=merge["kept"], reference="DSR-4", by="dpo")
    monkeypatch.undo()
    linked = "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c) WHERE r.record_id IN $ids RETURN r"
    assert len(db.query(linked, {"ids": [a, b]})) == 2  # erased, not yet detached

    again = erase(db, settings, customer_id=merge["kept"], reference="DSR-4", by="dpo")
    assert again.erasure_id is None and again.records == []
    assert again.already_erased == sorted([a, b]) and again.customers == [merge["kept"]]
    assert again.retired == 1 and db.query(linked, {"ids": [a, b]}) == []
    assert db.query("MATCH (d:CopyDraft) RETURN d") == []


def test_subtracting_counts_drops_values_no_record_holds_whatever_the_country_dtype() -> None:
    counts = PopulationCounts(PopulationCounts._tidy([pd.DataFrame({
        "column": ["email", "email", "name:first"], "value": ["a@x", "b@x", "jane"],
        "country": [None, None, "GB"], "n": [1, 2, 3],
    })]))  # fmt: skip
    erased = PopulationCounts(pd.DataFrame({  # all countries null: a float column in pandas
        "column": ["email", "email", "name:first"], "value": ["a@x", "b@x", "jane"],
        "country": [float("nan"), float("nan"), "GB"], "n": [1, 1, 1],
    }))  # fmt: skip
    only_emails = PopulationCounts(erased.table.iloc[:2].copy())
    left = minus(counts, erased).table
    assert left.to_dict("records") == [
        {"column": "email", "value": "b@x", "country": None, "n": 1},
        {"column": "name:first", "value": "jane", "country": "GB", "n": 2},
    ]
    assert minus(counts, only_emails).table["n"].tolist() == [1, 3]


def test_erase_and_erasures_from_the_command_line(
    resolved: tuple[Database, ResolutionReport], cli: Cli
) -> None:
    db, _ = resolved
    customer, records, _ = _person_with_call_notes(db)
    declined = cli("erase", "--customer", customer, "--reference", "DSR-7")  # no --yes, no tty
    assert declined.returncode != 0 and all(r in declined.stdout for r in records)
    assert db.query("MATCH (q:ErasureRequest) RETURN count(q) AS n")[0]["n"] == 0
    done = cli("erase", "--customer", customer, "--reference", "DSR-7", "--yes")
    assert done.returncode == 0, done.stderr
    [erasure] = db.query("MATCH (q:ErasureRequest) RETURN q.erasure_id AS id")
    assert erasure["id"] in done.stdout and f"{len(records)} records erased" in done.stdout
    listed = cli("erasures", "--reference", "DSR-7")
    assert listed.returncode == 0 and erasure["id"] in listed.stdout
    assert all(r in listed.stdout for r in records)
    unknown = cli("erase", "--customer", "cus-nobody", "--reference", "DSR-8", "--yes")
    assert unknown.returncode != 0 and "no customer" in unknown.stderr + unknown.stdout
    assert "Traceback" not in unknown.stderr
