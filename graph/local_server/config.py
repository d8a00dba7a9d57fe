"""The local server's folders, its `neo4j.conf`, and the checks made before launching it.

Why check ports and memory ourselves: Neo4j finds both problems too, but only after ~5 s of
JVM start-up and buried in a stack trace; checking first gives a one-line error naming the
setting to change.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import socket
from dataclasses import dataclass
from pathlib import Path

import psutil

from graph.errors import ConfigurationError, Neo4jServerError
from graph.local_server.models import InstallInfo
from graph.settings import Settings

log = logging.getLogger(__name__)

MIB = 2**20
# Beyond heap and page cache the JVM needs metaspace, thread stacks, Netty's direct buffers
# and native memory for Lucene; 256 MiB is a conservative floor for a small server.
JVM_OVERHEAD_BYTES = 256 * MIB
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


@dataclass(frozen=True, slots=True)
class LocalPaths:
    """Everything the local server writes, all under `settings.local_neo4j_dir` (git-ignored)."""

    home: Path
    conf_dir: Path
    data_dir: Path
    logs_dir: Path
    run_dir: Path

    @property
    def conf_file(self) -> Path:
        return self.conf_dir / "neo4j.conf"

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        """The server's console output (stdout and stderr) of the latest start."""
        return self.run_dir / "server.log"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def password_pending(self) -> Path:
        """Marker left by a start that did not wait on a fresh data folder: the server still
        has the initial password, and the first connection sets ours (`server.connection`)."""
        return self.home / "password.pending"

    @property
    def import_dir(self) -> Path:
        """Where `LOAD CSV FROM 'file:///x.csv'` reads `x.csv` (benchmarks, analysts)."""
        return self.home / "import"


def local_paths(settings: Settings) -> LocalPaths:
    """The folder layout of the local server for these settings (nothing is created)."""
    home = settings.local_neo4j_dir
    return LocalPaths(
        home=home,
        conf_dir=home / "conf",
        data_dir=home / "data",
        logs_dir=home / "logs",
        run_dir=home / "run",
    )


def parse_size(text: str, setting: str) -> int:
    """Bytes in a JVM/Neo4j style size such as `512m`, `1g`, `2GiB`, `1024`."""
    match = _SIZE_RE.match(text)
    if match is None:
        raise ConfigurationError(
            f"{setting}={text!r} is not a size; use a number with k, m or g, e.g. 512m or 2g"
        )
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size < 16 * MIB:
        raise ConfigurationError(f"{setting}={text!r} is too small for Neo4j; use at least 128m")
    return size


def memory_plan(settings: Settings) -> tuple[int, int]:
    """(heap, page cache) in bytes, validated."""
    heap = parse_size(settings.neo4j_heap, "MARKETGRAPH_NEO4J_HEAP")
    pagecache = parse_size(settings.neo4j_pagecache, "MARKETGRAPH_NEO4J_PAGECACHE")
    return heap, pagecache


def check_memory(settings: Settings) -> None:
    """Refuse to launch when heap + page cache do not fit in the memory available right now."""
    heap, pagecache = memory_plan(settings)
    needed = heap + pagecache + JVM_OVERHEAD_BYTES
    available = psutil.virtual_memory().available
    if needed > available:
        raise Neo4jServerError(
            f"Not enough free memory for Neo4j: heap {_mib(heap)} + page cache {_mib(pagecache)} "
            f"+ ~{_mib(JVM_OVERHEAD_BYTES)} JVM overhead = {_mib(needed)}, but only "
            f"{_mib(available)} is available (of {_mib(psutil.virtual_memory().total)}). Lower "
            "MARKETGRAPH_NEO4J_HEAP and/or MARKETGRAPH_NEO4J_PAGECACHE (e.g. 512m and 256m), or "
            "free memory."
        )


def check_ports(settings: Settings) -> None:
    """Fail with the port and the setting to change if Bolt or HTTP is already taken."""
    ports = {
        "Bolt": (settings.neo4j_bolt_port, "MARKETGRAPH_NEO4J_BOLT_PORT"),
        "HTTP": (settings.neo4j_http_port, "MARKETGRAPH_NEO4J_HTTP_PORT"),
    }
    if settings.neo4j_bolt_port == settings.neo4j_http_port:
        raise ConfigurationError(
            f"MARKETGRAPH_NEO4J_BOLT_PORT and MARKETGRAPH_NEO4J_HTTP_PORT are both "
            f"{settings.neo4j_bolt_port}; they must differ"
        )
    for name, (port, setting) in ports.items():
        if not port_is_free(port):
            raise Neo4jServerError(
                f"Port {port} (Neo4j {name}) on 127.0.0.1 is already in use{_holder(port)}. "
                f"Stop whatever holds it, or set {setting} to a free port."
            )


def port_is_free(port: int) -> bool:
    """Whether the server could listen on 127.0.0.1:port.

    SO_REUSEADDR mirrors what the JVM sets on Linux, so sockets in TIME_WAIT from a server
    that just stopped do not count as taken; a live listener does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def _holder(port: int) -> str:
    """` (by pid N: name)` when the OS tells us who listens on the port; best effort."""
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.pid:
                return f" (by pid {conn.pid}: {psutil.Process(conn.pid).name()})"
    return ""


def write_config(settings: Settings, paths: LocalPaths, install: InstallInfo) -> Path:
    """Write `neo4j.conf` afresh on every start so changed ports or memory always apply.

    Only keys Neo4j 5.26 knows: its validation is strict and an unknown key stops start-up
    (`browser.allow_outgoing_connections`, in the docs, is one it rejects here).
    """
    _, pagecache = memory_plan(settings)
    bolt = f"127.0.0.1:{settings.neo4j_bolt_port}"
    http = f"127.0.0.1:{settings.neo4j_http_port}"
    lines = [
        "# Written by marketgraph (graph/local_server/config.py) on every start; edits are lost.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address={bolt}",
        # Advertised addresses feed HTTP discovery and Browser; unset, they say :7687.
        f"server.bolt.advertised_address={bolt}",
        f"server.http.listen_address={http}",
        f"server.http.advertised_address={http}",
        "server.https.enabled=false",
        f"server.directories.data={paths.data_dir}",
        f"server.directories.logs={paths.logs_dir}",
        f"server.directories.plugins={install.plugins_dir}",
        f"server.directories.run={paths.run_dir}",
        # LOAD CSV reads file:/// URLs from here only (under the state dir, not NEO4J_HOME,
        # which is the shared jar cache).
        f"server.directories.import={paths.import_dir}",
        f"server.memory.pagecache.size={pagecache // MIB}m",
        "dbms.security.auth_enabled=true",
        "dbms.security.procedures.unrestricted=apoc.*",
        "dbms.usage_report.enabled=false",
        # Keep transaction logs small: this is a development server, not a backup source.
        "db.tx_log.rotation.retention_policy=2 files",
        "db.tx_log.preallocate=false",
        # Netty's graceful shutdown waits a 5 s quiet period per Bolt event loop group after
        # the databases are already checkpointed and closed; it made every stop take 10 s.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=1",
    ]
    paths.conf_dir.mkdir(parents=True, exist_ok=True)
    paths.import_dir.mkdir(parents=True, exist_ok=True)
    paths.conf_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths.conf_file


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f} MiB"
