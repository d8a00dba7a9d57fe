"""Ingest runs: validate export files under their contracts, quarantine what fails, and load
the rest into Neo4j with batched, idempotent `UNWIND ... MERGE` writes.

Guarantees, each covered by a test:
- counts are conserved per file: rows_read = loaded + quarantined;
- a file whose exact content was already loaded is skipped (unless `force`), and a forced
  re-run writes no data that is already there (rows carry a content hash);
- a killed run converges when re-run: every batch is one managed transaction of MERGEs;
- every node and relationship written carries source system, source id, first/last run and
  first/last seen.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from graph import locks
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ConfigurationError, ContractError
from graph.settings import Settings
from ingestion.mapping import LOAD_ORDER, MAPPINGS, GraphMapping
from ingestion.quarantine_text import erased_note, erased_people_set_aside, without_erased
from ingestion.readers import (
    QuarantinedRow,
    ValidatedFile,
    detect_source_type,
    read_and_validate,
    read_file_bytes,
)
from ingestion.writer import Written, chunks, frame_to_rows, write_rows

log = logging.getLogger(__name__)

#: One ingest at a time across processes (API, scheduler, shell): two at once would interleave
#: their writes to the same records and the same "loaded before" file records, and the second
#: of two loads of one export would not see it as loaded already.
INGEST_LOCK = "ingest"
#: Files that ship beside exports but are not exports (demo ground truth, manifests).
NOT_EXPORTS = {"ground_truth.csv", "manifest.json"}
#: How `discover_files` notes a file of NOT_EXPORTS.
NOT_AN_EXPORT = ": not an export file"
#: Raw text of a quarantined row kept on its graph node; the full text is in the JSONL file.
RAW_PREVIEW_CHARS = 2_000

#: Concurrent write sessions per file (see `ingestion.writer`); 2 keeps both cores busy.
DEFAULT_WRITERS = 2

Progress = Callable[[str, int, int], None]  # (label, rows done, rows total)


@dataclass
class FileReport:
    """What happened to one export file."""

    name: str
    path: str
    source_type: str
    source_system: str
    sha256: str
    status: str  # loaded | skipped | rejected (the whole file, with the reason in `note`)
    rows_read: int = 0
    loaded: int = 0
    quarantined: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # of `unchanged`: rows older than the graph's copy, not applied
    seconds: float = 0.0
    write_seconds: float = 0.0  # of `seconds`, the time spent writing to Neo4j
    note: str = ""


@dataclass
class IngestReport:
    """What one `marketgraph ingest` run did, file by file."""

    run_id: str
    files: list[FileReport] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    quarantine_file: str | None = None
    seconds: float = 0.0

    @property
    def rejected(self) -> list[FileReport]:
        """Files refused as a whole; each says why in its note."""
        return [f for f in self.files if f.status == "rejected"]

    def total(self, name: str) -> int:
        """Sum of one counter (`rows_read`, `loaded`, ...) over the files."""
        return sum(int(getattr(f, name)) for f in self.files)

    @property
    def rows_per_second(self) -> float:
        return self.total("loaded") / self.seconds if self.seconds else 0.0


def discover_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Expand folders into export files in load order; return (files, ignored with reasons)."""
    files: list[Path] = []
    ignored: list[str] = []
    for path in paths:
        if not path.exists():
            raise ContractError(f"{path} does not exist")
        if path.is_dir():  # one level: a folder inside (an archive of done files?) is named
            inside = sorted(path.iterdir())
            candidates = [p for p in inside if p.is_file()]
            ignored += [
                f"{p}/: a folder; files are read from {path} itself, not from folders in it"
                for p in inside
                if p.is_dir() and not p.name.startswith(".")
            ]
        else:
            candidates = [path]
        for candidate in candidates:
            if candidate.name in NOT_EXPORTS:
                ignored.append(f"{candidate}{NOT_AN_EXPORT}")
                continue
            try:
                detect_source_type(candidate)
            except ContractError as exc:
                if path.is_dir():
                    ignored.append(f"{candidate}: {exc}")
                    continue
                raise
            files.append(candidate)
    order = {name: i for i, name in enumerate(LOAD_ORDER)}
    files.sort(key=lambda p: (order.get(detect_source_type(p), len(order)), p.name))
    return files, ignored


def row_hashes(frame: pd.DataFrame) -> pd.Series:
    """A stable 64-bit content hash per row, so unchanged rows are never rewritten."""
    hashable = frame.astype("string").fillna("\x00")
    hashed = pd.util.hash_pandas_object(hashable, index=False, categorize=False)
    return pd.Series(hashed.to_numpy().view("int64"), index=frame.index)


def append_locked(path: Path, lines: list[str]) -> None:
    """Append ``lines`` to ``path`` under its lock: an erasure rewrites quarantine files
    (models/privacy/quarantine.py) and replaces them, so a handle opened before the
    replacement is reopened instead of writing to the replaced file."""
    while True:
        with path.open("a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            if path.exists() and os.fstat(out.fileno()).st_ino == os.stat(path).st_ino:
                out.write("".join(line + "\n" for line in lines))
                return


def _quarantine_rows(content_sha256: str, kept: list[QuarantinedRow]) -> list[dict[str, Any]]:
    return [
        {
            "row_id": hashlib.sha1(f"{content_sha256}:{q.row_number}".encode()).hexdigest(),
            "source_type": q.source_type,
            "file": q.file,
            "row_number": q.row_number,
            "reason": q.reason,
            "raw": q.raw[:RAW_PREVIEW_CHARS],
            "raw_length": len(q.raw),
        }
        for q in kept
    ]


class IngestRun:
    """One ingest run against one database; create, then call `run(paths)`."""

    def __init__(
        self, db: Database, settings: Settings, *, force: bool = False,
        writers: int = DEFAULT_WRITERS, by: str = "marketgraph",
    ) -> None:  # fmt: skip
        self.db = db
        self.settings = settings
        self.force = force
        self.writers = writers
        self.by = by  # who started it (a job run, an API key's actor), kept on the run
        self.run_id = f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.seen_at = datetime.now(UTC)
        self._lease: locks.Lease | None = None

    def run(
        self,
        paths: Iterable[Path],
        progress: Progress | None = None,
        *,
        prepare: Callable[[], object] | None = None,
    ) -> IngestReport:
        """Validate and load every export file under `paths`; returns the report.

        `prepare` runs once the ingest lock is held, before the files are read (the API moves
        an upload into place there, so a refused run leaves the earlier file as it was)."""
        unknown = self.settings.timezone_systems() - {m.source_system for m in MAPPINGS.values()}
        if unknown:  # a typo would read that system's times as UTC, silently
            known = sorted({m.source_system for m in MAPPINGS.values()})
            raise ConfigurationError(
                f"MARKETGRAPH_SOURCE_TIMEZONE names {', '.join(sorted(unknown))}, which is no "
                f"source system; the systems are {', '.join(known)}"
            )
        with locks.leased(
            self.db, INGEST_LOCK, self.run_id, what="An ingest",
            hint="Wait for it to finish, then run this one again (a process that died frees "
            f"the lock within {locks.LEASE_MINUTES:g} minutes).",
        ) as lease:  # fmt: skip
            self._lease = lease
            if prepare is not None:
                prepare()
            files, ignored = discover_files(paths)
            return self._run(files, ignored, progress)

    def _run(
        self, files: list[Path], ignored: list[str], progress: Progress | None
    ) -> IngestReport:
        """`run` once it holds the ingest lock: no other process loads meanwhile."""
        report = IngestReport(run_id=self.run_id, ignored=ignored)
        started = time.perf_counter()
        self.db.query(
            load_query("ingest/run_start"),
            {"run_id": self.run_id, "started_at": self.seen_at, "force": self.force,
             "paths": [str(p) for p in files], "by": self.by},
            write=True,
        )  # fmt: skip
        status = "failed"
        try:
            for path in files:
                if self._lease is not None:
                    self._lease.confirm()
                try:
                    report.files.append(self._load_file(path, report, progress))
                except ContractError as exc:  # the whole file: the others still load
                    report.files.append(self._rejected(path, exc))
            status = "completed"
        finally:
            report.seconds = time.perf_counter() - started
            self._finish(report, status)
        return report

    def _rejected(self, path: Path, exc: ContractError) -> FileReport:
        """A file refused as a whole (unreadable, a header that breaks its contract): reported
        with the reason and recorded on the run, and not remembered as loaded, so the fixed
        file loads next time."""
        try:
            sha256 = hashlib.sha256(read_file_bytes(path)).hexdigest()
        except ContractError:  # unreadable: one node per run and name, not one for all
            sha256 = f"unreadable:{self.run_id}:{path.name}"
        source_type = detect_source_type(path)
        fr = FileReport(
            name=path.name, path=str(path), source_type=source_type,
            source_system=MAPPINGS[source_type].source_system, sha256=sha256,
            status="rejected", note=str(exc),
        )  # fmt: skip
        log.warning("rejected %s: %s", path.name, exc)
        self._record_file(fr)
        return fr

    def _load_file(self, path: Path, report: IngestReport, progress: Progress | None) -> FileReport:
        began = time.perf_counter()
        source_type = detect_source_type(path)
        mapping = MAPPINGS[source_type]
        data = read_file_bytes(path)
        sha256 = hashlib.sha256(data).hexdigest()
        fr = FileReport(
            name=path.name, path=str(path), source_type=source_type,
            source_system=mapping.source_system, sha256=sha256, status="loaded",
        )  # fmt: skip
        previous = self.db.query(load_query("ingest/source_file_loaded"), {"sha256": sha256})
        if previous and not self.force:
            fr.status = "skipped"
            fr.note = (
                f"same content already loaded as {previous[0]['name']} ({previous[0]['run_id']})"
            )
            log.info("skipping %s: %s", path.name, fr.note)
            self._record_file(fr)
            return fr
        zone = self.settings.timezone_of(mapping.source_system)
        vf = read_and_validate(path, source_type, data, zone)
        vf, erased_rows, revived = erased_people_set_aside(self.db, vf, mapping)
        fr.rows_read, fr.quarantined = vf.rows_read, len(vf.quarantined)
        self._quarantine(vf, report)
        writing = time.perf_counter()
        written = self._write(vf, mapping, progress)
        fr.write_seconds = time.perf_counter() - writing
        fr.loaded = len(vf.valid)
        fr.created, fr.updated, fr.older = written.created, written.updated, written.older
        fr.unchanged = fr.loaded - fr.created - fr.updated
        if fr.older and fr.source_type == "erasure_requests":
            fr.note = (
                f"{fr.older} request(s) not applied: the record was created after the request "
                "(the person signed up again since); ask them, and `marketgraph erase` the "
                "record if they still want it gone"
            )
        elif fr.older:
            fr.note = (
                f"{fr.older} row(s) not applied: the graph holds a later update of the record "
                "(updated_at); an older export cannot undo a newer change"
            )
        if erased_rows or revived:
            said = erased_note(erased_rows, revived)
            fr.note = f"{fr.note}; {said}" if fr.note else said
        fr.seconds = time.perf_counter() - began
        self._record_file(fr)
        log.info(
            "loaded %s: read=%d loaded=%d quarantined=%d created=%d updated=%d in %.1fs",
            path.name, fr.rows_read, fr.loaded, fr.quarantined, fr.created, fr.updated, fr.seconds,
        )  # fmt: skip
        return fr

    def _write(
        self, vf: ValidatedFile, mapping: GraphMapping, progress: Progress | None
    ) -> Written:
        if vf.valid.empty:
            return Written()
        frame = mapping.build(vf.valid)
        frame["row_hash"] = row_hashes(frame)
        frame["source_system"] = mapping.source_system
        rows = frame_to_rows(frame)
        written = 0

        def done(count: int) -> None:
            nonlocal written
            written += count
            if self._lease is not None:
                self._lease.check()  # another ingest took the lock: stop writing
            if progress:
                progress(vf.path.name, written, len(rows))

        return write_rows(
            self.db, mapping.query, rows, run_id=self.run_id, seen_at=self.seen_at,
            batch_size=self.settings.batch_size, writers=self.writers, done=done,
        )  # fmt: skip

    def _quarantine(self, vf: ValidatedFile, report: IngestReport) -> None:
        if not vf.quarantined:
            return
        target = self.settings.quarantine_dir / f"{self.run_id}.jsonl"
        target.parent.mkdir(parents=True, exist_ok=True)
        erased = {
            str(r["source_id"]).lower(): str(r["erasure_id"])
            for r in self.db.query(load_query("ingest/erased_source_ids"))
        }
        kept = without_erased(vf.quarantined, erased)
        append_locked(target, [json.dumps(asdict(q), ensure_ascii=False) for q in kept])
        report.quarantine_file = str(target)
        rows = _quarantine_rows(vf.content_sha256, kept)
        query = load_query("ingest/quarantine")
        for chunk in chunks(rows, 1_000):
            self.db.query(
                query, {"run_id": self.run_id, "rows": chunk, "at": self.seen_at}, write=True
            )

    def _record_file(self, fr: FileReport) -> None:
        file = asdict(fr)
        self.db.query(
            load_query("ingest/source_file_record"),
            {"run_id": self.run_id, "file": file, "at": datetime.now(UTC)},
            write=True,
        )

    def _finish(self, report: IngestReport, status: str) -> None:
        totals: dict[str, float] = {
            name: report.total(name)
            for name in (
                "rows_read",
                "loaded",
                "quarantined",
                "created",
                "updated",
                "unchanged",
                "older",
            )
        }
        totals |= {
            "files": len(report.files),
            "skipped_files": sum(f.status == "skipped" for f in report.files),
            "seconds": round(report.seconds, 3),
            "rows_per_second": round(report.rows_per_second, 1),
        }
        self.db.query(
            load_query("ingest/run_finish"),
            {"run_id": self.run_id, "finished_at": datetime.now(UTC), "status": status,
             "totals": totals},
            write=True,
        )  # fmt: skip


__all__ = [
    "NOT_AN_EXPORT",
    "FileReport",
    "IngestReport",
    "IngestRun",
    "QuarantinedRow",
    "discover_files",
]
