"""A resolution run: companies, then people, then who works where.

Companies go first so that people can be linked to the unified accounts of this very run.
"""

from __future__ import annotations

import logging
import uuid
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from graph import locks
from graph.db import Database
from graph.settings import Settings
from models.resolution import normalise, store, works_at
from models.resolution.engine import RESOLUTION_LOCK, KindReport, RunContext, resolve_kind

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
    with resolution_lock(db, settings, run_id):
        store.start_run(
            db, run_id=run_id, mode=mode, backend=settings.resolution_backend, at=at, by=by
        )
        try:
            ctx = RunContext(db, settings, run_id, at, by)
            accounts, customers, links = _run(ctx, incremental)
        except BaseException as exc:  # a crash or Ctrl-C: the run must not stay 'running'
            _mark_failed(db, run_id, exc)
            raise
    return ResolutionReport(run_id, mode, accounts, customers, links)


def resolution_lock(
    db: Database, settings: Settings, holder: str
) -> AbstractContextManager[locks.Lease]:
    """The lock every writer of resolution results holds (runs, unmerges), in Neo4j so that a
    `resolve` in a shell, the scheduler's refresh job and an API unmerge never interleave
    their writes (two of them could otherwise link one record to two entities)."""
    return locks.leased(
        db, RESOLUTION_LOCK, holder, what="Entity resolution",
        hint="Wait for it to finish (`marketgraph jobs list` shows scheduled runs).",
    )  # fmt: skip


def _run(ctx: RunContext, incremental: bool) -> tuple[KindReport, KindReport, int]:
    """Both passes and WORKS_AT, then the run's counts onto its (:ResolutionRun)."""
    for kind in ("account", "customer"):  # back if a crashed bulk write left them dropped
        store.ensure_key_indexes(ctx.db, kind)
    accounts = resolve_kind(ctx, "account", incremental=incremental)
    customers = resolve_kind(ctx, "customer", incremental=incremental)
    links = _derive_works_at(ctx, accounts, customers)
    stats: dict[str, Any] = {"works_at": links}
    for report in (accounts, customers):
        for key, value in asdict(report).items():
            if isinstance(value, int | float | str) and key != "kind":
                stats[f"{report.kind}_{key}"] = value
    store.finish_run(ctx.db, run_id=ctx.run_id, at=datetime.now(UTC), stats=stats)
    return accounts, customers, links


def _mark_failed(db: Database, run_id: str, error: BaseException) -> None:
    """Record the failure on the run; the original error stays the one the caller sees."""
    log.error("resolution run %s failed: %s", run_id, type(error).__name__)
    try:
        store.fail_run(db, run_id=run_id, at=datetime.now(UTC), error=error)
    except Exception:  # Neo4j down: the run stays 'running' but the cause is still raised
        log.warning("could not mark resolution run %s failed", run_id, exc_info=True)


def _derive_works_at(ctx: RunContext, accounts: KindReport, customers: KindReport) -> int:
    """Write who works where after both passes; returns the links written.

    A full person pass derives everyone's links from the records this run holds (all company
    records too when the account pass was full, else read once) and prunes the rest. An
    incremental one derives only its people's links, those of the customers it touched (one
    that lost a deleted record may lose its employer), those of everyone working at an
    account the run touched (a merged-away account's people move to the survivor) and those
    of everyone who typed the name of a company record it read (that name may now name one
    account, or two).
    """
    ctx.keep_lock()  # the people frame still holds the employers of anyone erased meanwhile
    people = ctx.records.get("customer")
    companies = ctx.records.get("account") if accounts.mode == "full" else None
    batch = ctx.settings.batch_size
    if customers.mode == "full":
        if companies is None:
            companies = store.read_records(ctx.db, "account")
        rows = works_at.works_at_rows(people, companies)
        store.write_works_at(ctx.db, rows, batch, run_id=ctx.run_id, at=ctx.at, prune=True)
        return len(rows)
    read = ctx.records.get("account")
    names = () if read is None else normalise.company_name(read["name"]).dropna().unique()
    rederive = set(ctx.touched.get("customer", ())) | works_at.customers_naming(ctx.db, names)
    return works_at.relink(
        ctx.db, batch, run_id=ctx.run_id, at=ctx.at, people=people, companies=companies,
        accounts=ctx.touched.get("account", ()), customers=rederive,
    )  # fmt: skip
