"""The local Neo4j server against a real JVM: no mocks of the database.

One server (private state dir, free ports) is shared by the module; tests that use it run in
file order and `test_stop_*` comes last on purpose. Error paths are checked before anything is
launched, so they cost milliseconds. Needs Java 17/21 and either Maven or a filled jar cache.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from pydantic import SecretStr

from graph import local_server
from graph.errors import ConfigurationError, Neo4jServerError
from graph.local_server import ServerInfo, config
from graph.local_server.install import _artifact, installed
from graph.local_server.java import find_java, parse_java_version
from graph.local_server.testing import free_ports, running_test_server, settings_for_tests
from graph.settings import Settings

TEMURIN_25 = Path("/usr/lib/jvm/temurin-25-jdk-amd64")


def _neo4j_unavailable() -> str | None:
    """Why a real server cannot run here, or None; checked once at import."""
    settings = Settings()
    try:
        find_java(settings.model_copy(update={"java_home": None}))
    except Neo4jServerError as exc:
        return str(exc)
    if installed(settings) is None and shutil.which("mvn") is None:
        return "no Maven and no cached Neo4j jars"
    return None


_UNAVAILABLE = _neo4j_unavailable()
needs_server = pytest.mark.skipif(
    _UNAVAILABLE is not None, reason=f"cannot run Neo4j: {_UNAVAILABLE}"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, ServerInfo]]:
    """A private server, launched with wait=False and finished by a second `start()`.

    That second call is the "crashed between writing the password file and changing the
    password" path: the process runs, the data dir exists and still has the initial password.
    """
    settings = settings_for_tests(tmp_path_factory.mktemp("neo4j-state"))
    try:
        launched = local_server.start(settings, wait=False)
        assert not launched.ready and not launched.already_running
        info = local_server.start(settings)
        assert info.already_running and info.pid == launched.pid
        yield settings, info
    finally:
        local_server.stop(settings, timeout_s=30)


# --- pure functions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
        ('openjdk version "25.0.3" 2026-04-21 LTS', 25),
        ('java version "1.8.0_292"', 8),
        ('openjdk version "21" 2023-09-19', 21),
    ],
)
def test_parse_java_version(output: str, major: int) -> None:
    parsed = parse_java_version(output)
    assert parsed is not None and parsed[0] == major


@pytest.mark.parametrize(
    ("text", "size"),
    [("512m", 512 * 2**20), ("1g", 2**30), ("2GiB", 2 * 2**30), ("1.5G", 3 * 2**29)],
)
def test_parse_size(text: str, size: int) -> None:
    assert config.parse_size(text, "X") == size


def test_parse_size_rejects_garbage() -> None:
    with pytest.raises(ConfigurationError, match="MARKETGRAPH_NEO4J_HEAP"):
        config.parse_size("lots", "MARKETGRAPH_NEO4J_HEAP")


def test_artifact_names_of_jars() -> None:
    assert _artifact("commons-lang3-3.14.0.jar") == "commons-lang3"
    assert _artifact("slf4j-api-2.0.9.jar") == "slf4j-api"
    assert _artifact("apoc-core-5.26.19.jar") == "apoc-core"


# --- errors raised before anything is launched ------------------------------------------------


@needs_server
def test_port_taken_names_port_and_setting(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        settings = settings_for_tests(tmp_path, neo4j_bolt_port=port)
        with pytest.raises(Neo4jServerError, match=f"Port {port}.*MARKETGRAPH_NEO4J_BOLT_PORT"):
            local_server.start(settings)
    assert not config.local_paths(settings).pid_file.exists()


def test_missing_java_home_is_explained(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path, java_home=tmp_path / "no-jdk")
    with pytest.raises(Neo4jServerError, match="MARKETGRAPH_JAVA_HOME"):
        find_java(settings)


@pytest.mark.skipif(not TEMURIN_25.is_dir(), reason="no Temurin 25 on this machine")
def test_java_25_is_rejected_with_versions(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path, java_home=TEMURIN_25)
    expected = r"Java 25.*needs Java 17 or 21.*MARKETGRAPH_JAVA_HOME"
    with pytest.raises(Neo4jServerError, match=expected):
        find_java(settings)


@needs_server
def test_too_little_memory_names_settings(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path, neo4j_heap="4096g")
    with pytest.raises(Neo4jServerError, match=r"heap 4,194,304 MiB.*MARKETGRAPH_NEO4J_HEAP"):
        local_server.start(settings)
    assert not config.local_paths(settings).pid_file.exists()


def test_missing_maven_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    settings = settings_for_tests(tmp_path / "state", cache_dir=tmp_path / "cache")
    with pytest.raises(Neo4jServerError, match="apt-get install maven"):
        local_server.install(settings)


@pytest.mark.skipif(shutil.which("mvn") is None, reason="no Maven")
def test_unreachable_maven_central_shows_mavens_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An empty local repository and a proxy on a closed port: Maven must go online and fails.
    monkeypatch.setenv(
        "MAVEN_OPTS",
        f"-Dmaven.repo.local={tmp_path / 'm2'} -Dhttps.proxyHost=127.0.0.1 "
        "-Dhttps.proxyPort=9 -Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=9",
    )
    settings = settings_for_tests(tmp_path / "state", cache_dir=tmp_path / "cache")
    with pytest.raises(Neo4jServerError, match=r"(?s)Maven failed.*Could not.*unreachable"):
        local_server.install(settings)
    assert installed(settings) is None  # nothing half-done is taken for an install


def test_stale_pid_file_is_removed_and_nothing_is_signalled(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path)
    paths = config.local_paths(settings)
    paths.run_dir.mkdir(parents=True)
    paths.pid_file.write_text(f"{os.getpid()}\n")  # alive, but not a Neo4j of this state dir
    assert not local_server.status(settings).running
    assert not paths.pid_file.exists()
    paths.pid_file.write_text(f"{os.getpid()}\n")
    assert local_server.stop(settings) is False  # and we are still here


def test_external_server_is_never_launched(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    settings = settings_for_tests(
        tmp_path, neo4j_uri=f"bolt://127.0.0.1:{port}", neo4j_password="secret-elsewhere"
    )
    info = local_server.connection(settings)
    assert (info.uri, info.password) == (f"bolt://127.0.0.1:{port}", "secret-elsewhere")
    assert "secret-elsewhere" not in repr(info)
    assert local_server.stop(settings) is False
    status = local_server.status(settings)
    assert status.external and not status.running
    with pytest.raises(Neo4jServerError, match="not reachable"):
        local_server.start(settings)
    with pytest.raises(Neo4jServerError, match="NEO4J_URI is set"):
        local_server.install(settings)
    assert not settings.local_neo4j_dir.exists()


@needs_server
def test_start_timeout_stops_the_server_and_shows_the_log(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path, neo4j_start_timeout_s=1.0)
    with pytest.raises(Neo4jServerError, match=r"within 1 s.*MARKETGRAPH_NEO4J_START_TIMEOUT_S"):
        local_server.start(settings)
    assert not local_server.status(settings).running
    assert not config.local_paths(settings).pid_file.exists()


# --- the shared running server (file order matters: stop comes last) --------------------------


@needs_server
@pytest.mark.slow
def test_status_and_connection_of_running_server(server: tuple[Settings, ServerInfo]) -> None:
    settings, info = server
    status = local_server.status(settings)
    assert status.installed and status.running and status.responding
    assert status.pid == info.pid and status.version == settings.neo4j_version
    assert status.bolt_uri == f"bolt://127.0.0.1:{settings.neo4j_bolt_port}"
    conn = local_server.connection(settings)
    with neo4j.GraphDatabase.driver(conn.uri, auth=conn.auth) as driver:
        records, _, _ = driver.execute_query("RETURN apoc.version() AS version")
        assert records[0]["version"] == settings.neo4j_version
    with (
        neo4j.GraphDatabase.driver(conn.uri, auth=("neo4j", "neo4j")) as driver,
        pytest.raises(neo4j.exceptions.AuthError),
    ):
        driver.verify_connectivity()


@needs_server
@pytest.mark.slow
def test_browser_and_discovery_use_our_ports(server: tuple[Settings, ServerInfo]) -> None:
    settings, info = server
    assert info.browser_url is not None and info.http_url is not None
    with urllib.request.urlopen(info.browser_url, timeout=10) as response:
        assert response.status == 200
    with urllib.request.urlopen(info.http_url + "/", timeout=10) as response:
        assert f":{settings.neo4j_bolt_port}" in response.read().decode()


@needs_server
@pytest.mark.slow
def test_password_file_is_private_and_not_default(server: tuple[Settings, ServerInfo]) -> None:
    settings, _ = server
    password_file = config.local_paths(settings).password_file
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = password_file.read_text().strip()
    assert password != "neo4j" and len(password) >= 24


@needs_server
@pytest.mark.slow
def test_start_again_is_idempotent(server: tuple[Settings, ServerInfo]) -> None:
    settings, info = server
    again = local_server.start(settings)
    assert again.already_running and again.pid == info.pid and again.seconds < 10


@needs_server
@pytest.mark.slow
def test_external_uri_pointing_at_a_live_server(server: tuple[Settings, ServerInfo]) -> None:
    settings, info = server
    external = settings.model_copy(
        update={
            "neo4j_uri": info.bolt_uri,
            "neo4j_password": SecretStr(local_server.connection(settings).password),
        }
    )
    assert local_server.start(external).external
    assert local_server.status(external).running
    assert local_server.stop(external) is False
    assert local_server.status(settings).running  # untouched


@needs_server
@pytest.mark.slow
def test_stop_stops_the_server(server: tuple[Settings, ServerInfo]) -> None:
    settings, _ = server
    started = time.monotonic()
    assert local_server.stop(settings) is True
    assert time.monotonic() - started < 30
    status = local_server.status(settings)
    assert not status.running and status.pid is None
    assert not config.local_paths(settings).pid_file.exists()
    assert config.port_is_free(settings.neo4j_bolt_port)
    assert local_server.stop(settings) is False


# --- the helper other test modules use --------------------------------------------------------


@needs_server
@pytest.mark.slow
def test_running_test_server_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEO4J_URI", "MARKETGRAPH_NEO4J_URI"):
        monkeypatch.delenv(name, raising=False)
    with running_test_server(tmp_path) as conn:
        with neo4j.GraphDatabase.driver(conn.uri, auth=conn.auth) as driver:
            records, _, _ = driver.execute_query("RETURN 41 + 1 AS answer")
            assert records[0]["answer"] == 42
        port = int(conn.uri.rsplit(":", 1)[1])
    assert config.port_is_free(port)


def test_start_on_other_ports_while_running_is_refused_at_once_and_stops_nothing(
    settings: Settings,
) -> None:
    """A user who changed the ports and typed `neo4j start` again: told at once where the
    server runs; the healthy server is not waited on and never stopped."""
    if settings.uses_external_neo4j:
        pytest.skip("the session uses an external server")
    bolt, http = free_ports(2)
    moved = settings.model_copy(update={"neo4j_bolt_port": bolt, "neo4j_http_port": http})
    began = time.monotonic()
    with pytest.raises(Neo4jServerError, match="already runs from") as refused:
        local_server.start(moved)
    assert time.monotonic() - began < 10
    assert str(settings.neo4j_bolt_port) in str(refused.value)
    assert local_server.start(settings).already_running  # still there, on its own ports


@needs_server
def test_commands_connect_after_a_start_that_did_not_wait_on_a_fresh_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`neo4j start --no-wait` on a fresh state dir left the initial password in place, and
    every later command was refused ("rejected user") until a plain `start` finished; now the
    first connection sets the password, waiting for the server if it is still coming up."""
    from graph.db import Database

    for name in ("NEO4J_URI", "MARKETGRAPH_NEO4J_URI"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_for_tests(tmp_path)
    try:
        launched = local_server.start(settings, wait=False)
        assert not launched.ready and not launched.already_running
        for _ in range(240):  # up, as `neo4j status` shows it: commands were still refused
            if local_server.status(settings).responding:
                break
            time.sleep(0.5)
        with Database.connect(settings) as db:  # what `migrate`, `ingest`, `serve` do first
            assert db.query("RETURN 41 + 1 AS answer") == [{"answer": 42}]
        assert not config.local_paths(settings).password_pending.exists()
        assert local_server.start(settings).already_running  # and a later start is content
    finally:
        local_server.stop(settings, timeout_s=30)
