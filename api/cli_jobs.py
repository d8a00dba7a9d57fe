"""`marketgraph jobs run|list|show|schedule` — the refresh jobs from the command line.

`jobs run refresh` is what the scheduler does every 30 minutes, run once by hand (for cron,
systemd timers or a CI pipeline that prefers its own scheduler); `jobs schedule` runs
APScheduler in the foreground. Every run, from wherever it started, is listed by `jobs list`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api.console import console, current_user, err_console
from graph.settings import get_settings

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from api.jobs import JobRunReport
    from graph.settings import Settings

jobs_app = typer.Typer(
    help=(
        "Refresh jobs. [bold]refresh[/bold]: load new files from the inbox folder "
        "(MARKETGRAPH_JOBS_INBOX_DIR, default .marketgraph/inbox) → resolve new records "
        "incrementally → re-score with the serving model → embed new content. "
        "[bold]retrain[/bold]: train new model versions (they wait for `models promote`). "
        "One run of a job at a time across every process (a lock in Neo4j); history in "
        "(:JobRun) nodes."
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)

_STATUS_STYLE = {
    "succeeded": "green", "failed": "bold red", "running": "yellow",
    "done": "green", "skipped": "dim",
}  # fmt: skip


def _styled(status: str) -> str:
    style = _STATUS_STYLE.get(status, "")
    return f"[{style}]{status}[/{style}]" if style else status


def print_run(report: JobRunReport) -> None:
    """One run: its steps with what each did."""
    table = Table(
        "step", "status", "seconds", "what happened",
        title=f"{report.run_id} — {_styled(report.status)}", title_justify="left",
    )  # fmt: skip
    for step in report.steps:
        table.add_row(step.name, _styled(step.status), f"{step.seconds:.1f}", escape(step.summary))
    console.print(table)
    if report.error:
        console.print(f"[bold red]Error[/bold red] in {escape(report.error)}")


@jobs_app.command("run")
def run_command(
    job: Annotated[str, typer.Argument(help="refresh or retrain.")] = "refresh",
) -> None:
    """Run a job now, in this process. Exit code 1 when a step fails, 2 when refresh's inbox
    (MARKETGRAPH_JOBS_INBOX_DIR) names no existing folder, 3 when the run succeeded but left
    inbox files someone must fix (a file refused as a whole, one whose name matches no export,
    a folder inside the inbox) — for cron or systemd wrappers to alert on."""
    from api.jobs import JOB_NAMES, run_job
    from api.jobs_inbox import ready_inbox
    from graph.db import Database
    from graph.migrations import apply_migrations

    if job not in JOB_NAMES:
        raise typer.BadParameter(f"choose one of: {', '.join(JOB_NAMES)}", param_hint="JOB")
    settings = get_settings()
    inbox = ready_inbox(settings) if job == "refresh" else None  # a misspelt one: exit 2
    with (
        Database.connect(settings) as db,
        console.status(f"{job}: starting") as status,
    ):
        apply_migrations(db)
        report = run_job(
            db, settings, job, trigger="cli", by=current_user(),
            on_step=lambda name: status.update(f"{job}: {name}"),
        )  # fmt: skip
    print_run(report)
    if inbox is not None:
        console.print(f"Inbox: {inbox}")
    if report.status != "succeeded":
        raise typer.Exit(1)
    problems = sum(step.counts.get("problem_files", 0) for step in report.steps)
    if problems:
        err_console.print(f"{problems} inbox file(s) need attention: see the ingest step above.")
        raise typer.Exit(3)


@jobs_app.command("list")
def list_command(
    job: Annotated[str | None, typer.Option(help="Only this job's runs.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1_000)] = 20,
) -> None:
    """Recent runs of every job (or one), newest first."""
    from api.jobs import list_runs
    from graph.db import Database

    with Database.connect(get_settings()) as db:
        runs = list_runs(db, job, limit=limit)
    table = Table()
    table.add_column("run", no_wrap=True)  # whole, to copy into `jobs show RUN`
    for name in ("status", "trigger", "by", "started", "steps"):
        table.add_column(name)
    for run in runs:
        steps = ", ".join(f"{s.name} {s.status}" for s in run.steps)
        table.add_row(
            run.run_id, _styled(run.status), run.trigger, escape(run.by),
            run.started_at[:19], steps,
        )  # fmt: skip
    console.print(table if runs else "No job has run yet: `marketgraph jobs run refresh`.")


@jobs_app.command("show")
def show_command(run_id: str) -> None:
    """One run with each step's summary and counts."""
    from api.jobs import list_runs
    from graph.db import Database
    from graph.errors import MarketgraphError

    with Database.connect(get_settings()) as db:
        runs = list_runs(db, run_id=run_id, limit=1)
    if not runs:
        raise MarketgraphError(f"No job run {run_id!r}; see `marketgraph jobs list`.")
    print_run(runs[0])
    for step in runs[0].steps:
        if step.counts:
            counts = ", ".join(f"{k}={v:,}" for k, v in step.counts.items())
            console.print(f"  {step.name}: {counts}")


@jobs_app.command("schedule")
def schedule_command() -> None:
    """Run the scheduler in the foreground (Ctrl-C stops it): refresh and retrain on the
    MARKETGRAPH_JOBS_REFRESH_CRON / MARKETGRAPH_JOBS_RETRAIN_CRON crontabs (UTC)."""
    from api.scheduler import build_scheduler, schedules

    settings = get_settings()
    if not schedules(settings):
        raise typer.BadParameter("no job has a schedule: set MARKETGRAPH_JOBS_REFRESH_CRON")
    scheduler = build_scheduler(settings, blocking=True)
    for job, cron in schedules(settings).items():
        console.print(f"{job}: [bold]{cron}[/bold] (UTC)")
    say_inbox(settings)
    console.print("Ctrl-C stops (after a run in progress; twice: at once).")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        stop_scheduler(scheduler)
        console.print("Scheduler stopped.")


def say_inbox(settings: Settings) -> None:
    """Where the refresh job reads files (the default folder is created now, so it can be
    found); a configured one that does not exist is a warning, not a refusal: the scheduled
    refreshes record the failure until it exists, and retrain does not need it."""
    from api.jobs_inbox import ready_inbox
    from graph.errors import ConfigurationError

    try:
        console.print(f"Inbox: {ready_inbox(settings)}")
    except ConfigurationError as exc:
        err_console.print(f"[bold red]warning:[/bold red] {escape(str(exc))}")


def stop_scheduler(scheduler: BaseScheduler) -> None:
    """Stop a scheduler at Ctrl-C: wait for a run in progress (the log says which), or, at a
    second Ctrl-C, end the process at once with the run recorded as interrupted — `os._exit`,
    because the interpreter would otherwise wait for the run's thread again before exiting."""
    from api.scheduler import stop

    try:
        stop(scheduler)
    except KeyboardInterrupt:
        try:
            err_console.print("Stopped at once; a run in progress is recorded as interrupted.")
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(130)  # 128 + SIGINT, as a shell reports a Ctrl-C
