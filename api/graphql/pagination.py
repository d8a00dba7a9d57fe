"""Relay-style connections (`first`/`after`, `last`/`before`, `pageInfo`, `totalCount`) over
keyset cursors.

Why keyset (seek) cursors: an offset cursor makes page N cost O(N) (`SKIP` walks every earlier
row, and the old queries also counted and sorted every match for each page) and shifts when a
row is inserted before it. A keyset cursor holds the sort key and unique id of the last row, so
the next page is "rows after (key, id) in the list's order" — a row inserted before the cursor
cannot move or repeat what follows it, and no earlier page is re-read.

A cursor is `mg2:` + JSON `[tag, key, id]`, sealed (encrypted and authenticated,
`api/graphql/cursor_seal.py`) so that it reveals no sort key and only cursors this API issued
are accepted: `tag` names the list, its sort and
a short hash of its filters (a cursor from another list, sort or filter is refused with the
field-level "Invalid cursor." — continuing under other filters would silently skip or repeat
rows, since the key only places a row within one filtered list), `key`
is the last row's sort value and `id` its unique id, the tiebreak. Keys are plain JSON values
(strings, numbers; datetimes as epochMillis, dates as ISO text) so a cursor carries them
exactly. Null keys keep Neo4j's order, as the offset queries had it: after every value when
ascending, before them when descending. The list queries return rows of `item`, `key`, `id`
and fetch `first + 1` rows, so `hasNextPage` needs no count; `totalCount` is its own query
(`<list>_count.cypher`), run only by the `totalCount` resolver, i.e. only when selected.

Backward pages (`last`/`before`): every list query file has a mirror, `<file>_reverse.cypher`,
that walks the list's exact reverse order (every sort direction flipped, the id tiebreak too,
so null keys come first where they came last) from the cursor. Its first `last + 1` rows are
the rows nearest the end, or nearest `before`, and Python reverses them back into the list's
order. Why files and not a generic "reverse" flag: each file keeps its own index-backed seek
(a range seek read backwards) instead of sorting every row. Both directions take the same
parameters and produce the same cursors, so a cursor from a backward page continues forward
and vice versa.

Argument rules (each violation is a field-level BAD_USER_INPUT):
- `first` pages forward (after `after` when given), `last` backward (before `before`); neither
  given: `first` = the list's default page. `first` with `last` is refused (Relay discourages
  it, and no client needs both).
- `after` with `before` is refused rather than served as a window: a window would need an end
  bound in every query file (two cursors) for a case no Relay client sends.
- `before` with `first`, or `after` with `last`, is refused (the direction would be ambiguous);
  `before` alone pages backward with the default page size.
- `last` has `first`'s limits: 0 to the server's largest page.

`pageInfo`: the paging direction fetches one row more than asked, so `hasNextPage` (forward)
and `hasPreviousPage` (backward) are exact. The other side follows the Relay spec's allowance:
true when a cursor was given (the cursor's own row lies on that side, unless deleted since),
false without one (a first page has nothing before it, a last page nothing after it) — no
extra query per page.

Every list pages by keyset; `checked_first` alone serves nested lists with a plain limit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from api.graphql.cursor_seal import CursorSeal
from api.graphql.errors import InvalidInput
from graph.cypher_catalog import load_query

T = TypeVar("T")
_KEYSET_PREFIX = "mg2:"
_MAX_CURSOR = 2048
#: The page size when a client gives neither `first` nor `last`.
DEFAULT_PAGE_SIZE = 20
#: Hex digits of the filter hash in a cursor's tag: enough that two filters of one list
#: practically never share it, short enough that a cursor stays small whatever the filter.
_FILTER_DIGEST_BYTES = 6


#: The Relay page arguments every keyset connection takes (rules: module docstring).
First = Annotated[
    int | None,
    strawberry.argument(description="Page forward: at most this many items after `after` "
                        f"(default {DEFAULT_PAGE_SIZE} when `last` is not given)."),
]  # fmt: skip
Last = Annotated[
    int | None,
    strawberry.argument(description="Page backward: at most this many items nearest the end, "
                        "or nearest `before`, in the list's order. Not with `first`."),
]  # fmt: skip
After = Annotated[str | None, strawberry.argument(description="A cursor: items after it.")]
Before = Annotated[
    str | None,
    strawberry.argument(description="A cursor: items before it (with `last`; not with `after`)."),
]


def _invalid_cursor(field: str) -> InvalidInput:
    return InvalidInput(
        "Invalid cursor.",
        fields=[{"field": field, "message": "not a cursor this API returned for this list"}],
    )


def checked_first(first: int, max_page_size: int, field: str = "first") -> int:
    """A page size (`first`, `last`, ...) if within the server limit, else an input error on
    argument `field`."""
    if not 0 <= first <= max_page_size:
        raise InvalidInput(
            f"`{field}` must be between 0 and {max_page_size}.",
            fields=[{"field": field, "message": f"must be between 0 and {max_page_size}"}],
        )
    return first


# --- keyset cursors ----------------------------------------------------------------------------


#: The integers a Cypher parameter can carry (Neo4j's INTEGER is 64-bit).
_INT_RANGE = range(-(2**63), 2**63)


def _plain(value: Any, depth: int = 0) -> bool:
    """Whether `value` is a sort key a list query returns: a JSON scalar or a short list of them.

    Why no datetimes: Neo4j compares DateTimes by zone as well as instant, so a datetime that
    round-trips through Python may no longer equal the stored one; the queries sort temporal
    fields by epochMillis (dates by ISO text), which JSON keeps exactly.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value in _INT_RANGE
    if value is None or isinstance(value, bool | str | float):
        return True
    return (
        isinstance(value, list)
        and depth == 0
        and len(value) <= 4
        and all(_plain(v, 1) for v in value)
    )


def encode_keyset(tag: str, key: Any, row_id: str, seal: CursorSeal) -> str:
    """The sealed cursor of the row with sort value `key` and unique id `row_id` in list `tag`."""
    if not _plain(key):
        raise TypeError(f"sort key {key!r} of {tag} is not a JSON scalar or list")
    text = json.dumps([tag, key, row_id], separators=(",", ":"))
    return seal.seal(f"{_KEYSET_PREFIX}{text}")


def decode_keyset(cursor: str, tag: str, seal: CursorSeal, field: str = "after") -> tuple[Any, str]:
    """(key, id) inside a cursor of list `tag`; malformed, foreign or unsealed cursors are
    input errors on argument `field` (`after` or `before`)."""
    try:
        if len(cursor) > _MAX_CURSOR:
            raise ValueError("too long")
        text = seal.open(cursor)
        if not text.startswith(_KEYSET_PREFIX):
            raise ValueError(text)
        value = json.loads(text[len(_KEYSET_PREFIX) :])
        if not (isinstance(value, list) and len(value) == 3 and value[0] == tag):
            raise ValueError(text)
        key, row_id = value[1], value[2]
        if not (isinstance(row_id, str) and _plain(key)):
            raise ValueError(text)
    except (ValueError, TypeError, UnicodeError, RecursionError):
        raise _invalid_cursor(field) from None
    return key, row_id


def filters_digest(filters: Mapping[str, Any]) -> str:
    """A short, stable hash of a list's filter values (12 hex digits), for its cursors' tag.

    Why a hash and not the filters: the cursor stays bounded and opaque (a search text or an
    id does not travel back in it), and equal filters always give equal digests (keys sorted,
    datetimes as ISO text).
    """
    text = json.dumps(dict(filters), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=_FILTER_DIGEST_BYTES).hexdigest()


@dataclass(frozen=True)
class PageArgs:
    """The Relay arguments as the client gave them (None: not given); checked by keyset_args."""

    first: int | None = None
    last: int | None = None
    after: str | None = None
    before: str | None = None


@dataclass(frozen=True)
class Keyset:
    """Validated keyset arguments: direction, page size and the cursor row's (key, id).

    Forward, the page holds the rows after the cursor row; backward (`last`/`before`), the rows
    before it, read through the list's reverse query nearest-first.
    """

    tag: str
    size: int
    seal: CursorSeal
    cursor_key: Any = None
    cursor_id: str | None = None
    backward: bool = False

    def params(self) -> dict[str, Any]:
        """The Cypher parameters every keyset list query (and its `_reverse` mirror) takes:
        the cursor row, and one extra row to tell whether the list goes on that way."""
        return {"after_key": self.cursor_key, "after_id": self.cursor_id, "limit": self.size + 1}


def _refuse(message: str, *fields: str) -> InvalidInput:
    return InvalidInput(message, fields=[{"field": f, "message": message} for f in fields])


def keyset_args(
    args: PageArgs,
    tag: str,
    max_page_size: int,
    seal: CursorSeal,
    filters: Mapping[str, Any] | None = None,
    default_size: int = DEFAULT_PAGE_SIZE,
) -> Keyset:
    """Check the page arguments (rules: module docstring) and decode the cursor for list +
    sort `tag`.

    With `filters`, the tag also carries their digest, so a cursor only continues the list
    under the filters that produced it — in either direction.
    """
    if args.first is not None and args.last is not None:
        raise _refuse("Give `first` or `last`, not both.", "first", "last")
    if args.after is not None and args.before is not None:
        raise _refuse("Give `after` or `before`, not both.", "after", "before")
    backward = args.last is not None or args.before is not None
    if backward and args.first is not None:
        raise _refuse("`before` pages backward: give it with `last`, not `first`.", "before")
    if backward and args.after is not None:
        raise _refuse("`after` pages forward: give it with `first`, not `last`.", "after")
    if backward:
        size = checked_first(default_size if args.last is None else args.last, max_page_size,
                             "last")  # fmt: skip
    else:
        size = checked_first(default_size if args.first is None else args.first, max_page_size)
    if filters is not None:
        tag = f"{tag}:{filters_digest(filters)}"
    cursor, field = (args.before, "before") if backward else (args.after, "after")
    if cursor is None:
        return Keyset(tag=tag, size=size, seal=seal, backward=backward)
    key, row_id = decode_keyset(cursor, tag, seal, field)
    return Keyset(
        tag=tag, size=size, seal=seal, cursor_key=key, cursor_id=row_id, backward=backward
    )


def keyset_connection(
    rows: Sequence[dict[str, Any]],
    page: Keyset,
    convert: Callable[[dict[str, Any]], T],
    count: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """A Connection from a keyset query's rows (`item`, `key`, `id`; up to `size + 1`, in the
    paging direction: a backward page's rows come nearest-first and are put back in order).

    `count` runs only if the client selects `totalCount`.
    """
    kept = list(rows[: page.size])
    if page.backward:
        kept.reverse()
    edges = [
        Edge(
            cursor=encode_keyset(page.tag, row["key"], row["id"], page.seal),
            node=convert(row["item"]),
        )
        for row in kept
    ]
    more = len(rows) > page.size  # one row beyond the page in the paging direction
    cursor_given = page.cursor_id is not None
    return Connection(
        page_info=PageInfo(
            has_next_page=cursor_given if page.backward else more,
            has_previous_page=more if page.backward else cursor_given,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        count=count,
    )


async def keyset_page(
    info: strawberry.Info[Any, None],
    query: str,
    params: dict[str, Any],
    args: PageArgs,
    convert: Callable[[dict[str, Any]], T],
    seek: str = "",
) -> Connection[T]:
    """One keyset page of list `cypher/api/<query>.cypher` (rows after `after`, or before
    `before`) as a Connection.

    The cursor is tagged with the list, the sort (`params["sort"]`) and a digest of the other
    parameters, so a cursor from another list, sort, search or filter is an input error rather
    than a wrong page. A `seek` suffix runs `<query>_<seek>.cypher`, the same list written out
    for one sort (so that an index serves seek and order, or the sort key is computed once);
    the cursors are the same either way. A backward page runs that file's `_reverse` mirror.
    `totalCount` is `<query>_count.cypher` over the same filters, run only if selected.
    """
    filters = {k: v for k, v in params.items() if k != "sort"}
    tag = f"{query}:{params.get('sort', '')}"
    max_page = info.context.settings.api_max_page_size
    page = keyset_args(args, tag, max_page, info.context.cursor_seal, filters=filters)
    db = info.context.db
    page_query = f"{query}_{seek}" if seek else query
    if page.backward:
        page_query = f"{page_query}_reverse"
    rows = await db.read(load_query(f"api/{page_query}"), {**params, **page.params()})

    async def count() -> int:
        found = await db.read(load_query(f"api/{query}_count"), params)
        return int(found[0]["total"]) if found else 0

    return keyset_connection(rows, page, convert, count)


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
