"""One ingest at a time across processes, on a lease that a dead process cannot hold for hours.

The API, the scheduler and a shell are different processes; before, only the API queued its own
ingests. The lock lives in Neo4j (graph/locks.py), so all of them see it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from neo4j.exceptions import ServiceUnavailable

from graph import locks
from graph.db import Database
from graph.errors import JobBusyError, LockLostError
from graph.local_server import connection
from graph.settings import Settings
from ingestion.loader import INGEST_LOCK, IngestRun
from tests.test_cli import _cli


def holder(db: Database, name: str) -> str | None:
    rows = db.query("MATCH (l:JobLock {name: $n}) RETURN l.holder AS h", {"n": name})
    return rows[0]["h"] if rows else None


def test_an_ingest_running_elsewhere_refuses_this_one_and_nothing_is_written(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    locks.acquire(empty_db, INGEST_LOCK, "ingest-in-another-shell", minutes=5)
    try:
        run = IngestRun(empty_db, settings)
        with pytest.raises(JobBusyError, match="An ingest is already running as ingest-in-another"):
            run.run([demo_dir / "crm_contacts.csv"])
        counts = empty_db.query(
            "MATCH (n) WHERE n:CustomerRecord OR n:IngestRun RETURN count(n) AS n"
        )
        assert counts[0]["n"] == 0  # not even a run record
        info = connection(settings)
        refused = _cli(
            "ingest", str(demo_dir / "crm_contacts.csv"),
            env={"MARKETGRAPH_NEO4J_URI": info.uri, "MARKETGRAPH_NEO4J_PASSWORD": info.password,
                 "MARKETGRAPH_STATE_DIR": str(tmp_path / "state")},
        )  # fmt: skip
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "ingest-in-another-shell" in refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        locks.release(empty_db, INGEST_LOCK, "ingest-in-another-shell")
    report = IngestRun(empty_db, settings).run([demo_dir / "crm_contacts.csv"])
    assert report.total("loaded") > 0
    assert holder(empty_db, INGEST_LOCK) is None  # given back after the run


def test_a_lease_is_renewed_while_held_and_lapses_when_its_holder_dies(db: Database) -> None:
    lease = 0.05  # three seconds, renewed every 0.6 s
    taken = datetime.now(UTC)
    with locks.leased(db, "lease-test", "alive", lease_minutes=lease):
        time.sleep(1.5)  # renewed at 0.6 and 1.2 s: the lease now ends ~4.2 s after taking
        [row] = db.query("MATCH (l:JobLock {name: 'lease-test'}) RETURN l.expires_at AS t")
        assert row["t"].to_native() > taken + timedelta(seconds=3.6)
        time.sleep(2.5)  # longer than the lease: only renewal keeps it
        with pytest.raises(JobBusyError, match="alive"):
            locks.acquire(db, "lease-test", "intruder", lease)
    assert holder(db, "lease-test") is None
    locks.acquire(db, "lease-test", "killed", lease)  # taken, never released or renewed
    with pytest.raises(JobBusyError):
        locks.acquire(db, "lease-test", "next", lease)
    time.sleep(3.5)
    locks.acquire(db, "lease-test", "next", lease)  # the dead holder's lease lapsed
    assert holder(db, "lease-test") == "next"
    locks.release(db, "lease-test", "next")


def test_a_renewal_that_fails_once_is_tried_again(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database hiccup during one renewal must not give the lease up for good."""
    real_renew, calls = locks.renew, []

    def flaky(*args: object, **kwargs: object) -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise ServiceUnavailable("connection reset")
        return real_renew(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(locks, "renew", flaky)
    with locks.leased(db, "lease-hiccup", "steady", lease_minutes=0.05):
        time.sleep(4)  # the first renewal failed; the later ones kept the 3-second lease
        with pytest.raises(JobBusyError, match="steady"):
            locks.acquire(db, "lease-hiccup", "intruder", 0.05)
    assert len(calls) >= 3


def test_a_lease_taken_over_stops_the_work_that_checks_it(db: Database) -> None:
    with locks.leased(db, "lease-lost", "stalled", lease_minutes=0.05) as lease:
        lease.check()  # held: nothing to say
        db.query(
            "MATCH (l:JobLock {name: 'lease-lost'}) SET l.expires_at = datetime() - "
            "duration('PT1S')", write=True,
        )  # fmt: skip
        locks.acquire(db, "lease-lost", "intruder", 5)  # the lease lapsed; another took it
        time.sleep(1.5)  # the next renewal finds it gone
        with pytest.raises(LockLostError, match="stalled"):
            lease.check()
    assert holder(db, "lease-lost") == "intruder"  # releasing did not free the other's lock
    locks.release(db, "lease-lost", "intruder")


def test_an_ingest_that_lost_its_lock_stops_writing(
    empty_db: Database, settings: Settings, demo_dir: Path
) -> None:
    run = IngestRun(empty_db, settings.model_copy(update={"batch_size": 100}))

    def lose_the_lock(name: str, written: int, total: int) -> None:
        assert run._lease is not None
        run._lease.lost.set()  # what a renewal does on finding another holder

    with pytest.raises(LockLostError, match="An ingest"):
        run.run([demo_dir / "crm_contacts.csv"], progress=lose_the_lock)
    loaded = empty_db.query("MATCH (r:CustomerRecord) RETURN count(r) AS n")[0]["n"]
    total = (demo_dir / "crm_contacts.csv").read_bytes().count(b"\n") - 1
    assert 0 < loaded < total  # stopped after a batch or two, not at the end
    status = empty_db.query("MATCH (r:IngestRun) RETURN r.status AS s")
    assert status == [{"s": "failed"}]
    assert holder(empty_db, INGEST_LOCK) is None
