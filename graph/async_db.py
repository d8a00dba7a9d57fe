"""The async Neo4j driver for the API: the event loop never waits on a blocking socket.

Why a second handle next to `graph.db.Database`: GraphQL resolvers run concurrently on one
event loop, and a synchronous driver call would stall every other request while Neo4j answers.
Reads only — writes (ingestion) keep using the synchronous, batched `Database` in a thread.
Results come back as plain dicts with Neo4j temporal values converted to Python ones, so
nothing outside `graph/` needs to know about `neo4j` types.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, LiteralString

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction

from graph.db import DRIVER_OPTIONS
from graph.errors import Neo4jServerError
from graph.settings import Settings

log = logging.getLogger(__name__)


def to_native(value: Any) -> Any:
    """Neo4j temporal values become `datetime`/`date`, recursively through lists and maps."""
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Date | neo4j.time.Time):
        return value.to_native()
    if isinstance(value, list):
        return [to_native(v) for v in value]
    if isinstance(value, dict):
        return {k: to_native(v) for k, v in value.items()}
    return value


class AsyncDatabase:
    """An async driver plus the database name; created once per API process (lifespan)."""

    def __init__(self, driver: neo4j.AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database

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
        """Run one parameterised read query in a managed (retried) transaction."""

        async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
            result = await tx.run(cypher, dict(params or {}))
            return [to_native(record.data()) async for record in result]

        async with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            return await session.execute_read(work)
