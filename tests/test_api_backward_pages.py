"""Backward pages (`last` / `before`) of every keyset connection, through the real HTTP app and
Neo4j: for each list and sort, walking the whole list backwards gives exactly the forward walk
(on data with tied and missing sort keys, so the reverse query files must mirror the forward
ones: nulls on the other side, ids descending); cursors cross directions; the edges (`last: 0`,
past either end) report honest pageInfo; argument combinations are refused field by field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import api_client, api_settings, codes, gql
from tests.test_api_list_sorts import loaded  # noqa: F401  (the entities, drafts, job runs)
from tests.test_api_pagination import REVIEWS, SEEK_PARAMS, plan_operators, walk

pytestmark = pytest.mark.asyncio(loop_scope="module")

T1, T2, T3 = (datetime(2026, m, 1, 9, tzinfo=UTC) for m in (1, 2, 3))
# Ten rows per list under a filter value of their own: three ties, missing keys, an empty string.
NAMES = ["Zed", "Zed", None, "Ada", "Zed", None, "", "Émile", None, "Bob"]
TIMES = [T2, T2, None, T1, T2, None, T3, T1, None, T3]
NUMBERS = [5.0, 5.0, None, 1.0, 5.0, None, 7.5, 1.0, None, 0.0]
ROWS = [
    {"id": f"zz-back-{i:02d}", "name": n, "time": t, "number": x, "day": t and t.date()}
    for i, (n, t, x) in enumerate(zip(NAMES, TIMES, NUMBERS, strict=True))
]
CREATE = """
UNWIND $rows AS row
CREATE (cr:CustomerRecord {record_id: row.id, country: 'zz-back'})
SET cr.full_name = row.name, cr.created_at = row.time
CREATE (ar:AccountRecord {record_id: row.id, industry: 'zz-back'})
SET ar.name = row.name, ar.employees = toInteger(row.number)
CREATE (i:Interaction {interaction_id: row.id, kind: 'zz-back'})
SET i.occurred_at = row.time, i.total = row.number
CREATE (p:Product {sku: row.id, category: 'zz-back'}) SET p.name = row.name, p.price = row.number
CREATE (c:Campaign {campaign_id: row.id, channel: 'zz-back'})
SET c.name = row.name, c.spend = row.number, c.start_date = row.day
CREATE (t:Content {content_id: row.id, content_type: 'zz-back'})
SET t.title = row.name, t.published_at = row.time
CREATE (r:IngestRun {run_id: row.id, status: 'zz-back'}) SET r.started_at = row.time
CREATE (q:QuarantinedRow {row_id: row.id, source_type: 'zz-back', reason: 'test'})
SET q.file = 'f' + toString(size(coalesce(row.name, ''))), q.row_number = 1
"""
# (field, arguments, id field, role): every keyset connection and every sort it offers.
CASES: list[tuple[str, str, str, str]] = [
    *[("customerRecords", f'filter: {{country: "zz-back"}}, sort: {s},', "recordId", "marketer")
      for s in ("RECORD_ID_ASC", "NAME_ASC", "NAME_DESC", "CREATED_ASC", "CREATED_DESC")],
    *[("customerRecords", f'filter: {{search: "Zed"}}, sort: {s},', "recordId", "marketer")
      for s in ("RELEVANCE", "NAME_DESC", "CREATED_ASC")],
    *[("accountRecords", f'filter: {{industry: "zz-back"}}, sort: {s},', "recordId", "analyst")
      for s in ("RECORD_ID_ASC", "NAME_ASC", "NAME_DESC", "EMPLOYEES_DESC")],
    *[("interactions", f'filter: {{kind: "zz-back"}}, sort: {s},', "interactionId", "analyst")
      for s in ("OCCURRED_DESC", "OCCURRED_ASC", "TOTAL_DESC")],
    *[("products", f'filter: {{category: "zz-back"}}, sort: {s},', "sku", "analyst")
      for s in ("NAME_ASC", "PRICE_ASC", "PRICE_DESC")],
    *[("campaigns", f'filter: {{channel: "zz-back"}}, sort: {s},', "campaignId", "analyst")
      for s in ("START_DESC", "SPEND_DESC", "NAME_ASC")],
    *[("contents", f'filter: {{contentType: "zz-back"}}, sort: {s},', "contentId", "analyst")
      for s in ("PUBLISHED_DESC", "TITLE_ASC")],
    *[(field, f"sort: {s},{st}", key, "marketer")
      for field, key, ids in (("customers", "customerId", "CUSTOMER_ID_ASC"),
                              ("accounts", "accountId", "ACCOUNT_ID_ASC"))
      for s in (ids, "NAME_ASC", "FIRST_SEEN_ASC", "FIRST_SEEN_DESC", "LAST_SEEN_DESC",
                "RECORDS_DESC")
      for st in ("", ' status: "active",')],
    ("ingestRuns", 'status: "zz-back",', "runId", "analyst"),
    ("quarantinedRows", 'filter: {sourceType: "zz-back"},', "rowId", "analyst"),
    ("copyDrafts", "", "draftId", "marketer"),
    ("copyDrafts", "status: DRAFT,", "draftId", "marketer"),
    ("jobRuns", "", "runId", "analyst"),
    ("reviewQueue", "status: null,", "reviewId", "analyst"),
    ("reviewQueue", "status: OPEN,", "reviewId", "analyst"),
]  # fmt: skip
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@pytest.fixture(scope="module")
def data(loaded: Database) -> Database:  # noqa: F811
    loaded.query(CREATE, {"rows": ROWS}, write=True)
    loaded.query(
        "UNWIND $rows AS row CREATE (m:MatchReview {review_id: row[0], status: row[1], "
        "kind: 'customer', record_a: 'a', record_b: 'b'}) SET m.match_probability = row[2]",
        {"rows": [list(r) for r in REVIEWS]},
        write=True,
    )
    return loaded


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(data: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


async def page(
    client: httpx.AsyncClient, field: str, args: str, select: str, role: str = "analyst"
) -> dict[str, Any]:
    """One page of `field(args)`: pageInfo, edges (cursor + node) and totalCount."""
    query = (
        f"{{ {field}({args}) {{ totalCount {PAGE_INFO} edges {{ cursor node {{ {select} }} }} }} }}"
    )
    body = await gql(client, query, role=role)
    assert "errors" not in body, (args, body)
    result: dict[str, Any] = body["data"][field]
    info, edges = result["pageInfo"], result["edges"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    return result


async def walk_back(
    client: httpx.AsyncClient, field: str, args: str, select: str, last: int, role: str
) -> list[dict[str, Any]]:
    """Every node of a list, from its end to its start `last` at a time, back in list order."""
    nodes: list[dict[str, Any]] = []
    before: str | None = None
    while True:
        cursor = "" if before is None else f' before: "{before}"'
        got = await page(client, field, f"{args} last: {last},{cursor}", select, role)
        info, edges = got["pageInfo"], got["edges"]
        assert info["hasNextPage"] is (before is not None)
        nodes = [e["node"] for e in edges] + nodes
        assert len(nodes) < 1_000
        if not info["hasPreviousPage"]:
            assert len(nodes) == got["totalCount"]
            return nodes
        assert len(edges) == last
        before = info["startCursor"]


async def walk_forward(
    client: httpx.AsyncClient, field: str, args: str, select: str, role: str
) -> list[dict[str, Any]]:
    if role == "analyst":
        return await walk(client, field, args, select, first=3)
    from tests.test_api_list_sorts import walk_as

    return await walk_as(client, field, args, select, 3, role)


@pytest.mark.parametrize(("field", "args", "id_field", "role"), CASES)
async def test_backward_walk_is_the_forward_walk(
    client: httpx.AsyncClient, field: str, args: str, id_field: str, role: str
) -> None:
    """The reverse query of each list and sort is the exact mirror of the forward one."""
    forward = [n[id_field] for n in await walk_forward(client, field, args, id_field, role)]
    assert len(forward) >= 4, f"too few {field} to cross pages: {forward}"
    for last in (1, 2, 3):
        back = await walk_back(client, field, args, id_field, last, role)
        assert [n[id_field] for n in back] == forward, (args, last)


@pytest.mark.parametrize(("field", "args", "id_field", "role"), CASES[::4])
async def test_cursors_work_in_both_directions(
    client: httpx.AsyncClient, field: str, args: str, id_field: str, role: str
) -> None:
    """A cursor from a backward page continues forward and a forward one backward: same
    format and tag, so `first` after / `last` before any edge's cursor give its neighbours."""
    whole = await page(client, field, f"{args} first: 100,", id_field, role)
    ids = [e["node"][id_field] for e in whole["edges"]]
    back = await page(client, field, f"{args} last: 3,", id_field, role)
    assert [e["node"][id_field] for e in back["edges"]] == ids[-3:]
    for i in range(len(ids)):
        cursor = whole["edges"][i]["cursor"]
        before = await page(client, field, f'{args} last: 2, before: "{cursor}"', id_field, role)
        assert [e["node"][id_field] for e in before["edges"]] == ids[max(i - 2, 0) : i]
        assert before["pageInfo"]["hasPreviousPage"] is (i > 2)
        assert before["pageInfo"]["hasNextPage"] is True
        if before["edges"]:  # the backward page's own cursors continue forward
            end = before["pageInfo"]["endCursor"]
            after = await page(client, field, f'{args} first: 2, after: "{end}"', id_field, role)
            assert [e["node"][id_field] for e in after["edges"]] == ids[i : i + 2]


async def test_page_edges(client: httpx.AsyncClient) -> None:
    args = 'filter: {category: "zz-back"}, sort: PRICE_ASC,'
    whole = await page(client, "products", f"{args} first: 100,", "sku")
    ids = [e["node"]["sku"] for e in whole["edges"]]
    assert len(ids) == whole["totalCount"] == len(ROWS)
    zero = await page(client, "products", f"{args} last: 0,", "sku")
    assert zero["edges"] == [] and zero["totalCount"] == len(ROWS)
    assert zero["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True,
                                "startCursor": None, "endCursor": None}  # fmt: skip
    more = await page(client, "products", f"{args} last: 50,", "sku")
    assert [e["node"]["sku"] for e in more["edges"]] == ids
    assert more["pageInfo"]["hasPreviousPage"] is False and more["pageInfo"]["hasNextPage"] is False
    exact = await page(client, "products", f"{args} last: {len(ids)},", "sku")
    assert exact["pageInfo"]["hasPreviousPage"] is False
    one_less = await page(client, "products", f"{args} last: {len(ids) - 1},", "sku")
    assert one_less["pageInfo"]["hasPreviousPage"] is True
    assert [e["node"]["sku"] for e in one_less["edges"]] == ids[1:]
    first_cursor = whole["edges"][0]["cursor"]
    start = await page(client, "products", f'{args} last: 5, before: "{first_cursor}"', "sku")
    assert start["edges"] == [] and start["pageInfo"] == {
        "hasNextPage": True, "hasPreviousPage": False, "startCursor": None, "endCursor": None
    }  # fmt: skip
    last_cursor = whole["edges"][-1]["cursor"]
    before_end = await page(client, "products", f'{args} last: 4, before: "{last_cursor}"', "sku")
    assert [e["node"]["sku"] for e in before_end["edges"]] == ids[-5:-1]
    assert before_end["pageInfo"]["startCursor"] == whole["edges"][-5]["cursor"]
    assert before_end["pageInfo"]["endCursor"] == whole["edges"][-2]["cursor"]


async def test_before_alone_pages_back_by_the_default_page(client: httpx.AsyncClient) -> None:
    whole = await page(client, "customerRecords", "first: 40,", "recordId")
    cursor = whole["edges"][30]["cursor"]
    back = await page(client, "customerRecords", f'before: "{cursor}"', "recordId")
    assert [e["node"] for e in back["edges"]] == [e["node"] for e in whole["edges"][10:30]]
    assert back["pageInfo"]["hasPreviousPage"] is True


# (arguments, fields named in the error): each a combination the module docstring refuses
REFUSED = [
    ("first: 2, last: 2", ["first", "last"]),
    ('after: "$c", before: "$c"', ["after", "before"]),
    ('first: 2, before: "$c"', ["before"]),
    ('last: 2, after: "$c"', ["after"]),
    ("last: 101", ["last"]),
    ("last: -1", ["last"]),
    ('last: 2, before: "garbage"', ["before"]),
    ('last: 2, before: "$other"', ["before"]),  # another list's cursor
    ('last: 2, before: "$merged", status: "active"', ["before"]),  # another filter's cursor
]


@pytest.mark.parametrize(("args", "fields"), REFUSED)
async def test_refused_argument_combinations(
    client: httpx.AsyncClient, args: str, fields: list[str]
) -> None:
    async def cursor(field: str, filters: str) -> str:
        got = await page(client, field, f"{filters} first: 1,", "__typename")
        return str(got["pageInfo"]["endCursor"])

    args = args.replace("$c", await cursor("customers", ""))
    args = args.replace("$other", await cursor("accounts", ""))
    args = args.replace("$merged", await cursor("customers", 'status: "merged",'))
    body = await gql(client, f"{{ customers({args}) {{ totalCount }} }}")
    assert codes(body) == ["BAD_USER_INPUT"], (args, body)
    assert [f["field"] for f in body["errors"][0]["extensions"]["fields"]] == fields


async def test_the_default_page_is_what_the_cost_limit_counts(settings: Settings) -> None:
    """`first` now defaults to null (so that `last` can be given alone); a connection without
    page arguments still costs its default page of 20, not 1."""
    async with api_client(api_settings(settings, api_max_cost=150)) as small:
        select = "recordId sourceSystem sourceId firstName lastName fullName country"
        too_big = await gql(small, f"{{ customerRecords {{ nodes {{ {select} }} }} }}")
        assert codes(too_big) == ["QUERY_TOO_COSTLY"]
        for size in ("first: 10", "last: 10"):
            ok = await gql(small, f"{{ customerRecords({size}) {{ nodes {{ {select} }} }} }}")
            assert codes(ok) == [], ok
        big_last = await gql(small, f"{{ customerRecords(last: 50) {{ nodes {{ {select} }} }} }}")
        assert codes(big_last) == ["QUERY_TOO_COSTLY"]


async def test_lists_without_a_page_argument_count_more_than_one(settings: Settings) -> None:
    """A customer's `records` has no page argument; counted as one object, the interactions
    under it went unseen (10 customers x their records x 10 interactions cost 131). Now it
    counts as UNPAGED_LIST_SIZE records; a connection's own `nodes` is still its page."""
    nested = "{ customers(first: 10) { nodes { records { interactions(last: 10) { kind } } } } }"
    async with api_client(api_settings(settings, api_max_cost=500)) as small:
        body = await gql(small, nested)
        assert codes(body) == ["QUERY_TOO_COSTLY"], body
        assert body["errors"][0]["extensions"]["cost"] == 1 + 10 * (1 + (1 + 10 * (1 + 10 * 1)))
        flat = "{ customers(first: 10) { nodes { records { recordId } } } }"
        assert codes(await gql(small, flat)) == []


@pytest.mark.parametrize(
    ("field", "query"),
    [
        ("resolutionHistory", '{ resolutionHistory(entityId: "c-1", first: 101) { eventId } }'),
        ("erasureRequests", "{ erasureRequests(first: 101) { erasureId } }"),
    ],
)
async def test_every_list_keeps_the_page_limit_the_cost_rule_counts(
    settings: Settings, field: str, query: str
) -> None:
    """`resolutionHistory` and `erasureRequests` took `first` up to 200 while the cost rule
    counts at most the server's largest page (100): a page of 200 cost as 100."""
    async with api_client(api_settings(settings)) as client:
        body = await gql(client, query, role="admin")
        assert codes(body) == ["BAD_USER_INPUT"], body
        (error,) = body["errors"][0]["extensions"]["fields"]
        assert error["field"] == "first" and "and 100" in error["message"], body


# The reverse files written for an index: (file, its filter parameters)
SEEK_FILES = {
    "customers_reverse": {"status": None},
    "accounts_reverse": {"status": None},
    **{f"customer_records_{s}_reverse": SEEK_PARAMS["customer_records"]
       for s in ("by_id", "by_name", "by_name_desc")},
    **{f"account_records_{s}_reverse": SEEK_PARAMS["account_records"]
       for s in ("by_id", "by_name", "by_name_desc")},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SEEK_FILES))
@pytest.mark.parametrize("cursor", [(None, None), ("M", "zz-m"), (None, "zz-m")])
async def test_reverse_seek_files_read_their_index_backwards(
    data: Database, name: str, cursor: tuple[str | None, str | None]
) -> None:
    """Backward pages of the index-served sorts stay index-served: a seek or scan in index
    order read backwards (a PartialTop within one name at most), never a Sort or Top of every
    record — for the last page and from a cursor with or without a name."""
    params = {**SEEK_FILES[name], "after_key": cursor[0], "after_id": cursor[1], "limit": 21}
    operators = plan_operators(data, load_query(f"api/{name}"), params)
    assert any("Index" in op for op in operators), operators
    assert not {"Sort", "Top"} & set(operators), operators
