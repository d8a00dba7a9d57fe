"""Honour the erasure requests a source's erasure log brought in (`erasure_requests.csv`).

Why a second step after the load rather than inside it: an erasure holds the resolution lock
(a run in flight would write a record's blocking keys back) and rewrites quarantine files and
population counts, none of which an ingest may touch; and data flows one way, ingestion →
graph → models. So the load only flags each named record
(`cypher/ingest/erasure_requests.cypher`), and whoever loaded it — `marketgraph ingest`, the
refresh job's erase step, the API's ingest mutations — calls `erase_requested` straight after.
A flag that could not be honoured then (a resolution run held the lock) stays in the graph
until the next call or `marketgraph erase --requested`: a request is never lost.

One (:ErasureRequest) per reference and ingest run, so each ticket in the log has its own
proof; a page of tickets is erased in one pass (one lock, one search and one rewrite of the
quarantine files, one update of the population counts), each ticket in its own transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import JobBusyError
from graph.settings import Settings
from models.privacy.erasure import ErasureReport, Request, erase_each

log = logging.getLogger(__name__)

#: Flagged records read per round: a log of a few thousand requests is honoured in rounds, each
#: a bounded transaction per reference.
PAGE = 500


@dataclass
class RequestedErasures:
    """What one pass over the flagged requests did."""

    erasures: list[ErasureReport] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # reference -> what stopped it
    waiting: int = 0  # flags left (busy lock, or a failed request)

    @property
    def honoured(self) -> int:
        """Requests recorded now: they erased records, or covered records an earlier erasure
        took (a second ticket for them), or scrubbed rows loaded since; a ticket honoured
        before and sent again is not counted twice."""
        return sum(1 for e in self.erasures if e.erasure_id is not None)

    @property
    def records(self) -> int:
        """Records erased now or found erased already."""
        return sum(len(e.records) + len(e.already_erased) for e in self.erasures)

    def summary(self) -> str:
        """One line for a CLI, a job step or a log."""
        text = f"{self.honoured} erasure request(s) honoured, {self.records} record(s)"
        if self.failed:
            text += "; not honoured yet: " + "; ".join(f"{r}: {e}" for r, e in self.failed.items())
        if self.waiting:
            text += f"; {self.waiting} flagged record(s) wait (`marketgraph erase --requested`)"
        return text


def pending(db: Database, limit: int = PAGE) -> list[dict[str, str]]:
    """The tickets waiting on up to ``limit`` flagged records, oldest request first; a record
    two tickets name gives two rows."""
    rows = db.query(load_query("privacy/requested_erasures"), {"limit": limit})
    return [{k: str(v) if v is not None else "" for k, v in r.items()} for r in rows]


def waiting(db: Database) -> int:
    """How many flagged records wait to be erased."""
    rows = db.query(load_query("privacy/count_requested_erasures"))
    return int(rows[0]["waiting"]) if rows else 0


def erase_requested(db: Database, settings: Settings) -> RequestedErasures:
    """Erase every record an erasure log flagged, one request per (reference, ingest run).

    A page of requests is honoured in one pass (``erase_each``); one that cannot be (a flag an
    older version left with a reference too long, say) is reported in ``failed`` and its flags
    wait, while the others go ahead. A record two tickets name is erased by the first and
    covered by the second (both recorded); its flags go only when both went through. Stops,
    leaving the flags, when the resolution lock is held (JobBusyError is reported in
    ``failed``, not raised: the load that called this succeeded, and the request waits).
    """
    done = RequestedErasures()
    stuck: set[str] = set()
    while True:
        rows = [r for r in pending(db, PAGE + len(stuck)) if r["record_id"] not in stuck]
        if not rows:
            break
        page = set(list(dict.fromkeys(r["record_id"] for r in rows))[:PAGE])
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in (r for r in rows if r["record_id"] in page):
            groups[(row["reference"].strip() or "erasure log", row["run_id"])].append(
                row["record_id"]
            )
        names = [f"{reference} (ingest run {run_id})" for reference, run_id in groups]
        requests = [
            Request(
                reference, f"erasure log (ingest run {run_id})" if run_id else "erasure log",
                record_ids=tuple(records),
            )
            for (reference, run_id), records in groups.items()
        ]  # fmt: skip
        refused: dict[int, str] = {}
        try:
            done.erasures += erase_each(db, settings, requests, refused)
        except JobBusyError as exc:
            done.failed["the erasure log"] = str(exc)
            done.waiting = waiting(db)
            return done
        for i, reason in refused.items():
            log.warning("erasure request %s not honoured: %s", names[i], reason)
            done.failed[names[i]] = reason
            stuck.update(requests[i].record_ids)
        honoured = [
            r for i, q in enumerate(requests) if i not in refused
            for r in q.record_ids if r not in stuck
        ]  # fmt: skip
        db.query(load_query("privacy/clear_erasure_requests"), {"record_ids": honoured}, write=True)
    done.waiting = len(stuck)
    return done
