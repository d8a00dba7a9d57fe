"""Who works where: (:Customer)-[:WORKS_AT]->(:Account), derived from the records after each
change to either side.

A person record names its employer by a CRM account (a WORKS_AT to a company record) or by a
typed company name; the unified link follows whichever unified account that company record
resolves to now. So whenever accounts or customers change — a run merges or splits them, an
unmerge restores them — the links of the people concerned are derived again from their records
and the links they no longer justify are pruned. A full run derives everyone's; an incremental
run and an unmerge derive only the people they touched and everyone working at an account they
touched, so no link points at a retired account or at the survivor of an undone merge.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pandas as pd

from graph.cypher_catalog import load_query
from graph.db import Database
from models.resolution import blocking_keys, normalise, store
from models.resolution.splink_model import EntityKind


def works_at_rows(
    people: pd.DataFrame | None, companies: pd.DataFrame | None
) -> list[dict[str, Any]]:
    """(customer, account) pairs from records' CRM accounts, else from unambiguous names.

    Takes the person and company records with the entity ids the run just wrote (as
    `store.read_records` would return them now).
    """
    if people is None or companies is None or people.empty or companies.empty:
        return []
    records, entities = companies["record_id"].tolist(), companies["entity_id"].tolist()
    account_of = {r: e for r, e in zip(records, entities, strict=True) if isinstance(e, str)}
    named = {"name": normalise.company_name(companies["name"]), "account": companies["entity_id"]}
    names = pd.DataFrame(named).dropna().drop_duplicates()
    # A name shared by several accounts names none of them.
    unique = names[~names["name"].duplicated(keep=False)].set_index("name")["account"]
    by_record = people["account_record_id"].map(account_of)
    by_name = normalise.company_name(people["company_name"]).map(unique)
    frame = pd.DataFrame(
        {
            "customer_id": people["entity_id"],
            "account_id": by_record.where(by_record.notna(), by_name),
            "via": by_record.notna().map({True: "crm_account", False: "company_name"}),
        }
    ).dropna(subset=["customer_id", "account_id"])
    frame = frame.sort_values("via").drop_duplicates(["customer_id", "account_id"])
    return [
        {"customer_id": str(c), "account_id": str(a), "via": str(v)}
        for c, a, v in zip(
            frame["customer_id"].tolist(),
            frame["account_id"].tolist(),
            frame["via"].tolist(),
            strict=True,
        )
    ]


def companies_named_by(db: Database, people: pd.DataFrame) -> pd.DataFrame:
    """The company records ``people`` point at or name, found by index (no population read):
    every record of a typed name comes along, so a name shared by two accounts is seen to be."""
    names = blocking_keys.name_hashes(normalise.company_name(people["company_name"]))
    crm = people["account_record_id"].dropna().astype(str).unique().tolist()
    return store.read_works_at_accounts(db, crm, names)


def customers_naming(db: Database, names: Iterable[str]) -> set[str]:
    """Customers with a person record whose typed company name normalises to one of ``names``
    (normalised company names), found by the full-text index, then checked exactly.

    Why: a typed name links a person only while it names exactly one account, so a run that
    adds or changes company records can make it name one (or two) for people it never read.
    (A name the index tokenises differently, e.g. with accents, waits for the next full run.)
    """
    wanted = {n for n in names if n}
    queries = sorted({q for n in wanted if (q := _all_words(n))})
    if not queries:
        return set()
    rows = db.query(load_query("resolution/read_people_naming"), {"queries": queries})
    found = pd.DataFrame(rows, columns=["company_name", "customer_id"])
    exact = normalise.company_name(found["company_name"]).isin(wanted)
    return set(found.loc[exact, "customer_id"].astype(str))


def _all_words(name: str) -> str:
    """A Lucene query requiring every word of a normalised name ("and" stands for "&", which
    the index drops); normalised names hold only [a-z0-9 ], so nothing needs escaping."""
    words = [w for w in name.split() if w != "and"]
    return "company_name:(" + " ".join(f"+{w}" for w in words) + ")" if words else ""


def relink(
    db: Database, batch: int, *, run_id: str, at: datetime,
    people: pd.DataFrame | None = None, companies: pd.DataFrame | None = None,
    accounts: Iterable[str] = (), customers: Iterable[str] = (),
) -> int:  # fmt: skip
    """Derive WORKS_AT again for ``people`` (records with their current entity ids), the
    ``customers`` named and everyone working at one of ``accounts``, and prune those people's
    links this derivation no longer gives. ``companies`` may hold every company record already
    read (a full account pass); else the ones needed are read by index. Returns links written.
    """
    ids = set(customers) | set(store.read_employees(db, sorted(set(accounts))))
    frames = [people] if people is not None and not people.empty else []
    known = set(frames[0]["entity_id"].dropna().astype(str)) if frames else set()
    missing = sorted(ids - known)
    if missing:
        frames.append(store.read_members(db, "customer", missing))
    everyone = pd.concat(frames, ignore_index=True) if frames else None
    rows: list[dict[str, Any]] = []
    if everyone is not None and not everyone.empty:
        if companies is None:
            companies = companies_named_by(db, everyone)
        rows = works_at_rows(everyone, companies)
    store.write_works_at(db, rows, batch, run_id=run_id, at=at, prune=False)
    store.prune_works_at_among(db, sorted(ids | known), run_id=run_id)
    return len(rows)


def relink_around(
    db: Database, batch: int, kind: EntityKind, entity_ids: Iterable[str], *, run_id: str,
    at: datetime,
) -> int:  # fmt: skip
    """``relink`` for the people an unmerge or a rejoin touched: those of these customers, or
    everyone working at these accounts."""
    ids = list(entity_ids)
    return relink(
        db, batch, run_id=run_id, at=at,
        accounts=ids if kind == "account" else (), customers=ids if kind == "customer" else (),
    )  # fmt: skip
