"""The refresh job's inbox (`api.jobs_inbox`) against the real Neo4j: a misspelt folder is an
error, the default one is created, and an inbox with nothing new records no ingest run."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api import jobs
from api.jobs import run_job
from graph.db import Database
from graph.settings import Settings


@pytest.fixture
def ingest_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refresh job cut to its ingest step: what these tests look at, in seconds."""
    monkeypatch.setitem(jobs.STEPS, "refresh", [("ingest", jobs.ingest_inbox)])


def ingest_runs(db: Database) -> int:
    return int(db.query("MATCH (r:IngestRun) RETURN count(r) AS n")[0]["n"])


@pytest.mark.usefixtures("ingest_only")
def test_a_configured_inbox_that_does_not_exist_fails_the_run_naming_the_variable(
    empty_db: Database, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """It used to succeed with "no files in the inbox", so a typo went unnoticed for good."""
    later = ("erase", lambda run: jobs._timed("erase", 0.0, "skipped", "ran after the inbox"))
    monkeypatch.setitem(jobs.STEPS, "refresh", [("ingest", jobs.ingest_inbox), later])
    misspelt = tmp_path / "inbxo"
    with caplog.at_level(logging.ERROR):
        report = run_job(
            empty_db, settings.model_copy(update={"jobs_inbox_dir": misspelt}), "refresh"
        )
    assert report.status == "failed"
    assert report.error is not None and "MARKETGRAPH_JOBS_INBOX_DIR" in report.error
    assert "no existing folder" in report.error
    assert str(misspelt) not in report.error  # shown to API clients (jobRuns); the log says it
    assert str(misspelt) in caplog.text
    assert not misspelt.exists()  # a configured folder is never created: it may be a typo
    assert ingest_runs(empty_db) == 0
    # the other steps still ran: erasures and resolution do not wait for the typo's fix
    assert [s.name for s in report.steps][:2] == ["ingest", "erase"]
    assert report.steps[0].status == "failed"


def test_jobs_run_refresh_exits_2_naming_a_misspelt_inbox_and_the_variable(tmp_path: Path) -> None:
    misspelt = tmp_path / "inbxo"
    env = {
        **os.environ,
        "MARKETGRAPH_STATE_DIR": str(tmp_path / "state"),
        "MARKETGRAPH_JOBS_INBOX_DIR": str(misspelt),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "jobs", "run", "refresh"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"MARKETGRAPH_JOBS_INBOX_DIR is {misspelt}, which does not exist" in said
    assert "Traceback" not in done.stderr


@pytest.mark.usefixtures("ingest_only")
def test_the_default_inbox_is_created_when_first_needed(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    """Users learn where to drop files by finding the folder (and `jobs run` names it)."""
    state = settings.model_copy(update={"state_dir": tmp_path / "state", "jobs_inbox_dir": None})
    report = run_job(empty_db, state, "refresh")
    assert report.status == "succeeded", report.error
    assert (tmp_path / "state" / "inbox").is_dir()
    assert "no files in the inbox" in report.steps[0].summary


@pytest.mark.usefixtures("ingest_only")
def test_an_inbox_holding_only_files_loaded_before_records_no_ingest_run(
    empty_db: Database, settings: Settings, tmp_path: Path, demo_dir: Path
) -> None:
    """A refresh every 30 minutes used to add an empty (:IngestRun) each time."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(demo_dir / "crm_accounts.csv", inbox / "crm_accounts.csv")
    (inbox / "notes.txt").write_text("call Jane back\n")
    job_settings = settings.model_copy(update={"jobs_inbox_dir": inbox})
    first = run_job(empty_db, job_settings, "refresh")
    assert first.steps[0].status == "done" and first.steps[0].counts["new_files"] == 1
    assert ingest_runs(empty_db) == 1

    # the same content under another name (a re-sent export) is nothing new either
    shutil.copy(demo_dir / "crm_accounts.csv", inbox / "crm_accounts_2024-06.csv")
    again = run_job(empty_db, job_settings, "refresh")
    assert again.status == "succeeded", again.error
    step = again.steps[0]
    assert step.status == "skipped" and ingest_runs(empty_db) == 1
    assert step.summary.startswith("nothing new: the 2 file(s) in the inbox were loaded before")
    assert "ignored notes.txt" in step.summary and step.counts["problem_files"] == 1

    (inbox / "crm_contacts.csv").write_bytes((demo_dir / "crm_contacts.csv").read_bytes())
    news = run_job(empty_db, job_settings, "refresh")
    assert news.steps[0].status == "done" and news.steps[0].counts["new_files"] == 1
    assert ingest_runs(empty_db) == 2
