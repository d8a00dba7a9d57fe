"""Erasure requests (`marketgraph erase`, `erasePersonalData`) at 10k / 100k person records.

What is timed is `models.privacy.erase(db, settings, customer_id=...)`, one request at a time,
as a data-protection officer would send them, for people who each have a rejected row: find
the customer's records, erase their personal data, take their values out of the population
counts, scrub the quarantined rows (graph and files) that carry them, detach them from their
customer with a history entry and derive WORKS_AT again. What grows with the
population is the scan of quarantined rows and of the quarantine files (both hold the
rejected rows: 1% of each person export here); the rest is index seeks.

Baseline beside it: the same number of other people removed the way a deletion feed does it
(`deleted_records.csv` ingested, then `resolve --incremental`), which keeps their data but
detaches them — one batch, so its time per person is the batch's time over its people.

Beside both: as many other people with a rejected row erased through a source's erasure log
(`erasure_requests.csv`, one ticket per person, loaded with `IngestRun` and honoured by
`erase_requested`, as `marketgraph ingest` does) — the load, then the tickets honoured a page
at a time (one lock, one pass over the files and counts, a transaction per ticket).

Data: the demo generator's identity exports (seed 7, as bench/resolution_e2e_bench.py, whose
generated folders it reuses under --data-dir), plus 1% of each person export's rows again with
a phone that is no phone (quarantined). Setup (ingest, full resolution) is not timed.

Usage:
    python bench/erasure_bench.py --records 10k,100k --requests 40
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest_bench import MIB, PeakMemory, parse_size
from resolution_e2e_bench import PERSON_FILES, exports

from graph.db import Database
from graph.local_server import start, stop
from graph.local_server.testing import settings_for_tests
from graph.maintenance import delete_all_data
from graph.migrations import apply_migrations
from graph.settings import Settings
from ingestion.contracts import CONTRACTS
from ingestion.loader import IngestRun
from models.privacy import erase
from models.privacy.requested import erase_requested
from models.resolution import resolve

console = Console(width=200)


def bad_rows(full: Path, folder: Path, share: float = 0.01) -> Path:
    """Every (1 / share)-th row of each person export again, with a broken phone: rejected
    rows that carry real people's ids and addresses, as a messy export has."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    step = max(round(1 / share), 1)
    for name in PERSON_FILES:
        frame = pd.read_csv(full / name, dtype=str, keep_default_na=False).iloc[::step].copy()
        if "phone" in frame:
            frame["phone"] = "not-a-phone"
        else:  # no phone column: break the e-mail instead
            frame["email"] = "not-an-address"
        frame.to_csv(folder / name, index=False)
    return folder


def people(db: Database, count: int, skip: int, rejected: list[str] | None) -> list[dict[str, Any]]:
    """Active customers with their record ids, a deterministic sample of those with a record
    in ``rejected`` (their quarantined rows are scrubbed: the expensive case; None: anyone).
    Erased or deleted people's customers are retired, so a later call picks other people."""
    return db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WHERE $rejected IS NULL OR r.record_id IN $rejected "
        "WITH DISTINCT c ORDER BY c.customer_id SKIP $skip "
        "LIMIT $n MATCH (c)<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "RETURN c.customer_id AS customer, collect(r.record_id) AS records",
        {"n": count, "skip": skip, "rejected": rejected},
    )


def rejected_ids(folder: Path) -> list[str]:
    """The record ids of the rows ``bad_rows`` wrote."""
    ids = []
    for name in PERSON_FILES:
        contract = CONTRACTS[name.removesuffix(".csv")]
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        ids += [f"{contract.source_system}:{i}" for i in frame[contract.key_columns[0]]]
    return ids


def _export_rows(chosen: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(export, source id, customer) of every record of ``chosen``."""
    export_of = {
        CONTRACTS[t].source_system: t for t in (n.removesuffix(".csv") for n in PERSON_FILES)
    }
    return [(export_of[r.split(":", 1)[0]], r.split(":", 1)[1], str(c["customer"]))
            for c in chosen for r in c["records"]]  # fmt: skip


def erasure_log(
    db: Database, settings: Settings, chosen: list[dict[str, Any]], folder: Path
) -> float:
    """Seconds to erase ``chosen`` through a source's erasure log (`erasure_requests.csv`,
    one ticket per person): the load that flags their records, then `erase_requested`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = pd.DataFrame(_export_rows(chosen), columns=["source_type", "source_id", "reference"])
    log["requested_at"] = "2030-01-01T00:00:00Z"
    log["reference"] = "ticket-" + log["reference"]
    log[["source_type", "source_id", "requested_at", "reference"]].to_csv(
        folder / "erasure_requests.csv", index=False
    )
    started = time.perf_counter()
    IngestRun(db, settings).run([folder])
    done = erase_requested(db, settings)
    seconds = time.perf_counter() - started
    if done.failed or len(done.erasures) != len(chosen):
        raise RuntimeError(f"the erasure log was not honoured in full: {done.summary()}")
    return seconds


def deletion_baseline(
    db: Database, settings: Settings, chosen: list[dict[str, Any]], folder: Path
) -> float:
    """Seconds to remove ``chosen`` by a deletion feed plus an incremental run."""
    rows = [row[:2] for row in _export_rows(chosen)]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    feed = pd.DataFrame(rows, columns=["source_type", "source_id"])
    feed["deleted_at"], feed["reason"] = "2030-01-01T00:00:00Z", "bench"
    feed.to_csv(folder / "deleted_records.csv", index=False)
    started = time.perf_counter()
    IngestRun(db, settings).run([folder])
    resolve(db, settings, incremental=True)
    return time.perf_counter() - started


def bench_size(
    settings: Settings, size: str, args: argparse.Namespace, pid: int | None
) -> list[str]:
    full = exports(args.data_dir, parse_size(size), args.seed)
    rejects = bad_rows(full, args.data_dir / "erasure" / "bad")
    with Database.connect(settings) as db:
        delete_all_data(db)
        apply_migrations(db)
        shutil.rmtree(settings.quarantine_dir, ignore_errors=True)
        IngestRun(db, settings).run([full])
        IngestRun(db, settings).run([rejects])
        resolve(db, settings)
        records = db.query("MATCH (r:CustomerRecord) RETURN count(r) AS n")[0]["n"]
        quarantined = db.query("MATCH (q:QuarantinedRow) RETURN count(q) AS n")[0]["n"]
        rejected = rejected_ids(rejects)
        chosen = people(db, args.requests, skip=0, rejected=rejected)
        latencies, scrubbed = [], 0
        with PeakMemory(pid).watch() as peak:
            for person in chosen:
                started = time.perf_counter()
                report = erase(db, settings, customer_id=str(person["customer"]),
                               reference="bench", by="bench")  # fmt: skip
                latencies.append(time.perf_counter() - started)
                scrubbed += report.quarantined_rows
        logged = people(db, args.requests, skip=0, rejected=rejected)
        by_log = erasure_log(db, settings, logged, args.data_dir / "erasure" / "log")
        others = people(db, args.requests, skip=0, rejected=None)  # cost: not their rows
        baseline = deletion_baseline(db, settings, others, args.data_dir / "erasure" / "feed")
        if not args.keep:
            delete_all_data(db)
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return [
        size, f"{records:,}", f"{quarantined:,}", str(len(chosen)), f"{scrubbed:,}",
        f"{statistics.median(latencies) * 1000:.0f}", f"{p95 * 1000:.0f}",
        f"{60 / statistics.mean(latencies):.0f}", f"{peak.python / MIB:.0f}",
        f"{peak.neo4j / MIB:.0f}", f"{baseline:.1f}",
        f"{baseline / max(len(others), 1) * 1000:.0f}", str(len(logged)), f"{by_log:.1f}",
        f"{by_log / max(len(logged), 1) * 1000:.0f}",
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", default="10k,100k", help="person-record counts")
    parser.add_argument("--requests", type=int, default=40, help="erasures per size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--state-dir", type=Path, default=Path("/tmp/mg-erasure-bench"))
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/mg-bench-data"))
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--keep", action="store_true", help="keep the last graph for Browser")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for handler in logging.root.handlers:  # Splink's EM warnings on demo data
        handler.addFilter(lambda r: r.levelno >= logging.ERROR or not r.name.startswith("splink"))
    settings = settings_for_tests(args.state_dir, neo4j_heap=args.heap,
                                  neo4j_pagecache=args.pagecache)  # fmt: skip
    console.print(f"load average before: {os.getloadavg()}")
    stop(settings, timeout_s=60)
    info = start(settings)
    table = Table(
        "size", "person records", "quarantined rows", "erasures", "rows scrubbed",
        "p50 ms", "p95 ms", "erasures/min", "py peak MiB", "neo4j peak MiB",
        "baseline: feed + incremental s", "baseline ms / person",
        "log people", "erasure log: load + erase s", "log ms / person",
        title="erasure requests",
    )  # fmt: skip
    try:
        for size in args.records.split(","):
            table.add_row(*bench_size(settings, size.strip(), args, info.pid))
            console.print(table)
    finally:
        stop(settings, timeout_s=60)
    console.print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
