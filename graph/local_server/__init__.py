"""A real Neo4j Community 5.26 server that marketgraph fetches, starts, checks and stops itself.

Why not Docker or a system package: neither exists on the machines marketgraph targets, while
Java and Maven do. The jars come from Maven Central into a machine-wide cache; data, logs, the
generated config and the password live under the project's state dir. When `NEO4J_URI` is
set, nothing local is ever installed or launched and `connection()` returns that server.

Public API (used by `marketgraph neo4j install|start|stop|status` and test fixtures)::

    install(settings, progress=None) -> InstallInfo
    start(settings, wait=True) -> ServerInfo
    stop(settings, timeout_s=60) -> bool
    status(settings) -> ServerStatus
    connection(settings) -> ConnectionInfo

Test helpers live in `graph.local_server.testing`.
"""

from graph.local_server.install import install
from graph.local_server.models import ConnectionInfo, InstallInfo, ServerInfo, ServerStatus
from graph.local_server.server import connection, start, status, stop

__all__ = [
    "ConnectionInfo",
    "InstallInfo",
    "ServerInfo",
    "ServerStatus",
    "connection",
    "install",
    "start",
    "status",
    "stop",
]
