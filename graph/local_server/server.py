"""start / stop / status / connection: the public face of the local Neo4j server.

Why these refuse to touch anything when `NEO4J_URI` is set: a user who points marketgraph at
Aura, Docker or a cluster must never get a second, silently different database on their
laptop; every command then reports (and `connection()` returns) the external server instead.
"""

from __future__ import annotations

import logging
import time

from graph.errors import ConfigurationError, Neo4jServerError
from graph.local_server import auth, config, process
from graph.local_server.install import file_lock, install, installed
from graph.local_server.java import find_java
from graph.local_server.models import ConnectionInfo, ServerInfo, ServerStatus
from graph.settings import Settings

log = logging.getLogger(__name__)


def start(settings: Settings, wait: bool = True) -> ServerInfo:
    """Install if needed and start the local server; return at once if it already runs.

    With `wait=True` (the default) this returns only when Bolt answers queries with the
    password from the password file. With `wait=False` it returns right after launching; on a
    fresh data folder the server then still has the initial password, which the next `start()`
    or the first `connection()` replaces (both wait for the server to come up).
    """
    if settings.uses_external_neo4j:
        return _external_info(settings, wait)
    started = time.monotonic()
    paths = config.local_paths(settings)
    paths.home.mkdir(parents=True, exist_ok=True)
    # One start at a time per state dir: a second `start` waits, then finds it running.
    with file_lock(paths.home / ".start.lock"):
        pid = process.running_pid(paths)
        already_running = pid is not None
        fresh = False
        if pid is None:
            pid, fresh = _launch(settings, paths)
        else:
            _check_running_ports(settings, paths, pid)
        version = settings.neo4j_version
        if wait:
            version = _wait_ready(
                settings, paths, pid, started, fresh=fresh, launched=not already_running
            )
            paths.password_pending.unlink(missing_ok=True)
        elif fresh:  # nobody waits to set the password: the first connection will
            paths.password_pending.touch(mode=0o600)
    seconds = time.monotonic() - started
    bolt_uri, http_url = _urls(settings)
    log.info(
        "Neo4j %s %s at %s (pid %d) in %.1f s",
        version,
        "already running" if already_running else "started",
        bolt_uri,
        pid,
        seconds,
    )
    return ServerInfo(
        bolt_uri=bolt_uri,
        external=False,
        version=version,
        already_running=already_running,
        http_url=http_url,
        browser_url=f"{http_url}/browser/",
        pid=pid,
        data_dir=paths.data_dir,
        log_file=paths.log_file,
        ready=wait,
        seconds=seconds,
    )


def _launch(settings: Settings, paths: config.LocalPaths) -> tuple[int, bool]:
    """Check everything that can be checked cheaply, then launch; (pid, fresh data dir)."""
    installation = install(settings)
    java = find_java(settings)
    config.check_memory(settings)
    config.check_ports(settings)
    auth.ensure_password_file(paths)
    for folder in (paths.data_dir, paths.logs_dir, paths.run_dir):
        folder.mkdir(parents=True, exist_ok=True)
    config.write_config(settings, paths, installation)
    fresh = auth.initial_password_pending(paths)
    return process.launch(process.command(settings, java, installation, paths), paths), fresh


def _check_running_ports(settings: Settings, paths: config.LocalPaths, pid: int) -> None:
    """Refuse at once when the server already running from this state dir listens on other
    ports than the settings name (its neo4j.conf says which): waiting on the new ports would
    time out, and a running, healthy server is not ours to stop for that."""
    try:
        conf = paths.conf_file.read_text(encoding="utf-8")
    except OSError:
        return
    listening = {
        key: value.rsplit(":", 1)[-1]
        for key, _, value in (line.partition("=") for line in conf.splitlines())
        if key in ("server.bolt.listen_address", "server.http.listen_address")
    }
    wanted = {
        "server.bolt.listen_address": str(settings.neo4j_bolt_port),
        "server.http.listen_address": str(settings.neo4j_http_port),
    }
    if any(listening.get(key, port) != port for key, port in wanted.items()):
        raise Neo4jServerError(
            f"Neo4j already runs from {paths.home} (pid {pid}) on Bolt port "
            f"{listening.get('server.bolt.listen_address')} and HTTP port "
            f"{listening.get('server.http.listen_address')}, not the {settings.neo4j_bolt_port} / "
            f"{settings.neo4j_http_port} asked for (MARKETGRAPH_NEO4J_BOLT_PORT / "
            "MARKETGRAPH_NEO4J_HTTP_PORT). Use those ports, or `marketgraph neo4j stop` first "
            "to start it on the new ones."
        )


def _wait_ready(
    settings: Settings, paths: config.LocalPaths, pid: int, started: float, *, fresh: bool,
    launched: bool = True,
) -> str:  # fmt: skip
    """Wait for HTTP, then Bolt with our password; the server version. Stops a server this
    call launched on timeout (one that was running before is left running)."""
    bolt_uri, http_url = _urls(settings)
    deadline = started + settings.neo4j_start_timeout_s
    try:
        found = process.wait_for_http(pid, http_url, paths, deadline)
        password = auth.read_password(paths.password_file)
        auth.finish_start(bolt_uri, password, pid, paths, deadline, fresh=fresh)
    except process.StartTimeout as timeout:
        if launched:
            _stop_after_timeout(timeout.pid, paths)
        raise Neo4jServerError(
            f"Neo4j did not become ready within {settings.neo4j_start_timeout_s:g} s "
            f"(MARKETGRAPH_NEO4J_START_TIMEOUT_S) and was "
            f"{'stopped' if launched else 'left running (it was running before)'}. Last lines "
            f"of {paths.log_file}:\n{process.tail(paths.log_file)}"
        ) from None
    return str(found.get("neo4j_version", settings.neo4j_version))


def stop(settings: Settings, timeout_s: float = 60) -> bool:
    """Stop the local server (SIGTERM, SIGKILL after `timeout_s`); True if it was running."""
    if settings.uses_external_neo4j:
        log.info(
            "NEO4J_URI is set (%s): not stopping a server marketgraph does not run",
            settings.neo4j_uri,
        )
        return False
    paths = config.local_paths(settings)
    pid = process.running_pid(paths)
    if pid is None:
        return False
    started = time.monotonic()
    process.terminate(pid, paths, timeout_s)
    log.info("stopped Neo4j (pid %d) in %.1f s", pid, time.monotonic() - started)
    return True


def status(settings: Settings) -> ServerStatus:
    """Installed? running? answering? Never installs or starts anything."""
    if settings.uses_external_neo4j:
        uri = str(settings.neo4j_uri)
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        agent = auth.probe(uri, settings.neo4j_user, password)
        detail = (
            "external server (NEO4J_URI), reachable"
            if agent
            else "external server (NEO4J_URI), not reachable or credentials rejected"
            + ("" if password else "; NEO4J_PASSWORD is not set")
        )
        return ServerStatus(
            external=True,
            installed=False,
            running=agent is not None,
            responding=agent is not None,
            bolt_uri=uri,
            version=agent or "unknown",
            detail=detail,
        )
    paths = config.local_paths(settings)
    bolt_uri, http_url = _urls(settings)
    pid = process.running_pid(paths)
    found = process.discovery(http_url) if pid is not None else None
    installation = installed(settings)
    version = str(found.get("neo4j_version")) if found else settings.neo4j_version
    if pid is None:
        detail = "not running" + ("" if installation else "; not installed yet")
    else:
        detail = "running and answering" if found else "running, not answering HTTP yet"
    return ServerStatus(
        external=False,
        installed=installation is not None,
        running=pid is not None,
        responding=found is not None,
        bolt_uri=bolt_uri,
        version=version,
        pid=pid,
        http_url=http_url,
        browser_url=f"{http_url}/browser/",
        data_dir=paths.data_dir,
        log_file=paths.log_file,
        detail=detail,
    )


def connection(settings: Settings) -> ConnectionInfo:
    """How a driver reaches the graph: the external server if NEO4J_URI is set, else ours.

    Reads only settings and the password file, so it is cheap and works in any process —
    except right after `start(wait=False)` on a fresh data folder, when the first call sets
    the server's password (see `_finish_pending_password`).
    """
    if settings.uses_external_neo4j:
        if settings.neo4j_password is None:
            raise ConfigurationError(
                f"NEO4J_URI is set ({settings.neo4j_uri}) but NEO4J_PASSWORD "
                "(or MARKETGRAPH_NEO4J_PASSWORD) is not"
            )
        return ConnectionInfo(
            uri=str(settings.neo4j_uri),
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
        )
    paths = config.local_paths(settings)
    bolt_uri, _ = _urls(settings)
    if paths.password_pending.exists():
        _finish_pending_password(settings, paths)
    return ConnectionInfo(
        uri=bolt_uri,
        user=auth.USER,
        password=auth.read_password(paths.password_file),
        database=settings.neo4j_database,
    )


def _finish_pending_password(settings: Settings, paths: config.LocalPaths) -> None:
    """Replace the initial password that a `neo4j start --no-wait` of a fresh data folder left,
    waiting for Bolt if the server is still coming up: without this every command after it
    was refused (wrong password) until a plain `start` finished the job."""
    with file_lock(paths.home / ".start.lock"):  # one process does it; a `start` waits
        if not paths.password_pending.exists():
            return  # done meanwhile
        pid = process.running_pid(paths)
        if pid is None:
            return  # not running: the driver says to start it, and that start finishes this
        bolt_uri, _ = _urls(settings)
        password = auth.read_password(paths.password_file)
        deadline = time.monotonic() + settings.neo4j_start_timeout_s
        try:
            auth.finish_start(bolt_uri, password, pid, paths, deadline, fresh=True)
        except process.StartTimeout:
            raise Neo4jServerError(
                f"The local Neo4j (pid {pid}) did not become ready within "
                f"{settings.neo4j_start_timeout_s:g} s (MARKETGRAPH_NEO4J_START_TIMEOUT_S) to "
                f"have its password set. Last lines of {paths.log_file}:\n"
                f"{process.tail(paths.log_file)}\n`marketgraph neo4j start` waits for it again."
            ) from None
        paths.password_pending.unlink(missing_ok=True)
        log.info("set the password of the local Neo4j started without waiting")


def _urls(settings: Settings) -> tuple[str, str]:
    """bolt:// (a single server needs no routing table) and the HTTP base URL."""
    return (
        f"bolt://127.0.0.1:{settings.neo4j_bolt_port}",
        f"http://127.0.0.1:{settings.neo4j_http_port}",
    )


def _external_info(settings: Settings, wait: bool) -> ServerInfo:
    uri = str(settings.neo4j_uri)
    agent: str | None = None
    if wait:
        info = connection(settings)
        agent = auth.probe(info.uri, info.user, info.password, timeout_s=10)
        if agent is None:
            raise Neo4jServerError(
                f"NEO4J_URI is set, so marketgraph starts no local server, but {uri} is not "
                "reachable or rejects NEO4J_USERNAME/NEO4J_PASSWORD. Check them, or unset "
                "NEO4J_URI to use a local server."
            )
    log.info("using external Neo4j at %s", uri)
    return ServerInfo(
        bolt_uri=uri, external=True, version=agent or "unknown", already_running=True, ready=wait
    )


def _stop_after_timeout(pid: int, paths: config.LocalPaths) -> None:
    """A server that missed its deadline is stopped so it cannot linger half-configured."""
    try:
        process.terminate(pid, paths, timeout_s=20)
    except Neo4jServerError as exc:
        log.error("could not stop Neo4j (pid %d) after a start timeout: %s", pid, exc)
