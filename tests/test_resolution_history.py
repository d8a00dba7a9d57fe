"""Splits are history that can be reversed, as merges are: a reviewer's reject that split a
customer, and an unmerge, both undone with `rejoin`, and kept undone by later runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ResolutionError
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import ResolutionReport, record_decision, resolve, store, unmerge
from models.resolution.history import list_events, rejoin
from tests.resolution_fixtures import (
    assignments,
    expected_works_at,
    resolved,
    split_one_customer,
    works_at,
)

__all__ = ["resolved"]  # the fixture, re-exported for pytest


def test_a_split_a_reviewer_caused_is_reversed_for_good(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    before = assignments(db)
    entity, a, b = split_one_customer(db, settings)
    split = assignments(db)
    assert split[a] != split[b] and entity in {split[a], split[b]}
    events = [e for e in list_events(db, entity) if e["kind"] == "split"]
    assert len(events) == 1 and events[0]["undone_at"] is None

    result = rejoin(db, settings, events[0]["event_id"], by="kim")
    assert assignments(db) == before
    assert result.retired == [split[a] if split[a] != entity else split[b]]
    assert works_at(db) == expected_works_at(db)
    resolve(db, settings)  # the reject that split them was overturned: a full run keeps them
    assert assignments(db) == before
    with pytest.raises(ResolutionError, match="already reversed"):
        rejoin(db, settings, events[0]["event_id"], by="kim")
    history = list_events(db, entity)
    assert history[0]["kind"] == "merge" and history[0]["reverses"] == events[0]["event_id"]


def test_an_unmerge_is_reversed_and_can_be_unmerged_again(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    before = assignments(db)
    singles = pd.Series(before).drop_duplicates(keep=False).sort_index()
    a, b = singles.index[2], singles.index[-3]
    record_decision(db, "customer", a, b, "accepted", "lee")
    resolve(db, settings, incremental=True)
    merged = assignments(db)
    survivor = merged[a]
    unmerge(db, settings, entity_id=survivor, by="lee")
    assert assignments(db) == before
    undo = next(e for e in list_events(db, survivor) if e["kind"] == "split")
    assert undo["reverses"] is not None

    rejoin(db, settings, undo["event_id"], by="lee")
    assert assignments(db) == merged
    resolve(db, settings, incremental=True)
    assert assignments(db) == merged
    unmerge(db, settings, entity_id=survivor, by="lee")  # the merge is in force again
    assert assignments(db) == before


def test_a_record_changed_at_the_source_is_resolved_again_incrementally(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    """A CRM contact re-exported as someone else entirely (name, e-mail, phone, city) leaves
    the customer it was joined to on the next incremental run, which reads only it and that
    customer; its mates keep their id, and the run after reads nothing."""
    db, _ = resolved
    before = assignments(db)
    sizes = pd.Series(before).value_counts()
    contacts = pd.read_csv(demo_dir / "crm_contacts.csv", dtype=str, keep_default_na=False,
                           on_bad_lines="skip", encoding_errors="replace")  # fmt: skip
    in_groups = {r for r, e in before.items() if sizes[e] >= 3}  # mates keep the id
    row = contacts[contacts["contact_id"].map(lambda c: f"crm:{c}" in in_groups)].iloc[[0]]
    record = f"crm:{row.iloc[0]['contact_id']}"
    entity = before[record]
    row[["first_name", "last_name", "email", "phone", "city"]] = [
        "Zebulon", "Quuxworth", "zq@nowhere.example", "", "Nowhere",
    ]  # fmt: skip
    row.to_csv(tmp_path / "crm_contacts.csv", index=False)
    IngestRun(db, settings).run([tmp_path / "crm_contacts.csv"])
    late = store.late_ingest_runs(db)
    pending = db.query(load_query("jobs/pending_work"), {"changed_by": late})[0]
    assert pending["unresolved"] == 1  # the refresh job sees work to do

    report = resolve(db, settings, incremental=True)
    after = assignments(db)
    assert after[record] != entity
    assert {r: e for r, e in after.items() if r != record} == {
        r: e for r, e in before.items() if r != record
    }
    assert report.customers.records == sizes[entity]  # the record and its old mates only
    assert resolve(db, settings, incremental=True).customers.records == 0
