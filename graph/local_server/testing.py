"""Context managers that give a test session a real, private Neo4j and clean it up.

Why a private server per session (own state dir, free ports) rather than the developer's
`.marketgraph` one: tests wipe and fill the graph, and must never touch a developer's data or
collide with a server already on 7687. With `NEO4J_URI` set (CI against a service container,
Aura) the external server is used as is and nothing is started.

Typical conftest::

    @pytest.fixture(scope="session")
    def neo4j_settings(tmp_path_factory):
        with running_settings_for_tests(tmp_path_factory.mktemp("neo4j")) as settings:
            yield settings
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

from graph.local_server.models import ConnectionInfo
from graph.local_server.server import connection, start, stop
from graph.settings import Settings

log = logging.getLogger(__name__)

TEST_HEAP = "512m"
TEST_PAGECACHE = "256m"


def free_ports(count: int) -> list[int]:
    """Ports the OS just handed out as free (held together so they are distinct)."""
    with ExitStack() as stack:
        sockets = [
            stack.enter_context(closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)))
            for _ in range(count)
        ]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


def settings_for_tests(state_dir: Path, **overrides: object) -> Settings:
    """Settings for a private test server: its own state dir, free ports, a small heap.

    Everything else (cache dir, Java home) still comes from the environment, so the jar
    cache is shared with normal use.
    """
    bolt, http = free_ports(2)
    values: dict[str, object] = {
        "environment": "test",
        "state_dir": state_dir,
        "neo4j_uri": None,
        "neo4j_bolt_port": bolt,
        "neo4j_http_port": http,
        "neo4j_heap": TEST_HEAP,
        "neo4j_pagecache": TEST_PAGECACHE,
    }
    values.update(overrides)
    return Settings.model_validate(values)


@contextmanager
def running_settings_for_tests(state_dir: Path) -> Iterator[Settings]:
    """Settings whose Neo4j is up for the duration of the block (stopped afterwards).

    If NEO4J_URI is set in the environment, yields settings for that server unchanged.
    """
    from_env = Settings()
    if from_env.uses_external_neo4j:
        log.info("NEO4J_URI is set: tests use %s, no local server", from_env.neo4j_uri)
        yield from_env
        return
    settings = settings_for_tests(state_dir)
    try:
        start(settings)
        yield settings
    finally:
        stop(settings, timeout_s=30)


@contextmanager
def running_test_server(state_dir: Path) -> Iterator[ConnectionInfo]:
    """A driver-ready connection to a private Neo4j (or the external NEO4J_URI one)."""
    with running_settings_for_tests(state_dir) as settings:
        yield connection(settings)
