"""Named locks held in Neo4j, so that two processes never run the same writer at once.

Why in the graph: the scheduler inside `serve`, a `jobs run` and a `resolve` typed in a shell
are different processes (maybe on different machines against one Aura database); a
(:JobLock {name}) node taken under Neo4j's write lock is the one place they all see. A lock
names its holder (a run id) and expires: every writer holds it on a lease of a few minutes,
renewed by a background thread while its work lasts (`leased`, `renewing`), so a killed
process (out of memory, `kill -9`, a stopped database) blocks the next job, ingest or
resolution for minutes, not hours; `renew` extends a hold and fails, rather than taking the
lock back, once another writer had it.
Expiry is judged by the database's clock, not each client's: two machines whose clocks
disagree by minutes still agree on whether a lease has run out.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import JobBusyError, LockLostError

log = logging.getLogger(__name__)

#: A leased lock lives this long without renewal; renewed five times as often.
LEASE_MINUTES = 5.0


def acquire(
    db: Database, name: str, holder: str, minutes: float, *, what: str = "", hint: str = ""
) -> None:
    """Take lock `name` for `holder`, or raise JobBusyError naming who holds it until when
    (`what` names the work in that message, `hint` says what to do). A holder whose process
    ran on this host and is gone (killed) is taken over at once, not after its lease."""
    params = {
        "name": name, "run_id": holder, "seconds": minutes * 60, "host": _host_identity(),
        "pid": os.getpid(), "dead_holder": None,
    }  # fmt: skip
    row = db.query(load_query("jobs/acquire_lock"), params, write=True)[0]
    if row["holder"] != holder and _died_here(row):
        log.warning("lock %s: its holder %s (pid %s) is gone; taking over", name, row["holder"],
                    row["pid"])  # fmt: skip
        params["dead_holder"] = row["holder"]
        row = db.query(load_query("jobs/acquire_lock"), params, write=True)[0]
    if row["holder"] != holder:
        raise JobBusyError(
            f"{what or name} is already running as {row['holder']} (lock held until "
            f"{row['expires_at']}).{' ' + hint if hint else ''}"
        )


def _host_identity() -> str | None:
    """Who can see this process's pid: host name, boot and pid namespace (Linux). Two machines
    or containers sharing a host name differ in boot id or namespace, so one never judges the
    other's pid; elsewhere None, and a dead holder waits for its lease."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return None
    return f"{socket.gethostname()}/{boot}/{namespace}"


def _died_here(row: dict[str, object]) -> bool:
    """Whether the lock's holder ran where this process runs and its process is gone."""
    pid, here = row.get("pid"), _host_identity()
    if here is None or row.get("host") != here or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's live process, or no such check here
        return False
    return False


def renew(db: Database, name: str, holder: str, minutes: float) -> bool:
    """Extend `holder`'s hold on lock `name` to `minutes` from now; False when it holds the lock
    no more (its lease lapsed and another writer took it, or it was released)."""
    rows = db.query(
        load_query("jobs/renew_lock"),
        {"name": name, "run_id": holder, "seconds": minutes * 60},
        write=True,
    )
    return bool(rows)


def release(db: Database, name: str, holder: str) -> None:
    """Give lock `name` back if `holder` still holds it (a taken-over lock is left alone)."""
    db.query(load_query("jobs/release_lock"), {"name": name, "run_id": holder}, write=True)


@dataclass
class Lease:
    """A held lease, for the work under it to ask whether it still holds the lock."""

    db: Database
    name: str
    holder: str
    what: str
    minutes: float
    lost: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        """Raise LockLostError once a renewal found the lock taken over (cheap: call between
        batches of work that must not go on without the lock)."""
        if self.lost.is_set():
            raise LockLostError(
                f"{self.what or self.name} ({self.holder}) lost its lock: it could not renew "
                f"its {self.minutes:g}-minute lease in time (the process stalled or the "
                "database was unreachable) and another writer took the lock; it stopped. "
                "Run it again."
            )

    def confirm(self) -> None:
        """Renew the lease now and raise LockLostError if the lock is gone (one round trip:
        call before each write phase, so a pause longer than the lease — a suspended
        process — is caught before the writes, not after the next background renewal)."""
        self.check()
        if not renew(self.db, self.name, self.holder, self.minutes):
            self.lost.set()
            self.check()


@contextmanager
def renewing(
    db: Database, name: str, holder: str, *, what: str = "", lease_minutes: float = LEASE_MINUTES
) -> Iterator[Lease]:
    """Keep renewing lock `name`, which `holder` already took, for the block (every fifth of
    the lease) without releasing it after. A renewal that fails on a database error is tried
    again at the next tick; one that finds the lock taken over sets `Lease.lost` and stops —
    the work checks it (`Lease.check`, `Lease.confirm`) between its steps."""
    lease = Lease(db, name, holder, what, lease_minutes)
    stop = threading.Event()

    def keep_renewing() -> None:
        while not stop.wait(lease_minutes * 60 / 5):
            try:
                if not renew(db, name, holder, lease_minutes):
                    log.error("lock %s was taken from %s (its lease lapsed)", name, holder)
                    lease.lost.set()
                    return
            except Exception:  # a database hiccup: try again at the next tick
                log.warning("could not renew lock %s for %s", name, holder, exc_info=True)

    renewer = threading.Thread(target=keep_renewing, name=f"lock-{name}", daemon=True)
    renewer.start()
    try:
        yield lease
    finally:
        stop.set()
        renewer.join()


@contextmanager
def leased(
    db: Database,
    name: str,
    holder: str,
    *,
    what: str = "",
    hint: str = "",
    lease_minutes: float = LEASE_MINUTES,
) -> Iterator[Lease]:
    """Take lock `name` for the block on a lease of `lease_minutes`, renewed while the block
    runs (`renewing`); always released."""
    acquire(db, name, holder, lease_minutes, what=what, hint=hint)
    try:
        with renewing(db, name, holder, what=what, lease_minutes=lease_minutes) as lease:
            yield lease
    finally:
        release(db, name, holder)
