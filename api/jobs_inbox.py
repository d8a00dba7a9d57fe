"""The refresh job's first step: load the export files dropped into the inbox folder.

Why a module of its own: what the inbox may hold (files loaded before, files no contract
accepts, a folder someone misspelt) takes as much code as the rest of the job's steps, and
`api.jobs` stays readable without it. The step itself is `api.jobs.ingest_inbox`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from api.jobs import JobRun, StepReport, _timed
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ConfigurationError, JobBusyError, LockLostError
from graph.settings import Settings

if TYPE_CHECKING:
    from ingestion.loader import FileReport

log = logging.getLogger(__name__)

INBOX_VARIABLE = "MARKETGRAPH_JOBS_INBOX_DIR"


def ready_inbox(settings: Settings) -> Path:
    """The inbox folder, ready for files: the default one (<state dir>/inbox) is created, so
    users find where to drop exports; a configured one that does not exist is an error naming
    it and the variable, since a misspelt path would otherwise look like an empty inbox."""
    inbox = settings.inbox_dir
    if settings.jobs_inbox_dir is None:
        inbox.mkdir(parents=True, exist_ok=True)
    elif not inbox.is_dir():
        where = "" if inbox.is_absolute() else f" (relative to {Path.cwd()})"
        state = "is not a folder" if inbox.exists() else "does not exist"
        raise ConfigurationError(
            f"{INBOX_VARIABLE} is {inbox}{where}, which {state}: create that folder, or "
            f"correct the variable (unset, the inbox is {settings.state_dir / 'inbox'})."
        )
    return inbox


def ingest_inbox(run: JobRun) -> StepReport:
    """Load every export file in the inbox; files whose content was loaded before are skipped,
    and when the inbox holds nothing else no ingest run is recorded at all (a refresh every
    30 minutes would otherwise add an empty (:IngestRun) each time)."""
    from graph.migrations import apply_migrations
    from ingestion.loader import IngestRun, discover_files

    started = time.perf_counter()
    run.state["changed_rows"] = 0
    try:
        inbox = ready_inbox(run.settings)
    except ConfigurationError as exc:
        log.error("refresh: %s", exc)  # the path, for operators; the run is shown to API clients
        # The run fails, but its other steps still go on: erasure requests loaded another way
        # (an upload) must not wait for someone to notice a typo in the inbox's path.
        said = (
            f"{INBOX_VARIABLE} names no existing folder (the server log says which path): "
            "create that folder, or correct or unset the variable"
        )
        run.report.error = f"ingest: {said}"
        return _timed("ingest", started, "failed", said, files=0, new_files=0, problem_files=1)
    files, ignored = discover_files([inbox])
    if not _any_new(run.db, files):
        problems = _inbox_problems(ignored, [], inbox)
        log.info("refresh inbox %s: nothing new", inbox)  # the path for operators
        said = (
            f"nothing new: the {len(files)} file(s) in the inbox were loaded before"
            if files
            else f"no files in the inbox ({INBOX_VARIABLE})"
        )
        return _timed(
            "ingest", started, "skipped", "; ".join([said, *problems]),
            files=len(files), new_files=0, problem_files=len(problems),
        )  # fmt: skip
    apply_migrations(run.db)
    try:
        report = IngestRun(run.db, run.settings, by=run.report.run_id).run([inbox])
    except LockLostError:
        raise  # stopped midway: a failure to look at
    except JobBusyError as exc:  # an upload or a shell is loading; erasures, resolve, scores go on
        return _timed("ingest", started, "skipped", f"the inbox waits for the next refresh: {exc}")
    loaded, quarantined = report.total("loaded"), report.total("quarantined")
    fresh = sum(1 for f in report.files if f.status == "loaded")
    # re-score only when rows changed: a re-exported file with identical rows loads but
    # changes nothing
    run.state["changed_rows"] = report.total("created") + report.total("updated")
    rejected = report.rejected
    before = len(report.files) - fresh - len(rejected)
    summary = (
        f"{fresh} new file(s), {before} loaded before; {loaded:,} rows "
        f"loaded, {quarantined:,} quarantined (ingest run {report.run_id})"
    )
    problems = _inbox_problems(report.ignored, rejected, inbox)
    if problems:
        summary += "; " + "; ".join(problems)
    return _timed(
        "ingest", started, "done" if fresh else "skipped", summary,
        files=len(report.files), new_files=fresh, loaded=loaded, quarantined=quarantined,
        rejected_files=len(rejected), ignored_files=len(report.ignored),
        problem_files=len(problems),  # what someone must fix: `jobs run` exits 3, /metrics
    )  # fmt: skip


def _any_new(db: Database, files: list[Path]) -> bool:
    """Whether any inbox file holds content no ingest loaded before (hashed as the loader
    does). A file that cannot be read counts as new: the loader then says why."""
    digests: set[str] = set()
    for path in files:
        try:
            with path.open("rb") as handle:
                digests.add(hashlib.file_digest(handle, "sha256").hexdigest())
        except OSError:
            return True
    if not digests:
        return False
    loaded = db.query(load_query("jobs/loaded_contents"), {"sha256s": sorted(digests)})
    return bool(digests - {row["sha256"] for row in loaded})


def _inbox_problems(ignored: list[str], rejected: list[FileReport], inbox: Path) -> list[str]:
    """Files the inbox holds but the run could not use, named so someone fixes them: a whole
    file its contract refused, and a file whose name matches no export type."""
    from ingestion.loader import NOT_AN_EXPORT

    problems = [f"rejected {f.name}: {_without_folder(f.note, inbox)}" for f in rejected]
    problems += [
        f"ignored {_without_folder(note, inbox)}"
        for note in ignored
        if not note.endswith(NOT_AN_EXPORT)  # the demo's manifest and ground truth
    ]
    for problem in problems:
        log.warning("refresh inbox: %s", problem)
    return problems


def _without_folder(text: str, folder: Path) -> str:
    """A loader message with the inbox's server path cut, as the job's summary is shown to API
    clients (jobRuns)."""
    return text.replace(f"{folder}/", "").replace(str(folder), ".")
