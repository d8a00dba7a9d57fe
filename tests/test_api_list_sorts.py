"""Sorted unified-entity lists, filter-bound cursors and the copyDrafts / jobRuns connections,
through the real HTTP app against the real Neo4j: whole walks in the documented order for each
sort (ties, missing keys, a status filter), the role a name sort needs, cursors refused under
other filters, and the two former plain lists paging by keyset like the others."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
import pytest_asyncio

from api.graphql.inputs import AccountSort, CustomerSort
from api.graphql.query import ENTITY_SEEKS
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import api_client, api_settings, codes, gql, load_demo
from tests.test_api_pagination import _check_walk, expected_order, walk

pytestmark = pytest.mark.asyncio(loop_scope="module")

T1, T2, T3 = "2026-01-05T10:00:00Z", "2026-02-01T08:30:00Z", "2026-03-01T00:00:00Z"
# (suffix, status, first_seen, last_seen, names of its records): ties on every key, missing keys,
# entities without records, records without names, and a tie on the name.
ENTITIES = [
    ("01", "active", T1, T3, ["Mia Zed", "Ann Lee"]),
    ("02", "active", T1, T2, ["Bob Ray"]),
    ("03", "merged", T1, T3, []),
    ("04", "active", None, None, ["Ann Lee", None, "Cy Oh"]),
    ("05", "active", T2, T3, [None]),
    ("06", "merged", None, T1, ["Dee Fox", "Eve Ng"]),
    ("07", "active", T3, None, ["Bob Ray"]),
    ("08", "active", T2, T2, []),
    ("09", "active", T1, T1, ["Zoe Al", "Yan Bo", "Xi Co"]),
]
# Each sort's key from an entity's facts (below), and whether it is descending.
KEYS: dict[str, tuple[bool, Callable[[dict[str, Any]], Any]]] = {
    "ID_ASC": (False, lambda e: None),
    "NAME_ASC": (False, lambda e: min((n for n in e["names"] if n is not None), default=None)),
    "FIRST_SEEN_ASC": (False, lambda e: e["first"]),
    "FIRST_SEEN_DESC": (True, lambda e: e["first"]),
    "LAST_SEEN_DESC": (True, lambda e: e["last"]),
    "RECORDS_DESC": (True, lambda e: len(e["names"])),
}
LISTS: dict[str, tuple[str, str, LiteralString]] = {  # field: (id field, id sort, facts)
    "customers": ("customerId", "CUSTOMER_ID_ASC",
                  "MATCH (e:Customer) WITH e, e.customer_id AS id "
                  "RETURN id, e.status AS status, e.first_seen.epochMillis AS first, "
                  "e.last_seen.epochMillis AS last, "
                  "[(r:CustomerRecord)-[:RESOLVES_TO]->(e) | r.full_name] AS names"),
    "accounts": ("accountId", "ACCOUNT_ID_ASC",
                 "MATCH (e:Account) WITH e, e.account_id AS id "
                 "RETURN id, e.status AS status, e.first_seen.epochMillis AS first, "
                 "e.last_seen.epochMillis AS last, "
                 "[(r:AccountRecord)-[:RESOLVES_TO]->(e) | r.name] AS names"),
}  # fmt: skip


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture(scope="module")
def loaded(db: Database, settings: Settings, demo_dir: Path) -> Database:
    """The demo graph plus unified customers and accounts as resolution writes them (status,
    first/last seen, records RESOLVING_TO them), with ties and gaps in every sort key."""
    load_demo(db, settings, demo_dir)
    rows = [
        {"id": f"es-{s}", "status": st, "first": _dt(f), "last": _dt(la),
         "records": [{"rid": f"es-{s}-r{i}", "name": n} for i, n in enumerate(names)]}
        for s, st, f, la, names in ENTITIES
    ]  # fmt: skip
    db.query(
        "UNWIND $rows AS row "
        "CREATE (c:Customer {customer_id: row.id, status: row.status}) "
        "SET c.first_seen = row.first, c.last_seen = row.last "
        "CREATE (a:Account {account_id: row.id, status: row.status}) "
        "SET a.first_seen = row.first, a.last_seen = row.last "
        "WITH c, a, row UNWIND row.records AS rec "
        "CREATE (:CustomerRecord {record_id: rec.rid, full_name: rec.name})-[:RESOLVES_TO]->(c) "
        "CREATE (:AccountRecord {record_id: rec.rid, name: rec.name})-[:RESOLVES_TO]->(a)",
        {"rows": rows},
        write=True,
    )
    drafts = [  # (draft id suffix, customer, status, created_at): ties and a missing timestamp
        ("a1", "es-01", "draft", T1), ("a2", "es-01", "draft", T1),
        ("a3", "es-02", "approved", T2), ("a4", "es-01", "draft", None),
        ("a5", "es-02", "draft", T3), ("a6", "es-01", "rejected", T2),
        ("a7", "es-01", "draft", T3),
    ]  # fmt: skip
    db.query(
        "UNWIND $rows AS row CREATE (d:CopyDraft {draft_id: row[0], customer_id: row[1], "
        "status: row[2], channel: 'email', writer: 'grounded', body: 'Hello'}) "
        "SET d.created_at = row[3]",
        {"rows": [[f"cd-00000000000000{i}", c, s, _dt(t)] for i, c, s, t in drafts]},
        write=True,
    )
    runs = [  # (run_id, job, started_at)
        ("job-refresh-20260105T100000Z-00000a", "refresh", T1),
        ("job-refresh-20260105T100000Z-00000b", "refresh", T1),
        ("job-retrain-20260201T083000Z-00000c", "retrain", T2),
        ("job-refresh-20260301T000000Z-00000d", "refresh", T3),
        ("job-refresh-20260301T000000Z-00000e", "refresh", T3),
    ]
    db.query(
        "UNWIND $rows AS row CREATE (r:JobRun {run_id: row[0], job: row[1], status: "
        "'succeeded', trigger: 'cli', by: 'shell', steps: '[]'}) SET r.started_at = row[2]",
        {"rows": [[i, j, _dt(t)] for i, j, t in runs]},
        write=True,
    )
    db.query(
        "UNWIND range(1, 4) AS i CREATE (:MatchReview {review_id: 'rev-test-' + i, "
        "kind: 'customer', record_a: 'crm:A' + i, record_b: 'shop:B' + i, "
        "status: CASE WHEN i < 3 THEN 'open' ELSE 'accepted' END, match_probability: 0.5})",
        write=True,
    )
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(loaded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


def _expected(db: Database, field: str, sort: str, status: str | None) -> list[str]:
    """The documented order: by the sort's key, ties by id; no key last ascending, first
    descending (the name key: the alphabetically first name among its records)."""
    descending, key = KEYS["ID_ASC" if sort.endswith("ID_ASC") else sort]
    rows = [e for e in db.query(LISTS[field][2]) if status is None or e["status"] == status]
    return expected_order([(e["id"], key(e)) for e in rows], descending)


async def test_every_entity_sort_has_its_own_query_file() -> None:
    for field, sorts in (("customers", CustomerSort), ("accounts", AccountSort)):
        for sort in sorts:
            suffix = ENTITY_SEEKS[sort.value]
            text = load_query(f"api/{field}_{suffix}" if suffix else f"api/{field}")
            assert text.startswith("// API: ") and "$after_id" in text and "$limit" in text


@pytest.mark.parametrize("field", sorted(LISTS))
@pytest.mark.parametrize("sort", [s.value for s in CustomerSort])
@pytest.mark.parametrize("status", [None, "active"])
async def test_entity_sorts_walk_every_row_once_in_order(
    client: httpx.AsyncClient, loaded: Database, field: str, sort: str, status: str | None
) -> None:
    id_field, id_sort, _ = LISTS[field]
    sort = id_sort if sort == "CUSTOMER_ID_ASC" else sort
    args = f"sort: {sort}," + ("" if status is None else f" status: {json.dumps(status)},")
    expected = _expected(loaded, field, sort, status)
    for first in (1, 2, 4):
        nodes = await walk(client, field, args, f"{id_field} status firstSeen lastSeen", first)
        _check_walk(nodes, id_field, expected)
    total = await gql(client, f"{{ {field}({args} first: 0) {{ totalCount }} }}")
    assert total["data"][field]["totalCount"] == len(expected)


async def test_name_sort_of_customers_needs_the_marketer_role(client: httpx.AsyncClient) -> None:
    """Names are masked for viewers; a name sort's cursor carries the name, sealed."""
    query = (
        "{ customers(sort: NAME_ASC, first: 1) { pageInfo { endCursor } nodes { customerId } } }"
    )
    viewer = await gql(client, query, role="viewer")
    assert codes(viewer) == ["FORBIDDEN"] and viewer.get("data") is None, viewer
    marketer = await gql(client, query, role="marketer")
    assert "errors" not in marketer, marketer
    cursor = marketer["data"]["customers"]["pageInfo"]["endCursor"]
    assert b"Ann Lee" not in base64.urlsafe_b64decode(cursor)
    for sort in ("FIRST_SEEN_DESC", "RECORDS_DESC", "CUSTOMER_ID_ASC"):
        ok = await gql(client, f"{{ customers(sort: {sort}) {{ totalCount }} }}", role="viewer")
        assert "errors" not in ok, ok
    # company names are not masked: viewers may sort accounts by name (as accountRecords)
    accounts = await gql(client, "{ accounts(sort: NAME_ASC) { totalCount } }", role="viewer")
    assert "errors" not in accounts, accounts


# (list, filter arguments that produced the cursor, other filters on the same list and sort)
FILTER_CASES = [
    ("customers", 'status: "active", sort: FIRST_SEEN_DESC,',
     ['status: "merged", sort: FIRST_SEEN_DESC,', "sort: FIRST_SEEN_DESC,"]),
    ("accounts", 'status: "active",', ['status: "merged",', ""]),
    ("products", 'filter: {nameContains: "a"}, sort: NAME_ASC,',
     ['filter: {nameContains: "e"}, sort: NAME_ASC,', "sort: NAME_ASC,"]),
    ("customerRecords", "filter: {country: $c1}, sort: CREATED_DESC,",
     ["filter: {country: $c2}, sort: CREATED_DESC,",
      'filter: {country: $c1, createdFrom: "2000-01-01T00:00:00Z"}, sort: CREATED_DESC,']),
    ("interactions", 'filter: {kind: "purchase"},', ['filter: {kind: "web_visit"},', ""]),
    ("copyDrafts", "status: DRAFT,", ["status: APPROVED,", 'status: DRAFT, customerId: "es-01",']),
    ("jobRuns", "job: REFRESH,", ["job: RETRAIN,", ""]),
    ("reviewQueue", "status: OPEN,", ["status: ACCEPTED,", "status: null,"]),
]  # fmt: skip


@pytest.mark.parametrize(("field", "made_with", "others"), FILTER_CASES)
async def test_a_cursor_only_continues_the_filters_that_made_it(
    client: httpx.AsyncClient, loaded: Database, field: str, made_with: str, others: list[str]
) -> None:
    """Before: a cursor of `status: "active"` continued `status: "merged"` from the active
    list's last key — a silently wrong page. Now the tag holds a digest of the filters."""
    countries = loaded.query(
        "MATCH (n:CustomerRecord) WHERE n.country IS NOT NULL RETURN n.country AS v, "
        "count(*) AS c ORDER BY c DESC, v LIMIT 2"
    )
    for i, row in enumerate(countries, 1):
        made_with = made_with.replace(f"$c{i}", json.dumps(row["v"]))
        others = [o.replace(f"$c{i}", json.dumps(row["v"])) for o in others]
    first = f"{{ {field}({made_with} first: 1) {{ pageInfo {{ endCursor }} }} }}"
    page = await gql(client, first, role="admin")
    cursor = page["data"][field]["pageInfo"]["endCursor"]
    assert cursor is not None, f"no {field} under {made_with}"
    same = await gql(client, f'{{ {field}({made_with} after: "{cursor}") {{ totalCount }} }}',
                     role="admin")  # fmt: skip
    assert "errors" not in same, same
    for other in others:
        body = await gql(client, f'{{ {field}({other} after: "{cursor}") {{ totalCount }} }}',
                         role="admin")  # fmt: skip
        assert codes(body) == ["BAD_USER_INPUT"], (other, body)
        assert body["errors"][0]["message"] == "Invalid cursor."
        assert [f["field"] for f in body["errors"][0]["extensions"]["fields"]] == ["after"]


async def test_cursors_stay_small_and_opaque_whatever_the_filter(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    """A long search is hashed into the tag, not copied into every cursor."""
    name = loaded.query(
        "MATCH (n:CustomerRecord) WHERE n.last_name IS NOT NULL RETURN n.last_name AS v "
        "ORDER BY v LIMIT 1"
    )[0]["v"]
    for search in (name, " ".join([name] * (190 // (len(name) + 1)))):
        args = f"filter: {{search: {json.dumps(search)}}}"
        body = await gql(client, f"{{ customerRecords({args}, first: 1) {{ pageInfo "
                         "{ endCursor } } }", role="marketer")  # fmt: skip
        cursor = body["data"]["customerRecords"]["pageInfo"]["endCursor"]
        assert name.encode() not in base64.urlsafe_b64decode(cursor)
        assert len(cursor) < 200, cursor


async def test_copy_drafts_page_by_keyset_newest_first(client: httpx.AsyncClient) -> None:
    select = "draftId status createdAt"
    cases = {  # arguments: expected ids (created_at descending, null first; ties by id)
        "": ["a4", "a5", "a7", "a3", "a6", "a1", "a2"],
        "status: DRAFT,": ["a4", "a5", "a7", "a1", "a2"],
        'status: DRAFT, customerId: "es-01",': ["a4", "a7", "a1", "a2"],
    }
    for args, ids in cases.items():
        for first in (1, 2, 3):
            nodes = await walk_as(client, "copyDrafts", args, select, first, "marketer")
            assert [n["draftId"][-2:] for n in nodes] == ids, (args, first)
        total = await gql(client, f"{{ copyDrafts({args} first: 0) {{ totalCount }} }}",
                          role="marketer")  # fmt: skip
        assert total["data"]["copyDrafts"]["totalCount"] == len(ids)
    viewer = await gql(client, "{ copyDrafts { totalCount } }", role="viewer")
    assert codes(viewer) == ["FORBIDDEN"]
    too_big = await gql(client, "{ copyDrafts(first: 101) { totalCount } }", role="marketer")
    assert codes(too_big) == ["BAD_USER_INPUT"]


async def test_job_runs_page_by_keyset_newest_first(client: httpx.AsyncClient) -> None:
    cases = {"": ["0d", "0e", "0c", "0a", "0b"], "job: REFRESH,": ["0d", "0e", "0a", "0b"]}
    for args, ids in cases.items():
        for first in (1, 2, 4):
            nodes = await walk_as(client, "jobRuns", args, "runId job startedAt", first, "analyst")
            assert [n["runId"][-2:] for n in nodes] == ids, (args, first)
        total = await gql(client, f"{{ jobRuns({args} first: 0) {{ totalCount }} }}")
        assert total["data"]["jobRuns"]["totalCount"] == len(ids)
    assert codes(await gql(client, "{ jobRuns { totalCount } }", role="marketer")) == ["FORBIDDEN"]


async def walk_as(
    client: httpx.AsyncClient, field: str, args: str, select: str, first: int, role: str
) -> list[dict[str, Any]]:
    """`walk` for lists that need more than the analyst role's default client."""
    query = (
        f"query($after: String) {{ {field}({args} first: {first}, after: $after) {{ "
        f"pageInfo {{ hasNextPage hasPreviousPage endCursor }} nodes {{ {select} }} }} }}"
    )
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        body = await gql(client, query, {"after": after}, role=role)
        assert "errors" not in body, body
        page = body["data"][field]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        assert len(page["nodes"]) == first and len(nodes) < 1_000
        after = page["pageInfo"]["endCursor"]


async def test_the_cost_limit_counts_the_new_connections_pages(settings: Settings) -> None:
    """The former plain lists, now connections: their page size multiplies what they select."""
    async with api_client(api_settings(settings, api_max_cost=500)) as small:
        for field, select in (("copyDrafts", "draftId channel body status sku writer"),
                              ("jobRuns", "runId job status trigger by startedAt")):  # fmt: skip
            for size, allowed in ((100, False), (10, True)):
                query = f"{{ {field}(first: {size}) {{ nodes {{ {select} }} }} }}"
                got = codes(await gql(small, query, role="admin"))
                assert got == ([] if allowed else ["QUERY_TOO_COSTLY"]), (field, size, got)
