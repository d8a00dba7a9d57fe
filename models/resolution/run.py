"""A resolution run: companies, then people, then who works where.

Companies go first so that people can be linked to the unified accounts of this very run.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from graph.db import Database
from graph.settings import Settings
from models.resolution import blocking_keys, normalise, store
from models.resolution.engine import KindReport, RunContext, resolve_kind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResolutionReport:
    """The outcome of one run, per kind of entity."""

    run_id: str
    mode: str
    accounts: KindReport
    customers: KindReport
    works_at: int


def new_run_id(at: datetime) -> str:
    """A sortable, unique run id."""
    return f"res-{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def resolve(
    db: Database, settings: Settings, *, incremental: bool = False, by: str = "marketgraph"
) -> ResolutionReport:
    """Resolve person and company records into unified (:Customer) and (:Account) nodes.

    ``incremental`` resolves only records with no RESOLVES_TO yet against the existing
    entities with the saved models (falling back to a full run when none is saved).
    """
    at = datetime.now(UTC)
    run_id = new_run_id(at)
    mode = "incremental" if incremental else "full"
    store.start_run(db, run_id=run_id, mode=mode, backend=settings.resolution_backend, at=at, by=by)
    try:
        for kind in ("account", "customer"):  # back if a crashed bulk write left them dropped
            store.ensure_key_indexes(db, kind)
        ctx = RunContext(db, settings, run_id, at, by)
        accounts = resolve_kind(ctx, "account", incremental=incremental)
        customers = resolve_kind(ctx, "customer", incremental=incremental)
        people = ctx.records.get("customer")
        links = works_at_rows(people, _companies_for_works_at(ctx, people, accounts, customers))
        store.write_works_at(
            db, links, settings.batch_size, run_id=run_id, at=at, prune=customers.mode == "full"
        )
        stats: dict[str, Any] = {"works_at": len(links)}
        for report in (accounts, customers):
            for key, value in asdict(report).items():
                if isinstance(value, int | float | str) and key != "kind":
                    stats[f"{report.kind}_{key}"] = value
        store.finish_run(db, run_id=run_id, at=datetime.now(UTC), stats=stats)
    except BaseException as exc:  # a crash or Ctrl-C: the run must not stay 'running'
        _mark_failed(db, run_id, exc)
        raise
    return ResolutionReport(run_id, mode, accounts, customers, len(links))


def _mark_failed(db: Database, run_id: str, error: BaseException) -> None:
    """Record the failure on the run; the original error stays the one the caller sees."""
    log.error("resolution run %s failed: %s", run_id, type(error).__name__)
    try:
        store.fail_run(db, run_id=run_id, at=datetime.now(UTC), error=error)
    except Exception:  # Neo4j down: the run stays 'running' but the cause is still raised
        log.warning("could not mark resolution run %s failed", run_id, exc_info=True)


def _companies_for_works_at(
    ctx: RunContext, people: pd.DataFrame | None, accounts: KindReport, customers: KindReport
) -> pd.DataFrame | None:
    """The company records (with this run's entity ids) that WORKS_AT needs for ``people``.

    A full account pass read them all. Otherwise: all of them again when every person is
    being linked (a full person pass), else only those the people's records point at or
    name, found by index (an incremental run reads no population).
    """
    if accounts.mode == "full" or people is None or people.empty:
        return ctx.records.get("account")
    if customers.mode == "full":
        return store.read_records(ctx.db, "account")
    names = blocking_keys.name_hashes(normalise.company_name(people["company_name"]))
    crm = people["account_record_id"].dropna().astype(str).unique().tolist()
    return store.read_works_at_accounts(ctx.db, crm, names)


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
