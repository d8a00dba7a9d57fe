"""Errors a client may see, and the extension that hides everything else.

Why: a resolver bug or a driver exception must never send a stack trace, a Cypher fragment or
a server path to a client. Errors we raise on purpose (`ApiError`) pass through with a code;
`graph.errors` subclasses get a fixed, clear message; anything else becomes "Internal error"
and is logged in full on the server.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import neo4j.exceptions
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from graph.errors import (
    ConfigurationError,
    ConsentError,
    ContractError,
    CopyError,
    IngestError,
    MarketgraphError,
    ModelError,
    Neo4jServerError,
    ResolutionError,
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


class Conflict(ApiError):
    """The object exists but its current state does not allow the change (approve a rejected
    draft, unmerge a merge that was already undone)."""

    code = "CONFLICT"


class Refused(ApiError):
    """A valid request the domain declined (no consent for the channel, nothing to promote,
    a writer this server has not configured); the message says why, `reason` names it."""

    code = "REFUSED"


def invalid(field: str, message: str) -> InvalidInput:
    """A BAD_USER_INPUT error about one argument."""
    return InvalidInput(f"Invalid `{field}`.", fields=[{"field": field, "message": message}])


#: What an id argument must look like, for the field error of `check_id`.
ID_HINT = "an id of the shape the graph uses (letters, digits, - _ . : @)"


def check_id(field: str, value: object, pattern: re.Pattern[str], hint: str) -> str:
    """`value` as a string if it has the shape of the ids `field` takes, else a field error.

    Why at the boundary: a malformed id (an injection attempt, 10 kB of text) is answered
    before it reaches a query or a worker thread, and the client learns which argument is wrong.
    """
    text = str(value)
    if not pattern.fullmatch(text):
        raise invalid(field, hint)
    return text


def check_text(field: str, value: str | None, *, max_length: int, required: bool) -> str | None:
    """Free text (a note, a reason) stripped, non-empty when required and at most
    `max_length` characters, without control characters other than newline and tab."""
    if value is None or not value.strip():
        if required:
            raise invalid(field, "required; say why in a few words")
        return None
    text = value.strip()
    if len(text) > max_length:
        raise invalid(field, f"at most {max_length} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text) or "\x7f" in text:
        raise invalid(field, "no control characters")
    return text


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
    (ConsentError, "REFUSED", "The customer has not consented to that channel; no copy."),
    (CopyError, "REFUSED", "The copy operation was refused; see the server log."),
    (
        ResolutionError,
        "REFUSED",
        "The resolution operation was refused (unknown review or nothing to unmerge).",
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
        if _is_variable_error(error):
            return False
        return not isinstance(original, ApiError)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        """Masks as MaskErrors does, and gives request errors a code a client can branch on:
        a front-end's badly typed variable is its own mistake (BAD_USER_INPUT naming the
        variable), not an "Internal error" logged with a traceback."""
        return [_with_request_code(error) for error in super()._process_errors(errors)]

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


def _is_variable_error(error: GraphQLError) -> bool:
    """graphql-core's coercion of a request's variables failed (wrong type, missing, out of
    range, unknown input field): raised before any resolver runs, so it has no path."""
    return error.path is None and error.message.startswith("Variable '$")


def _with_request_code(error: GraphQLError) -> GraphQLError:
    """`error` with `extensions.code` set when it is a request error that has none."""
    if error.path is not None or (error.extensions or {}).get("code"):
        return error
    if _is_variable_error(error):
        name = error.message.split("'", 2)[1].lstrip("$")
        extensions = {"code": "BAD_USER_INPUT",
                      "fields": [{"field": f"${name}", "message": error.message}]}  # fmt: skip
    elif error.original_error is None and not error.message.startswith("Syntax Error"):
        extensions = {"code": "GRAPHQL_VALIDATION_FAILED"}
    else:
        return error
    return GraphQLError(
        message=error.message, nodes=error.nodes, source=error.source,
        positions=error.positions, path=None, original_error=None, extensions=extensions,
    )  # fmt: skip
