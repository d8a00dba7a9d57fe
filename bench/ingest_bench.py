"""Ingest benchmark: marketgraph's loader beside one-write-per-row and Neo4j's own LOAD CSV.

For each size (interactions; the demo generator makes ~N interactions from N/10 customers, plus
their person records, accounts, order lines, products, campaigns and content) it runs, each in a
clean database on a dedicated Neo4j under --state-dir (never your .marketgraph data):

  (a) marketgraph  `IngestRun(...).run([dir])`, end to end: contracts, mapping, writes;
  (b) per-row      the same write path with one row per transaction, on a capped sample of
                   interaction rows (labelled "sampled"), as rows/s;
  (c) LOAD CSV     the rows (a) sends (same contracts + mapping), written to CSV in the server's
                   import folder, loaded with `cypher/bench/load_csv_*.cypher`
                   (`LOAD CSV ... CALL {...} IN TRANSACTIONS`); the few hundred product,
                   campaign and content rows are loaded by marketgraph first, untimed.

and prints wall time, write-only time, interactions/s, rows/s and peak memory (Python RSS and
the Neo4j server's RSS). Figures are only trustworthy on an otherwise idle machine; the load
average is printed with the table.

    python bench/ingest_bench.py                       # 10k, 100k and 1M
    python bench/ingest_bench.py --sizes 10k,100k      # a quicker run
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.local_server import start, stop
from graph.local_server.config import local_paths
from graph.local_server.testing import settings_for_tests
from graph.maintenance import delete_all_data
from graph.migrations import apply_migrations
from graph.settings import Settings
from ingestion.demo_data import generate
from ingestion.loader import IngestRun, discover_files, row_hashes
from ingestion.mapping import MAPPINGS
from ingestion.readers import detect_source_type, read_and_validate
from ingestion.writer import Row, frame_to_rows, write_batch

# Wide enough for the table when piped to a file (rich wraps at 80 columns otherwise).
console = Console(width=None if Console().is_terminal else 200)
EVENT_QUERY = "ingest/interactions"
#: Query families LOAD CSV loads (in this order); the rest is loaded by marketgraph, untimed.
LOAD_CSV_FAMILIES = {
    "ingest/account_records": "bench/load_csv_account_records",
    "ingest/customer_records": "bench/load_csv_customer_records",
    "ingest/interactions": "bench/load_csv_interactions",
    "ingest/order_lines": "bench/load_csv_order_lines",
}
MIB = 2**20


@dataclass
class Result:
    size: str
    method: str
    interactions: int
    rows: int
    wall_s: float
    write_s: float
    interactions_per_s: float  # write-only: Neo4j time for the interaction rows
    rows_per_s: float  # end to end: all rows / wall
    py_rss_mib: float = 0.0
    neo4j_rss_mib: float = 0.0
    note: str = ""


@dataclass
class PeakMemory:
    """Peak RSS of this process and of the Neo4j server, sampled every 0.2 s in a thread."""

    server_pid: int | None
    python: int = 0
    neo4j: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        me = psutil.Process()
        server = psutil.Process(self.server_pid) if self.server_pid else None
        while not self._stop.is_set():
            self.python = max(self.python, me.memory_info().rss)
            if server is not None:
                self.neo4j = max(self.neo4j, server.memory_info().rss)
            self._stop.wait(0.2)

    @contextmanager
    def watch(self) -> Iterator[PeakMemory]:
        thread = threading.Thread(target=self._sample, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()

    def fill(self, result: Result) -> Result:
        result.py_rss_mib, result.neo4j_rss_mib = self.python / MIB, self.neo4j / MIB
        return result


def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '2500' -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def demo_data(root: Path, label: str, interactions: int, seed: int) -> Path:
    """The demo exports for ~`interactions` interactions, generated once and reused."""
    out = root / f"{label}-seed{seed}"
    if not (out / "manifest.json").is_file():
        with console.status(f"generating demo data for {label} interactions in {out}"):
            generate(out, customers=max(interactions // 10, 10), seed=seed, bad_row_rate=0)
    return out


def clean(db: Database) -> None:
    """An empty data graph with the schema in place."""
    delete_all_data(db)
    apply_migrations(db)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description:<36}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
    )  # fmt: skip


# --- (a) marketgraph --------------------------------------------------------------------------


def run_marketgraph(
    db: Database, settings: Settings, data: Path, label: str, pid: int | None, writers: int
) -> Result:
    clean(db)
    memory = PeakMemory(pid)
    with progress_bar() as bar, memory.watch():
        tasks: dict[str, Any] = {}

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"(a) {name}", total=total)
            bar.update(tasks[name], completed=done)

        started = time.perf_counter()
        report = IngestRun(db, settings, writers=writers).run([data], progress)
        wall = time.perf_counter() - started
    events = [f for f in report.files if MAPPINGS[f.source_type].query == EVENT_QUERY]
    interactions = sum(f.loaded for f in events)
    rows = report.total("loaded")
    return memory.fill(Result(
        label, "(a) marketgraph ingest", interactions, rows, wall,
        sum(f.write_seconds for f in report.files),
        interactions / sum(f.write_seconds for f in events), rows / wall,
        note=f"wall incl. contracts + mapping; {writers} writers, batch {settings.batch_size}",
    ))  # fmt: skip


# --- shared: the rows (a) sends ---------------------------------------------------------------


def mapped_rows(data: Path) -> dict[str, list[Row]]:
    """Per query family, the rows marketgraph's ingest sends (same contracts and mapping)."""
    families: dict[str, list[Row]] = {}
    files, _ = discover_files([data])
    for path in files:
        source_type = detect_source_type(path)
        mapping = MAPPINGS[source_type]
        frame = mapping.build(read_and_validate(path, source_type).valid)
        frame["row_hash"] = row_hashes(frame)
        frame["source_system"] = mapping.source_system
        families.setdefault(mapping.query, []).extend(frame_to_rows(frame))
    return families


# --- (b) one write per row --------------------------------------------------------------------


def run_per_row(
    db: Database, label: str, events: list[Row], sample: int, pid: int | None
) -> Result:
    clean(db)
    rows = random.Random(7).sample(events, min(sample, len(events)))
    memory = PeakMemory(pid)
    run_id, seen_at = f"bench-per-row-{label}", datetime.now(UTC)
    with progress_bar() as bar, memory.watch():
        task = bar.add_task("(b) one transaction per row", total=len(rows))
        started = time.perf_counter()
        for row in rows:
            write_batch(db, EVENT_QUERY, [row], run_id, seen_at)
            bar.advance(task)
        wall = time.perf_counter() - started
    rate = len(rows) / wall
    return memory.fill(Result(
        label, "(b) one write per row", len(rows), len(rows), wall, wall, rate, rate,
        note=f"SAMPLED: {len(rows):,} interaction rows; write only",
    ))  # fmt: skip


# --- (c) LOAD CSV -----------------------------------------------------------------------------


def write_csv(path: Path, rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)  # None -> empty field -> null in LOAD CSV


def run_load_csv(
    db: Database, settings: Settings, data: Path, label: str, pid: int | None, batch: int
) -> Result:
    clean(db)
    import_dir = local_paths(settings).import_dir
    small = [p for p in discover_files([data])[0]
             if MAPPINGS[detect_source_type(p)].query not in LOAD_CSV_FAMILIES]  # fmt: skip
    IngestRun(db, settings).run(small)  # products, campaigns, content: untimed set-up
    memory = PeakMemory(pid)
    with memory.watch():
        started = time.perf_counter()
        with console.status(f"(c) {label}: contracts + mapping -> CSV in {import_dir}"):
            families = mapped_rows(data)
            csv_files: dict[str, int] = {}
            for query in LOAD_CSV_FAMILIES:
                rows = families.get(query, [])
                if rows:
                    write_csv(import_dir / f"{query.split('/')[-1]}.csv", rows)
                    csv_files[query] = len(rows)
        writing = time.perf_counter()
        run_id, seen_at = f"bench-load-csv-{label}", datetime.now(UTC)
        seconds: dict[str, float] = {}
        for query, count in csv_files.items():
            began = time.perf_counter()
            with console.status(f"(c) {label}: LOAD CSV {count:,} rows ({query})"):
                db.run_autocommit(
                    load_query(LOAD_CSV_FAMILIES[query]),
                    {"url": f"file:///{query.split('/')[-1]}.csv", "run_id": run_id,
                     "seen_at": seen_at, "batch": batch},
                )  # fmt: skip
            seconds[query] = time.perf_counter() - began
        wall = time.perf_counter() - started
        write_s = time.perf_counter() - writing
    for query in csv_files:
        (import_dir / f"{query.split('/')[-1]}.csv").unlink(missing_ok=True)
    interactions, total = csv_files.get(EVENT_QUERY, 0), sum(csv_files.values())
    return memory.fill(Result(
        label, "(c) LOAD CSV IN TRANSACTIONS", interactions, total, wall, write_s,
        interactions / seconds[EVENT_QUERY] if interactions else 0.0, total / wall,
        note=f"wall incl. contracts + mapping + CSV files; tx {batch}",
    ))  # fmt: skip


# --- main -------------------------------------------------------------------------------------


def warm_up(db: Database, settings: Settings, root: Path, seed: int, batch: int) -> None:
    """Plan every query and warm the JVM once on tiny data, so no size pays for it alone."""
    data = demo_data(root, "warm-up-1k", 1_000, seed)
    with console.status("warming up (query planning, JIT) on 1k interactions"):
        run_marketgraph(db, settings, data, "warm-up", None, 2)
        run_load_csv(db, settings, data, "warm-up", None, batch)


def table(results: list[Result], title: str) -> Table:
    out = Table(title=title)
    columns = [
        "size",
        "method",
        "interactions",
        "rows",
        "wall s",
        "write s",
        "interactions/s (write)",
        "rows/s (wall)",
        "py RSS MiB",
        "neo4j RSS MiB",
        "note",
    ]
    for name in columns:
        out.add_column(name, justify="left" if name in ("size", "method", "note") else "right")
    for r in results:
        out.add_row(
            r.size, r.method, f"{r.interactions:,}", f"{r.rows:,}", f"{r.wall_s:,.1f}",
            f"{r.write_s:,.1f}", f"{r.interactions_per_s:,.0f}", f"{r.rows_per_s:,.0f}",
            f"{r.py_rss_mib:,.0f}", f"{r.neo4j_rss_mib:,.0f}", r.note,
        )  # fmt: skip
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="10k,100k,1M",
        help="interaction counts to run, comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--methods",
        default="a,b,c",
        help="which of (a) marketgraph, (b) per-row, (c) LOAD CSV to run (default: %(default)s)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path("/tmp/mg-bench"),
        help="the dedicated Neo4j's state dir; its data is wiped (default: %(default)s)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("/tmp/mg-bench-data"),
        help="where generated demo exports are kept and reused (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=7, help="demo data seed (default: %(default)s)")
    parser.add_argument(
        "--sample",
        type=int,
        default=3_000,
        help="rows for the one-write-per-row baseline (default: %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=10_000,
        help="rows per transaction for (a) and (c) (default: %(default)s)",
    )
    parser.add_argument(
        "--writers",
        type=int,
        default=2,
        help="concurrent write sessions for (a) (default: %(default)s)",
    )
    parser.add_argument("--heap", default="4g", help="Neo4j heap (default: %(default)s)")
    parser.add_argument("--pagecache", default="2g", help="Neo4j page cache (default: %(default)s)")
    parser.add_argument(
        "--keep-server", action="store_true", help="leave the dedicated Neo4j running afterwards"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    sizes = [(label.strip(), parse_size(label)) for label in args.sizes.split(",") if label.strip()]
    methods = {m.strip().lower() for m in args.methods.split(",")}
    settings = settings_for_tests(
        args.state_dir, neo4j_heap=args.heap, neo4j_pagecache=args.pagecache,
        batch_size=args.batch_size,
    )  # fmt: skip
    load_before = os.getloadavg()
    started = time.perf_counter()
    with console.status(f"starting a dedicated Neo4j under {args.state_dir}"):
        stop(settings, timeout_s=60)  # one left by an interrupted run listens on other ports
        info = start(settings)
    results: list[Result] = []
    try:
        with Database.connect(settings) as db:
            warm_up(db, settings, args.data_dir, args.seed, args.batch_size)
            for label, size in sizes:
                data = demo_data(args.data_dir, label, size, args.seed)
                pid = info.pid
                if "a" in methods:
                    results.append(run_marketgraph(db, settings, data, label, pid, args.writers))
                    console.print(table(results[-1:], f"{label}: (a) done"))
                if "c" in methods:
                    results.append(run_load_csv(db, settings, data, label, pid, args.batch_size))
                    console.print(table(results[-1:], f"{label}: (c) done"))
                if "b" in methods:
                    with console.status(f"(b) {label}: mapping rows for the per-row sample"):
                        events = mapped_rows(data).get(EVENT_QUERY, [])
                    results.append(run_per_row(db, label, events, args.sample, pid))
            clean(db)
    finally:
        if not args.keep_server:
            with console.status("stopping the dedicated Neo4j"):
                stop(settings, timeout_s=60)
    load_after = os.getloadavg()
    console.print(table(results, "marketgraph ingest benchmark"))
    console.print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; "
        f"Neo4j {settings.neo4j_version} heap {args.heap} page cache {args.pagecache}; "
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); "
        f"total wall time {time.perf_counter() - started:,.0f} s"
    )


if __name__ == "__main__":
    main()
