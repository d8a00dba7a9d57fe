"""Fixtures for entity-resolution tests: the demo set ingested and resolved once per test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.db import Database
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import ResolutionReport, normalise, record_decision, resolve, store
from models.resolution.works_at import works_at_rows


def assignments(db: Database, label: str = "Customer") -> dict[str, str]:
    """record id → entity id for every resolved record of one kind."""
    if label == "Customer":
        rows = db.query(
            "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c:Customer) "
            "RETURN r.record_id AS r, c.customer_id AS e"
        )
    else:
        rows = db.query(
            "MATCH (r:AccountRecord)-[:RESOLVES_TO]->(a:Account) "
            "RETURN r.record_id AS r, a.account_id AS e"
        )
    return {row["r"]: row["e"] for row in rows}


def works_at(db: Database) -> set[tuple[str, str, str]]:
    """(customer, account, via) of every derived WORKS_AT link in the graph."""
    rows = db.query(
        "MATCH (c:Customer)-[w:WORKS_AT]->(a:Account) "
        "RETURN c.customer_id AS c, a.account_id AS a, w.via AS via"
    )
    return {(r["c"], r["a"], r["via"]) for r in rows}


def expected_works_at(db: Database) -> set[tuple[str, str, str]]:
    """WORKS_AT as derived from the records and entity ids the graph holds now."""
    people, companies = store.read_records(db, "customer"), store.read_records(db, "account")
    return {(r["customer_id"], r["account_id"], r["via"]) for r in works_at_rows(people, companies)}


def ground_truth(demo_dir: Path) -> pd.Series:
    """record id → true entity id from the generator."""
    return pd.read_csv(demo_dir / "ground_truth.csv").set_index("record_id")["entity_id"]


def twin_and_stranger(demo_dir: Path, before: dict[str, str], folder: Path) -> tuple[Path, str]:
    """A CRM export of resolved contacts plus a twin of the first one (CNEW0001, same person)
    and a stranger (CNEW0002); returns the export and the twin's original record id."""
    contacts = pd.read_csv(demo_dir / "crm_contacts.csv", dtype=str, keep_default_na=False,
                           on_bad_lines="skip", encoding_errors="replace")  # fmt: skip
    contacts = contacts[contacts["contact_id"].map(lambda c: f"crm:{c}" in before)]
    contacts = contacts[contacts["email"].str.contains("@")]
    twin = contacts.iloc[[0]].copy()
    twin["contact_id"] = "CNEW0001"
    stranger = contacts.iloc[[0]].copy()
    stranger[["contact_id", "first_name", "last_name", "email", "phone", "city"]] = [
        "CNEW0002", "Zebulon", "Quuxworth", "zq@nowhere.example", "", "Nowhere",
    ]  # fmt: skip
    export = folder / "crm_contacts.csv"
    pd.concat([contacts, twin, stranger]).to_csv(export, index=False)
    return export, f"crm:{contacts.iloc[0]['contact_id']}"


def ingest_twin_and_stranger(
    db: Database, settings: Settings, demo_dir: Path, folder: Path
) -> tuple[dict[str, str], str]:
    """Ingest ``twin_and_stranger``'s export into a resolved graph; returns the assignments
    before it and the twin's original record id."""
    before = assignments(db)
    export, original = twin_and_stranger(demo_dir, before, folder)
    IngestRun(db, settings).run([export])
    return before, original


def split_one_customer(db: Database, settings: Settings) -> tuple[str, str, str]:
    """A reviewer's reject inside a two-record customer, applied by an incremental run:
    (the customer, its two records)."""
    before = assignments(db)
    sizes = pd.Series(before).value_counts()
    entity = str(sorted(sizes[sizes == 2].index)[0])
    a, b = sorted(r for r, e in before.items() if e == entity)
    record_decision(db, "customer", a, b, "rejected", "kim", "different people")
    assert resolve(db, settings, incremental=True).customers.splits == 1
    return entity, a, b


@pytest.fixture
def resolved(
    empty_db: Database, settings: Settings, demo_dir: Path
) -> tuple[Database, ResolutionReport]:
    """The demo set ingested and resolved in full."""
    IngestRun(empty_db, settings).run([demo_dir])
    return empty_db, resolve(empty_db, settings)


def demo_people_frame(folder: Path) -> pd.DataFrame:
    """The person records of a demo export from three systems, as resolution prepares them
    (straight from the CSVs: for model-level tests that need no Neo4j)."""
    parts = []
    for source, name, key in (("crm", "crm_contacts", "contact_id"),
                              ("shop", "shop_customers", "customer_id"),
                              ("email", "email_subscribers", "subscriber_id")):  # fmt: skip
        df = pd.read_csv(folder / f"{name}.csv", dtype=str).rename(
            columns={"company": "company_name"}
        )
        df["record_id"], df["source_system"] = source + ":" + df[key], source
        parts.append(df)
    raw = pd.concat(parts, ignore_index=True)
    for column in ("first_name", "last_name", "full_name", "email", "phone", "city",
                   "postcode", "country", "company_name"):  # fmt: skip
        if column not in raw:
            raw[column] = None
    return normalise.people_frame(raw.drop_duplicates("record_id"))
