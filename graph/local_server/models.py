"""The plain records the local-server API returns.

Why frozen dataclasses rather than pydantic models: they are produced by marketgraph itself
(never parsed from user input), and the CLI, tests and `graph.db` only read their fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class InstallInfo:
    """Where the Neo4j jars of one version live in the machine-wide cache."""

    version: str
    browser_version: str
    root: Path
    lib_dir: Path
    plugins_dir: Path
    jar_count: int
    size_bytes: int
    downloaded: bool
    """False when the cache was already complete and nothing was fetched."""
    seconds: float

    @property
    def classpath(self) -> str:
        """APOC must be on the classpath as well as in plugins/, or its injectables fail."""
        return f"{self.lib_dir}/*:{self.plugins_dir}/*"


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """A server that `start()` launched, found running, or was told about (external)."""

    bolt_uri: str
    external: bool
    version: str
    already_running: bool
    http_url: str | None = None
    browser_url: str | None = None
    pid: int | None = None
    data_dir: Path | None = None
    log_file: Path | None = None
    ready: bool = True
    """False only after `start(wait=False)`: the server may still be starting."""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """What `marketgraph neo4j status` shows; cheap to compute (no start, no install)."""

    external: bool
    installed: bool
    running: bool
    bolt_uri: str
    version: str
    pid: int | None = None
    responding: bool = False
    """The HTTP discovery endpoint (local) or Bolt (external) answered just now."""
    http_url: str | None = None
    browser_url: str | None = None
    data_dir: Path | None = None
    log_file: Path | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    """Everything a driver needs; the password is kept out of repr so it never gets logged."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str = "neo4j"

    @property
    def auth(self) -> tuple[str, str]:
        """The `auth=` argument of `neo4j.GraphDatabase.driver`."""
        return (self.user, self.password)
