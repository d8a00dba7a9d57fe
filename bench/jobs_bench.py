"""Refresh job vs a full re-run: what `marketgraph jobs run refresh` costs on a quiet day and when
new exports arrive, beside what a user does without it (ingest + full `resolve` + `score`).

Per --customers N, on a dedicated Neo4j under --state-dir (never your .marketgraph data), the
demo company (seed 7, no bad rows) is split in two. Batch 2 = the events and orders of the last
--new-days days (order lines follow their orders), the person records whose first sign of life
(created/subscribed/first-seen date, or first event) is in that window, and content published
in it; batch 1 = the rest (accounts, catalogue, campaigns whole), so it never refers to a person
who only arrives in batch 2. Batch-2 files are `<source>.batch2.<ext>` (same source to the loader).

  initial load   batch 1 in the inbox: ingest, full resolve, `train` (the first model serves and
                 scores everyone; GNN epochs = --epochs), embed content. The state dir is then
                 copied (server stopped); the two paths below each start from the copy.
  quiet refresh  `run_job(refresh)` --quiet-runs times, nothing new; runs whose ingest step
                 (re-)loaded files are reported apart from runs that skipped everything.
  refresh (job)  batch 2 copied into the inbox, one `run_job(refresh)`.
  full re-run    what a user runs by hand: `IngestRun.run([inbox])` (batch-1 files are read and
                 hashed, found loaded and skipped, so both paths load exactly the batch-2 rows),
                 full `resolve`, `score` with the serving model, embed content without vectors.
  Both paths first get the same untimed warm-up after the restart: a forced re-ingest of batch 1
  (rows carry content hashes: nothing is rewritten) and a graph export.

Columns: wall s = the phase's wall time (a refresh's includes `run_job`'s lock and (:JobRun)
writes; quiet refreshes: p50 and p95 of each group); ingest/resolve/score/embed s = step seconds
(refresh: from its JobRunReport; quiet: medians; initial load: score = `train`, which scores
everyone with the first model); rows loaded = valid rows of the files ingest did not skip;
rows/s = rows loaded / wall s; py / neo4j MiB = peak RSS of this process and of Neo4j during the
phase (0.2 s samples); note = step statuses, serving model, skipped files, the baseline's score
split. The summary adds, per size: active customers, person records resolved and RECOMMENDED
edges of the serving version at the end of each path, and the person records whose cluster (the
records sharing their customer) differs between the two (incremental vs full resolution; the
full run also retrains the match model); full / job = wall time ratio.

    python bench/jobs_bench.py                                   # 2,000 and 10,000 people
    python bench/jobs_bench.py --customers 100000 --quiet-runs 4
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
from rich.console import Console
from rich.table import Table

from api.jobs import JobRunReport, run_job
from graph.db import Database
from graph.local_server import start, stop
from graph.local_server.testing import settings_for_tests
from graph.migrations import apply_migrations
from graph.settings import Settings
from ingestion.demo_data import generate
from ingestion.loader import IngestReport, IngestRun
from models.copy.embeddings import MiniLMEmbeddings, refresh_embeddings
from models.linkpred import export_graph, score, train
from models.resolution import resolve

console = Console(width=None if Console().is_terminal else 220)
STEPS = ("ingest", "resolve", "score", "embed")
EVENTS = {  # event file → (time column, person file, person key)
    "email_events.jsonl": ("occurred_at", "email_subscribers.csv", "subscriber_id"),
    "web_events.parquet": ("occurred_at", "web_visitors.csv", "visitor_id"),
    "ads_clicks.csv": ("clicked_at", "web_visitors.csv", "visitor_id"),
    "shop_orders.csv": ("ordered_at", "shop_customers.csv", "customer_id"),
    "crm_calls.csv": ("occurred_at", "crm_contacts.csv", "contact_id"),
}
PEOPLE = {  # person file → (key, creation time column)
    "crm_contacts.csv": ("contact_id", "created_at"),
    "shop_customers.csv": ("customer_id", "created_at"),
    "email_subscribers.csv": ("subscriber_id", "subscribed_at"),
    "web_visitors.csv": ("visitor_id", "first_seen_at"),
}


@dataclass
class Phase:
    name: str
    wall: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)
    rows: int = 0
    py_mib: float = 0.0
    neo4j_mib: float = 0.0
    note: str = ""


@dataclass
class SizeResult:
    customers: int
    phases: list[Phase] = field(default_factory=list)
    checks: dict[str, dict[str, int]] = field(default_factory=dict)
    differing: int = 0
    load: tuple[float, float] = (0.0, 0.0)

    def phase(self, prefix: str) -> Phase | None:
        return next((p for p in self.phases if p.name.startswith(prefix)), None)


def _read(path: Path) -> pd.DataFrame:
    """Every value as exported; JSONL keeps its raw lines in `_line` so they are written back."""
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return pd.DataFrame.from_records([json.loads(x) for x in lines]).assign(_line=lines)
    return pd.read_parquet(path)


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".jsonl":
        path.write_text("".join(f"{line}\n" for line in frame["_line"]), encoding="utf-8")
    else:
        frame.to_parquet(path, index=False)


def _when(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), utc=True, format="ISO8601")


def split_exports(full: Path, out: Path, days: int) -> dict[str, int]:
    """Write batch1/ and batch2/ under `out` (see the module docstring); batch-2 row counts."""
    names = [p.name for p in sorted(full.iterdir()) if p.suffix in (".csv", ".jsonl", ".parquet")]
    frames = {n: _read(full / n) for n in names if n != "ground_truth.csv"}
    end = max(_when(frames[n][col]).max() for n, (col, _, _) in EVENTS.items())
    cut = end.floor("D") + pd.Timedelta(days=1 - days)
    new = {n: _when(frames[n][col]) >= cut for n, (col, _, _) in EVENTS.items()}
    for person, (key, created) in PEOPLE.items():
        first = _when(frames[person][created]).set_axis(frames[person][key])
        for name, (col, file, ref) in EVENTS.items():
            if file == person:  # the earliest of creation and first event, per record
                seen = _when(frames[name][col]).groupby(frames[name][ref].to_numpy()).min()
                first = pd.concat([first, seen]).groupby(level=0).min()
        new[person] = frames[person][key].map(first) >= cut
    orders = frames["shop_orders.csv"]["order_id"][new["shop_orders.csv"]]
    new["shop_order_lines.csv"] = frames["shop_order_lines.csv"]["order_id"].isin(orders)
    cited = {c for n in ("email_events.jsonl", "web_events.parquet")
             for c in frames[n]["content_id"][~new[n]].dropna()}  # fmt: skip
    content = frames["content.jsonl"]
    new["content.jsonl"] = (_when(content["published_at"]) >= cut) & ~content["content_id"].isin(
        cited
    )
    counts = {"cut": int(cut.timestamp())}
    for batch in ("batch1", "batch2"):
        (out / batch).mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        mask = new[name].to_numpy(dtype=bool) if name in new else np.zeros(len(frame), bool)
        _write(frame[~mask], out / "batch1" / name)
        if mask.any():
            stem, ext = name.split(".", 1)
            _write(frame[mask], out / "batch2" / f"{stem}.batch2.{ext}")
            counts[name] = int(mask.sum())
    return counts


def demo_batches(root: Path, customers: int, days: int) -> tuple[Path, Path, dict[str, int]]:
    """The demo exports for `customers` people split in two, generated once and reused."""
    out = root / f"jobs-{customers}-seed7-{days}d"
    if not (out / "split.json").is_file():
        with console.status(f"generating and splitting demo data for {customers:,} people"):
            generate(out / "full", customers=customers, seed=7, bad_row_rate=0.0)
            (out / "split.json").write_text(json.dumps(split_exports(out / "full", out, days)))
    return out / "batch1", out / "batch2", json.loads((out / "split.json").read_text())


def graph_state(db: Database) -> tuple[dict[str, int], pd.Series]:
    """Counts to compare, and each person record's cluster (frozenset of its records)."""
    counts = db.query(
        "CALL () { MATCH (c:Customer {status: 'active'}) RETURN count(c) AS customers } "
        "CALL () { MATCH (m:ModelVersion {task: 'cross_sell', serving: true}) MATCH ()-[r:"
        "RECOMMENDED {model_version: m.version}]->() RETURN count(r) AS recommended } "
        "RETURN customers, recommended"
    )[0]
    rows = db.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c:Customer) "
        "RETURN r.record_id AS record, c.customer_id AS customer"
    )
    links = pd.DataFrame(rows, columns=["record", "customer"])
    counts["resolved"] = len(links)
    clusters = links.groupby("customer")["record"].agg(frozenset)
    return dict(counts), links.set_index("record")["customer"].map(clusters)


@contextmanager
def measured(phases: list[Phase], name: str, pid: int | None) -> Iterator[Phase]:
    """Time a phase and sample peak RSS of this process and of Neo4j every 0.2 s."""
    phase, done, peaks, started = Phase(name), threading.Event(), [0, 0], time.perf_counter()

    def sample() -> None:
        processes = [psutil.Process(), *([psutil.Process(pid)] if pid else [])]
        while not done.is_set():
            for i, process in enumerate(processes):
                peaks[i] = max(peaks[i], process.memory_info().rss)
            done.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield phase
    finally:
        done.set()
        thread.join()
    phase.wall = time.perf_counter() - started
    phase.py_mib, phase.neo4j_mib = peaks[0] / 2**20, peaks[1] / 2**20
    phases.append(phase)


def timed(phase: Phase, step: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = fn()
    phase.steps[step] = time.perf_counter() - started
    return result


def ingest(db: Database, settings: Settings, folder: Path, force: bool = False) -> IngestReport:
    """What `marketgraph ingest FOLDER` does (the job's ingest step also applies migrations)."""
    apply_migrations(db)
    return IngestRun(db, settings, force=force).run([folder])


def embed_missing(db: Database, settings: Settings) -> int:  # = `marketgraph copy embed`
    return refresh_embeddings(db, MiniLMEmbeddings(settings.copy_embed_batch_size))


def restart(settings: Settings, snapshot: Path, restore: bool) -> int | None:
    """Stop the server; copy the state dir aside (or restore it from the copy); start again."""
    stop(settings, timeout_s=60)
    if restore:
        shutil.rmtree(settings.state_dir)
    source, target = (snapshot, settings.state_dir)[:: 1 if restore else -1]
    shutil.copytree(source, target)
    return start(settings).pid


def initial_load(db: Database, settings: Settings, phases: list[Phase], pid: int | None) -> None:
    with measured(phases, "initial load (batch 1)", pid) as p:
        loaded = timed(p, "ingest", lambda: ingest(db, settings, settings.inbox_dir))
        timed(p, "resolve", lambda: resolve(db, settings, by="jobs_bench"))
        trained = timed(p, "score", lambda: train(db, settings)).trained
        timed(p, "embed", lambda: embed_missing(db, settings))
    p.rows = loaded.total("loaded")
    p.note = f"serving {trained.cross_sell.name} ({settings.linkpred_epochs} GNN epochs)"


def quiet_refreshes(db: Database, settings: Settings, phases: list[Phase], runs: int) -> None:
    """Time `runs` refreshes with nothing new; runs that (re-)loaded files are grouped apart."""
    quiet: list[tuple[float, JobRunReport]] = []
    for i in range(runs):
        with console.status(f"quiet refresh {i + 1}/{runs}"):
            started = time.perf_counter()
            report = run_job(db, settings, "refresh", by="jobs_bench")
            quiet.append((time.perf_counter() - started, report))
    for label, reloaded in (("all skipped", False), ("re-loaded files", True)):
        group = [(i, w, r) for i, (w, r) in enumerate(quiet, 1)
                 if (r.steps[0].counts.get("new_files", 0) > 0) == reloaded]  # fmt: skip
        for q in (50, 95) if group else ():
            phase = Phase(f"quiet refresh p{q}, {label}", np.percentile([g[1] for g in group], q))
            steps = [s for _, _, r in group for s in r.steps]
            phase.steps = {n: statistics.median(s.seconds for s in steps if s.name == n)
                           for n in STEPS}  # fmt: skip
            phase.rows = int(statistics.median(r.steps[0].counts["loaded"] for *_, r in group))
            statuses = ", ".join(f"{s.name} {s.status}" for s in group[0][2].steps)
            phase.note = f"runs {[g[0] for g in group]} of {runs}: {statuses}"
            phases.append(phase)


def job_refresh(db: Database, settings: Settings, phases: list[Phase], pid: int | None) -> None:
    with measured(phases, "refresh, batch 2 (job)", pid) as p:
        report = run_job(db, settings, "refresh", by="jobs_bench")
    p.steps = {s.name: s.seconds for s in report.steps}
    p.rows = report.steps[0].counts.get("loaded", 0)
    p.note = ", ".join(f"{s.name} {s.status}" for s in report.steps)
    p.note += f"; error: {report.error}" if report.error else ""


def full_rerun(db: Database, settings: Settings, phases: list[Phase], pid: int | None) -> None:
    with measured(phases, "full re-run, batch 2 (baseline)", pid) as p:
        loaded = timed(p, "ingest", lambda: ingest(db, settings, settings.inbox_dir))
        timed(p, "resolve", lambda: resolve(db, settings, by="jobs_bench"))
        serving = db.query(
            "MATCH (m:ModelVersion {task: 'cross_sell', serving: true}) RETURN m.training_run"
        )[0]["m.training_run"]
        scored = timed(p, "score", lambda: score(db, settings, serving))
        embedded = timed(p, "embed", lambda: embed_missing(db, settings))
    p.rows = loaded.total("loaded")
    skipped = sum(f.status == "skipped" for f in loaded.files)
    p.note = (
        f"{skipped} of {len(loaded.files)} files skipped by hash; score = model "
        f"{scored.score_seconds:.1f} s + write-back {scored.write_seconds:.1f} s; "
        f"{embedded} embedded"
    )


def run_size(customers: int, args: argparse.Namespace) -> SizeResult:
    batch1, batch2, split = demo_batches(args.data_dir, customers, args.new_days)
    cut = datetime.fromtimestamp(split.pop("cut"), UTC)
    console.print(f"[bold]{customers:,} people[/]: batch 2 (from {cut:%Y-%m-%d}) = {split}")
    state, inbox, snapshot = (args.state_dir / f"n{customers}{x}" for x in ("", "-in", "-copy"))
    settings = settings_for_tests(
        state, neo4j_heap=args.heap, neo4j_pagecache=args.pagecache, jobs_inbox_dir=inbox,
        linkpred_epochs=args.epochs,
    )  # fmt: skip
    for folder in (state, inbox, snapshot):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(batch1, inbox)
    result = SizeResult(customers, load=(os.getloadavg()[0], 0.0))
    pid, states = start(settings).pid, []
    try:
        with Database.connect(settings) as db:
            initial_load(db, settings, result.phases, pid)
        pid = restart(settings, snapshot, restore=False)
        with Database.connect(settings) as db:
            quiet_refreshes(db, settings, result.phases, args.quiet_runs)
        for path in (job_refresh, full_rerun):  # each from the copy, after the same warm-up
            pid = restart(settings, snapshot, restore=True)
            with Database.connect(settings) as db, console.status(f"warm-up, {path.__name__}"):
                ingest(db, settings, batch1, force=True)
                export_graph(db)
                for file in batch2.iterdir():
                    shutil.copy(file, inbox / file.name)
                path(db, settings, result.phases, pid)
                states.append(graph_state(db))
    finally:
        stop(settings, timeout_s=60)
        shutil.rmtree(snapshot, ignore_errors=True)
    (job_counts, job_clusters), (full_counts, full_clusters) = states
    both = job_clusters.index.intersection(full_clusters.index)
    result.differing = int((job_clusters[both] != full_clusters[both]).sum())
    result.checks = {"refresh (job)": job_counts, "full re-run": full_counts}
    result.load = (result.load[0], os.getloadavg()[0])
    return result


def size_table(result: SizeResult) -> Table:
    load = f"load average {result.load[0]:.2f} → {result.load[1]:.2f}"
    table = Table(title=f"{result.customers:,} people ({load})")
    columns = ["phase", "wall s", *(f"{s} s" for s in STEPS), "rows loaded", "rows/s"]
    for column in [*columns, "py MiB", "neo4j MiB", "note"]:
        table.add_column(column, justify="left" if column in ("phase", "note") else "right")
    for p in result.phases:
        steps = (f"{p.steps[s]:.2f}" if s in p.steps else "" for s in STEPS)
        rate = f"{p.rows / p.wall:,.0f}" if p.rows else ""
        memory = (f"{p.py_mib:,.0f}", f"{p.neo4j_mib:,.0f}") if p.py_mib else ("", "")
        table.add_row(p.name, f"{p.wall:.2f}", *steps, f"{p.rows:,}", rate, *memory, p.note)
    return table


def summary_cells(r: SizeResult) -> dict[str, str]:
    job, full, checks = r.phase("refresh"), r.phase("full"), list(r.checks.values())
    assert job is not None and full is not None
    peaks = [max(getattr(p, k) for p in r.phases) for k in ("py_mib", "neo4j_mib")]

    def pair(a: float, b: float, digits: int = 1) -> str:
        return f"{a:,.{digits}f} / {b:,.{digits}f}"

    def both(key: str) -> str:
        return pair(checks[0][key], checks[1][key], 0)

    def quiet(label: str) -> str:
        p50, p95 = r.phase(f"quiet refresh p50, {label}"), r.phase(f"quiet refresh p95, {label}")
        return pair(p50.wall, p95.wall, 2) if p50 and p95 else "none"

    return {
        "person records resolved (job / full)": both("resolved"),
        "active customers (job / full)": both("customers"),
        "records in a different cluster": f"{r.differing:,}",
        "RECOMMENDED (job / full)": both("recommended"),
        "quiet refresh p50 / p95 s, all skipped": quiet("all skipped"),
        "quiet refresh p50 / p95 s, re-loaded files": quiet("re-loaded files"),
        "batch-2 rows loaded": f"{job.rows:,}",
        "wall s (job / full re-run)": pair(job.wall, full.wall),
        "full / job": f"{full.wall / job.wall:.2f}x",
        **{f"{s} s (job / full)": pair(job.steps[s], full.steps[s]) for s in STEPS},
        "rows/s (job / full)": pair(job.rows / job.wall, full.rows / full.wall, 0),
        "peak py / neo4j MiB": pair(peaks[0], peaks[1], 0),
        "load average before → after": f"{r.load[0]:.2f} → {r.load[1]:.2f}",
    }


def summary_table(results: list[SizeResult]) -> Table:
    table = Table(title="refresh job vs full re-run, side by side")
    table.add_column("measure")
    for r in results:
        table.add_column(f"{r.customers:,} people", justify="right")
    cells = [summary_cells(r) for r in results]
    for label in cells[0]:
        table.add_row(label, *(c[label] for c in cells))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--customers", type=int, nargs="+", default=[2_000, 10_000], help="demo people per size")
    add("--new-days", type=int, default=7, help="days of data at the end that form batch 2")
    add("--quiet-runs", type=int, default=10, help="quiet refreshes timed")
    add("--epochs", type=int, default=10, help="GNN epochs of the initial `train` "
        "(MARKETGRAPH_LINKPRED_EPOCHS, normally 60; training is not what is measured)")  # fmt: skip
    add("--state-dir", type=Path, default=Path("/tmp/mg-jobsbench"), help="Neo4j state (wiped)")
    add("--data-dir", type=Path, default=Path("/tmp/mg-bench-data"), help="demo exports, reused")
    add("--heap", default="2g", help="Neo4j heap")
    add("--pagecache", default="1g", help="Neo4j page cache")
    for action in parser._actions[1:]:
        action.help = f"{action.help} (default: %(default)s)"
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for handler in logging.root.handlers:  # EM warnings of splink on the demo accounts
        handler.addFilter(lambda r: r.levelno >= logging.ERROR or "splink" not in r.name)
    t0, results = time.perf_counter(), []
    for customers in args.customers:
        results.append(run_size(customers, args))
        console.print(size_table(results[-1]), f"end state: {results[-1].checks}; person records "
                      f"in a different cluster: {results[-1].differing:,}")  # fmt: skip
    console.print(*(size_table(r) for r in results[:-1]), summary_table(results))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; heap "
                  f"{args.heap}, page cache {args.pagecache}; batch 2 = last {args.new_days} "
                  f"days; peak RSS {peak:,.0f} MiB; {time.perf_counter() - t0:,.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
