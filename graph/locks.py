"""Named locks held in Neo4j, so that two processes never run the same writer at once.

Why in the graph: the scheduler inside `serve`, a `jobs run` and a `resolve` typed in a shell
are different processes (maybe on different machines against one Aura database); a
(:JobLock {name}) node taken under Neo4j's write lock is the one place they all see. A lock
names its holder (a run id) and expires, so a crashed process does not block the next run
forever (`MARKETGRAPH_JOBS_LOCK_MINUTES`). A lock taken with `leased` expires within minutes
instead and is renewed by a background thread while its work lasts, so a killed process (out
of memory, `kill -9`) blocks the next ingest for minutes, not hours. Taking a lock its holder
already holds renews it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import JobBusyError

log = logging.getLogger(__name__)

#: A leased lock lives this long without renewal; renewed five times as often.
LEASE_MINUTES = 5.0


def acquire(
    db: Database, name: str, holder: str, minutes: float, *, what: str = "", hint: str = ""
) -> None:
    """Take lock `name` for `holder`, or raise JobBusyError naming who holds it until when
    (`what` names the work in that message, `hint` says what to do)."""
    now = datetime.now(UTC)
    row = db.query(
        load_query("jobs/acquire_lock"),
        {
            "name": name,
            "run_id": holder,
            "now": now,
            "expires_at": now + timedelta(minutes=minutes),
        },
        write=True,
    )[0]
    if row["holder"] != holder:
        raise JobBusyError(
            f"{what or name} is already running as {row['holder']} (lock held until "
            f"{row['expires_at']}).{' ' + hint if hint else ''}"
        )


def release(db: Database, name: str, holder: str) -> None:
    """Give lock `name` back if `holder` still holds it (a taken-over lock is left alone)."""
    db.query(load_query("jobs/release_lock"), {"name": name, "run_id": holder}, write=True)


@contextmanager
def held(
    db: Database, name: str, holder: str, minutes: float, *, what: str = "", hint: str = ""
) -> Iterator[None]:
    """Hold lock `name` for the block; always released, also when the block fails."""
    acquire(db, name, holder, minutes, what=what, hint=hint)
    try:
        yield
    finally:
        release(db, name, holder)


@contextmanager
def leased(
    db: Database,
    name: str,
    holder: str,
    *,
    what: str = "",
    hint: str = "",
    lease_minutes: float = LEASE_MINUTES,
) -> Iterator[None]:
    """Hold lock `name` for the block on a lease of `lease_minutes`, renewed in the background
    every fifth of it; a renewal that fails (the database unreachable, or the lock taken over
    after a stall longer than the lease) is logged and renewal stops. Always released."""
    acquire(db, name, holder, lease_minutes, what=what, hint=hint)
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease_minutes * 60 / 5):
            try:
                acquire(db, name, holder, lease_minutes)
            except Exception:
                log.warning("could not renew lock %s for %s", name, holder, exc_info=True)
                return

    renewer = threading.Thread(target=renew, name=f"lock-{name}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        release(db, name, holder)
