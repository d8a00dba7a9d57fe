"""Incremental resolution through the graph: new records are scored against only the existing
records their blocking keys find (index lookups on ``rk_*``), with the population's term
frequencies, and the result is what comparing them with everyone would give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from graph.cypher_catalog import load_query, split_statements
from graph.db import Database
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import ResolutionReport, blocking_keys, resolve, scoring, store
from models.resolution import splink_model as sm
from tests.resolution_fixtures import (
    assignments,
    demo_people_frame,
    ingest_twin_and_stranger,
    resolved,
)

__all__ = ["resolved"]  # the fixture, re-exported for pytest

FLOOR, VETO = 0.15, 1e-3


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Person records of 400 demo customers (no malformed rows), as resolution prepares them."""
    from ingestion.demo_data import generate

    folder = tmp_path_factory.mktemp("demo-incremental")
    generate(folder, customers=400, seed=7, bad_row_rate=0.0)
    return demo_people_frame(folder)


def _by_pair(pairs: pd.DataFrame) -> pd.Series:
    return pairs.set_index(["unique_id_l", "unique_id_r"])["match_probability"].sort_index()


def test_candidates_found_by_keys_score_exactly_as_everyone(people: pd.DataFrame) -> None:
    """The keys find every existing record a blocking rule pairs a new one with: scoring new
    records against those candidates (with the population's counts) gives the same pairs and
    probabilities as scoring them against every existing record."""
    frame = people
    model = sm.train(frame, "customer", "duckdb")
    is_new = pd.Series(np.random.default_rng(5).random(len(frame)) < 0.05, index=frame.index)
    new, existing = frame[is_new], frame[~is_new]
    found = blocking_keys.matches("customer", existing, blocking_keys.probes("customer", new))
    assert 0 < found.sum() < len(existing) / 3  # a small share of the population
    everyone = sm.predict_new(new, existing, model, "duckdb", FLOOR, VETO)
    counts = sm.population_counts(frame, model)
    keyed = sm.predict_new(new, existing[found], model, "duckdb", FLOOR, VETO, counts)
    assert len(everyone) > 10
    a, b = _by_pair(everyone), _by_pair(keyed)
    assert list(a.index) == list(b.index)
    assert (a - b).abs().max() < 1e-12


def test_a_new_record_with_swapped_names_finds_its_match_by_keys(people: pd.DataFrame) -> None:
    """The swapped-names blocking rule has no key of its own: a new record whose first and
    last names are swapped, sharing nothing else, is still found through ``rk_first_last3``."""
    named = people[people["first_name_canon"].notna() & people["last_name"].notna()]
    original = named.iloc[[0]]
    swapped = original.copy()
    swapped["unique_id"] = "new:swapped"
    swapped["first_name_canon"] = original["last_name"].to_numpy()
    swapped["last_name"] = original["first_name_canon"].to_numpy()
    shared = ["email", "phone", "email_local", "email_user", "name_key", "name_key_canon",
              "initial_key", "postcode", "employer", "city"]  # fmt: skip
    swapped[shared] = None
    found = blocking_keys.matches("customer", people, blocking_keys.probes("customer", swapped))
    assert found[original.index[0]]


def test_population_counts_add_up_to_the_counts_of_everyone(people: pd.DataFrame) -> None:
    """Counts of two halves, added, give the full-name frequencies and term frequencies of
    the whole (so an incremental run's saved counts plus its new records are the population)."""
    from models.resolution.frequencies import PopulationCounts, full_name_frequencies

    frame = people
    columns = ["last_name", "email", "employer"]
    half = len(frame) // 2
    whole = PopulationCounts.of(frame, columns)
    added = PopulationCounts.of(frame.iloc[:half], columns).plus(
        PopulationCounts.of(frame.iloc[half:], columns)
    )
    names = full_name_frequencies(frame)
    from_counts = full_name_frequencies(frame.iloc[:10], added).set_index("full_name_canon")
    expected = names.set_index("full_name_canon")["tf_full_name_canon"]
    got = from_counts["tf_full_name_canon"]
    assert np.allclose(got, expected.reindex(got.index), rtol=1e-12)
    share = frame["last_name"].dropna().value_counts(normalize=True)
    tf = added.term_frequencies("last_name", frame["last_name"]).set_index("last_name")
    assert np.allclose(tf["tf_last_name"], share.reindex(tf.index), rtol=1e-12)
    assert added.address_shares() is not None
    assert whole.address_shares().sort_index().equals(added.address_shares().sort_index())


def test_the_graph_finds_the_records_the_keys_name(
    resolved: tuple[Database, ResolutionReport],
) -> None:
    """Every resolved record carries its keys; the graph's candidate query (index lookups)
    returns exactly the records a lookup of the same keys in the full frame finds."""
    db, _ = resolved
    missing = db.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->() WHERE r.rk_digest IS NULL RETURN count(r) AS n"
    )[0]["n"]
    assert missing == 0
    raw = store.read_records(db, "customer")
    frame = scoring.frame_for("customer", raw)
    probe = frame.sample(40, random_state=3)
    wanted = blocking_keys.probes("customer", probe)
    from_graph = set(store.read_candidates(db, "customer", wanted)["record_id"])
    expected = set(frame.loc[blocking_keys.matches("customer", frame, wanted), "unique_id"])
    keyed = blocking_keys.key_frame("customer", probe).drop(columns="rk_digest").notna()
    assert set(probe.loc[keyed.any(axis=1), "unique_id"]) <= from_graph
    assert from_graph == expected and len(expected) < len(frame) / 3


def test_records_read_in_pages_are_the_records_read_at_once(
    resolved: tuple[Database, ResolutionReport],
) -> None:
    """Pages of 7 records give the same frame, in record-id order, as one page of all."""
    db, _ = resolved
    whole = store.read_records(db, "customer")
    paged = store.read_records(db, "customer", page=7)
    assert len(whole) > 7 * 3 and whole["record_id"].is_monotonic_increasing
    pd.testing.assert_frame_equal(paged, whole)
    accounts = store.read_records(db, "account", page=7)
    pd.testing.assert_frame_equal(accounts, store.read_records(db, "account"))
    assert store.read_records(db, "customer", only_unresolved=True, page=7).empty


def test_an_incremental_run_reads_only_the_new_records_and_their_neighbourhood(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    db, first = resolved
    before, original = ingest_twin_and_stranger(db, settings, demo_dir, tmp_path)

    report = resolve(db, settings, incremental=True)
    people = report.customers
    assert people.mode == "incremental" and people.new_records == 2
    assert 2 < people.records < first.customers.records / 10  # read: new, candidates, clusters
    after = assignments(db)
    assert after["crm:CNEW0001"] == before[original]
    assert {r: after[r] for r in before} == before
    keys = db.query(
        "MATCH (r:CustomerRecord) WHERE r.record_id IN ['crm:CNEW0001', 'crm:CNEW0002'] "
        "RETURN r.rk_digest IS NOT NULL AND r.rk_email IS NOT NULL AS stored"
    )
    assert [k["stored"] for k in keys] == [True, True]  # found by the next incremental run


def test_without_saved_counts_an_incremental_run_runs_in_full(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Resolution state from before keys were stored (no counts saved) cannot be trusted to
    find candidates: the run falls back to a full one, which stores every key."""
    db, _ = resolved
    scoring.counts_path(settings, "customer").unlink()
    db.query("MATCH (r:CustomerRecord) REMOVE r.rk_digest, r.rk_email", write=True)
    ingest_twin_and_stranger(db, settings, demo_dir, tmp_path)

    report = resolve(db, settings, incremental=True)
    assert report.customers.mode == "full" and report.accounts.mode == "incremental"
    assert scoring.counts_path(settings, "customer").is_file()
    missing = db.query(
        "MATCH (r:CustomerRecord) WHERE r.placeholder IS NULL AND r.rk_digest IS NULL "
        "RETURN count(r) AS n"
    )[0]["n"]
    assert missing == 0


def test_a_minted_id_never_reuses_an_issued_one() -> None:
    """``assign_ids`` hands ``taken`` the ids it expects to mint (what an incremental run
    looks up in the graph) and salts past any that were issued before."""
    from models.resolution.clustering import assign_ids, mint_id

    first = mint_id("cus", ["r1", "r2"], ())
    asked: list[list[str]] = []

    def taken(wanted: list[str]) -> set[str]:
        asked.append(wanted)
        return {first}

    ids, changes = assign_ids({"r1": "a", "r2": "a", "r3": "b"}, {"r3": "cus-old"}, "cus", taken)
    assert asked == [[first]]  # only the new cluster's id, looked up once
    assert ids["r1"] == ids["r2"] != first and ids["r3"] == "cus-old"
    assert [c.kind for c in changes] == ["create"]


def _key_indexes(db: Database) -> dict[str, str]:
    """Blocking-key index name → state."""
    rows = db.query(
        "SHOW RANGE INDEXES YIELD name, state, properties "
        "WHERE any(p IN properties WHERE p STARTS WITH 'rk_') RETURN name, state"
    )
    return {r["name"]: r["state"] for r in rows}


def _index_file_props(kind: sm.EntityKind) -> set[str]:
    text = load_query(f"resolution/{kind}_key_indexes")
    return {s.rsplit("(n.", 1)[1].rstrip(")") for s in split_statements(text)}


def test_the_key_index_files_index_exactly_the_stored_keys() -> None:
    for kind in ("customer", "account"):
        assert _index_file_props(kind) == {k.prop for k in blocking_keys.KEYS[kind]}


def test_a_bulk_key_write_rebuilds_the_key_indexes_and_a_crash_leaves_none_missing(
    empty_db: Database, settings: Settings, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full run writing most keys writes without their indexes and rebuilds them (all
    online, lookups exact); a failed write recreates them before its error propagates, and an
    index a killed process left dropped is back after the next run."""
    db = empty_db
    before = set(_key_indexes(db))
    assert len(before) == 15 and set(_key_indexes(db).values()) == {"ONLINE"}
    IngestRun(db, settings).run([demo_dir])
    bulk = settings.model_copy(update={"resolution_key_index_rebuild_at": 1})
    original = store.write_links
    present: dict[str, list[str]] = {}  # each kind's key indexes while its links were written

    def note_indexes(kind: str) -> None:
        present[kind] = [n for n in _key_indexes(db) if n.startswith(f"{kind}_record_")]

    def observed_write(_db: Database, kind: str, *args: Any, **kwargs: Any) -> int:
        note_indexes(kind)
        return original(_db, kind, *args, **kwargs)

    def failing_write(_db: Database, kind: str, *args: Any, **kwargs: Any) -> int:
        note_indexes(kind)
        raise RuntimeError("the write failed")

    monkeypatch.setattr(store, "write_links", failing_write)
    with pytest.raises(RuntimeError, match="the write failed"):
        resolve(db, bulk)
    assert present == {"account": []} and set(_key_indexes(db)) == before

    monkeypatch.setattr(store, "write_links", observed_write)
    first = resolve(db, bulk)
    assert present == {"account": [], "customer": []}  # both written without their indexes
    after = _key_indexes(db)
    assert set(after) == before and set(after.values()) == {"ONLINE"}
    frame = scoring.frame_for("customer", store.read_records(db, "customer"))
    wanted = blocking_keys.probes("customer", frame.sample(40, random_state=5))
    from_graph = set(store.read_candidates(db, "customer", wanted)["record_id"])
    assert from_graph == set(
        frame.loc[blocking_keys.matches("customer", frame, wanted), "unique_id"]
    )

    again = resolve(db, bulk)  # a re-run writes no keys: nothing dropped
    assert len(present["customer"]) == 12 and len(present["account"]) == 3
    assert again.customers.links_written == 0
    assert again.customers.entities == first.customers.entities

    db.run_autocommit("DROP INDEX customer_record_rk_email")  # as if a bulk write crashed
    resolve(db, settings, incremental=True)
    assert set(_key_indexes(db)) == before


def test_a_new_record_does_not_chain_two_customers_the_model_keeps_apart(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    """A new CRM contact copying customer X's record but with customer Y's e-mail bridges X
    and Y, whom the model all but rules out as one person (a veto a full run sees). The
    incremental run scores the two customers' records against each other as well, so the
    veto stops the chain: X and Y stay two customers (they merged before)."""
    db, _ = resolved
    before = assignments(db)
    everyone = scoring.score_everyone(db, settings, "customer", settings.resolution_review_floor)
    assert everyone is not None
    pairs, raw = everyone.pairs, everyone.records.set_index("record_id")
    contacts = pd.read_csv(demo_dir / "crm_contacts.csv", dtype=str, keep_default_na=False,
                           on_bad_lines="skip", encoding_errors="replace")  # fmt: skip
    crm = {f"crm:{c}" for c in contacts["contact_id"]}
    vetoed = pairs[pairs["match_probability"] < settings.resolution_veto_below]
    ends = zip(vetoed["unique_id_l"].astype(str), vetoed["unique_id_r"].astype(str), strict=True)
    oriented = [(a, b) if a in crm else (b, a) for a, b in ends if a in crm or b in crm]
    x, y = next(
        (a, b)
        for a, b in oriented
        if before.get(a)
        and before.get(b)
        and before[a] != before[b]
        and "@" in str(raw.loc[b, "email"] or "")
    )
    bridge = contacts[contacts["contact_id"] == x.removeprefix("crm:")].iloc[[0]].copy()
    bridge["contact_id"], bridge["email"] = "CBRIDGE01", raw.loc[y, "email"]
    bridge.to_csv(tmp_path / "crm_contacts.csv", index=False)
    IngestRun(db, settings).run([tmp_path / "crm_contacts.csv"])

    resolve(db, settings, incremental=True)
    after = assignments(db)
    assert after[x] != after[y]
    assert after["crm:CBRIDGE01"] in {after[x], after[y]}
