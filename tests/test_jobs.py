"""Refresh jobs against the real Neo4j: the steps, their history, the lock, the scheduler and
the GraphQL entry points."""

from __future__ import annotations

import asyncio
import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from api import jobs
from api.jobs import JobRun, JobRunReport, list_runs, run_job
from api.scheduler import build_scheduler
from graph import locks
from graph.db import Database
from graph.errors import IngestError, JobBusyError
from graph.maintenance import delete_all_data
from graph.settings import Settings
from ingestion.loader import INGEST_LOCK
from tests.api_helpers import actor, api_client, api_settings, codes, gql

FAST = {"linkpred_epochs": 5, "linkpred_hidden": 16}
LATER = {"email_events.jsonl", "web_events.parquet"}  # arrive in the second refresh


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def job_settings(settings: Settings, inbox: Path) -> Settings:
    return settings.model_copy(update={"jobs_inbox_dir": inbox, **FAST})


def fill(inbox: Path, demo_dir: Path, names: set[str] | None = None) -> None:
    """Copy demo export files into the inbox (all but LATER, or exactly `names`)."""
    for path in demo_dir.iterdir():
        if (names is None and path.name not in LATER) or (names and path.name in names):
            shutil.copy(path, inbox / path.name)


def steps(report: JobRunReport) -> dict[str, str]:
    return {s.name: s.status for s in report.steps}


def lock_holder(db: Database, job: str) -> Any:
    rows = db.query("MATCH (l:JobLock {name: $name}) RETURN l.holder AS holder", {"name": job})
    return rows[0]["holder"] if rows else None


def test_refresh_loads_resolves_scores_and_embeds_only_what_is_new(
    db: Database, job_settings: Settings, demo_dir: Path, inbox: Path
) -> None:
    delete_all_data(db)
    assert steps(run_job(db, job_settings, "refresh")) == {
        "ingest": "skipped", "erase": "skipped", "resolve": "skipped", "score": "skipped",
        "embed": "skipped",
    }  # fmt: skip

    fill(inbox, demo_dir)
    first = run_job(db, job_settings, "refresh", by="tester")
    assert first.status == "succeeded", first.error
    assert steps(first) == {
        "ingest": "done", "erase": "skipped", "resolve": "done", "score": "skipped",
        "embed": "done",
    }  # fmt: skip
    assert "no model serves" in next(s for s in first.steps if s.name == "score").summary
    unresolved = db.query(
        "MATCH (r:CustomerRecord) WHERE r.placeholder IS NULL "
        "AND NOT (r)-[:RESOLVES_TO]->(:Customer) RETURN count(r) AS n"
    )[0]["n"]
    assert unresolved == 0
    assert first.steps[0].counts["loaded"] > 0
    assert db.query("MATCH (c:Content) WHERE c.embedding IS NULL RETURN count(c) AS n")[0]["n"] == 0

    trained = run_job(db, job_settings, "retrain")
    assert trained.status == "succeeded", trained.error
    assert "serving (first model)" in trained.steps[0].summary

    again = run_job(db, job_settings, "refresh")
    assert steps(again) == {
        "ingest": "skipped", "erase": "skipped", "resolve": "skipped", "score": "skipped",
        "embed": "skipped",
    }  # fmt: skip
    assert "loaded before" in again.steps[0].summary

    fill(inbox, demo_dir, LATER)
    before = db.query("MATCH ()-[r:RECOMMENDED]->() RETURN max(r.scored_at) AS at")[0]["at"]
    news = run_job(db, job_settings, "refresh")
    assert news.status == "succeeded", news.error
    assert steps(news)["ingest"] == "done" and steps(news)["score"] == "done"
    after = db.query("MATCH ()-[r:RECOMMENDED]->() RETURN max(r.scored_at) AS at")[0]["at"]
    assert after > before

    history = list_runs(db, "refresh")
    assert [r.run_id for r in history[:2]] == [news.run_id, again.run_id]
    assert history[0].steps[0].counts == news.steps[0].counts
    assert {r.status for r in history} == {"succeeded"}
    assert lock_holder(db, "refresh") is None
    # Not our own error: its text (paths, hosts, data) stays in the log, not on the run.
    said = jobs._error_text(RuntimeError("cannot open /srv/secret/crm.csv"))
    assert "secret" not in said and said.startswith("RuntimeError")


def test_one_run_at_a_time_and_a_dead_runs_lock_is_taken_over(
    db: Database, job_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    delete_all_data(db)
    monkeypatch.setitem(jobs.STEPS, "retrain", [])
    held = JobRun.start(db, job_settings, "refresh", trigger="cli", by="first")
    with pytest.raises(JobBusyError, match=held.report.run_id):
        JobRun.start(db, job_settings, "refresh", trigger="cli", by="second")
    other = JobRun.start(db, job_settings, "retrain", trigger="cli", by="another job")
    assert other.execute().status == "succeeded"  # a different job does not wait
    held.execute()
    assert lock_holder(db, "refresh") is None

    dead = JobRun.start(db, job_settings, "refresh", trigger="cli", by="crashed process")
    db.query(
        "MATCH (l:JobLock {name: 'refresh'}) SET l.expires_at = $past",
        {"past": datetime.now(UTC) - timedelta(minutes=1)},
        write=True,
    )
    taker = JobRun.start(db, job_settings, "refresh", trigger="cli", by="next process")
    (abandoned,) = list_runs(db, run_id=dead.report.run_id)
    assert abandoned.status == "failed" and "abandoned" in (abandoned.error or "")
    assert lock_holder(db, "refresh") == taker.report.run_id
    taker.execute()


def test_a_failing_step_is_recorded_stops_the_run_and_releases_the_lock(
    db: Database, job_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    delete_all_data(db)

    def broken(run: JobRun) -> jobs.StepReport:
        raise IngestError("the CRM export folder is not mounted")

    chain = [("ingest", jobs.ingest_inbox), ("mount", broken), ("embed", jobs.embed_new_content)]
    monkeypatch.setitem(jobs.STEPS, "refresh", chain)
    report = run_job(db, job_settings, "refresh")
    assert report.status == "failed"
    assert [s.name for s in report.steps] == ["ingest", "mount"]
    assert "not mounted" in (report.error or "")
    (stored,) = list_runs(db, run_id=report.run_id)
    assert stored.status == "failed" and stored.steps[1].status == "failed"
    assert stored.finished_at is not None
    assert lock_holder(db, "refresh") is None


def test_the_scheduler_runs_the_configured_job_and_refuses_a_bad_crontab(
    db: Database, job_settings: Settings
) -> None:
    delete_all_data(db)
    with pytest.raises(ValidationError, match="crontab"):
        job_settings.model_validate({"jobs_refresh_cron": "every half hour"})
    done = threading.Event()
    finished: list[JobRunReport] = []

    def on_finish(report: JobRunReport) -> None:
        finished.append(report)
        done.set()

    quiet = job_settings.model_copy(update={"jobs_retrain_cron": None})
    scheduler = build_scheduler(quiet, on_finish=on_finish)
    assert [job.id for job in scheduler.get_jobs()] == ["refresh"]
    scheduler.start()
    try:
        assert "*/30" in str(scheduler.get_job("refresh").trigger)
        scheduler.modify_job("refresh", next_run_time=datetime.now(UTC))  # fire it now
        assert done.wait(timeout=120), "the scheduled refresh never finished"
    finally:
        scheduler.shutdown(wait=True)
    assert finished[0].trigger == "schedule" and finished[0].status == "succeeded"
    assert list_runs(db, "refresh")[0].run_id == finished[0].run_id


@pytest.mark.asyncio
async def test_the_api_starts_a_job_and_reports_its_steps(
    db: Database, job_settings: Settings
) -> None:
    delete_all_data(db)
    start = "mutation($job: JobName!) { startJob(job: $job) { runId status trigger by } }"
    follow = "query($id: String!) { jobRun(runId: $id) { status steps { name status } } }"
    async with api_client(api_settings(job_settings)) as client:
        assert codes(await gql(client, start, {"job": "REFRESH"}, role="analyst")) == ["FORBIDDEN"]
        body = await gql(client, start, {"job": "REFRESH"}, role="admin")
        run = body["data"]["startJob"]
        assert (
            run["status"] == "running" and run["trigger"] == "api" and run["by"] == actor("admin")
        )
        for _ in range(200):
            seen = (await gql(client, follow, {"id": run["runId"]}))["data"]["jobRun"]
            if seen["status"] != "running":
                break
            await asyncio.sleep(0.1)
        assert seen["status"] == "succeeded"
        names = [s["name"] for s in seen["steps"]]
        assert names == ["ingest", "erase", "resolve", "score", "embed"]

        held = JobRun.start(db, job_settings, "refresh", trigger="cli", by="shell")
        try:
            busy = await gql(client, start, {"job": "REFRESH"}, role="admin")
            assert (
                codes(busy) == ["CONFLICT"] and held.report.run_id in busy["errors"][0]["message"]
            )
        finally:
            held.execute()

        listed = await gql(client, "{ jobRuns(job: REFRESH, first: 5) { nodes { runId by } } }")
        assert [r["by"] for r in listed["data"]["jobRuns"]["nodes"]] == ["shell", actor("admin")]
        for bad in ("x' OR 1=1 //", "job-refresh-1", "a" * 5000):
            assert codes(await gql(client, follow, {"id": bad})) == ["BAD_USER_INPUT"]
        missing = "job-refresh-20260101T000000Z-abcdef"
        assert (await gql(client, follow, {"id": missing}))["data"]["jobRun"] is None
        assert codes(await gql(client, "{ jobRuns { totalCount } }", role="marketer")) == [
            "FORBIDDEN"
        ]

        scraped = (await client.get("/metrics")).text
        assert 'marketgraph_job_last_success_timestamp_seconds{job="refresh"}' in scraped
        assert 'marketgraph_job_running{job="refresh"} 0.0' in scraped
        assert 'marketgraph_job_last_run_problem_files{job="refresh"} 0.0' in scraped


def test_the_cli_runs_lists_and_refuses_clearly(
    db: Database, job_settings: Settings, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    from graph.local_server import connection

    delete_all_data(db)
    info = connection(job_settings)
    env = {
        **os.environ,
        "MARKETGRAPH_NEO4J_URI": info.uri,
        "MARKETGRAPH_NEO4J_PASSWORD": info.password,
        "MARKETGRAPH_STATE_DIR": str(tmp_path / "state"),
        "COLUMNS": "80",  # a plain terminal: run ids must still be whole, to copy
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api.cli", "jobs", *args],
            capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip

    ran = cli("run", "refresh")
    assert ran.returncode == 0, ran.stderr
    assert "succeeded" in ran.stdout and "no files in the inbox" in ran.stdout
    inbox = tmp_path / "state" / "inbox"  # the default one: created, and named for the user
    assert inbox.is_dir() and f"Inbox: {inbox}" in ran.stdout.replace("\n", "")
    listed = cli("list")
    [latest] = list_runs(db, "refresh", limit=1)
    # the run's summaries and error are shown to API clients (jobRuns): no server paths
    assert str(tmp_path) not in repr(latest)
    assert listed.returncode == 0 and latest.run_id in listed.stdout, listed.stdout
    assert cli("run", "vacuum").returncode == 2
    stray = tmp_path / "state" / "inbox"
    stray.mkdir(parents=True, exist_ok=True)
    (stray / "notes.txt").write_text("call Jane back\n")
    attention = cli("run", "refresh")  # succeeded, but a file waits for someone: exit 3
    assert attention.returncode == 3, attention.stdout + attention.stderr
    assert "succeeded" in attention.stdout and "need attention" in attention.stderr
    (stray / "notes.txt").unlink()
    held = JobRun.start(db, job_settings, "refresh", trigger="cli", by="another shell")
    try:
        busy = cli("run", "refresh")
        assert busy.returncode == 2 and "already running" in busy.stderr.replace("\n", " ")
        assert "Traceback" not in busy.stderr
    finally:
        held.execute()


def test_a_refresh_meeting_an_ingest_elsewhere_leaves_the_inbox_for_later_and_goes_on(
    db: Database, job_settings: Settings, demo_dir: Path, inbox: Path
) -> None:
    """An upload or a shell is loading when the scheduler fires: the inbox waits for the next
    refresh, and the steps after it (erasures, resolution, scores) still run."""
    delete_all_data(db)
    fill(inbox, demo_dir, {"crm_contacts.csv"})
    locks.acquire(db, INGEST_LOCK, "ingest-an-upload", minutes=5)
    try:
        report = run_job(db, job_settings, "refresh")
    finally:
        locks.release(db, INGEST_LOCK, "ingest-an-upload")
    assert report.status == "succeeded", report.error
    assert [s.name for s in report.steps] == ["ingest", "erase", "resolve", "score", "embed"]
    ingest = report.steps[0]
    assert ingest.status == "skipped" and "ingest-an-upload" in ingest.summary
    assert db.query("MATCH (r:CustomerRecord) RETURN count(r) AS n")[0]["n"] == 0
    later = run_job(db, job_settings, "refresh")
    assert later.steps[0].status == "done" and later.steps[0].counts["loaded"] > 0
    started = db.query("MATCH (r:IngestRun) RETURN r.started_by AS by")
    assert started == [{"by": later.run_id}]  # who loaded it, on the run


def test_a_job_holds_a_short_lease_and_ctrl_c_records_the_run_as_failed(
    db: Database, job_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose process dies frees the job within minutes (it used to hold it 6 hours);
    one stopped by Ctrl-C is 'failed' with the step it stopped in, never 'succeeded'."""
    delete_all_data(db)
    started = JobRun.start(db, job_settings, "retrain", trigger="cli", by="tester")
    [lock] = db.query(
        "MATCH (l:JobLock {name: 'retrain'}) RETURN duration.between(datetime(), l.expires_at) "
        "AS left"
    )
    assert lock["left"].seconds <= locks.LEASE_MINUTES * 60
    locks.release(db, "retrain", started.report.run_id)

    def pressed_ctrl_c(run: JobRun) -> jobs.StepReport:
        raise KeyboardInterrupt

    chain = [("ingest", jobs.ingest_inbox), ("resolve", pressed_ctrl_c)]
    monkeypatch.setitem(jobs.STEPS, "refresh", chain)
    with pytest.raises(KeyboardInterrupt):
        run_job(db, job_settings, "refresh")
    (stored,) = list_runs(db, "refresh")
    assert stored.status == "failed" and stored.error == "resolve: interrupted"
    assert [s.status for s in stored.steps] == ["skipped", "failed"]
    assert lock_holder(db, "refresh") is None


def test_the_resolve_step_reports_the_mode_that_ran(
    db: Database, job_settings: Settings, demo_dir: Path, inbox: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A fresh graph's first refresh resolves in full (no saved model yet); it used to be
    called incremental in the step's record and log because incremental had been asked for."""
    delete_all_data(db)
    chain = [("ingest", jobs.ingest_inbox), ("resolve", jobs.resolve_new_records)]
    monkeypatch.setitem(jobs.STEPS, "refresh", chain)
    fill(inbox, demo_dir, {"crm_accounts.csv", "crm_contacts.csv"})
    first = run_job(db, job_settings, "refresh")
    assert first.status == "succeeded", first.error
    summary = first.steps[1].summary
    assert " (full): " in summary and "incremental" not in summary, summary

    fill(inbox, demo_dir, {"shop_customers.csv"})
    later = run_job(db, job_settings, "refresh")
    assert later.status == "succeeded", later.error
    assert " (incremental): " in later.steps[1].summary, later.steps[1].summary
