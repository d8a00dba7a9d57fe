"""The async Neo4j driver for the API: the event loop never waits on a blocking socket.

Why a second handle next to `graph.db.Database`: GraphQL resolvers run concurrently on one
event loop, and a synchronous driver call would stall every other request while Neo4j answers.
Reads only — writes (ingestion) keep using the synchronous, batched `Database` in a thread.
Results come back as plain dicts with Neo4j temporal values converted to Python ones, so
nothing outside `graph/` needs to know about `neo4j` types.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any, LiteralString

import neo4j
from neo4j import AsyncGraphDatabase
from neo4j.graph import Node, Path, Relationship

from graph.db import DRIVER_OPTIONS
from graph.errors import Neo4jServerError
from graph.settings import Settings

log = logging.getLogger(__name__)

#: How long a read keeps retrying errors the driver marks retryable (the driver's own default
#: for managed transactions is 30 s; an API client should hear back sooner), and the first
#: pause between tries, doubled each time up to READ_RETRY_MAX_DELAY_S.
READ_RETRY_SECONDS = 10.0
READ_RETRY_DELAY_S = 0.2
READ_RETRY_MAX_DELAY_S = 2.0


#: Types a result value may have that need no conversion (checked first: they are most values).
_PLAIN = frozenset({str, int, float, bool, type(None)})
_TEMPORAL = (neo4j.time.DateTime, neo4j.time.Date, neo4j.time.Time)


def to_native(value: Any) -> Any:
    """Neo4j temporal values become `datetime`/`date`, recursively through lists and maps;
    nodes and relationships become what `Record.data()` makes of them.

    Why not `Record.data()` first: it walks every value once more, testing each against the
    `collections.abc` ABCs, and that walk was ~15% of the API process's CPU per customer 360
    (cProfile, in-process, 2k demo graph; bench/README "Session 12")."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: to_native(v) for k, v in value.items()}
    if kind is list:
        return [to_native(v) for v in value]
    if isinstance(value, _TEMPORAL):
        return value.to_native()
    if isinstance(value, Node):
        return {k: to_native(v) for k, v in value.items()}
    if isinstance(value, Relationship):
        ends = [to_native(node) if node is not None else {} for node in value.nodes]
        return (ends[0], type(value).__name__, ends[1])
    if isinstance(value, Path):
        steps: list[Any] = [to_native(value.start_node)]
        for relationship, node in zip(value.relationships, value.nodes[1:], strict=True):
            steps += [type(relationship).__name__, to_native(node)]
        return steps
    return value


class AsyncDatabase:
    """An async driver plus the database name; created once per API process (lifespan)."""

    def __init__(
        self, driver: neo4j.AsyncDriver, database: str, retry_seconds: float = READ_RETRY_SECONDS
    ) -> None:
        self.driver = driver
        self.database = database
        self.retry_seconds = retry_seconds

    @classmethod
    async def open(cls, settings: Settings) -> AsyncDatabase:
        """A verified async driver for the configured server (external or the local one)."""
        from graph.local_server import connection

        info = connection(settings)
        driver = AsyncGraphDatabase.driver(
            info.uri, auth=(info.user, info.password), **DRIVER_OPTIONS
        )
        try:
            await driver.verify_connectivity()
        except (neo4j.exceptions.AuthError, neo4j.exceptions.ServiceUnavailable) as exc:
            await driver.close()
            raise Neo4jServerError(f"Neo4j at {info.uri} is not usable: {exc}") from exc
        return cls(driver, settings.neo4j_database)

    async def close(self) -> None:
        """Close every pooled connection; called once at API shutdown."""
        await self.driver.close()

    async def read(
        self, cypher: LiteralString, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run one parameterised read query as an auto-commit transaction, retried if it may be.

        Why not `execute_read`: a managed transaction adds BEGIN and COMMIT to RUN + PULL, two
        round trips instead of one; that was a third of the API's time per customer 360
        (the view query alone: 3.97 → 2.68 ms p50 on the 2k demo graph). What a managed
        transaction adds besides, the retry, is kept: a read is idempotent, so it is run again,
        with growing pauses for up to `retry_seconds`, when the driver marks the error
        retryable — a lost connection, a cluster member going away, a transient server error.
        """
        deadline = time.monotonic() + self.retry_seconds
        pause, attempt = READ_RETRY_DELAY_S, 0
        while True:
            attempt += 1
            try:
                async with self.driver.session(
                    database=self.database, default_access_mode=neo4j.READ_ACCESS
                ) as session:
                    result = await session.run(cypher, dict(params or {}))
                    keys = result.keys()
                    return [
                        {key: to_native(value) for key, value in zip(keys, record, strict=True)}
                        async for record in result
                    ]
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
                if not exc.is_retryable() or time.monotonic() + pause > deadline:
                    raise
                log.warning("read failed (%s); retry %d in %.1f s", exc, attempt, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, READ_RETRY_MAX_DELAY_S)
