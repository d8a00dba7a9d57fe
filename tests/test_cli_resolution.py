"""`marketgraph resolve | review | unmerge | explain` as a user types them, in a separate
process against the test's Neo4j: exit codes, what they print, what they change, and a busy
lock refused with a message instead of a traceback."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from graph import locks
from graph.db import Database
from graph.local_server import connection
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import list_reviews
from models.resolution.history import list_events
from models.resolution.run import RESOLUTION_LOCK
from tests.resolution_fixtures import assignments

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(settings: Settings, tmp_path: Path) -> Cli:
    info = connection(settings)
    env = {
        **os.environ,
        "MARKETGRAPH_NEO4J_URI": info.uri,
        "MARKETGRAPH_NEO4J_PASSWORD": info.password,
        "MARKETGRAPH_STATE_DIR": str(tmp_path / "state"),
        "COLUMNS": "200",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            capture_output=True, text=True, timeout=600, env=env,
        )  # fmt: skip

    return run


def test_resolution_from_the_command_line(
    empty_db: Database, settings: Settings, demo_dir: Path, cli: Cli, tmp_path: Path
) -> None:
    db = empty_db
    IngestRun(db, settings).run([demo_dir])
    ran = cli("resolve")
    assert ran.returncode == 0, ran.stderr
    assert "customer" in ran.stdout.lower() and "Traceback" not in ran.stderr
    first = assignments(db)
    assert first and cli("resolve", "--incremental").returncode == 0
    assert assignments(db) == first  # nothing new: nobody renumbered

    open_items = list_reviews(db, "open", limit=5)
    assert open_items, "the demo leaves uncertain pairs to review"
    item = open_items[0]
    listed = cli("review", "list")
    assert listed.returncode == 0 and item["review_id"] in listed.stdout
    accepted = cli("review", "accept", item["review_id"], "--note", "same phone")
    assert accepted.returncode == 0 and "accepted" in accepted.stdout
    unknown = cli("review", "reject", "rev-nosuchitem")
    assert unknown.returncode == 2 and "review list" in unknown.stderr.replace("\n", " ")
    assert "Traceback" not in unknown.stderr

    assert cli("resolve", "--incremental").returncode == 0
    survivor = assignments(db)[item["record_a"]]
    assert assignments(db)[item["record_b"]] == survivor
    explained = cli("explain", survivor)
    assert explained.returncode == 0
    assert item["record_a"] in explained.stdout and item["record_b"] in explained.stdout
    account = db.query("MATCH (a:Account) RETURN a.account_id AS id ORDER BY id LIMIT 1")[0]["id"]
    company = cli("explain", account)
    assert company.returncode == 0 and "customers work here" in company.stdout
    assert cli("explain", "acc-nosuchthing").returncode == 2

    out = tmp_path / "labels.csv"
    labelled = cli("review", "labels", "--out", str(out))
    assert labelled.returncode == 0, labelled.stderr
    rows = list(csv.DictReader(out.open()))
    assert [(r["unique_id_l"], r["unique_id_r"], float(r["clerical_match_score"]))
            for r in rows] == [(item["record_a"], item["record_b"], 1.0)]  # fmt: skip
    assert "precision" in labelled.stdout

    locks.acquire(db, RESOLUTION_LOCK, "res-in-another-shell", minutes=5)
    try:
        busy = cli("unmerge", survivor)
        assert busy.returncode == 2 and "res-in-another-shell" in busy.stderr
        assert "Traceback" not in busy.stderr
    finally:
        locks.release(db, RESOLUTION_LOCK, "res-in-another-shell")
    undone = cli("unmerge", survivor)
    assert undone.returncode == 0 and "restored" in undone.stdout
    assert assignments(db)[item["record_a"]] != assignments(db)[item["record_b"]]
    history = cli("history", survivor)
    assert history.returncode == 0 and "split" in history.stdout and "merge" in history.stdout
    split = next(e for e in list_events(db, survivor) if e["kind"] == "split")
    rejoined = cli("rejoin", split["event_id"])
    assert rejoined.returncode == 0 and f"back in {survivor}" in rejoined.stdout
    assert assignments(db)[item["record_a"]] == assignments(db)[item["record_b"]] == survivor
    again = cli("rejoin", split["event_id"])
    assert again.returncode == 2 and "already reversed" in again.stderr.replace("\n", " ")
