"""Keyset (seek) pagination of every GraphQL list against the real Neo4j: whole walks in the
documented order for each sort, stability under inserts, cursor validation, the lazy count."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
import pytest_asyncio

from api.graphql.cursor_seal import CursorSeal
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import api_client, api_settings, codes, gql, load_demo

pytestmark = pytest.mark.asyncio(loop_scope="module")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Test rows with tied and missing sort keys, so walks cross ties and the null tail.
EXTRA_PRODUCTS = [
    {"sku": "zz-tie-1", "name": "Tied", "price": 5.0},
    {"sku": "zz-tie-2", "name": "Tied", "price": 5.0},
    {"sku": "zz-tie-3", "name": "Tied", "price": 5.0},
    {"sku": "zz-null-1", "name": None, "price": None},
    {"sku": "zz-null-2", "name": None, "price": None},
]


@pytest.fixture(scope="module")
def loaded(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    db.query(
        "UNWIND $rows AS row CREATE (p:Product {sku: row.sku}) "
        "SET p.name = row.name, p.price = row.price, p.category = 'zz-test'",
        {"rows": EXTRA_PRODUCTS},
        write=True,
    )
    db.query(
        "UNWIND range(1, 5) AS i CREATE (c:Customer {customer_id: 'pg-' + toString(i), "
        "status: CASE WHEN i % 2 = 0 THEN 'merged' ELSE 'active' END}) "
        "CREATE (:Account {account_id: 'pg-' + toString(i), status: 'active'})",
        write=True,
    )
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(loaded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


def _natural(value: Any) -> Any:
    """A GraphQL scalar as the list queries compare it (datetimes as epoch milliseconds)."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return (datetime.fromisoformat(value) - EPOCH) // timedelta(milliseconds=1)
    return value


def expected_order(rows: list[tuple[str, Any]], descending: bool) -> list[str]:
    """Ids ordered as the API documents: by key, then id ascending; null keys where Neo4j puts
    them (after every value ascending, before them descending, as the offset cursors had it)."""
    by_id = sorted(rows, key=lambda r: r[0])
    present = sorted(
        (r for r in by_id if r[1] is not None), key=lambda r: _natural(r[1]), reverse=descending
    )
    nulls = [r[0] for r in by_id if r[1] is None]
    ordered = [r[0] for r in present]
    return nulls + ordered if descending else ordered + nulls


async def walk(
    client: httpx.AsyncClient, field: str, args: str, select: str, first: int = 2
) -> list[dict[str, Any]]:
    """Every node of a list, page by page, checking pageInfo on the way."""
    query = (
        f"query($after: String) {{ {field}({args} first: {first}, after: $after) {{ "
        f"pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} "
        f"edges {{ cursor node {{ {select} }} }} }} }}"
    )
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        body = await gql(client, query, {"after": after})
        assert "errors" not in body, body
        page = body["data"][field]
        info, edges = page["pageInfo"], page["edges"]
        assert info["hasPreviousPage"] is (after is not None)
        assert len(edges) <= first
        if edges:
            assert info["startCursor"] == edges[0]["cursor"]
            assert info["endCursor"] == edges[-1]["cursor"]
        nodes += [e["node"] for e in edges]
        if not info["hasNextPage"]:
            assert len(nodes) < 10_000
            return nodes
        assert len(edges) == first
        assert info["endCursor"] != after, "the page did not move past its cursor"
        assert len(nodes) < 10_000
        after = info["endCursor"]


# (field, filter args, id field, sort field or None, Cypher returning id + key of the filter)
Case = tuple[str, str, str, str | None, LiteralString]
CASES: dict[str, Case] = {
    "products NAME_ASC": ("products", "sort: NAME_ASC,", "sku", "name",
                          "MATCH (n:Product) RETURN n.sku AS id, n.name AS key"),
    "products PRICE_ASC": ("products", "sort: PRICE_ASC,", "sku", "price",
                           "MATCH (n:Product) RETURN n.sku AS id, n.price AS key"),
    "products PRICE_DESC": ("products", "sort: PRICE_DESC,", "sku", "price",
                            "MATCH (n:Product) RETURN n.sku AS id, n.price AS key"),
    "campaigns START_DESC": ("campaigns", "sort: START_DESC,", "campaignId", "startDate",
                             "MATCH (n:Campaign) RETURN n.campaign_id AS id, n.start_date AS key"),
    "campaigns SPEND_DESC": ("campaigns", "sort: SPEND_DESC,", "campaignId", "spend",
                             "MATCH (n:Campaign) RETURN n.campaign_id AS id, n.spend AS key"),
    "campaigns NAME_ASC": ("campaigns", "sort: NAME_ASC,", "campaignId", "name",
                           "MATCH (n:Campaign) RETURN n.campaign_id AS id, n.name AS key"),
    "contents PUBLISHED_DESC": ("contents", "sort: PUBLISHED_DESC,", "contentId", "publishedAt",
                                "MATCH (n:Content) RETURN n.content_id AS id, "
                                "n.published_at AS key"),
    "contents TITLE_ASC": ("contents", "sort: TITLE_ASC,", "contentId", "title",
                           "MATCH (n:Content) RETURN n.content_id AS id, n.title AS key"),
    "customers": ("customers", "", "customerId", None,
                  "MATCH (n:Customer) RETURN n.customer_id AS id, null AS key"),
    "accounts": ("accounts", "", "accountId", None,
                 "MATCH (n:Account) RETURN n.account_id AS id, null AS key"),
    "ingestRuns": ("ingestRuns", "", "runId", "startedAt",
                   "MATCH (n:IngestRun) RETURN n.run_id AS id, n.started_at AS key"),
}  # fmt: skip
# Larger lists: walked over one filter value so that `first: 2` stays a few dozen requests.
FILTERED: dict[str, tuple[str, str, str, str | None, LiteralString]] = {
    "customerRecords": ("customerRecords", "filter: {country: $v}, sort: %s,", "recordId",
                        "MATCH (n:CustomerRecord) WHERE n.country IS NOT NULL "
                        "RETURN n.country AS v, count(*) AS c ORDER BY c ASC, v LIMIT 1", None),
    "accountRecords": ("accountRecords", "filter: {industry: $v}, sort: %s,", "recordId",
                       "MATCH (n:AccountRecord) WHERE n.industry IS NOT NULL "
                       "RETURN n.industry AS v, count(*) AS c ORDER BY c ASC, v LIMIT 1", None),
    "interactions": ("interactions", "filter: {kind: $v}, sort: %s,", "interactionId",
                     "MATCH (n:Interaction) WHERE n.kind IS NOT NULL "
                     "RETURN n.kind AS v, count(*) AS c ORDER BY c ASC, v LIMIT 1", None),
}  # fmt: skip
FILTERED_SORTS = {
    "customerRecords": {"NAME_ASC": "fullName", "NAME_DESC": "fullName", "CREATED_ASC":
                        "createdAt", "CREATED_DESC": "createdAt", "RECORD_ID_ASC": None},
    "accountRecords": {"NAME_ASC": "name", "NAME_DESC": "name", "EMPLOYEES_DESC": "employees",
                       "RECORD_ID_ASC": None},
    "interactions": {"OCCURRED_DESC": "occurredAt", "OCCURRED_ASC": "occurredAt",
                     "TOTAL_DESC": "total"},
}  # fmt: skip


def _check_walk(nodes: list[dict[str, Any]], id_field: str, expected: list[str]) -> None:
    ids = [n[id_field] for n in nodes]
    assert len(ids) == len(set(ids)), "a row was visited twice"
    assert ids == expected


@pytest.mark.parametrize("case", sorted(CASES))
async def test_walk_visits_every_row_once_in_order(
    client: httpx.AsyncClient, loaded: Database, case: str
) -> None:
    field, args, id_field, sort_field, cypher = CASES[case]
    rows = [(r["id"], r["key"]) for r in loaded.query(cypher)]
    assert rows, f"no {field} in the test graph"
    select = id_field if sort_field is None else f"{id_field} {sort_field}"
    nodes = await walk(client, field, args, select)
    descending = "_DESC" in args or field == "ingestRuns"
    api_rows = [(n[id_field], None if sort_field is None else n[sort_field]) for n in nodes]
    _check_walk(nodes, id_field, expected_order(api_rows, descending))
    assert sorted(r[0] for r in rows) == sorted(r[0] for r in api_rows)


@pytest.mark.parametrize(
    "field,sort", [(f, s) for f, sorts in sorted(FILTERED_SORTS.items()) for s in sorts]
)
async def test_filtered_walks_in_order(
    client: httpx.AsyncClient, loaded: Database, field: str, sort: str
) -> None:
    _, args, id_field, pick, _ = FILTERED[field]
    value = loaded.query(pick)[0]["v"]
    sort_field = FILTERED_SORTS[field][sort]
    select = id_field if sort_field is None else f"{id_field} {sort_field}"
    query_args = args.replace("$v", json.dumps(value)) % sort
    nodes = await walk(client, field, query_args, select, first=7)
    total = (await gql(client, f"{{ {field}({query_args} first: 0) {{ totalCount }} }}"))["data"]
    assert len(nodes) == total[field]["totalCount"] > 0
    rows = [(n[id_field], None if sort_field is None else n[sort_field]) for n in nodes]
    _check_walk(nodes, id_field, expected_order(rows, sort.endswith("_DESC")))


async def test_search_walk_by_relevance(client: httpx.AsyncClient, loaded: Database) -> None:
    name = loaded.query(
        "MATCH (n:CustomerRecord) WHERE n.last_name IS NOT NULL RETURN n.last_name AS v, "
        "count(*) AS c ORDER BY c DESC, v LIMIT 1"
    )[0]["v"]
    args = f"filter: {{search: {json.dumps(name)}}}, sort: RELEVANCE,"
    nodes = await walk(client, "customerRecords", args, "recordId")
    first_page = await gql(
        client, f"{{ customerRecords({args} first: 100) {{ totalCount nodes {{ recordId }} }} }}"
    )
    page = first_page["data"]["customerRecords"]
    assert [n["recordId"] for n in nodes] == [n["recordId"] for n in page["nodes"]]
    assert len(nodes) == page["totalCount"] >= 1


# (list with args, id field, Cypher creating a row that sorts first, Cypher deleting it)
INSERTS: dict[str, tuple[str, str, LiteralString, LiteralString]] = {
    "products NAME_ASC": (
        "products(sort: NAME_ASC,", "sku",
        "CREATE (:Product {sku: 'aa-inserted', name: '!! first by name', category: 'zz-test'})",
        "MATCH (p:Product {sku: 'aa-inserted'}) DETACH DELETE p",
    ),
    "customerRecords RECORD_ID_ASC (index-ordered file)": (
        "customerRecords(", "recordId",
        "CREATE (:CustomerRecord {record_id: '!!inserted', source_system: 'test'})",
        "MATCH (r:CustomerRecord {record_id: '!!inserted'}) DETACH DELETE r",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(INSERTS))
async def test_insert_before_the_cursor_does_not_shift_the_next_page(
    client: httpx.AsyncClient, loaded: Database, case: str
) -> None:
    """The point of keyset cursors: an offset cursor would repeat page 1's last row here."""
    field_args, id_field, create, delete = INSERTS[case]
    field = field_args.split("(")[0]
    query = f"""query($after: String) {{ {field_args} first: 2, after: $after) {{
      totalCount pageInfo {{ endCursor }} nodes {{ {id_field} }} }} }}"""
    page1 = (await gql(client, query))["data"][field]
    cursor = page1["pageInfo"]["endCursor"]
    page2 = (await gql(client, query, {"after": cursor}))["data"][field]
    loaded.query(create, write=True)
    try:
        again = (await gql(client, query, {"after": cursor}))["data"][field]
        assert again["nodes"] == page2["nodes"]
        assert again["totalCount"] == page2["totalCount"] + 1
        fresh = (await gql(client, query))["data"][field]
        assert fresh["nodes"][0] != page1["nodes"][0]
        assert fresh["nodes"][1] == page1["nodes"][0]
    finally:
        loaded.query(delete, write=True)


def _cursor(payload: str) -> str:
    """A cursor as a client could craft one before cursors were sealed: base64 of its text."""
    return base64.urlsafe_b64encode(payload.encode()).decode()


def _sealed(settings: Settings, payload: str) -> str:
    """`payload` sealed with the test server's key: what only the server itself could make."""
    return CursorSeal.from_settings(settings).seal(payload)


def _forged(settings: Settings, cursor: str, key: Any, row_id: Any) -> str:
    """A sealed cursor of `cursor`'s list (its tag) holding another key and id."""
    tag = json.loads(CursorSeal.from_settings(settings).open(cursor)[len("mg2:") :])[0]
    return _sealed(settings, "mg2:" + json.dumps([tag, key, row_id]))


async def test_invalid_and_foreign_cursors_are_field_errors(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    async def end_cursor(field: str, args: str) -> str:
        body = await gql(client, f"{{ {field}({args}first: 1) {{ pageInfo {{ endCursor }} }} }}")
        return str(body["data"][field]["pageInfo"]["endCursor"])

    name_cursor = await end_cursor("products", "sort: NAME_ASC, ")
    customers_cursor = await end_cursor("customers", "")
    created_cursor = await end_cursor("customerRecords", "sort: CREATED_ASC, ")
    in_range = _forged(settings, created_cursor, 2**62, "x")
    bad = [
        ("products", "sort: PRICE_ASC, ", name_cursor),  # another sort of the same list
        ("accounts", "", customers_cursor),  # another list
        ("products", "", "garbage"),
        ("products", "", _cursor("mg1:5")),  # an offset cursor of the old API
        # well formed, but not sealed: a client cannot choose where a page starts
        ("products", "sort: NAME_ASC, ",
         _cursor(CursorSeal.from_settings(settings).open(name_cursor))),
        ("products", "sort: NAME_ASC, ", _forged(settings, name_cursor, {"$gt": 1}, "x")),
        ("products", "sort: NAME_ASC, ", _forged(settings, name_cursor, "a", 7)),
        ("products", "sort: NAME_ASC, ", _sealed(settings, "mg2:[")),
        # an integer no Cypher parameter can carry: an input error, not an internal one
        ("customerRecords", "sort: CREATED_ASC, ", _forged(settings, created_cursor, 10**30, "x")),
        ("products", "", name_cursor[:-8] + "AAAAAAA="),  # tampered
        ("products", "", "x" * 3000),
    ]  # fmt: skip
    for field, sort, cursor in bad:
        body = await gql(client, f'{{ {field}({sort}after: "{cursor}") {{ totalCount }} }}')
        assert codes(body) == ["BAD_USER_INPUT"], (field, cursor, body)
        error = body["errors"][0]
        assert error["message"] == "Invalid cursor."
        assert [f["field"] for f in error["extensions"]["fields"]] == ["after"]
    ok = await gql(
        client, f'{{ products(sort: NAME_ASC, after: "{name_cursor}") {{ totalCount }} }}'
    )
    assert "errors" not in ok, ok
    # the forging helper itself makes cursors the server takes
    ok = await gql(
        client, f'{{ customerRecords(sort: CREATED_ASC, after: "{in_range}") {{ totalCount }} }}'
    )
    assert "errors" not in ok, ok


async def test_last_page_first_zero_and_past_the_end(client: httpx.AsyncClient) -> None:
    query = """query($after: String, $first: Int!) { customers(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { customerId } } }"""
    whole = (await gql(client, query, {"first": 100}))["data"]["customers"]
    ids = [n["customerId"] for n in whole["nodes"]]
    assert whole["totalCount"] == len(ids) and not whole["pageInfo"]["hasNextPage"]
    exact = (await gql(client, query, {"first": len(ids)}))["data"]["customers"]
    assert exact["pageInfo"]["hasNextPage"] is False
    zero = (await gql(client, query, {"first": 0}))["data"]["customers"]
    assert zero["nodes"] == [] and zero["pageInfo"]["hasNextPage"] is True
    assert zero["pageInfo"]["endCursor"] is None and zero["totalCount"] == len(ids)
    past = await gql(client, query, {"first": 5, "after": exact["pageInfo"]["endCursor"]})
    page = past["data"]["customers"]
    assert page["nodes"] == [] and page["pageInfo"] == {
        "hasNextPage": False, "hasPreviousPage": True, "startCursor": None, "endCursor": None
    }  # fmt: skip
    filtered = await gql(client, '{ customers(status: "merged", first: 1) { totalCount '
                                 "pageInfo { hasNextPage } nodes { customerId } } }")  # fmt: skip
    assert filtered["data"]["customers"]["totalCount"] == 2
    assert filtered["data"]["customers"]["nodes"] == [{"customerId": "pg-2"}]


async def _first_lines_of_reads(client: httpx.AsyncClient, *queries: str) -> list[list[str]]:
    """Per GraphQL query, the first line of each Cypher file the server read while answering."""
    db = client.app.state.db  # type: ignore[attr-defined]
    original: Callable[..., Any] = db.read
    calls: list[str] = []

    async def counting(cypher: str, params: Any = None) -> Any:
        calls.append(cypher.splitlines()[0])
        return await original(cypher, params)

    db.read = counting
    seen = []
    try:
        for query in queries:
            await gql(client, query)
            seen.append(list(calls))
            calls.clear()
    finally:
        db.read = original
    return seen


async def test_total_count_is_queried_only_when_selected(client: httpx.AsyncClient) -> None:
    without, with_count = await _first_lines_of_reads(
        client,
        "{ customerRecords(first: 3) { nodes { recordId } } }",
        "{ customerRecords(first: 3) { ...F } } "
        "fragment F on CustomerRecordConnection { totalCount }",
    )
    assert len(without) == 1 and "how many" not in without[0]
    assert len(with_count) == 2 and any("how many" in c for c in with_count)


# --- the review queue: most probable first, then review id; null probabilities first ----------

# (review_id, status, match_probability): ties and missing probabilities, so walks cross both.
REVIEWS = [
    ("rev-pg-01", "open", 0.91), ("rev-pg-02", "open", 0.5), ("rev-pg-03", "open", 0.5),
    ("rev-pg-04", "open", 0.5), ("rev-pg-05", "open", None), ("rev-pg-06", "open", None),
    ("rev-pg-07", "open", 0.99), ("rev-pg-08", "accepted", 0.7), ("rev-pg-09", "rejected", None),
    ("rev-pg-10", "accepted", 0.7),
]  # fmt: skip


@pytest.fixture(scope="module")
def reviews(loaded: Database) -> Database:
    """Review items as a resolution run stores them (the demo load alone leaves none)."""
    loaded.query(
        "UNWIND $rows AS row CREATE (m:MatchReview {review_id: row[0], status: row[1], "
        "kind: 'customer', record_a: 'ra-' + row[0], record_b: 'rb-' + row[0], "
        "evidence_fields: ['email'], evidence_levels: ['exact'], evidence_weights: [3.5]}) "
        "SET m.match_probability = row[2]",
        {"rows": [list(r) for r in REVIEWS]},
        write=True,
    )
    return loaded


@pytest.mark.parametrize("status", ["OPEN", "ACCEPTED", "null"])
async def test_review_queue_walk_visits_every_item_once_in_order(
    client: httpx.AsyncClient, reviews: Database, status: str
) -> None:
    args = f"status: {status},"
    nodes = await walk(client, "reviewQueue", args, "reviewId matchProbability status")
    wanted = [r for r in REVIEWS if status == "null" or r[1] == status.lower()]
    _check_walk(nodes, "reviewId", expected_order([(r[0], r[2]) for r in wanted], True))
    assert {n["status"] for n in nodes} == {r[1].upper() for r in wanted}
    total = await gql(client, f"{{ reviewQueue({args} first: 0) {{ totalCount }} }}")
    assert total["data"]["reviewQueue"]["totalCount"] == len(wanted)


async def test_review_queue_cursor_is_stable_and_checked(
    client: httpx.AsyncClient, reviews: Database, settings: Settings
) -> None:
    query = """query($after: String) { reviewQueue(first: 2, after: $after) {
      pageInfo { endCursor } nodes { reviewId } } }"""
    page1 = (await gql(client, query))["data"]["reviewQueue"]
    cursor = page1["pageInfo"]["endCursor"]
    page2 = (await gql(client, query, {"after": cursor}))["data"]["reviewQueue"]
    reviews.query(  # sorts first (a null probability), i.e. before the cursor
        "CREATE (:MatchReview {review_id: 'rev-pg-00', status: 'open', kind: 'customer', "
        "record_a: 'ra', record_b: 'rb'})",
        write=True,
    )
    try:
        again = (await gql(client, query, {"after": cursor}))["data"]["reviewQueue"]
        assert again["nodes"] == page2["nodes"]
        fresh = (await gql(client, query))["data"]["reviewQueue"]
        assert fresh["nodes"][0] == {"reviewId": "rev-pg-00"}
    finally:
        reviews.query("MATCH (m:MatchReview {review_id: 'rev-pg-00'}) DELETE m", write=True)

    products = await gql(client, "{ products(first: 1) { pageInfo { endCursor } } }")
    bad = [
        "garbage",
        _cursor("mg1:1"),  # the queue's old offset cursor
        str(products["data"]["products"]["pageInfo"]["endCursor"]),  # another list's cursor
        _cursor(CursorSeal.from_settings(settings).open(cursor)),  # not sealed
        _forged(settings, cursor, {"$gt": 1}, "rev-pg-01"),
        _forged(settings, cursor, 0.5, None),
    ]
    for after in bad:
        body = await gql(client, "query($a: String) { reviewQueue(after: $a) { totalCount } }",
                         {"a": after})  # fmt: skip
        assert codes(body) == ["BAD_USER_INPUT"], (after, body)
        assert body["errors"][0]["message"] == "Invalid cursor."
        assert [f["field"] for f in body["errors"][0]["extensions"]["fields"]] == ["after"]
    foreign = await gql(client, f'{{ products(after: "{cursor}") {{ totalCount }} }}')
    assert codes(foreign) == ["BAD_USER_INPUT"]


async def test_review_queue_counts_only_when_selected(
    client: httpx.AsyncClient, reviews: Database
) -> None:
    without, with_count = await _first_lines_of_reads(
        client,
        "{ reviewQueue(first: 3) { nodes { reviewId } } }",
        "{ reviewQueue(first: 3) { totalCount nodes { reviewId } } }",
    )
    assert len(without) == 1 and "how many" not in without[0]
    assert len(with_count) == 2 and any("how many" in c for c in with_count)


# Records with tied and missing names in a filter of their own, for the index-backed name sorts.
NamedCase = tuple[str, str, str, LiteralString, LiteralString]
NAMED_RECORDS: dict[str, NamedCase] = {
    # list: (query file, name field, filter argument, Cypher creating $rows, Cypher deleting them)
    "customerRecords": (
        "customer_records", "fullName", "country",
        "UNWIND $rows AS row CREATE (n:CustomerRecord {record_id: row.id}) "
        "SET n.full_name = row.name, n.country = 'zz-seek'",
        "MATCH (n:CustomerRecord) WHERE n.record_id STARTS WITH 'zz-seek-' DELETE n",
    ),
    "accountRecords": (
        "account_records", "name", "industry",
        "UNWIND $rows AS row CREATE (n:AccountRecord {record_id: row.id}) "
        "SET n.name = row.name, n.industry = 'zz-seek'",
        "MATCH (n:AccountRecord) WHERE n.record_id STARTS WITH 'zz-seek-' DELETE n",
    ),
}  # fmt: skip
SEEK_NAMES = ["Zed Tie", "Zed Tie", "Zed Tie", "Ada", None, None, None, "", "Émile", "Bob"]


#: An unfiltered first page of each name-sorted list, for EXPLAIN.
SEEK_PARAMS: dict[str, dict[str, Any]] = {
    "customer_records": {"source_system": None, "country": None, "created_from": None,
                         "created_to": None, "after_key": None, "after_id": None, "limit": 21},
    "account_records": {"source_system": None, "industry": None, "country": None,
                        "after_key": None, "after_id": None, "limit": 21},
}  # fmt: skip


def plan_operators(db: Database, cypher: str, params: dict[str, Any]) -> list[str]:
    """The operator names of a query's plan (EXPLAIN: planned, not run)."""
    with db.driver.session(database=db.database) as session:
        plan = session.run("EXPLAIN " + cypher, params).consume().plan
    names: list[str] = []
    stack = [plan]
    while stack:
        node = stack.pop()
        names.append(str(node["operatorType"]).split("@")[0])
        stack.extend(node.get("children", []))
    return names


@pytest.mark.parametrize("field", sorted(NAMED_RECORDS))
@pytest.mark.parametrize("sort", ["NAME_ASC", "NAME_DESC"])
async def test_name_sorts_seek_through_ties_and_missing_names(
    client: httpx.AsyncClient, loaded: Database, field: str, sort: str
) -> None:
    """NAME_ASC/NAME_DESC run queries written for the name index (`*_by_name*.cypher`): walks
    across three tied names, an empty name and missing names at every page size still give
    every record once, in the generic query's order (ties by id, no name last ascending and
    first descending); and the plan reads the index in order instead of sorting every record."""
    base, name_field, arg, create, delete = NAMED_RECORDS[field]
    rows = [{"id": f"zz-seek-{i:02d}", "name": name} for i, name in enumerate(SEEK_NAMES)]
    loaded.query(create, {"rows": rows}, write=True)
    try:
        select = f"recordId {name_field}"
        args = f'filter: {{{arg}: "zz-seek"}}, sort: {sort},'
        expected = expected_order([(r["id"], r["name"]) for r in rows], sort.endswith("_DESC"))
        for first in (1, 2, 3, 4, 11):
            nodes = await walk(client, field, args, select, first=first)
            _check_walk(nodes, "recordId", expected)
            assert [n[name_field] for n in nodes] == [
                next(r["name"] for r in rows if r["id"] == n["recordId"]) for n in nodes
            ]
        suffix = "by_name_desc" if sort.endswith("_DESC") else "by_name"
        operators = plan_operators(loaded, load_query(f"api/{base}_{suffix}"), SEEK_PARAMS[base])
        assert any(op.startswith(("NodeIndexSeekByRange", "NodeIndexScan")) for op in operators)
        assert not {"Sort", "Top"} & set(operators), operators  # PartialTop within a name only
    finally:
        loaded.query(delete, write=True)
