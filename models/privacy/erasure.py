"""Erase a person's personal data on request (GDPR art. 17, "right to be forgotten").

Why an operation of its own, and not a deletion feed: a deletion keeps the record's data (only
masked below analysts) because the source may restore it; an erasure request obliges the
business to remove the data everywhere it holds it. Here that is: the person records (every
property but ids, provenance and timestamps, `cypher/privacy/erase_records.cypher`), their
typed employer and their call notes, the copy drafts written for them, and the quarantined rows
(graph and files) that carry their source id, e-mail or phone. What stays is that a record
existed and was erased, by whom, when and under which request (an (:ErasureRequest) linked to
each record): proof the request was honoured, and what keeps an older export from bringing the
data back. The records leave their customer at once (a customer left with none is retired),
with a 'remove' event in its history, so no front-end shows the person as a customer again.

Holds the resolution lock, like every writer of resolution results: a run in flight would
otherwise write blocking keys (hashes of the names) back onto a record just erased.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import MergedCustomerError, ResolutionError
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

    erasure_id: str | None  # the (:ErasureRequest); None when nothing was left to erase
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


def erase(
    db: Database, settings: Settings, *, customer_id: str | None = None,
    record_ids: list[str] | None = None, reference: str, by: str,
) -> ErasureReport:  # fmt: skip
    """Erase the personal data of ``customer_id``'s records and of ``record_ids``.

    Idempotent: records an earlier request erased are reported, not erased again. Raises
    ResolutionError for an unknown customer or record, JobBusyError while a resolution run
    holds the lock.
    """
    reference = reference.strip()
    if not reference or len(reference) > REFERENCE_MAX:
        raise ResolutionError(
            f"give the request's reference (a ticket id, 1–{REFERENCE_MAX} characters; not the "
            "person's name, which the erasure record would otherwise keep)"
        )
    find_targets(db, customer_id=customer_id, record_ids=record_ids)  # errors touch nothing
    at = datetime.now(UTC)
    erasure_id = new_erasure_id(at)
    with resolution_lock(db, settings, erasure_id):
        targets = find_targets(db, customer_id=customer_id, record_ids=record_ids)
        return _erase(db, settings, targets, erasure_id, reference, by, at)


def _erase(
    db: Database, settings: Settings, targets: list[dict[str, Any]], erasure_id: str,
    reference: str, by: str, at: datetime,
) -> ErasureReport:  # fmt: skip
    """Files first, then the graph, then the links: each step can be repeated, so a request
    that failed half-way is finished by sending it again (its records then show as already
    erased, and are still detached; the files were scrubbed while their values were known)."""
    fresh = [t for t in targets if not t["erased"]]
    records = [str(t["record_id"]) for t in fresh]
    everyone = [str(t["record_id"]) for t in targets]
    customers = sorted({str(t["customer_id"]) for t in targets if t["customer_id"]})
    wanted = quarantine.needles(fresh)
    rows = _quarantined_rows(db, wanted)
    population.forget(db, settings, [t for t in fresh if t["customer_id"]])
    located = quarantine.scrub_files(settings.quarantine_dir, wanted, erasure_id)
    drafted = customers_and_merged_in(db, customers)
    params = {"erasure_id": erasure_id, "at": at, "by": by, "reference": reference}

    def scrub(tx: Any) -> tuple[int, int, int]:
        erased = tx.run(load_query("privacy/erase_records"), {**params, "record_ids": records})
        done = erased.single()
        drafts = tx.run(load_query("privacy/delete_copy_drafts"), {"customer_ids": drafted})
        deleted = drafts.single()
        tx.run(load_query("privacy/clear_review_notes"), {"record_ids": records}).consume()
        scrub_rows = {
            "row_ids": rows, "located": located, "erasure_id": erasure_id, "at": at,
            "reason": quarantine.ERASED.format(erasure_id=erasure_id),
        }  # fmt: skip
        found = tx.run(load_query("privacy/scrub_quarantined_rows"), scrub_rows).single()
        notes = int(done["interactions"] or 0) if done else 0
        return notes, int(deleted["deleted"]) if deleted else 0, int(found["scrubbed"])

    notes, drafts, scrubbed = db.write(scrub) if records else (0, 0, 0)
    detached = detach_deleted(
        db, "customer", run_id=erasure_id, at=at, by=by, records=everyone, model_version=ERASURE
    )
    if detached.entities:
        works_at.relink_around(
            db, settings.batch_size, "customer", detached.entities, run_id=erasure_id, at=at
        )
    report = ErasureReport(
        erasure_id if records else None, records,
        sorted(str(t["record_id"]) for t in targets if t["erased"]), detached.entities,
        detached.retired, notes, drafts, scrubbed, len(located),
    )  # fmt: skip
    log.info(
        "erasure %s (%s) by %s: %d records erased, %d customers left, %d retired, %d drafts, "
        "%d quarantined rows, %d quarantine lines", erasure_id, reference, by, len(records),
        len(detached.entities), detached.retired, drafts, scrubbed, len(located),
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


def _quarantined_rows(db: Database, wanted: set[str]) -> list[str]:
    """Ids of the quarantined rows that carry one of ``wanted`` as a whole field."""
    if not wanted:
        return []
    found = db.query(load_query("privacy/quarantined_rows_naming"), {"needles": sorted(wanted)})
    return [str(q["row_id"]) for q in found if quarantine.carries(q["raw"], q["reason"], wanted)]
