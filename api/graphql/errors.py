"""Errors a client may see, and the extension that hides everything else.

Why: a resolver bug or a driver exception must never send a stack trace, a Cypher fragment or
a server path to a client. Errors we raise on purpose (`ApiError`) pass through with a code;
`graph.errors` subclasses get a fixed, clear message; anything else becomes "Internal error"
and is logged in full on the server.
"""

from __future__ import annotations

import logging
from typing import Any

import neo4j.exceptions
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from graph.errors import (
    ConfigurationError,
    ContractError,
    IngestError,
    MarketgraphError,
    ModelError,
    Neo4jServerError,
)

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error whose message is written for the client; `code` lands in `extensions`."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = {"code": self.code, **extensions}


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class InvalidInput(ApiError):
    """Input failed validation; `fields` lists `{field, message}` for each problem."""

    code = "BAD_USER_INPUT"


class NotFound(ApiError):
    code = "NOT_FOUND"


#: Fixed client messages for our own error classes (their text may hold paths or hosts).
_DOMAIN_MESSAGES: list[tuple[type[Exception], str, str]] = [
    (ContractError, "BAD_USER_INPUT", "The file matches no data contract or cannot be read."),
    (IngestError, "INGEST_FAILED", "The ingest run failed; see the server log for the run."),
    (Neo4jServerError, "UNAVAILABLE", "The graph database is unavailable; retry later."),
    (ConfigurationError, "SERVER_MISCONFIGURED", "The server is misconfigured."),
    (
        ModelError,
        "MODEL_REFUSED",
        "The model operation was refused (nothing to roll back to, or the drift check failed; "
        "promote with force: true if the change is expected). See the server log.",
    ),
    (MarketgraphError, "INTERNAL", "The request failed; see the server log."),
    (neo4j.exceptions.ServiceUnavailable, "UNAVAILABLE", "The graph database is unavailable."),
    (neo4j.exceptions.SessionExpired, "UNAVAILABLE", "The graph database is unavailable."),
]


class SafeErrors(MaskErrors):
    """MaskErrors that keeps ApiError and GraphQL validation errors and maps domain errors."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask, error_message="Internal error.")

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        original = error.original_error
        if original is None:  # syntax/validation errors carry no server internals
            return False
        return not isinstance(original, ApiError)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        code, message = "INTERNAL", self.error_message
        for cls, mapped_code, mapped_message in _DOMAIN_MESSAGES:
            if isinstance(original, cls):
                code, message = mapped_code, mapped_message
                break
        log.error("GraphQL resolver error at %s", error.path, exc_info=original)
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": code},
        )
