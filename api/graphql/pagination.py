"""Relay-style connections (`first`/`after`, `pageInfo`, `totalCount`) over keyset cursors.

Why keyset (seek) cursors: an offset cursor makes page N cost O(N) (`SKIP` walks every earlier
row, and the old queries also counted and sorted every match for each page) and shifts when a
row is inserted before it. A keyset cursor holds the sort key and unique id of the last row, so
the next page is "rows after (key, id) in the list's order" — a row inserted before the cursor
cannot move or repeat what follows it, and no earlier page is re-read.

A cursor is opaque base64 of `mg2:` + JSON `[tag, key, id]`: `tag` names the list and its sort
(a cursor from another list or sort is refused with the field-level "Invalid cursor."), `key`
is the last row's sort value and `id` its unique id, the tiebreak. Keys are plain JSON values
(strings, numbers; datetimes as epochMillis, dates as ISO text) so a cursor carries them
exactly. Null keys keep Neo4j's order, as the offset queries had it: after every value when
ascending, before them when descending. The list queries return rows of `item`, `key`, `id`
and fetch `first + 1` rows, so `hasNextPage` needs no count; `totalCount` is its own query
(`<list>_count.cypher`), run only by the `totalCount` resolver, i.e. only when selected.

Every list pages by keyset; `checked_first` alone serves nested lists with a plain limit.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry

from api.graphql.errors import InvalidInput

T = TypeVar("T")
_KEYSET_PREFIX = "mg2:"
_MAX_CURSOR = 2048


def _invalid_cursor() -> InvalidInput:
    return InvalidInput(
        "Invalid cursor.",
        fields=[{"field": "after", "message": "not a cursor this API returned for this list"}],
    )


def checked_first(first: int, max_page_size: int) -> int:
    """`first` (or any page size) if within the server limit, else a field-level input error."""
    if not 0 <= first <= max_page_size:
        raise InvalidInput(
            f"`first` must be between 0 and {max_page_size}.",
            fields=[{"field": "first", "message": f"must be between 0 and {max_page_size}"}],
        )
    return first


# --- keyset cursors ----------------------------------------------------------------------------


def _plain(value: Any, depth: int = 0) -> bool:
    """Whether `value` is a sort key a list query returns: a JSON scalar or a short list of them.

    Why no datetimes: Neo4j compares DateTimes by zone as well as instant, so a datetime that
    round-trips through Python may no longer equal the stored one; the queries sort temporal
    fields by epochMillis (dates by ISO text), which JSON keeps exactly.
    """
    if value is None or isinstance(value, bool | str | int | float):
        return True
    return (
        isinstance(value, list)
        and depth == 0
        and len(value) <= 4
        and all(_plain(v, 1) for v in value)
    )


def encode_keyset(tag: str, key: Any, row_id: str) -> str:
    """The opaque cursor of the row with sort value `key` and unique id `row_id` in list `tag`."""
    if not _plain(key):
        raise TypeError(f"sort key {key!r} of {tag} is not a JSON scalar or list")
    text = json.dumps([tag, key, row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(f"{_KEYSET_PREFIX}{text}".encode()).decode()


def decode_keyset(cursor: str, tag: str) -> tuple[Any, str]:
    """(key, id) inside a cursor of list `tag`; malformed or foreign cursors are input errors."""
    try:
        if len(cursor) > _MAX_CURSOR:
            raise ValueError("too long")
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
        if not text.startswith(_KEYSET_PREFIX):
            raise ValueError(text)
        value = json.loads(text[len(_KEYSET_PREFIX) :])
        if not (isinstance(value, list) and len(value) == 3 and value[0] == tag):
            raise ValueError(text)
        key, row_id = value[1], value[2]
        if not (isinstance(row_id, str) and _plain(key)):
            raise ValueError(text)
    except (ValueError, TypeError, UnicodeError, binascii.Error, RecursionError):
        raise _invalid_cursor() from None
    return key, row_id


@dataclass(frozen=True)
class Keyset:
    """Validated keyset arguments: page size, and the (key, id) of the row to continue after."""

    tag: str
    first: int
    after_key: Any = None
    after_id: str | None = None

    def params(self) -> dict[str, Any]:
        """The Cypher parameters every keyset list query takes (one extra row: hasNextPage)."""
        return {"after_key": self.after_key, "after_id": self.after_id, "limit": self.first + 1}


def keyset_args(first: int, after: str | None, tag: str, max_page_size: int) -> Keyset:
    """Check `first` against the server limit and decode `after` for list + sort `tag`."""
    checked_first(first, max_page_size)
    if after is None:
        return Keyset(tag=tag, first=first)
    key, row_id = decode_keyset(after, tag)
    return Keyset(tag=tag, first=first, after_key=key, after_id=row_id)


def keyset_connection(
    rows: Sequence[dict[str, Any]],
    page: Keyset,
    convert: Callable[[dict[str, Any]], T],
    count: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """A Connection from a keyset query's rows (`item`, `key`, `id`; up to `first + 1`).

    `count` runs only if the client selects `totalCount`.
    """
    edges = [
        Edge(cursor=encode_keyset(page.tag, row["key"], row["id"]), node=convert(row["item"]))
        for row in rows[: page.first]
    ]
    return Connection(
        page_info=PageInfo(
            has_next_page=len(rows) > page.first,
            has_previous_page=page.after_id is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        count=count,
    )


# --- GraphQL types -----------------------------------------------------------------------------


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
    """One page of a list; `totalCount` counts every item that matches the filters."""

    page_info: PageInfo
    edges: list[Edge[T]]
    total: strawberry.Private[int | None] = None
    count: strawberry.Private[Callable[[], Awaitable[int]] | None] = None

    @strawberry.field(
        description="Items matching the filters (a separate count, run only when selected)."
    )
    async def total_count(self) -> int:
        if self.total is None:
            self.total = 0 if self.count is None else await self.count()
        return self.total

    @strawberry.field(description="The page's items without cursors (shortcut for edges.node).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]
