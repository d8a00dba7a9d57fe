"""Graph reads and batched writes for entity resolution, all through `cypher/resolution/`.

Why one module: it is the only resolution code that talks to Neo4j, so the engine stays plain
pandas and can be benchmarked without a database. Every write is an `UNWIND $rows` batch in a
managed (retried) transaction and MERGEs, so a retried batch changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any, LiteralString

import pandas as pd
from neo4j import ManagedTransaction
from neo4j.exceptions import Neo4jError

from graph.cypher_catalog import load_query, split_statements
from graph.db import Database
from models.resolution.splink_model import EntityKind

log = logging.getLogger(__name__)

_RECORD_QUERY: dict[EntityKind, str] = {
    "customer": "resolution/read_customer_records",
    "account": "resolution/read_account_records",
}
_LINK_QUERY: dict[EntityKind, str] = {
    "customer": "resolution/write_customer_links",
    "account": "resolution/write_account_links",
}
_CREATE_QUERY: dict[EntityKind, str] = {
    "customer": "resolution/create_customer_links",
    "account": "resolution/create_account_links",
}
_RETIRE_QUERY: dict[EntityKind, str] = {
    "customer": "resolution/retire_customers",
    "account": "resolution/retire_accounts",
}
_ISSUED_AMONG_QUERY: dict[EntityKind, str] = {
    "customer": "resolution/read_customer_ids_among",
    "account": "resolution/read_account_ids_among",
}
_LABEL: dict[EntityKind, str] = {"customer": "CustomerRecord", "account": "AccountRecord"}
#: Seconds a run waits at most for rebuilt key indexes to come online (they keep building after).
INDEX_WAIT_S = 3_600
_IDS_QUERY: dict[EntityKind, str] = {
    "customer": "resolution/read_customer_ids",
    "account": "resolution/read_account_ids",
}


def _q(name: str) -> LiteralString:
    return load_query(name)


def chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Consecutive batches of at most ``size`` rows."""
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


#: Records per page of the record reads: each page is one result row of lists, held whole by
#: the server while it answers.
READ_PAGE = 50_000


def read_records(
    db: Database, kind: EntityKind, *, only_unresolved: bool = False, page: int = READ_PAGE,
    changed_by: Sequence[str] = (),
) -> pd.DataFrame:  # fmt: skip
    """Raw records of one kind with their current entity id (None when never resolved), in
    record-id order; ``only_unresolved``: those never resolved and those whose content one of
    the ingest runs ``changed_by`` changed (the records an incremental run must read).

    Read in pages of ``page`` records, each answered as one row of lists: a result row per
    record cost ~40 µs of Python in the driver (70% of the read at 100k records), a list
    per record inside one row almost nothing.
    """
    query, after = _q(_RECORD_QUERY[kind]), ""
    pages: list[dict[str, Any]] = []
    while True:
        params = {"only_unresolved": only_unresolved, "after": after, "page": page,
                  "changed_by": list(changed_by)}  # fmt: skip
        names, answer = db.frame(query, params)  # not `query`: Record.data() walks every value
        found = dict(zip(names, answer[0], strict=True)) if answer else {}
        if found.get("last") is None:
            break
        pages.append(found)
        after = found["last"]
    return _frame_of_pages(pages)


def _frame_of_pages(pages: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One frame from result rows of (``columns``, ``rows``: a list of values per record)."""
    rows = [values for found in pages for values in found["rows"]]
    return pd.DataFrame(rows, columns=pages[0]["columns"]) if rows else pd.DataFrame()


def _frame(db: Database, query: str, params: dict[str, Any]) -> pd.DataFrame:
    columns, rows = db.frame(_q(query), params)
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame()


def _paged_frame(db: Database, query: str, params: dict[str, Any]) -> pd.DataFrame:
    """The records of a query that answers pages of ``READ_PAGE`` records, each a result row
    of (``columns``, ``rows``: a list of values per record); see ``read_records``."""
    names, pages = db.frame(_q(query), {**params, "page": READ_PAGE})
    return _frame_of_pages([dict(zip(names, values, strict=True)) for values in pages])


def read_record_entities(
    db: Database, kind: EntityKind, record_ids: Sequence[str]
) -> dict[str, str]:
    """record id → the entity it resolves to now (records without one left out)."""
    rows = db.query(_q("resolution/read_record_entities"),
                    {"kind": kind, "record_ids": list(record_ids)})  # fmt: skip
    return {str(r["record_id"]): str(r["entity_id"]) for r in rows}


def late_ingest_runs(db: Database) -> list[str]:
    """Ingest runs whose writes the last completed resolution run may not have read."""
    rows = db.query(_q("resolution/late_ingest_runs"))
    return [str(r) for r in rows[0]["runs"]] if rows else []


def read_candidates(db: Database, kind: EntityKind, probes: dict[str, list[int]]) -> pd.DataFrame:
    """Resolved records sharing a blocking key with the ``probes`` (``blocking_keys.probes``),
    with the columns of ``read_records``: index lookups, however large the population."""
    return _paged_frame(db, f"resolution/find_{kind}_candidates", {"probes": probes})


def read_members(db: Database, kind: EntityKind, entity_ids: Sequence[str]) -> pd.DataFrame:
    """Every record of the given entities, with the columns of ``read_records``."""
    return _paged_frame(db, f"resolution/read_{kind}_members", {"ids": list(entity_ids)})


def read_works_at_accounts(
    db: Database, record_ids: Sequence[str], names: Sequence[int]
) -> pd.DataFrame:
    """Company records by id and every one whose ``rk_name`` is in ``names`` (hashes of
    normalised names, ``blocking_keys.name_hashes``)."""
    params = {"record_ids": list(record_ids), "names": list(names)}
    return _frame(db, "resolution/read_works_at_accounts", params)


def count_resolved(db: Database, kind: EntityKind) -> int:
    """How many records of ``kind`` resolve to an entity (from Neo4j's count store)."""
    return int(db.query(_q("resolution/count_resolved"))[0][kind])


def write_keys(db: Database, kind: EntityKind, rows: Sequence[dict[str, Any]], batch: int) -> int:
    """Store records' blocking keys (``blocking_keys.key_rows``); returns records written."""
    return _write_batches(db, f"resolution/write_{kind}_keys", rows, batch, writers=2)


def read_decisions(
    db: Database, kind: EntityKind
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(must-link pairs, cannot-link pairs) that reviewers decided."""
    rows = db.query(_q("resolution/read_decisions"), {"kind": kind})
    must = [(r["record_a"], r["record_b"]) for r in rows if r["status"] == "accepted"]
    cannot = [(r["record_a"], r["record_b"]) for r in rows if r["status"] == "rejected"]
    return must, cannot


def read_decided_entities(db: Database, kind: EntityKind) -> list[str]:
    """Entities holding a reviewer's decision the graph does not reflect yet (an accepted
    pair across two of them, a rejected pair inside one)."""
    rows = db.query(_q(f"resolution/read_{kind}_decisions_to_apply"))
    return sorted(str(e) for e in rows[0]["entity_ids"]) if rows else []


def read_issued_ids(db: Database, kind: EntityKind) -> set[str]:
    """Every entity id of this kind ever issued (741k at 1M records, answered as one list)."""
    _, rows = db.frame(_q(_IDS_QUERY[kind]))
    return {str(value) for value in rows[0][0]} if rows else set()


class IssuedAmong:
    """Which ids were ever issued, answered from a lookup of the expected ones (``wanted``)
    plus one query per other id asked (a salted retry after a collision: rare).

    Why: an incremental run mints a few thousand ids; reading all 737k issued ids at 1M
    records to check them cost ~6 s, looking up those few thousand by index a fraction.
    """

    def __init__(self, db: Database, kind: EntityKind, wanted: Sequence[str]) -> None:
        self._db, self._query = db, _q(_ISSUED_AMONG_QUERY[kind])
        self._checked = set(wanted)
        self._issued = self._lookup(list(wanted))

    def _lookup(self, ids: list[str]) -> set[str]:
        return {str(row["id"]) for row in self._db.query(self._query, {"ids": ids})}

    def __contains__(self, candidate: object) -> bool:
        if not isinstance(candidate, str):
            return False
        if candidate not in self._checked:
            self._checked.add(candidate)
            self._issued |= self._lookup([candidate])
        return candidate in self._issued


def _write_batches(
    db: Database, query: str, rows: Sequence[dict[str, Any]], batch: int, writers: int = 1,
    **params: Any,
) -> int:  # fmt: skip
    """Write ``rows`` in batches on up to ``writers`` concurrent sessions; returns the count.

    Concurrent batches that touch one node (an entity whose records straddle two batches)
    may deadlock; Neo4j reports that as a transient error and the managed transaction is
    retried whole, and every write here MERGEs, so the outcome is the same.
    """
    cypher = _q(query)

    def write(part: list[dict[str, Any]]) -> int:
        result = db.query(cypher, {"rows": part, **params}, write=True)
        return int(result[0].get("written", result[0].get("opened", 0))) if result else 0

    parts = list(chunks(rows, max(1, min(batch, -(-len(rows) // max(writers, 1))))))
    if writers <= 1 or len(parts) <= 1:
        return sum(write(part) for part in parts)
    with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="resolution-writer") as pool:
        return sum(pool.map(write, parts))


def write_links(
    db: Database, kind: EntityKind, rows: Sequence[dict[str, Any]], batch: int, *,
    run_id: str, at: datetime, model_version: str, writers: int = 2,
) -> int:  # fmt: skip
    """Point records at their entities (creating/reactivating them); returns links written.

    Rows marked ``fresh`` (the record had no RESOLVES_TO when the run read it) get their link
    CREATEd; the others MERGE it and drop the link to their previous entity. Rows are written
    grouped by entity, so an entity's records mostly share one batch and concurrent writers
    rarely wait on the same node.
    """
    ordered = sorted(rows, key=lambda row: str(row["entity_id"]))
    written = 0
    for fresh, query in ((True, _CREATE_QUERY[kind]), (False, _LINK_QUERY[kind])):
        part = [row for row in ordered if bool(row.get("fresh")) == fresh]
        written += _write_batches(
            db, query, part, batch, writers, run_id=run_id, at=at, model_version=model_version
        )
    return written


def retire_entities(
    db: Database, kind: EntityKind, ids: Sequence[str], merged_into: dict[str, str], *,
    run_id: str, at: datetime,
) -> int:  # fmt: skip
    """Tombstone entities left without records; returns how many were retired."""
    if not ids:
        return 0
    rows = db.query(
        _q(_RETIRE_QUERY[kind]),
        {"ids": list(ids), "merged_into": merged_into, "run_id": run_id, "at": at},
        write=True,
    )
    return int(rows[0]["retired"]) if rows else 0


def write_events(
    db: Database, rows: Sequence[dict[str, Any]], batch: int, *,
    run_id: str, at: datetime, model_version: str, by: str,
) -> None:  # fmt: skip
    """Append (:ResolutionEvent) history rows."""
    for part in chunks(rows, batch):
        db.query(
            _q("resolution/write_events"),
            {"rows": part, "run_id": run_id, "at": at, "model_version": model_version, "by": by},
            write=True,
        )


def write_reviews(
    db: Database, rows: Sequence[dict[str, Any]], batch: int, *,
    run_id: str, at: datetime, model_version: str,
) -> int:  # fmt: skip
    """Open review items for uncertain pairs; returns how many are new."""
    return _write_batches(
        db, "resolution/write_reviews", rows, batch,
        run_id=run_id, at=at, model_version=model_version,
    )  # fmt: skip


def write_works_at(
    db: Database, rows: Sequence[dict[str, Any]], batch: int, *, run_id: str, at: datetime,
    prune: bool,
) -> None:  # fmt: skip
    """Derived Customer-WORKS_AT->Account links; a full run prunes those it did not confirm."""
    for part in chunks(rows, batch):
        db.query(
            _q("resolution/write_customer_works_at"),
            {"rows": part, "run_id": run_id, "at": at},
            write=True,
        )
    if prune:
        db.query(_q("resolution/prune_customer_works_at"), {"run_id": run_id}, write=True)


def read_employees(db: Database, account_ids: Sequence[str]) -> list[str]:
    """Customers who work at these accounts or whose records point at one of their records."""
    if not account_ids:
        return []
    rows = db.query(_q("resolution/read_employees"), {"ids": list(account_ids)})
    return [str(r["customer_id"]) for r in rows]


def prune_works_at_among(db: Database, customer_ids: Sequence[str], *, run_id: str) -> None:
    """Drop these customers' derived WORKS_AT links that run ``run_id`` did not confirm."""
    for start in range(0, len(customer_ids), 10_000):
        db.query(
            _q("resolution/prune_customer_works_at_among"),
            {"ids": list(customer_ids[start : start + 10_000]), "run_id": run_id},
            write=True,
        )


def start_run(db: Database, *, run_id: str, mode: str, backend: str, at: datetime, by: str) -> None:
    """Record the run as started."""
    db.query(
        _q("resolution/run_start"),
        {"run_id": run_id, "mode": mode, "backend": backend, "at": at, "by": by},
        write=True,
    )


def finish_run(db: Database, *, run_id: str, at: datetime, stats: dict[str, Any]) -> None:
    """Record the run's counts and mark it completed."""
    db.query(_q("resolution/run_finish"), {"run_id": run_id, "at": at, "stats": stats}, write=True)


def fail_run(db: Database, *, run_id: str, at: datetime, error: BaseException) -> None:
    """Mark the run failed with the error's class name (its text goes to the log only)."""
    params = {"run_id": run_id, "at": at, "error": type(error).__name__}
    db.query(_q("resolution/run_fail"), params, write=True)


def ensure_key_indexes(db: Database, kind: EntityKind, *, wait: bool = False) -> None:
    """Create whichever blocking-key indexes of ``kind`` are missing, in one schema transaction
    (Neo4j then fills them in one scan of the records); with ``wait``, until they are online.

    Every run calls this first, so indexes a crashed bulk write left dropped come back.
    """
    statements = split_statements(_q(f"resolution/{kind}_key_indexes"))

    def work(tx: ManagedTransaction) -> None:
        for statement in statements:
            tx.run(statement).consume()

    db.write(work)
    if wait:
        try:
            db.run_autocommit(_q("resolution/await_indexes"), {"seconds": INDEX_WAIT_S})
        except Neo4jError as exc:  # still filling: lookups work meanwhile, only slower
            log.warning("%s key indexes not online yet (%s); they keep building", kind, exc)


@contextmanager
def key_indexes_dropped(db: Database, kind: EntityKind, *, drop: bool) -> Iterator[None]:
    """With ``drop``, write without ``kind``'s blocking-key indexes and rebuild them after.

    Why: a full run sets 12 indexed keys on every person record; updating 12 indexes row by
    row cost ~2x the write without them, and filling them afterwards in one scan less
    (bench/README.md, session 11). When the write fails the indexes are recreated before the
    error propagates; a killed process leaves them to the next run's `ensure_key_indexes`.
    """
    if not drop:
        yield
        return
    names = [r["name"] for r in db.query(_q("resolution/key_index_names"), {"label": _LABEL[kind]})]
    for name in names:
        db.run_autocommit(_q("resolution/drop_index"), {"name": name})
    log.info("dropped %d %s key indexes for a bulk write", len(names), kind)
    try:
        yield
    except BaseException:
        try:  # best effort, without waiting; the error that stopped the write is what matters
            ensure_key_indexes(db, kind)
        except Exception as exc:
            log.warning("could not recreate %s key indexes (%s); the next run will", kind, exc)
        raise
    ensure_key_indexes(db, kind, wait=True)
