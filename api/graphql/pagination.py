"""Relay-style connections (`first`/`after`, `pageInfo`, `totalCount`) over offset cursors.

Why offsets inside opaque cursors: every list query sorts by a fixed key plus a unique id, so
an offset is stable between pages of an unchanged graph, and the same `SKIP $skip LIMIT $limit`
serves every sort option. Cursors are opaque base64 so they can become keyset cursors later
without changing the API.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry

from api.graphql.errors import InvalidInput

T = TypeVar("T")
_PREFIX = "mg1:"


def encode_cursor(offset: int) -> str:
    """The opaque cursor of the item at `offset`."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset inside a cursor; a malformed cursor is a field-level input error."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        offset = int(text[len(_PREFIX) :])
        if offset < 0:
            raise ValueError(text)
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidInput(
            "Invalid cursor.",
            fields=[{"field": "after", "message": "not a cursor this API returned"}],
        ) from None
    return offset


@dataclass(frozen=True)
class Page:
    """Validated paging arguments: rows to skip and to fetch (one extra to see a next page)."""

    skip: int
    limit: int


def page_args(first: int, after: str | None, max_page_size: int) -> Page:
    """Check `first` against the server limit and turn `after` into an offset."""
    if not 0 <= first <= max_page_size:
        raise InvalidInput(
            f"`first` must be between 0 and {max_page_size}.",
            fields=[{"field": "first", "message": f"must be between 0 and {max_page_size}"}],
        )
    skip = decode_cursor(after) + 1 if after is not None else 0
    return Page(skip=skip, limit=first)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    """One page of a list, with the total number of items that match the filters."""

    total_count: int
    page_info: PageInfo
    edges: list[Edge[T]]

    @strawberry.field(description="The page's items without cursors (shortcut for edges.node).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def build_connection(
    total: int, items: Sequence[dict[str, Any]], page: Page, convert: Callable[[dict[str, Any]], T]
) -> Connection[T]:
    """A Connection from one list query's `total` and page of property maps."""
    edges = [
        Edge(cursor=encode_cursor(page.skip + i), node=convert(item))
        for i, item in enumerate(items)
    ]
    return Connection(
        total_count=total,
        page_info=PageInfo(
            has_next_page=page.skip + len(edges) < total,
            has_previous_page=page.skip > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
    )
