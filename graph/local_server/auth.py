"""The local server's password: generated once, kept in a 0600 file, applied at first start.

Why keep auth on for a local development server: the Bolt port is reachable by every process
and user on the machine, and a default `neo4j/neo4j` invites tools (and people) to write into
the graph by accident. The password is written to the file *before* the server's password is
changed, so a crash in between loses nothing: the next start finds the database still on the
initial `neo4j` password and finishes the change.

This is the only module of the local-server package that talks Bolt.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import time
from pathlib import Path
from typing import LiteralString

import neo4j
from neo4j import GraphDatabase

from graph.errors import Neo4jServerError
from graph.local_server.config import LocalPaths
from graph.local_server.process import StartTimeout, alive, tail

log = logging.getLogger(__name__)

USER = "neo4j"
INITIAL_PASSWORD = "neo4j"
# An administration command on the `system` database, not a graph query, hence inline
# rather than in cypher/. Both passwords are parameters; nothing is formatted in.
_CHANGE_PASSWORD: LiteralString = "ALTER CURRENT USER SET PASSWORD FROM $old TO $new"
_PING: LiteralString = "RETURN 1 AS ok"
_NOT_READY = (
    neo4j.exceptions.ServiceUnavailable,
    neo4j.exceptions.SessionExpired,
    neo4j.exceptions.TransientError,
)


def ensure_password_file(paths: LocalPaths) -> str:
    """The local password, generating a strong one (file created 0600, never wider) if absent."""
    paths.home.mkdir(parents=True, exist_ok=True)
    os.chmod(paths.home, 0o700)  # data, logs and password: this user's only
    try:
        fd = os.open(paths.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_password(paths.password_file)
    password = secrets.token_urlsafe(24)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(password + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    log.info("generated a password for the local Neo4j in %s", paths.password_file)
    return password


def read_password(path: Path) -> str:
    """The password in `path`, tightening its mode to 0600 if someone widened it."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        password = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise Neo4jServerError(
            f"No local Neo4j password file at {path}: run `marketgraph neo4j start` first, "
            "or set NEO4J_URI/NEO4J_PASSWORD to use another server."
        ) from exc
    if mode & 0o077:
        log.warning("password file %s had mode %o; setting 0600", path, mode)
        os.chmod(path, 0o600)
    if not password or password == INITIAL_PASSWORD:
        raise Neo4jServerError(
            f"{path} holds no usable password (empty or the default). Delete it together with "
            f"the data folder next to it to start over."
        )
    return password


def initial_password_pending(paths: LocalPaths) -> bool:
    """True before the very first start: no system database yet, so it will have `neo4j`.

    Knowing this lets the first start go straight to the password change instead of first
    failing a login (which Neo4j logs as a security warning and counts towards its lock-out).
    """
    return not (paths.data_dir / "databases" / "system").exists()


def finish_start(
    uri: str, password: str, pid: int, paths: LocalPaths, deadline: float, *, fresh: bool
) -> None:
    """Apply the password if the database still has the initial one, then wait until the
    default database answers a query. Retries while Bolt is still coming up.

    `fresh` says the data folder was new at launch (see `initial_password_pending`); otherwise
    our password is tried first and the initial one only if it is rejected, which is the
    crash-between-writing-the-file-and-changing-the-password case.
    """
    initial_pending = fresh
    checked = fresh
    while True:
        try:
            if not checked:
                initial_pending = not _accepts(uri, password)
                checked = True
            if initial_pending:
                _change_initial_password(uri, password, paths)
                initial_pending = False
            _ping(uri, password)
            return
        except _NOT_READY as exc:
            if not alive(pid):
                raise Neo4jServerError(
                    f"Neo4j (pid {pid}) exited during start-up. Last lines of {paths.log_file}:\n"
                    f"{tail(paths.log_file)}"
                ) from exc
            if time.monotonic() > deadline:
                raise StartTimeout(pid) from exc
            log.debug("Bolt not ready yet: %s", exc)
            time.sleep(0.5)


def probe(uri: str, user: str, password: str | None, timeout_s: float = 5.0) -> str | None:
    """The server agent (e.g. `Neo4j/5.26.19`) if `uri` answers and accepts us, else None."""
    if password is None:
        return None
    try:
        with _driver(uri, (user, password), timeout_s) as driver:
            return driver.get_server_info().agent
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError, ValueError) as exc:
        log.debug("probe of %s failed: %s", uri, exc)
        return None


def _accepts(uri: str, password: str) -> bool:
    """Whether the server authenticates neo4j with our password (False: still the initial)."""
    try:
        with _driver(uri, (USER, password)) as driver:
            driver.verify_connectivity()
    except neo4j.exceptions.AuthError:
        return False
    return True


def _change_initial_password(uri: str, password: str, paths: LocalPaths) -> None:
    try:
        with _driver(uri, (USER, INITIAL_PASSWORD)) as driver:
            driver.execute_query(
                _CHANGE_PASSWORD, old=INITIAL_PASSWORD, new=password, database_="system"
            )
    except neo4j.exceptions.AuthError as exc:
        if _accepts(uri, password):  # an earlier attempt changed it but its reply was lost
            return
        raise Neo4jServerError(
            f"The local Neo4j accepts neither the password in {paths.password_file} nor the "
            f"initial one: its data in {paths.data_dir} was created with another password. Put "
            "that password in the file, or stop the server and delete the data folder to start "
            "over."
        ) from exc
    log.info("replaced the initial Neo4j password with the one in %s", paths.password_file)


def _ping(uri: str, password: str) -> None:
    with _driver(uri, (USER, password)) as driver:
        driver.execute_query(_PING)


def _driver(uri: str, auth: tuple[str, str], timeout_s: float = 5.0) -> neo4j.Driver:
    return GraphDatabase.driver(
        uri, auth=auth, connection_timeout=timeout_s, connection_acquisition_timeout=timeout_s
    )
