"""When the refresh jobs run: APScheduler with cron triggers from settings.

Why a memory job store and not a database one: the schedule is configuration
(`MARKETGRAPH_JOBS_REFRESH_CRON`, `MARKETGRAPH_JOBS_RETRAIN_CRON`), rebuilt at every start;
what must survive a restart — which runs happened, what they did, who holds a job — is in
Neo4j (see `api.jobs`). `coalesce` + `max_instances=1` turn a backlog of missed firings (a
sleeping laptop) into one run, and the Neo4j lock covers other processes.

Stopping (`stop`, at Ctrl-C) waits for a run in progress and says which: a refresh stopped
half-way leaves work for the next one, so the first Ctrl-C lets it finish; a second one ends the
process at once with the run recorded as interrupted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from api.jobs import JobRun, JobRunReport
from graph.crontab import cron_trigger
from graph.db import Database
from graph.errors import JobBusyError
from graph.settings import Settings

log = logging.getLogger(__name__)

OnFinish = Callable[[JobRunReport], None]

#: The scheduler's runs in progress in this process, by job (None while one starts), so that
#: `stop` can say what it waits for.
_running: dict[str, JobRun | None] = {}


def scheduled_run(
    settings: Settings, job: str, on_finish: OnFinish | None = None
) -> JobRunReport | None:
    """What the scheduler calls: one run of `job`; a busy job is skipped, never queued."""
    _running[job] = None
    try:
        with Database.connect(settings) as db:
            run = JobRun.start(db, settings, job, trigger="schedule", by="scheduler")
            _running[job] = run
            report = run.execute()
    except JobBusyError as exc:
        log.info("scheduled %s skipped: %s", job, exc)
        return None
    except Exception:  # the scheduler thread must survive a dead database; next firing retries
        log.exception("scheduled %s could not run", job)
        return None
    finally:
        _running.pop(job, None)
    if on_finish is not None:
        on_finish(report)
    return report


def schedules(settings: Settings) -> dict[str, str]:
    """Job name → crontab for every job that has a schedule."""
    crons = {"refresh": settings.jobs_refresh_cron, "retrain": settings.jobs_retrain_cron}
    return {job: cron for job, cron in crons.items() if cron}


def build_scheduler(
    settings: Settings, *, blocking: bool = False, on_finish: OnFinish | None = None
) -> BaseScheduler:
    """A scheduler (not started) with one cron job per configured schedule, in UTC."""
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 15 * 60}
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone="UTC", job_defaults=defaults)
        if blocking
        else BackgroundScheduler(timezone="UTC", job_defaults=defaults)
    )
    for job, cron in schedules(settings).items():
        scheduler.add_job(
            scheduled_run,
            cron_trigger(cron),
            args=[settings, job, on_finish],
            id=job,
            name=f"marketgraph {job} ({cron} UTC)",
            replace_existing=True,
        )
    return scheduler


def stop(scheduler: BaseScheduler, poll_s: float = 0.2) -> None:
    """Stop firing jobs and wait for the runs in progress, saying (in the log) which run and
    step it waits for and what a second Ctrl-C does. A KeyboardInterrupt while it waits records
    those runs as interrupted (`JobRun.interrupt`) and is re-raised: the caller must then end
    the process at once (`os._exit`), since the threads running the steps cannot be stopped
    and the interpreter would otherwise wait for them again, silently."""
    if scheduler.running:
        scheduler.shutdown(wait=False)  # no new firings; the runs in progress go on
    for job, run in list(_running.items()):
        which = f"{job} run {run.report.run_id} (step {run.step or 'starting'})" if run else job
        log.warning(
            "stopping: waiting for the %s to finish; press Ctrl-C again to stop it now (it is "
            "then recorded as failed, 'interrupted')", which,
        )  # fmt: skip
    try:
        while _running:
            time.sleep(poll_s)
    except KeyboardInterrupt:
        for run in list(_running.values()):
            if run is not None:
                try:  # a database that is down must not keep the process from ending
                    run.interrupt()
                except Exception:
                    log.exception("could not record the run %s as interrupted", run.report.run_id)
        raise
