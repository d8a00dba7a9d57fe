"""Entity resolution against the real Neo4j: every record resolved exactly once, stable ids,
incremental joins, reviewers' decisions honoured, unmerge, explanation and accuracy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graph.db import Database
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import (
    ResolutionReport,
    explain,
    list_reviews,
    record_decision,
    resolve,
    score,
    unmerge,
)
from tests.resolution_fixtures import assignments, ground_truth, resolved

__all__ = ["resolved"]  # the fixture, re-exported for pytest


def test_every_record_resolves_to_exactly_one_entity(
    resolved: tuple[Database, ResolutionReport],
) -> None:
    db, report = resolved
    for kind, query in (
        (
            "CustomerRecord",
            "MATCH (r:CustomerRecord) WHERE r.placeholder IS NULL "
            "OPTIONAL MATCH (r)-[:RESOLVES_TO]->(e:Customer) WITH r, count(e) AS n "
            "WHERE n <> 1 RETURN count(r) AS bad",
        ),
        (
            "AccountRecord",
            "MATCH (r:AccountRecord) WHERE r.placeholder IS NULL "
            "OPTIONAL MATCH (r)-[:RESOLVES_TO]->(e:Account) WITH r, count(e) AS n "
            "WHERE n <> 1 RETURN count(r) AS bad",
        ),
    ):
        assert db.query(query)[0]["bad"] == 0, kind
    assert report.customers.links_written == report.customers.records > 0
    inactive = db.query(
        "MATCH (:CustomerRecord)-[:RESOLVES_TO]->(c:Customer) WHERE c.status <> 'active' "
        "RETURN count(c) AS n"
    )[0]["n"]
    assert inactive == 0
    missing = db.query(
        "MATCH (n) WHERE (n:Customer OR n:Account OR n:ResolutionRun) AND "
        "(n.source_system IS NULL OR n.first_run IS NULL OR n.first_seen IS NULL) "
        "RETURN count(n) AS n"
    )[0]["n"]
    assert missing == 0


def test_accuracy_against_ground_truth(
    resolved: tuple[Database, ResolutionReport], demo_dir: Path
) -> None:
    db, _ = resolved
    truth = ground_truth(demo_dir)
    people = pd.Series(assignments(db))
    acc = score(people, truth.reindex(people.index).dropna())
    # Floors, not targets: the 400-person set is small for unsupervised u estimates (see bench).
    assert acc.precision > 0.95 and acc.recall > 0.65 and acc.bcubed_f1 > 0.88, acc
    companies = pd.Series(assignments(db, "Account"))
    acc = score(companies, truth.reindex(companies.index).dropna())
    assert acc.bcubed_f1 > 0.9, acc


def test_rerun_changes_no_id(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    before = assignments(db)
    again = resolve(db, settings)
    assert again.customers.links_written == 0
    assert again.customers.merges == again.customers.splits == again.customers.created == 0
    assert assignments(db) == before


def test_incremental_joins_new_records_without_renumbering(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    db, _ = resolved
    before = assignments(db)
    contacts = pd.read_csv(demo_dir / "crm_contacts.csv", dtype=str, keep_default_na=False,
                           on_bad_lines="skip", encoding_errors="replace")  # fmt: skip
    contacts = contacts[contacts["contact_id"].map(lambda c: f"crm:{c}" in before)]
    contacts = contacts[contacts["email"].str.contains("@")]
    original = contacts.iloc[0]
    twin = contacts.iloc[[0]].copy()
    twin["contact_id"] = "CNEW0001"
    stranger = contacts.iloc[[0]].copy()
    stranger[["contact_id", "first_name", "last_name", "email", "phone", "city"]] = [
        "CNEW0002",
        "Zebulon",
        "Quuxworth",
        "zq@nowhere.example",
        "",
        "Nowhere",
    ]
    export = tmp_path / "crm_contacts.csv"
    pd.concat([contacts, twin, stranger]).to_csv(export, index=False)
    IngestRun(db, settings).run([export])

    report = resolve(db, settings, incremental=True)
    assert report.customers.mode == "incremental"
    assert report.customers.new_records == 2
    after = assignments(db)
    assert after["crm:CNEW0001"] == before[f"crm:{original['contact_id']}"]
    assert after["crm:CNEW0002"] not in set(before.values())
    assert {r: after[r] for r in before} == before  # nobody else renumbered


def test_review_decisions_are_honoured(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    joined = db.query(
        "MATCH (r:CustomerRecord)-[l:RESOLVES_TO]->(c:Customer) WHERE l.rule = 'model' "
        "RETURN r.record_id AS a, l.matched_with AS b ORDER BY a LIMIT 1"
    )[0]
    open_items = list_reviews(db, "open", limit=1)
    assert open_items, "the demo set should leave some uncertain pairs for review"
    item = open_items[0]
    record_decision(db, "customer", joined["a"], joined["b"], "rejected", "alice")
    record_decision(db, "customer", item["record_a"], item["record_b"], "accepted", "bob")
    resolve(db, settings)
    after = assignments(db)
    assert after[joined["a"]] != after[joined["b"]]
    assert after[item["record_a"]] == after[item["record_b"]]
    decided = list_reviews(db, None, limit=10_000)
    who = {(r["record_a"], r["record_b"]): r["decided_by"] for r in decided if r["decided_by"]}
    assert who[tuple(sorted((joined["a"], joined["b"])))] == "alice"


def test_unmerge_restores_previous_clusters(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    before = assignments(db)
    singles = pd.Series(before).drop_duplicates(keep=False).sort_index()
    a, b = singles.index[0], singles.index[-1]
    record_decision(db, "customer", a, b, "accepted", "carol")
    merged = resolve(db, settings)
    assert merged.customers.merges == 1
    survivor = assignments(db)[a]
    assert assignments(db)[b] == survivor

    result = unmerge(db, settings, entity_id=survivor, by="carol")
    assert result.entity_id == survivor
    restored = assignments(db)
    assert restored == before
    # The unmerge is remembered: a later full run does not merge them again.
    resolve(db, settings)
    assert assignments(db) == before


def test_explain_gives_per_field_evidence(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    customer = db.query(
        "MATCH (:CustomerRecord)-[l:RESOLVES_TO {rule: 'model'}]->(c:Customer) "
        "RETURN c.customer_id AS id LIMIT 1"
    )[0]["id"]
    rows = explain(db, customer)
    assert len(rows) >= 2
    joined = [r for r in rows if r["rule"] == "model"]
    assert joined and joined[0]["fields"] and len(joined[0]["fields"]) == len(joined[0]["weights"])
    assert joined[0]["match_probability"] >= settings.resolution_threshold
