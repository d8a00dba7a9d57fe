"""Erase a person's personal data on request (GDPR art. 17, "right to be forgotten").

Why an operation of its own, and not a deletion feed: a deletion keeps the record's data (only
masked below analysts) because the source may restore it; an erasure request obliges the
business to remove the data everywhere it holds it. Here that is: the person records (every
property but ids, provenance and timestamps, `cypher/privacy/erase_records.cypher`), their
typed employer and their call notes, the copy drafts written for them, their customers' scores
and recommendations of every model version (reasons quote what they bought), and the
quarantined rows (graph and files) that carry their source id, e-mail or phone. What stays is
that a record existed and was erased, by whom, when and under which request (an
(:ErasureRequest) linked to each record): proof the request was honoured, and what keeps an
older export from bringing the data back. The records leave their customer at once (a customer
left with none is retired), with a 'remove' event in its history, so no front-end shows the
person as a customer again.

Holds the resolution lock, like every writer of resolution results: a run in flight would
otherwise write blocking keys (hashes of the names) back onto a record just erased.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph import locks
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import MarketgraphError, MergedCustomerError, ResolutionError
from graph.settings import Settings
from ingestion.contracts import ERASURE_REFERENCE_MAX
from models.privacy import population, quarantine
from models.resolution import works_at
from models.resolution.removals import detach_deleted
from models.resolution.run import resolution_lock

log = logging.getLogger(__name__)

#: Recorded as the model version of the 'remove' events an erasure appends.
ERASURE = "erasure"
#: Longest request reference kept (a ticket number, not a story: it must not name the person);
#: the erasure-log contract allows the same.
REFERENCE_MAX = ERASURE_REFERENCE_MAX


@dataclass(frozen=True)
class ErasureReport:
    """What one erasure did."""

    erasure_id: str | None  # its (:ErasureRequest); None: a retry that found nothing to do
    records: list[str]  # erased now
    already_erased: list[str]  # named by the request, erased by an earlier one
    customers: list[str]  # the customers the records left (now)
    retired: int  # of those, left with no record
    interactions: int  # whose notes were erased
    drafts: int  # copy drafts deleted
    quarantined_rows: int  # quarantined rows scrubbed in the graph
    quarantine_lines: int  # and lines in the quarantine files


def new_erasure_id(at: datetime) -> str:
    """A sortable, unique erasure id."""
    return f"era-{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def check_customer(db: Database, customer_id: str, instead: str) -> None:
    """Raise ResolutionError unless ``customer_id`` names a customer that holds its records:
    unknown, or merged into another (``instead`` says what to do with the survivor)."""
    found = db.query(load_query("privacy/customer_status"), {"customer_id": customer_id})
    if not found:
        raise ResolutionError(
            f"no customer {customer_id!r}; `marketgraph explain ID` shows a customer"
        )
    if found[0]["merged_into"]:
        raise MergedCustomerError(
            f"customer {customer_id} was merged into {found[0]['merged_into']}, which holds "
            f"its records now: {instead}"
        )


def find_targets(
    db: Database, *, customer_id: str | None = None, record_ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """The person records a request covers; raises ResolutionError (with what to do) when the
    customer or a record does not exist, or when a customer id was merged into another."""
    ids = sorted(set(record_ids or []))
    if customer_id is None and not ids:
        raise ResolutionError("name a customer id or at least one person record id to erase")
    if customer_id is not None:
        check_customer(
            db, customer_id, "erase that customer (check first that it is the same person)"
        )
    rows = db.query(
        load_query("privacy/erasure_targets"), {"customer_id": customer_id, "record_ids": ids}
    )
    missing = sorted(set(ids) - {str(r["record_id"]) for r in rows})
    if missing:
        raise ResolutionError(
            f"no person record {', '.join(missing)}; record ids look like crm:C-00012 "
            "(source system, colon, the id in its export)"
        )
    return rows


@dataclass(frozen=True)
class Request:
    """One erasure request: whose data (a customer's records, named records, or both), under
    which reference (a ticket id), asked for by whom."""

    reference: str
    by: str
    customer_id: str | None = None
    record_ids: tuple[str, ...] = ()


@dataclass
class _Erasure:
    """A request being honoured: its id and the records it covers (found under the lock)."""

    request: Request
    index: int  # among the requests sent together
    erasure_id: str
    targets: list[dict[str, Any]] = field(default_factory=list)
    fresh: list[dict[str, Any]] = field(default_factory=list)  # not erased before
    new_ticket: bool = False  # its reference is not recorded yet for a record erased before
    recorded: bool = False  # gets its own (:ErasureRequest): it erases, scrubs or is new

    @property
    def covered(self) -> list[str]:
        """The records it names that an earlier erasure (or one before it in the pass) took."""
        return [str(t["record_id"]) for t in self.targets if t["erased"]]

    @property
    def params(self) -> dict[str, Any]:
        """The (:ErasureRequest)'s own properties (erase_records.cypher)."""
        return {
            "erasure_id": self.erasure_id, "by": self.request.by,
            "reference": self.request.reference.strip(),
        }  # fmt: skip


def erase(
    db: Database, settings: Settings, *, customer_id: str | None = None,
    record_ids: list[str] | None = None, reference: str, by: str,
) -> ErasureReport:  # fmt: skip
    """Erase the personal data of ``customer_id``'s records and of ``record_ids``.

    Idempotent: records an earlier request erased are reported, not erased again (a new
    reference for them is recorded as a ticket they cover; the same one again, a retry,
    records nothing unless it scrubbed rows loaded since). Raises
    ResolutionError for an unknown customer or record or a bad reference, JobBusyError while a
    resolution run holds the lock.
    """
    request = Request(reference, by, customer_id, tuple(record_ids or ()))
    return erase_each(db, settings, [request])[0]


def erase_each(
    db: Database, settings: Settings, requests: list[Request],
    refused: dict[int, str] | None = None,
) -> list[ErasureReport]:  # fmt: skip
    """Honour several requests in one pass, each with its own (:ErasureRequest) and report.

    Why together: what an erasure costs is mostly fixed — taking the lock, reading and
    rewriting the population counts, reading every quarantine file, deriving WORKS_AT — so a
    source's erasure log of hundreds of tickets is done once for all of them, not once each.
    A request that cannot be honoured (an unknown customer or record, a bad reference) raises
    ResolutionError before anything is touched — or, given ``refused``, is left out and its
    reason put there under its index, and the others go ahead. A record two requests name is
    erased by the first.
    """
    if refused is None:  # errors touch nothing, not even the lock
        for request in requests:
            _targets(db, request)
    at = datetime.now(UTC)
    erasures = [_Erasure(r, i, new_erasure_id(at)) for i, r in enumerate(requests)]
    if not erasures:
        return []
    with resolution_lock(db, settings, erasures[0].erasure_id) as lease:
        claimed: set[str] = set()
        for erasure in erasures:
            try:
                erasure.targets = _targets(db, erasure.request)
            except ResolutionError as exc:
                if refused is None:
                    raise
                refused[erasure.index] = str(exc)
                continue
            for target in erasure.targets:
                target["erased"] = target["erased"] or str(target["record_id"]) in claimed
            erasure.fresh = [t for t in erasure.targets if not t["erased"]]
            claimed.update(str(t["record_id"]) for t in erasure.fresh)
            reference = erasure.params["reference"]
            erasure.new_ticket = any(
                t["erased"] and reference not in (t.get("references") or [])
                for t in erasure.targets
            )
        kept = [e for e in erasures if e.index not in (refused or {})]
        return _erase(db, settings, kept, at, refused, lease) if kept else []


def _targets(db: Database, request: Request) -> list[dict[str, Any]]:
    """The request's records (ResolutionError for a bad reference or an unknown id)."""
    reference = request.reference.strip()
    if not reference or len(reference) > REFERENCE_MAX:
        raise ResolutionError(
            f"give the request's reference (a ticket id, 1–{REFERENCE_MAX} characters; not the "
            "person's name, which the erasure record would otherwise keep)"
        )
    return find_targets(db, customer_id=request.customer_id, record_ids=list(request.record_ids))


def _erase(
    db: Database, settings: Settings, erasures: list[_Erasure], at: datetime,
    refused: dict[int, str] | None, lease: locks.Lease,
) -> list[ErasureReport]:  # fmt: skip
    """Everything found by the records' values first — quarantined rows in the graph (with
    each request's (:ErasureRequest), which they name), then in the files, then the population
    counts — and the records themselves last, request by request: a page that failed half-way
    is finished by sending it again, since the records not erased yet still hold the values
    that find their rows (those erased show as already erased, and are still detached).

    Records erased before still have their source id, which finds rows loaded since that name
    them (a load that read the erased ids just before the erasure, rows kept from before such
    loads dropped their text): a request sent again scrubs those too. A request is recorded —
    its own (:ErasureRequest), linked to every record it names — when it erases or scrubs
    anything, or when its reference is new for a record erased before (a second ticket);
    only a retry with nothing left to do records nothing."""
    wanted = [quarantine.needles(e.targets) for e in erasures]
    ids = [e.erasure_id for e in erasures]
    located = quarantine.locate(settings.quarantine_dir, wanted)
    rows = _quarantined_rows(db, wanted, located)
    for erasure, row_ids, places in zip(erasures, rows, located, strict=True):
        erasure.recorded = bool(erasure.fresh or erasure.new_ticket or row_ids or places)
    # Each write phase first confirms the lock is still this erasure's: one that lost it (a
    # process paused past the lease) stops, rather than change what a resolution run holding
    # the lock now has read; sending the page again finishes it.
    lease.confirm()
    scrubbed = db.write(lambda tx: _scrub_quarantined(tx, erasures, rows, located, at))
    quarantine.scrub_files(settings.quarantine_dir, wanted, ids)
    lease.confirm()
    population.forget(db, settings, [t for e in erasures for t in e.fresh if t["customer_id"]])
    reports: list[ErasureReport] = []
    try:
        for i, erasure in enumerate(erasures):
            lease.confirm()  # outside the try: a lost lock stops the page, not one request
            try:
                reports.append(_erase_one(db, erasure, scrubbed[i], len(located[i]), at))
            except MarketgraphError as exc:  # the others still go ahead when the caller asks
                if refused is None:
                    raise
                refused[erasure.index] = str(exc)
    finally:  # employers of the customers the records left, also when a later request failed
        left = sorted({c for r in reports for c in r.customers})
        run_id = next((r.erasure_id for r in reports if r.erasure_id), ids[0])
        if left:
            works_at.relink_around(db, settings.batch_size, "customer", left, run_id=run_id, at=at)
    return reports


def _scrub_quarantined(
    tx: Any, erasures: list[_Erasure], rows: list[list[str]],
    located: list[list[dict[str, Any]]], at: datetime,
) -> list[int]:  # fmt: skip
    """Scrub each erasure's quarantined rows in the graph, by id and by place; how many each.
    The (:ErasureRequest) they name is written with them (erase_records.cypher with no record
    yet), so a row never names a request the graph does not hold."""
    counts = []
    for erasure, row_ids, places in zip(erasures, rows, located, strict=True):
        if erasure.recorded:
            opened = {**erasure.params, "at": at, "record_ids": [], "customers_of": {}}
            tx.run(load_query("privacy/erase_records"), opened).consume()
        erasure_id = erasure.erasure_id
        params = {
            "row_ids": row_ids, "located": places, "erasure_id": erasure_id, "at": at,
            "reason": quarantine.ERASED.format(erasure_id=erasure_id),
        }  # fmt: skip
        found = tx.run(load_query("privacy/scrub_quarantined_rows"), params).single()
        counts.append(int(found["scrubbed"]) if found else 0)
    return counts


def _erase_one(
    db: Database, erasure: _Erasure, quarantined: int, lines: int, at: datetime
) -> ErasureReport:
    """One request's part in the graph: its records (erased, or linked as covered when erased
    before), drafts and review notes in one transaction, then its records detached from their
    customers with a 'remove' event."""
    erasure_id, request, targets = erasure.erasure_id, erasure.request, erasure.targets
    records, covered = [str(t["record_id"]) for t in erasure.fresh], erasure.covered
    customers = sorted({str(t["customer_id"]) for t in targets if t["customer_id"]})
    drafted = customers_and_merged_in(db, customers)
    params = {**erasure.params, "at": at}
    # kept on each erased record, so a repeated request for the customer finds its records
    fresh = erasure.fresh
    customers_of = {str(t["record_id"]): t["customer_id"] for t in fresh if t["customer_id"]}

    def scrub(tx: Any) -> tuple[int, int]:
        erased = tx.run(
            load_query("privacy/erase_records"),
            {**params, "record_ids": records, "customers_of": customers_of},
        )
        done = erased.single()
        if covered:
            cover = {"erasure_id": erasure_id, "record_ids": covered, "at": at}
            tx.run(load_query("privacy/cover_erased_records"), cover).consume()
        drafts = tx.run(load_query("privacy/delete_copy_drafts"), {"customer_ids": drafted})
        deleted = drafts.single()
        tx.run(load_query("privacy/delete_scores"), {"customer_ids": drafted}).consume()
        named = {"record_ids": [*records, *covered]}
        tx.run(load_query("privacy/clear_review_notes"), named).consume()
        notes = int(done["interactions"] or 0) if done else 0
        return notes, int(deleted["deleted"]) if deleted else 0

    notes, drafts = db.write(scrub) if erasure.recorded else (0, 0)
    detached = detach_deleted(
        db, "customer", run_id=erasure_id, at=at, by=request.by,
        records=[str(t["record_id"]) for t in targets], model_version=ERASURE,
    )  # fmt: skip
    report = ErasureReport(
        erasure_id if erasure.recorded else None, records,
        sorted(str(t["record_id"]) for t in targets if t["erased"]), detached.entities,
        detached.retired, notes, drafts, quarantined, lines,
    )  # fmt: skip
    log.info(
        "erasure %s (%s) by %s: %d records erased, %d customers left, %d retired, %d drafts, "
        "%d quarantined rows, %d quarantine lines", erasure_id, params["reference"], request.by,
        len(records), len(detached.entities), detached.retired, drafts, quarantined, lines,
    )  # fmt: skip
    return report


def customers_and_merged_in(db: Database, customers: list[str]) -> list[str]:
    """``customers`` and every customer merged into one of them (transitively, merges not
    undone): drafts written under a merged-away id quote the same person."""
    found, frontier = set(customers), list(customers)
    while frontier:
        rows = db.query(load_query("privacy/merged_in_customers"), {"customer_ids": frontier})
        frontier = [str(i) for i in rows[0]["ids"] if str(i) not in found] if rows else []
        found.update(frontier)
    return sorted(found)


def _quarantined_rows(
    db: Database, wanted: list[set[str]], located: list[list[dict[str, Any]]]
) -> list[list[str]]:
    """Ids of the quarantined rows whose preview carries one of ``wanted`` as a whole field,
    per erasure (a row that names two people goes to the first); a row the files placed
    already is left to the erasure the full row in the file went to."""
    anyone: set[str] = set().union(*wanted)
    claimed: list[list[str]] = [[] for _ in wanted]
    if not anyone:
        return claimed
    placed = {(p["source_type"], p["file"], p["row_number"]) for ps in located for p in ps}
    found = db.query(load_query("privacy/quarantined_rows_naming"), {"needles": sorted(anyone)})
    for row in found:
        if (row["source_type"], row["file"], row["row_number"]) in placed:
            continue
        i = quarantine.owner(row["raw"], row["reason"], wanted, anyone)
        if i is not None:
            claimed[i].append(str(row["row_id"]))
    return claimed
