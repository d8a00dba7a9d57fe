"""Refresh jobs over GraphQL: start one (admin), follow its runs (analyst+).

Why `startJob` returns at once with a running run instead of waiting: a refresh can take
minutes (re-scoring everyone), longer than any HTTP client should wait. The lock is taken
before the mutation answers, so "already running" is a clean CONFLICT error, not a run that
fails later; the rest runs in a worker thread of this process, and `jobRun(runId)` shows it
step by step. Runs started by the scheduler or the CLI are listed the same way.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import re
from typing import Any

import strawberry

from api.graphql.auth import Role
from api.graphql.errors import Conflict, check_id
from api.graphql.pagination import After, Before, Connection, First, Last, PageArgs, keyset_page
from api.jobs import JobRun, JobRunReport, list_runs
from graph.errors import JobBusyError

log = logging.getLogger(__name__)
Info = strawberry.Info[Any, None]
_RUN_ID = re.compile(r"job-[a-z]+-\d{8}T\d{6}Z-[0-9a-f]{6}")
#: background runs of this process, referenced so the event loop does not drop them
_BACKGROUND: set[asyncio.Task[Any]] = set()


@strawberry.enum(description="A refresh job (see `marketgraph jobs --help`).")
class JobName(enum.Enum):
    REFRESH = "refresh"
    RETRAIN = "retrain"


@strawberry.type(description="One step of a job run and what it did.")
class JobStep:
    name: str
    status: str = strawberry.field(description="done, skipped (nothing to do) or failed")
    seconds: float
    summary: str


@strawberry.type(description="A run of a refresh job, from the scheduler, the CLI or the API.")
class JobRunView:
    run_id: str
    job: str
    status: str = strawberry.field(description="running, succeeded or failed")
    trigger: str = strawberry.field(description="schedule, cli or api")
    by: str
    started_at: str
    finished_at: str | None
    steps: list[JobStep]
    error: str | None

    @classmethod
    def of(cls, report: JobRunReport) -> JobRunView:
        return cls(
            run_id=report.run_id,
            job=report.job,
            status=report.status,
            trigger=report.trigger,
            by=report.by,
            started_at=report.started_at,
            finished_at=report.finished_at,
            steps=[
                JobStep(name=s.name, status=s.status, seconds=s.seconds, summary=s.summary)
                for s in report.steps
            ],
            error=report.error,
        )


def _execute_in_background(run: JobRun) -> None:
    async def work() -> None:
        try:
            await asyncio.to_thread(run.execute)
        except Exception:  # execute records failures itself; this only guards the task
            log.exception("background job %s crashed", run.report.run_id)

    task = asyncio.create_task(work())
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


@strawberry.type
class JobsQuery:
    @strawberry.field(description="Job runs, newest first (analyst).")
    async def job_runs(
        self,
        info: Info,
        job: JobName | None = None,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[JobRunView]:
        info.context.require(Role.ANALYST)
        params = {"job": job.value if job else None}
        return await keyset_page(
            info,
            "job_runs",
            params,
            PageArgs(first, last, after, before),
            lambda r: JobRunView.of(JobRunReport.from_row(r)),
        )

    @strawberry.field(description="One job run by id, or null (analyst).")
    async def job_run(self, info: Info, run_id: str) -> JobRunView | None:
        info.context.require(Role.ANALYST)
        wanted = check_id("runId", run_id, _RUN_ID, "a job run id like job-refresh-…")
        runs = await asyncio.to_thread(list_runs, info.context.sync_db, None, wanted, 1)
        return JobRunView.of(runs[0]) if runs else None


@strawberry.type
class JobsMutation:
    @strawberry.mutation(
        description="Start a job now (admin). Returns the run while it runs; follow it with "
        "`jobRun(runId)`. CONFLICT when that job is already running anywhere."
    )
    async def start_job(self, info: Info, job: JobName = JobName.REFRESH) -> JobRunView:
        info.context.require(Role.ADMIN)
        context = info.context
        try:
            run = await asyncio.to_thread(
                JobRun.start, context.sync_db, context.settings, job.value,
                trigger="api", by=info.context.actor,
            )  # fmt: skip
        except JobBusyError as exc:
            raise Conflict(str(exc), reason="JOB_RUNNING") from exc
        view = JobRunView.of(run.report)
        _execute_in_background(run)
        return view
