"""The API's async read path against the real Neo4j: auto-commit reads, retried only when the
driver says the error may pass."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import neo4j
import pytest
import pytest_asyncio
from neo4j import AsyncGraphDatabase

from graph import async_db
from graph.async_db import AsyncDatabase
from graph.db import DRIVER_OPTIONS, Database
from graph.local_server.testing import free_ports
from graph.settings import Settings

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def reader(db: Database, settings: Settings) -> AsyncIterator[AsyncDatabase]:
    """The API's reader on the test session's Neo4j."""
    opened = await AsyncDatabase.open(settings)
    try:
        yield opened
    finally:
        await opened.close()


async def test_reads_return_plain_values(reader: AsyncDatabase) -> None:
    rows = await reader.read(
        "RETURN $n + 1 AS n, datetime('2024-03-01T10:15:30Z') AS at, [date('2024-03-01')] AS d",
        {"n": 41},
    )
    assert rows[0]["n"] == 42
    assert rows[0]["at"].isoformat() == "2024-03-01T10:15:30+00:00"
    assert [d.isoformat() for d in rows[0]["d"]] == ["2024-03-01"]


async def test_nodes_relationships_and_paths_read_as_record_data(
    reader: AsyncDatabase, db: Database
) -> None:
    """Values are converted without `Record.data()`; graph values keep its shapes (a node as
    its properties, a relationship as (start, type, end), a path as nodes and types)."""
    tag = f"probe-{time.time_ns()}"
    db.query(
        "CREATE (:AsyncProbe {tag: $tag, n: 1, at: datetime('2024-03-01T10:15:30Z')})"
        "-[:PROBES {w: 2}]->(:AsyncProbe {tag: $tag, n: 2})",
        {"tag": tag},
        write=True,
    )
    try:
        rows = await reader.read(
            "MATCH p = (a:AsyncProbe {tag: $tag, n: 1})-[r:PROBES]->(b:AsyncProbe) "
            "RETURN a, r, p, [a, b] AS both, {inner: b} AS wrapped",
            {"tag": tag},
        )
    finally:
        db.query("MATCH (n:AsyncProbe {tag: $tag}) DETACH DELETE n", {"tag": tag}, write=True)
    a = {"tag": tag, "n": 1, "at": datetime(2024, 3, 1, 10, 15, 30, tzinfo=UTC)}
    b = {"tag": tag, "n": 2}
    assert rows == [
        {
            "a": a,
            "r": (a, "PROBES", b),
            "p": [a, "PROBES", b],
            "both": [a, b],
            "wrapped": {"inner": b},
        }
    ]


async def test_a_bad_query_fails_at_once(
    reader: AsyncDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger=async_db.__name__),
        pytest.raises(neo4j.exceptions.CypherSyntaxError),
    ):
        await reader.read("RETURN nonsense(")
    assert not [r for r in caplog.records if "retry" in r.getMessage()]


async def test_an_unreachable_server_is_retried_then_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing listens on the port: the driver raises ServiceUnavailable, which it marks
    retryable, so the read retries with growing pauses (0.2, 0.4 s, ...) until its retry budget
    would run out, then raises the error."""
    (port,) = free_ports(1)
    driver = AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{port}", auth=("neo4j", "unused"), **DRIVER_OPTIONS
    )
    reader = AsyncDatabase(driver, "neo4j", retry_seconds=1.0)
    began = time.perf_counter()
    try:
        with (
            caplog.at_level(logging.WARNING, logger=async_db.__name__),
            pytest.raises(neo4j.exceptions.ServiceUnavailable),
        ):
            await reader.read("RETURN 1 AS one")
    finally:
        await reader.close()
    elapsed = time.perf_counter() - began
    retries = [r for r in caplog.records if "retry" in r.getMessage()]
    assert 1 <= len(retries) <= 3, [r.getMessage() for r in retries]
    assert async_db.READ_RETRY_DELAY_S <= elapsed < 1.0 + 5, elapsed
