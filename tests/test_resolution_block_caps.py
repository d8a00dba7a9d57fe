"""The block-size cap: a blocking value shared by thousands of records (a placeholder name, a
CRM's "First0 Last0", "First1 Last1", ... which all normalise to "first last") pairs nobody
under its rule, in full and incremental runs, while an e-mail they share still pairs them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.db import Database
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import block_caps, blocking_keys, normalise, resolve
from models.resolution import splink_model as sm
from tests.resolution_fixtures import assignments

#: Records in the crowd: enough that pairing them on their name would make ~2M pairs.
CROWD = 2_000


def _crowd_raw(n: int, start: int = 0) -> pd.DataFrame:
    """CustomerRecord-shaped rows: "First<i> Last<i>" in Berlin, each with its own address."""
    ids = range(start, start + n)
    return pd.DataFrame({
        "record_id": [f"crm:Q{i}" for i in ids], "source_system": "crm",
        "first_name": [f"First{i}" for i in ids], "last_name": [f"Last{i}" for i in ids],
        "full_name": None, "email": [f"user{i}@bulk{i}.example" for i in ids], "phone": None,
        "city": "Berlin", "postcode": None, "country": "DE", "company_name": None,
    })  # fmt: skip


def _with_twin(raw: pd.DataFrame) -> pd.DataFrame:
    """``raw`` and a second record of its first person: same e-mail, from another system."""
    twin = raw.iloc[[0]].assign(record_id="shop:TWIN", source_system="shop")
    return pd.concat([raw, twin], ignore_index=True)


def _touching(pairs: pd.DataFrame, record: str) -> pd.DataFrame:
    return pairs[(pairs["unique_id_l"] == record) | (pairs["unique_id_r"] == record)]


def test_a_crowd_sharing_one_name_is_not_paired_on_it_but_a_shared_email_is() -> None:
    """Without the cap the name rules alone pair the crowd ~2M times (a CRM of 8,000 such
    contacts took an API process to 18 GB); with it only the twin's shared e-mail pairs."""
    frame = normalise.people_frame(_with_twin(_crowd_raw(CROWD)))
    assert frame["first_name_canon"].nunique() == 1  # digits normalised away: one name
    capped = block_caps.apply("customer", frame)
    left, records = block_caps.left_out("customer", capped)
    assert records == CROWD + 1
    assert left["first_last"] == CROWD + 1 and left["initial_last_city"] == CROWD + 1
    assert "email" not in left  # every address is its own
    model = sm.train(capped, "customer", "duckdb")
    pairs = sm.predict(capped, model, "duckdb", 0.0, 1.0)  # every scored pair kept
    assert len(pairs) < 100
    twin = _touching(pairs, "shop:TWIN")
    assert set(twin["unique_id_l"]) | set(twin["unique_id_r"]) == {"crm:Q0", "shop:TWIN"}
    assert twin["same_identifier"].all()


def test_an_incremental_run_neither_looks_up_nor_pairs_a_too_common_value() -> None:
    """A new crowd member's name key is not looked up in the graph (it would read the whole
    crowd), yet its twin, found by e-mail, is paired; counts come from the saved population."""
    frame = normalise.people_frame(_crowd_raw(CROWD))
    saved = block_caps.counts("customer", frame, block_caps.SAVED_FROM)
    assert saved.table["n"].min() >= block_caps.BLOCK_CAP // 10  # only common values kept
    new = normalise.people_frame(
        pd.concat([_crowd_raw(3, start=CROWD), _crowd_raw(1).assign(record_id="shop:TWIN")])
    )
    population = saved.plus(block_caps.counts("customer", new))
    wanted = blocking_keys.probes("customer", new)
    probes, dropped = block_caps.capped_probes("customer", wanted, population)
    crowd_key = int(blocking_keys.hashed(pd.Series(["first|las"])).iloc[0])
    assert crowd_key in wanted["rk_first_last3"] and crowd_key not in probes["rk_first_last3"]
    assert dropped > 0
    found = blocking_keys.matches("customer", frame, probes)
    assert frame.loc[found, "unique_id"].tolist() == ["crm:Q0"]  # by its e-mail alone
    uncapped = blocking_keys.matches("customer", frame, wanted)
    assert uncapped.sum() == CROWD  # what the graph would have read without the cap
    existing = block_caps.apply("customer", frame[found], population)
    model = sm.train(block_caps.apply("customer", frame), "customer", "duckdb")
    counts = sm.population_counts(frame, model).plus(population)
    pairs = sm.predict_new(
        block_caps.apply("customer", new, population), existing, model, "duckdb", 0.0, 1.0,
        counts,
    )  # fmt: skip
    assert len(pairs) == 1
    assert set(pairs.iloc[0][["unique_id_l", "unique_id_r"]]) == {"crm:Q0", "shop:TWIN"}


def test_ordinary_data_is_not_capped(tmp_path: Path) -> None:
    """The cap sits far above the blocks of real-looking data: nothing of the demo is left out."""
    from ingestion.demo_data import generate
    from tests.resolution_fixtures import demo_people_frame

    generate(tmp_path, customers=2_000, seed=3, bad_row_rate=0.0)
    frame = block_caps.apply("customer", demo_people_frame(tmp_path))
    assert block_caps.left_out("customer", frame) == ({}, 0)
    assert frame[[c for c in frame.columns if c.startswith("bk_ok_")]].notna().any().all()


def _crowd_export(folder: Path, n: int, start: int = 0, twin: bool = False) -> Path:
    rows = _crowd_raw(n, start)
    contacts = pd.DataFrame({
        "contact_id": rows["record_id"].str.removeprefix("crm:"), "account_id": "",
        "first_name": rows["first_name"], "last_name": rows["last_name"],
        "email": rows["email"], "phone": "", "job_title": "", "city": "Berlin", "country": "DE",
        "consent_email": "true", "consent_sms": "false",
        "created_at": "2026-10-01T10:00:00Z", "updated_at": "2026-10-02T10:00:00Z",
    })  # fmt: skip
    if twin:  # a second CRM record of Q0: same address, one more digit in its name
        contacts.loc[len(contacts)] = [
            "QTWIN", "", "First00", "Last00", "user0@bulk0.example", "", "", "Berlin", "DE",
            "true", "false", "2026-10-01T10:00:00Z", "2026-10-02T10:00:00Z",
        ]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crm_contacts.csv"
    contacts.to_csv(path, index=False)
    return path


@pytest.mark.timeout(600)
def test_full_and_incremental_runs_report_what_the_cap_left_out(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    """Through the graph: the run's stats say which values were too common and for how many
    records; the incremental run reads the twin's candidate, not the crowd, and joins them."""
    n = block_caps.BLOCK_CAP + 200
    IngestRun(empty_db, settings).run([demo_dir])  # people to train the model on
    IngestRun(empty_db, settings).run([_crowd_export(tmp_path / "a", n)])
    full = resolve(empty_db, settings)
    assert full.customers.mode == "full"
    assert full.customers.capped_records == n
    assert f"first_last={n}" in full.customers.capped_blocks
    stats = empty_db.query(
        "MATCH (r:ResolutionRun {run_id: $id}) "
        "RETURN r.customer_capped_records AS n, r.customer_capped_blocks AS blocks",
        {"id": full.run_id},
    )[0]
    assert stats["n"] == n and f"first_last={n}" in stats["blocks"]
    IngestRun(empty_db, settings).run([_crowd_export(tmp_path / "b", 2, start=n, twin=True)])
    later = resolve(empty_db, settings, incremental=True)
    assert later.customers.mode == "incremental"
    assert later.customers.capped_records == 3
    assert later.customers.records < 10  # 3 new, Q0 found by e-mail: not the crowd
    ids = assignments(empty_db)
    assert ids["crm:QTWIN"] == ids["crm:Q0"]
    crowd = {e for r, e in ids.items() if r.startswith("crm:Q")}
    assert len(crowd) == n + 2  # nobody else in the crowd was joined
