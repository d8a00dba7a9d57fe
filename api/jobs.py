"""Refresh jobs: keep the graph, the scores and the embeddings current without a person at it.

Two jobs, each a fixed chain of steps that already exist as CLI commands:

- ``refresh``: load new export files from the inbox folder (content already loaded is
  skipped, bad rows quarantined) → honour the erasure requests an erasure log brought →
  resolve new records incrementally → re-score everyone with
  the serving model → embed new content for retrieval. A step with nothing to do says so and
  is skipped, so a refresh every 30 minutes on a quiet day costs a few small queries.
- ``retrain``: train new model versions; they wait for `models promote` (a person decides),
  except the very first one, which serves at once — the same rule as `marketgraph train`.

Why runs and locks live in Neo4j rather than in the scheduler: the scheduler inside `serve` and
a `jobs run` typed in a shell are different processes; a (:JobLock) node taken under a write
lock stops them from running the same job twice, and (:JobRun) nodes give analysts the
history (steps, counts, errors) in Browser and through GraphQL. APScheduler only decides *when*.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

from graph import locks
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import MarketgraphError
from graph.settings import Settings

if TYPE_CHECKING:
    from models.resolution import ResolutionReport

log = logging.getLogger(__name__)

JobName = Literal["refresh", "retrain"]
JOB_NAMES: tuple[str, ...] = get_args(JobName)
StepStatus = Literal["done", "skipped", "failed"]


@dataclass
class StepReport:
    """One step of a run: what it did, in words and counts."""

    name: str
    status: StepStatus
    seconds: float
    summary: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class JobRunReport:
    """A job run as stored in (:JobRun)."""

    run_id: str
    job: str
    status: str  # running | succeeded | failed
    trigger: str  # cli | schedule | api
    by: str
    started_at: str
    finished_at: str | None = None
    steps: list[StepReport] = field(default_factory=list)
    error: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> JobRunReport:
        steps = [StepReport(**s) for s in json.loads(row.get("steps") or "[]")]
        return cls(**{**row, "steps": steps})


Step = Callable[["JobRun"], StepReport]
OnStep = Callable[[str], None]


class JobRun:
    """One run of a job: holds the lock from `start` until `execute` returns.

    Split in two so the API can refuse a busy job at once (`start`, quick) and run the rest in
    the background (`execute`, minutes).
    """

    def __init__(self, db: Database, settings: Settings, report: JobRunReport) -> None:
        self.db = db
        self.settings = settings
        self.report = report
        self.state: dict[str, Any] = {}  # what earlier steps found, for later steps
        self.step: str | None = None  # the step running now, named by whoever waits for it
        self._step_started = time.perf_counter()
        self._saving = threading.Lock()  # `interrupt` records the run from another thread
        self._interrupted = False

    @classmethod
    def start(cls, db: Database, settings: Settings, job: str, *, trigger: str, by: str) -> JobRun:
        """Take the job's lock and record the run; JobBusyError when another run holds it."""
        if job not in JOB_NAMES:
            raise MarketgraphError(f"Unknown job {job!r}; jobs: {', '.join(JOB_NAMES)}.")
        now = datetime.now(UTC)
        run_id = f"job-{job}-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        locks.acquire(
            db, job, run_id, locks.LEASE_MINUTES, what=f"The {job} job",
            hint="Wait for it: `marketgraph jobs list` (a run whose process died frees the "
            f"lock within {locks.LEASE_MINUTES:g} minutes).",
        )  # fmt: skip
        try:
            db.query(load_query("jobs/abandon_stale_runs"), {"job": job, "now": now}, write=True)
            db.query(
                load_query("jobs/start_run"),
                {"run_id": run_id, "job": job, "trigger": trigger, "by": by, "now": now},
                write=True,
            )
        except BaseException:  # never leave the lock held by a run that did not start
            locks.release(db, job, run_id)
            raise
        log.info("job %s started (%s, by %s)", run_id, trigger, by)
        return cls(db, settings, JobRunReport(run_id, job, "running", trigger, by, now.isoformat()))

    def execute(self, on_step: OnStep = lambda _: None) -> JobRunReport:
        """Run the job's steps in order; stop at the first failure. Renews the job's lock while
        it runs and always releases it; an interrupted run (Ctrl-C) is recorded as failed."""
        job, run_id = self.report.job, self.report.run_id
        try:
            with locks.renewing(self.db, job, run_id, what=f"The {job} job") as lease:
                for name, step in STEPS[job]:
                    on_step(name)
                    self.step, started = name, time.perf_counter()
                    self._step_started = started
                    try:
                        lease.check()  # another run took the lock after a long stall: stop
                        outcome = step(self)
                    except BaseException as exc:  # recorded on the run; not an Exception: re-raised
                        seconds = round(time.perf_counter() - started, 2)
                        said = _error_text(exc) if isinstance(exc, Exception) else "interrupted"
                        self.report.steps.append(StepReport(name, "failed", seconds, said))
                        self.report.error = f"{name}: {said}"
                        if not isinstance(exc, Exception):
                            raise
                        if isinstance(exc, MarketgraphError):  # said for users: no traceback
                            log.error("job %s failed at step %s: %s", run_id, name, exc)
                        else:
                            log.exception("job %s failed at step %s", run_id, name)
                        break
                    self.report.steps.append(outcome)
                    self._save("running")
                    log.info("job %s step %s: %s", run_id, name, outcome.summary)
                self.step = None  # every step ended: an interrupt now adds no step of its own
        finally:
            status = "failed" if self.report.error else "succeeded"
            try:
                self._save(status, finished=True)
            finally:  # a failed save must not keep the job locked
                locks.release(self.db, job, run_id)
        return self.report

    def interrupt(self) -> None:
        """Record the run as failed ("interrupted") from another thread whose process is about
        to end at once: a second Ctrl-C while `serve` or `jobs schedule` waits for the run
        (`api.scheduler.stop`). Nothing can stop the thread running the step from outside, so
        it would never say so itself; what it saves afterwards is ignored."""
        with self._saving:
            if self.report.finished_at is not None or self._interrupted:
                return  # it ended meanwhile
            name = self.step or ("finishing" if self.report.steps else "start")
            seconds = round(time.perf_counter() - self._step_started, 2)
            if self.step is not None or not self.report.steps:
                self.report.steps.append(StepReport(name, "failed", seconds, "interrupted"))
            self.report.error = f"{name}: interrupted"
            self._store("failed", finished=True)
            self._interrupted = True
        locks.release(self.db, self.report.job, self.report.run_id)
        log.warning("job %s stopped in step %s: recorded as interrupted", self.report.run_id, name)

    def _save(self, status: str, finished: bool = False) -> None:
        with self._saving:
            if not self._interrupted:  # else `interrupt` recorded how the run ended
                self._store(status, finished)

    def _store(self, status: str, finished: bool) -> None:
        self.report.status = status
        finished_at = datetime.now(UTC) if finished else None
        if finished_at is not None:
            self.report.finished_at = finished_at.isoformat()
        self.db.query(
            load_query("jobs/update_run"),
            {
                "run_id": self.report.run_id,
                "status": status,
                "steps": json.dumps([asdict(s) for s in self.report.steps]),
                "error": self.report.error,
                "finished_at": finished_at,
            },
            write=True,
        )


def _timed(
    name: str, started: float, status: StepStatus, summary: str, **counts: int
) -> StepReport:
    return StepReport(name, status, round(time.perf_counter() - started, 2), summary, counts)


def ingest_inbox(run: JobRun) -> StepReport:
    """Load the inbox's new export files (`api.jobs_inbox`, kept apart for size)."""
    from api.jobs_inbox import ingest_inbox as ingest

    return ingest(run)


def _error_text(exc: Exception) -> str:
    """What a failed step says on the run (the CLI, the API's jobRuns): our own errors are
    written for users; any other exception's text may hold paths, hosts or data, so only
    its class is kept there and the full error goes to the log."""
    if isinstance(exc, MarketgraphError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__} (details in the server log)"


def erase_requested_records(run: JobRun) -> StepReport:
    """Honour the erasure requests an erasure log flagged (this run's ingest or an earlier
    one that found the resolution lock held), before resolution reads the records."""
    from models.privacy.requested import erase_requested, waiting

    started = time.perf_counter()
    if not waiting(run.db):
        return _timed("erase", started, "skipped", "no erasure requests wait")
    done = erase_requested(run.db, run.settings)
    run.state["erased"] = done.records  # customers lost records: their scores need a refresh
    if done.failed:  # resolving the flagged records before they are erased would be wrong
        raise MarketgraphError(done.summary())
    return _timed(
        "erase", started, "done", done.summary(),
        requests=len(done.erasures), records=done.records,
    )  # fmt: skip


def resolve_new_records(run: JobRun) -> StepReport:
    """Resolve records that have no unified entity yet against the existing ones, and apply
    reviewers' decisions made since the last run."""
    from models.resolution import resolve, store

    started = time.perf_counter()
    late = store.late_ingest_runs(run.db)
    pending = run.db.query(load_query("jobs/pending_work"), {"changed_by": late})[0]
    run.state["serving_run"] = pending["serving_run"]
    if not pending["unresolved"] and not any(
        store.read_decided_entities(run.db, kind) for kind in ("account", "customer")
    ):
        run.state["resolved"] = 0
        return _timed(
            "resolve", started, "skipped",
            "every source record is resolved and every review decision applied",
        )  # fmt: skip
    report = resolve(run.db, run.settings, incremental=True, by=f"job:{run.report.run_id}")
    people, companies = report.customers, report.accounts
    # Merges, splits and removals change who a customer is: scores need a refresh as for new
    # records.
    run.state["resolved"] = (
        people.new_records
        + companies.new_records
        + people.merges
        + people.splits
        + people.removed
        + companies.removed
    )
    summary = (
        f"run {report.run_id} ({_modes(report)}): {people.new_records:,} new person records "
        f"({people.created:,} new customers, {people.merges:,} merges), "
        f"{companies.new_records:,} new company records; "
        f"{people.removed + companies.removed:,} deleted records detached; "
        f"{people.reviews_opened:,} reviews opened"
    )
    return _timed(
        "resolve", started, "done", summary,
        person_records=people.new_records, company_records=companies.new_records,
        customers_created=people.created, merges=people.merges,
        reviews_opened=people.reviews_opened + companies.reviews_opened,
    )  # fmt: skip


def _modes(report: ResolutionReport) -> str:
    """How the resolution run actually went: asked for incremental, a kind with no saved
    model yet (a fresh graph) runs in full, and the step must not call that incremental."""
    people, companies = report.customers.mode, report.accounts.mode
    if people == companies:
        return people
    return f"{companies} for companies, {people} for people"


def rescore(run: JobRun) -> StepReport:
    """Score everyone again with the serving model when the graph changed under it."""
    started = time.perf_counter()
    serving = run.state.get("serving_run")
    if not serving:
        return _timed("score", started, "skipped", "no model serves yet (run `marketgraph train`)")
    if not any(run.state.get(k) for k in ("changed_rows", "erased", "resolved")):
        return _timed("score", started, "skipped", f"nothing new since {serving} scored")
    from models.linkpred import score

    result = score(run.db, run.settings, str(serving))
    summary = (
        f"{serving}: {len(result.rows):,} recommendations and "
        f"{len(result.propensity_rows):,} propensity scores rewritten"
    )
    return _timed(
        "score", started, "done", summary,
        recommendations=len(result.rows), propensity_scores=len(result.propensity_rows),
    )  # fmt: skip


def embed_new_content(run: JobRun) -> StepReport:
    """Embed content that has text but no vector yet, so copy retrieval can find it."""
    from models.copy.embeddings import MiniLMEmbeddings, embedding_status, refresh_embeddings

    started = time.perf_counter()
    missing = embedding_status(run.db)["missing"]
    if not missing:
        return _timed("embed", started, "skipped", "every content item is embedded")
    embedded = refresh_embeddings(
        run.db, MiniLMEmbeddings(run.settings.copy_embed_batch_size),
        batch_size=run.settings.copy_embed_batch_size,
    )  # fmt: skip
    return _timed(
        "embed", started, "done", f"{embedded:,} content items embedded", embedded=embedded
    )


def retrain_models(run: JobRun) -> StepReport:
    """Train new versions of both models; they serve only after `models promote`."""
    from models.linkpred import train

    started = time.perf_counter()
    outcome = train(run.db, run.settings)
    chosen = outcome.trained.cross_sell.name
    state = "serving (first model)" if outcome.promoted else "waiting for `models promote`"
    summary = (
        f"run {outcome.run_id}: cross-sell {chosen}, propensity "
        f"{outcome.trained.propensity.name}; {state}"
    )
    return _timed("train", started, "done", summary, promoted=int(outcome.promoted))


STEPS: dict[str, list[tuple[str, Step]]] = {
    "refresh": [
        ("ingest", ingest_inbox),
        ("erase", erase_requested_records),
        ("resolve", resolve_new_records),
        ("score", rescore),
        ("embed", embed_new_content),
    ],
    "retrain": [("train", retrain_models)],
}


def run_job(
    db: Database,
    settings: Settings,
    job: str,
    *,
    trigger: str = "cli",
    by: str = "marketgraph",
    on_step: OnStep = lambda _: None,
) -> JobRunReport:
    """Start and execute one run of `job` in this thread."""
    return JobRun.start(db, settings, job, trigger=trigger, by=by).execute(on_step)


def list_runs(
    db: Database, job: str | None = None, run_id: str | None = None, limit: int = 20
) -> list[JobRunReport]:
    """Job runs, newest first (optionally one job's, or one run)."""
    rows = db.query(load_query("jobs/list_runs"), {"job": job, "run_id": run_id, "limit": limit})
    return [JobRunReport.from_row(row) for row in rows]
