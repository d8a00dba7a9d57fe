"""Named locks held in Neo4j, so that two processes never run the same writer at once.

Why in the graph: the scheduler inside `serve`, a `jobs run` and a `resolve` typed in a shell
are different processes (maybe on different machines against one Aura database); a
(:JobLock {name}) node taken under Neo4j's write lock is the one place they all see. A lock
names its holder (a run id) and expires, so a crashed process does not block the next run
forever (`MARKETGRAPH_JOBS_LOCK_MINUTES`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import JobBusyError


def acquire(
    db: Database, name: str, holder: str, minutes: int, *, what: str = "", hint: str = ""
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
    db: Database, name: str, holder: str, minutes: int, *, what: str = "", hint: str = ""
) -> Iterator[None]:
    """Hold lock `name` for the block; always released, also when the block fails."""
    acquire(db, name, holder, minutes, what=what, hint=hint)
    try:
        yield
    finally:
        release(db, name, holder)
