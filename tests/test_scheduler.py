"""Stopping the scheduler (`api.scheduler.stop`, Ctrl-C on `serve --scheduler` or `jobs
schedule`) against the real Neo4j: it says which run it waits for, and a second Ctrl-C ends at
once with the run recorded as interrupted."""

from __future__ import annotations

import _thread
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api import jobs, scheduler
from api.jobs import JobRun, StepReport, list_runs
from api.scheduler import build_scheduler
from graph.db import Database
from graph.local_server import connection
from graph.local_server.testing import free_ports
from graph.settings import Settings


def blocked_step(entered: threading.Event, release: threading.Event) -> Callable[..., StepReport]:
    def step(run: JobRun) -> StepReport:
        entered.set()
        release.wait(120)
        return StepReport("ingest", "done", 0.0, "let go")

    return step


def start_refresh_now(settings: Settings) -> scheduler.BaseScheduler:
    quiet = settings.model_copy(update={"jobs_retrain_cron": None})
    running = build_scheduler(quiet)
    running.start()
    running.modify_job("refresh", next_run_time=datetime.now(UTC))
    return running


class CtrlCOnceWaiting(logging.Handler):
    """The second Ctrl-C (a SIGINT to this, the main thread) once `stop` says it waits, and
    never otherwise: one that came late would stop the whole test session."""

    def emit(self, record: logging.LogRecord) -> None:
        if "waiting for" in record.getMessage():
            threading.Timer(0.5, _thread.interrupt_main).start()


def ctrl_c_once_waiting() -> logging.Handler:
    handler = CtrlCOnceWaiting(logging.WARNING)
    logging.getLogger("api.scheduler").addHandler(handler)
    return handler


def wait_until_idle() -> None:
    for _ in range(600):
        if not scheduler._running:
            return
        time.sleep(0.1)
    raise AssertionError("the scheduled run never ended")


def test_stopping_waits_for_the_run_and_says_which(
    empty_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    entered, release = threading.Event(), threading.Event()
    monkeypatch.setitem(jobs.STEPS, "refresh", [("ingest", blocked_step(entered, release))])
    running = start_refresh_now(settings)
    assert entered.wait(60), "the scheduled refresh never started"
    threading.Timer(1.0, release.set).start()
    with caplog.at_level(logging.WARNING, logger="api.scheduler"):
        scheduler.stop(running)
    [run] = list_runs(empty_db, "refresh", limit=1)
    assert run.status == "succeeded"
    said = caplog.text
    assert f"waiting for the refresh run {run.run_id} (step ingest) to finish" in said
    assert "press Ctrl-C again to stop it now" in said


def test_a_second_ctrl_c_records_the_run_as_interrupted_for_good(
    empty_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's thread goes on until the process ends (`os._exit` in the CLI); here it goes on
    for real, and what it saves afterwards must not turn the run back into a success."""
    entered, release = threading.Event(), threading.Event()
    monkeypatch.setitem(jobs.STEPS, "refresh", [("ingest", blocked_step(entered, release))])
    running = start_refresh_now(settings)
    assert entered.wait(60), "the scheduled refresh never started"
    said = ctrl_c_once_waiting()
    try:
        with pytest.raises(KeyboardInterrupt):
            scheduler.stop(running)
        [run] = list_runs(empty_db, "refresh", limit=1)
        assert run.status == "failed" and run.error == "ingest: interrupted"
        [lock] = empty_db.query("MATCH (l:JobLock {name: 'refresh'}) RETURN l.holder AS holder")
        assert lock["holder"] is None  # released: the next run need not wait for the lease
    finally:
        logging.getLogger("api.scheduler").removeHandler(said)
        release.set()
        wait_until_idle()
    [after] = list_runs(empty_db, "refresh", limit=1)
    assert after.status == "failed" and after.error == "ingest: interrupted"
    assert [s.status for s in after.steps] == ["failed"]


SERVE_WITH_A_SLOW_REFRESH = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from apscheduler.triggers.date import DateTrigger
from api import jobs, scheduler

started, port = Path(sys.argv[1]), sys.argv[2]

def slow(run):
    started.write_text(run.report.run_id)
    time.sleep(600)

jobs.STEPS["refresh"] = [("ingest", slow)]
scheduler.cron_trigger = lambda cron: DateTrigger(datetime.now(UTC))  # fire at once
sys.argv = ["marketgraph", "serve", "--scheduler", "--port", port]
from api.cli import main
main()
"""


def test_ctrl_c_on_serve_with_a_scheduler_says_what_it_waits_for_and_twice_stops_at_once(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    """It used to wait for the run in silence (the interpreter joins the job's thread)."""
    info = connection(settings)
    env = {
        **os.environ,
        "MARKETGRAPH_NEO4J_URI": info.uri,
        "MARKETGRAPH_NEO4J_PASSWORD": info.password,
        "MARKETGRAPH_STATE_DIR": str(tmp_path / "state"),
        "MARKETGRAPH_ENVIRONMENT": "development",
        "MARKETGRAPH_JOBS_RETRAIN_CRON": "",
        "COLUMNS": "200",
    }
    started, log = tmp_path / "started", tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        serving = subprocess.Popen(
            [sys.executable, "-c", SERVE_WITH_A_SLOW_REFRESH, str(started), str(free_ports(1)[0])],
            stdout=subprocess.DEVNULL, stderr=stderr, env=env,
        )  # fmt: skip
    try:
        until(lambda: started.exists(), "the scheduled refresh never started", serving, log)
        run_id = started.read_text()
        serving.send_signal(signal.SIGINT)
        until(lambda: "Ctrl-C again" in said(log), "no word on what it waits for", serving, log)
        assert f"waiting for the refresh run {run_id} (step ingest)" in said(log)
        serving.send_signal(signal.SIGINT)
        assert serving.wait(timeout=30) == 130, said(log)
    finally:
        if serving.poll() is None:
            serving.kill()
            serving.wait()
    assert "Stopped at once" in said(log)
    [run] = list_runs(empty_db, run_id=run_id)
    assert run.status == "failed" and run.error == "ingest: interrupted"


def said(log: Path) -> str:
    return " ".join(log.read_text().split())


def until(done: Callable[[], bool], why: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(1200):
        if done():
            return
        if process.poll() is not None:
            raise AssertionError(f"{why}: it exited ({process.returncode}): {said(log)}")
        time.sleep(0.1)
    raise AssertionError(f"{why}: {said(log)[-2000:]}")
