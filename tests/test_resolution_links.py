"""What hangs off unified entities stays right when they change: WORKS_AT follows merges and
unmerges of accounts and customers, and only one resolution writes at a time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph import locks
from graph.db import Database
from graph.errors import JobBusyError, LockLostError
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.privacy import erase, quarantine
from models.resolution import (
    ResolutionReport,
    labels,
    normalise,
    record_decision,
    resolve,
    store,
    unmerge,
)
from models.resolution.run import RESOLUTION_LOCK
from tests.resolution_fixtures import assignments, expected_works_at, resolved, works_at

__all__ = ["resolved"]  # the fixture, re-exported for pytest


def _accounts_with_employees(db: Database, count: int) -> list[tuple[str, str]]:
    """(account id, one of its record ids) of single-record accounts that people work at."""
    rows = db.query(
        "MATCH (a:Account {status: 'active'})<-[:RESOLVES_TO]-(r:AccountRecord) "
        "WITH a, collect(r.record_id) AS records WHERE size(records) = 1 "
        "AND EXISTS { (a)<-[:WORKS_AT]-(:Customer) } "
        "RETURN a.account_id AS a, records[0] AS r ORDER BY a LIMIT $n",
        {"n": count},
    )
    return [(row["a"], row["r"]) for row in rows]


def test_employees_follow_an_account_merge_and_its_unmerge(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    """People who worked at an account merged away work at the survivor after the (daily,
    incremental) run, and at their own account again after the merge is undone."""
    db, _ = resolved
    assert works_at(db) == expected_works_at(db)
    (first, record_a), (second, record_b) = _accounts_with_employees(db, 2)
    record_decision(db, "account", record_a, record_b, "accepted", "frank")
    report = resolve(db, settings, incremental=True)
    assert report.accounts.merges == 1
    merged = assignments(db, "Account")
    survivor = merged[record_a]
    assert merged[record_b] == survivor
    assert works_at(db) == expected_works_at(db)
    assert {a for _, a, _ in works_at(db)} >= {survivor}
    assert not {a for _, a, _ in works_at(db)} & ({first, second} - {survivor})

    unmerge(db, settings, entity_id=survivor, by="frank")
    restored = assignments(db, "Account")
    assert {restored[record_a], restored[record_b]} == {first, second}
    assert works_at(db) == expected_works_at(db)


def test_a_restored_customer_works_where_its_records_say(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    """A merge of two customers who work at different accounts, undone: each works at its own
    account again (the one merged away had lost its WORKS_AT when it was retired)."""
    db, _ = resolved
    before = assignments(db)
    employed = {c: a for c, a, _ in works_at(db)}
    singles = pd.Series(before).drop_duplicates(keep=False)
    singles = singles[singles.isin(employed.keys())].sort_index()
    a, b = next(
        (x, y) for x in singles.index for y in reversed(singles.index)
        if employed[singles[x]] != employed[singles[y]]
    )  # fmt: skip
    record_decision(db, "customer", a, b, "accepted", "gina")
    assert resolve(db, settings, incremental=True).customers.merges == 1
    assert works_at(db) == expected_works_at(db)
    unmerge(db, settings, entity_id=assignments(db)[a], by="gina")
    assert assignments(db) == before
    assert works_at(db) == expected_works_at(db)


def test_a_resolution_run_waits_for_no_one_and_refuses_to_overlap(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    """While one process resolves (holding the resolution lock in Neo4j), a second run or an
    unmerge is refused with a message naming the holder, and writes nothing."""
    db, _ = resolved
    before = assignments(db)
    locks.acquire(db, RESOLUTION_LOCK, "res-elsewhere", minutes=5)
    try:
        with pytest.raises(JobBusyError, match="res-elsewhere"):
            resolve(db, settings)
        with pytest.raises(JobBusyError, match="res-elsewhere"):
            unmerge(db, settings, entity_id=next(iter(before.values())), by="hank")
        runs = db.query("MATCH (r:ResolutionRun) RETURN count(r) AS n")[0]["n"]
        assert runs == 1  # the refused run left no trace
    finally:
        locks.release(db, RESOLUTION_LOCK, "res-elsewhere")
    assert resolve(db, settings, incremental=True).customers.mode == "incremental"
    assert assignments(db) == before


def test_review_decisions_are_labels_the_model_is_measured_against(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    """Decisions come out in Splink's labels format with who decided them, and the saved
    model's calls on them at the threshold are counted by Splink's own accuracy analysis:
    a pair it scores high and a reviewer rejects is a false positive, a pair it scores near
    zero and a reviewer accepts a false negative."""
    db, _ = resolved
    assert labels.agreement(db, settings, "customer") is None  # nothing decided yet
    sure = db.query(
        "MATCH (r:CustomerRecord)-[l:RESOLVES_TO]->(:Customer) WHERE l.match_probability > 0.99 "
        "AND l.matched_with IS NOT NULL AND l.rule = 'model' "
        "RETURN r.record_id AS a, l.matched_with AS b ORDER BY a LIMIT 2"
    )
    singles = pd.Series(assignments(db)).drop_duplicates(keep=False).sort_index()
    strangers = (singles.index[0], singles.index[-1])  # nothing in common
    record_decision(db, "customer", sure[0]["a"], sure[0]["b"], "rejected", "ivy", "not the same")
    record_decision(db, "customer", *strangers, "accepted", "ivy")
    record_decision(db, "customer", sure[1]["a"], sure[1]["b"], "accepted", "jo")

    exported = labels.read_labels(db, "customer")
    assert list(exported.columns[:3]) == labels.SPLINK_COLUMNS
    assert sorted(exported["clerical_match_score"]) == [0.0, 1.0, 1.0]
    assert set(exported["decided_by"]) == {"ivy", "jo"}
    assert "not the same" in set(exported["note"])

    measured = labels.agreement(db, settings, "customer")
    assert measured is not None and measured.labels == 3
    assert (measured.true_positives, measured.false_positives) == (1, 1)
    assert (measured.true_negatives, measured.false_negatives) == (0, 1)
    assert measured.precision == 0.5 and measured.recall == 0.5
    assert measured.model_version and measured.threshold == settings.resolution_threshold
    # A pair an operation pinned (here as an unmerge would) binds runs but is no label.
    record_decision(db, "customer", *singles.index[1:3], "rejected", "ivy", "unmerge x",
                    origin="unmerge")  # fmt: skip
    assert set(labels.read_labels(db, "customer")["origin"]) == {"review", "unmerge"}
    again = labels.agreement(db, settings, "customer")
    assert again is not None and (again.labels, again.pinned) == (3, 1)
    # An operation pinning what a person already decided leaves it that person's judgement.
    record_decision(db, "customer", sure[0]["a"], sure[0]["b"], "rejected", "op", "unmerge y",
                    origin="unmerge")  # fmt: skip
    still = labels.agreement(db, settings, "customer")
    assert still is not None and (still.labels, still.pinned) == (3, 1)


def test_people_who_typed_a_new_accounts_name_work_there_after_an_incremental_run(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path
) -> None:
    """A typed company name links a person once it names exactly one account: a CRM account
    that arrives with a name people typed before links them in the next incremental run (the
    people themselves are unchanged, so it does not read their records)."""
    db, _ = resolved
    typed = db.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c:Customer) WHERE r.company_name IS NOT NULL "
        "RETURN r.company_name AS name, c.customer_id AS c ORDER BY r.record_id"
    )
    known = set(normalise.company_name(store.read_records(db, "account")["name"]).dropna())
    names = normalise.company_name(pd.Series([t["name"] for t in typed]))
    unnamed = [t for t, n in zip(typed, names, strict=True) if pd.notna(n) and n not in known]
    assert unnamed, "the demo has people who typed a company no CRM account names"
    name, customer = unnamed[0]["name"], unnamed[0]["c"]
    export = tmp_path / "crm_accounts.csv"
    pd.DataFrame([{
        "account_id": "ANEW0001", "name": name, "domain": "anew0001.example",
        "industry": "retail", "employees": 12, "city": "Nowhere", "country": "GB",
        "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z",
    }]).to_csv(export, index=False)  # fmt: skip
    IngestRun(db, settings).run([export])

    resolve(db, settings, incremental=True)
    account = assignments(db, "Account")["crm:ANEW0001"]
    assert (customer, account, "company_name") in works_at(db)
    assert works_at(db) == expected_works_at(db)


def _lease_taken_over_meanwhile(db: Database) -> None:
    """What a pause longer than the lease looks like to the paused writer: its lease ran out
    and a resolution run elsewhere took the lock."""
    db.query(
        "MATCH (l:JobLock {name: $name}) SET l.expires_at = datetime() - duration('PT1S')",
        {"name": RESOLUTION_LOCK}, write=True,
    )  # fmt: skip
    locks.acquire(db, RESOLUTION_LOCK, "res-meanwhile", 5)


@pytest.mark.parametrize("writer", ["unmerge", "erase"])
def test_an_unmerge_or_erasure_that_lost_the_lock_writes_nothing(
    resolved: tuple[Database, ResolutionReport], settings: Settings,
    monkeypatch: pytest.MonkeyPatch, writer: str,
) -> None:  # fmt: skip
    """Paused past its lease (a suspended process) while a resolution run took the lock, an
    unmerge or an erasure stops before its writes: the run holding the lock read the graph
    as it was and would otherwise write over the changes (an erased person's values)."""
    db, _ = resolved
    if writer == "unmerge":  # a merge to undo: two strangers a reviewer joined
        singles = pd.Series(assignments(db)).drop_duplicates(keep=False).sort_index()
        record_decision(db, "customer", singles.index[0], singles.index[-1], "accepted", "kim")
        assert resolve(db, settings, incremental=True).customers.merges == 1
    before = assignments(db)
    merged = before[singles.index[0]] if writer == "unmerge" else next(iter(before.values()))
    real_read = store.read_record_entities

    def paused_while_reading(*args: object, **kwargs: object) -> object:
        found = real_read(*args, **kwargs)  # type: ignore[arg-type]
        _lease_taken_over_meanwhile(db)
        return found

    real_locate = quarantine.locate

    def paused_while_locating(*args: object, **kwargs: object) -> object:
        _lease_taken_over_meanwhile(db)
        return real_locate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "read_record_entities", paused_while_reading)
    monkeypatch.setattr(quarantine, "locate", paused_while_locating)
    try:
        with pytest.raises(LockLostError, match="lost its lock"):
            if writer == "unmerge":
                unmerge(db, settings, entity_id=merged, by="kim")
            else:
                erase(db, settings, customer_id=merged, reference="DSR-paused", by="dpo")
    finally:
        locks.release(db, RESOLUTION_LOCK, "res-meanwhile")
    assert assignments(db) == before
    erased = db.query("MATCH (r:CustomerRecord) WHERE r.erased_at IS NOT NULL RETURN count(r) AS n")
    assert erased[0]["n"] == 0
