"""The Neo4j driver: created once per process from the one connection the settings describe.

Only `graph/` imports `neo4j`. Writes go through `execute_write` (managed, retried on transient
errors), so every write function passed here must be idempotent — all of ours MERGE.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction

from graph.errors import Neo4jServerError
from graph.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Options every driver (sync or async) is created with. "Property key does not exist" on an
#: empty graph and "parameter missing" under EXPLAIN are noise here; deprecations and
#: performance hints still come through.
DRIVER_OPTIONS: dict[str, Any] = {
    "notifications_disabled_classifications": [
        neo4j.NotificationDisabledClassification.UNRECOGNIZED,
        neo4j.NotificationDisabledClassification.GENERIC,
    ],
}


class Rows(list[Any]):
    """A list parameter that packs like any list but whose ``repr`` is a one-line summary.

    Why: the driver formats every RUN message for its debug log eagerly
    (``" ".join(map(repr, fields))`` in neo4j 6.4, evaluated even when debug logging is off),
    so each batch of rows was rendered as text and thrown away on every write: about 60% of
    the client's CPU for sending a 5,000-row batch. It also keeps debug logs readable.
    """

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def summarised(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """``params`` with every list value wrapped as `Rows` (nothing is copied but the list)."""
    return {k: Rows(v) if isinstance(v, list) else v for k, v in (params or {}).items()}


def create_driver(settings: Settings) -> neo4j.Driver:
    """A verified driver for the configured server (external NEO4J_URI or the local one)."""
    from graph.local_server import connection

    info = connection(settings)
    driver = GraphDatabase.driver(info.uri, auth=(info.user, info.password), **DRIVER_OPTIONS)
    try:
        driver.verify_connectivity()
    except neo4j.exceptions.AuthError as exc:
        driver.close()
        raise Neo4jServerError(
            f"Neo4j at {info.uri} rejected user {info.user!r}: check NEO4J_PASSWORD "
            "(or the local password file under the state dir)"
        ) from exc
    except neo4j.exceptions.ServiceUnavailable as exc:
        driver.close()
        hint = (
            "check NEO4J_URI"
            if settings.uses_external_neo4j
            else "start it with `marketgraph neo4j start`"
        )
        raise Neo4jServerError(f"Neo4j at {info.uri} is not reachable: {hint}") from exc
    return driver


class Database:
    """A driver plus the database name: the one handle repositories and jobs share."""

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self.driver = driver
        self.database = database

    @classmethod
    @contextmanager
    def connect(cls, settings: Settings) -> Iterator[Database]:
        """Open a driver for the duration of a CLI command, job or test."""
        driver = create_driver(settings)
        try:
            yield cls(driver, settings.neo4j_database)
        finally:
            driver.close()

    def write(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run an idempotent unit of work in a managed, retried write transaction."""
        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def read(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run a unit of work in a managed read transaction."""
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            return session.execute_read(work)

    def query(
        self, cypher: LiteralString, params: Mapping[str, Any] | None = None, *, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run one parameterised query and return its records as plain dicts."""

        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(cypher, summarised(params))]

        return self.write(work) if write else self.read(work)

    def frame(
        self, cypher: LiteralString, params: Mapping[str, Any] | None = None
    ) -> tuple[list[str], list[list[Any]]]:
        """Run one parameterised read and return (column names, rows as value lists).

        Why not `query`: building a dict per record (`Record.data()`) costs about as much as
        the whole transfer for wide results of 100k+ rows; callers that build a DataFrame only
        need the values in column order.
        """

        def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(cypher, summarised(params))
            return list(result.keys()), result.values()

        return self.read(work)

    def run_autocommit(
        self, cypher: LiteralString, params: Mapping[str, Any] | None = None
    ) -> None:
        """For schema statements, which Neo4j refuses inside explicit transactions with data."""
        with self.driver.session(database=self.database) as session:
            session.run(cypher, dict(params or {})).consume()
