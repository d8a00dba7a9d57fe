"""`erasePersonalData` through the real HTTP app against the real Neo4j: an admin erases a
person and the API shows the records erased; other roles are refused; malformed input gets
field errors; unknown ids, merged customers and a busy resolution lock are named; injection
attempts change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from graph import locks
from graph.db import Database
from graph.settings import Settings
from models.resolution import resolve
from models.resolution.run import RESOLUTION_LOCK
from tests.api_helpers import INJECTION, actor, api_client, api_settings, codes, gql, load_demo
from tests.graph_snapshot import BOOKKEEPING, snapshot

pytestmark = pytest.mark.asyncio(loop_scope="module")

ERASE = """mutation($c: ID, $r: [ID!], $ref: String!) {
  erasePersonalData(customerId: $c, recordIds: $r, reference: $ref) {
    erasureId erasedRecordIds alreadyErasedRecordIds customerIds retiredCustomers
    callNotesErased copyDraftsDeleted quarantinedRowsScrubbed quarantineLinesScrubbed } }"""
LIST = """query($ref: String, $n: Int! = 50) { erasureRequests(reference: $ref, first: $n) {
  erasureId reference requestedBy recordIds } }"""
ACCESS = """query($c: ID!) { personalData(customerId: $c) }"""
RECORD = """query($r: ID!) { customerRecord(recordId: $r) {
  recordId sourceId fullName email phone city erasedAt deletedAt customer { customerId } } }"""


@pytest.fixture(scope="module")
def graph(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    resolve(db, settings)
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(graph: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


def _customer(graph: Database, records: int, skip: int = 0) -> tuple[str, list[str]]:
    row = graph.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, collect(r.record_id) AS records WHERE size(records) = $n "
        "RETURN c.customer_id AS c, records ORDER BY c SKIP $skip LIMIT 1",
        {"n": records, "skip": skip},
    )[0]
    return str(row["c"]), sorted(row["records"])


async def test_an_admin_erases_a_person_and_the_api_shows_it(
    client: httpx.AsyncClient, graph: Database
) -> None:
    customer, records = _customer(graph, 2)
    body = await gql(client, ERASE, {"c": customer, "ref": INJECTION}, role="admin")
    assert "errors" not in body, body
    out = body["data"]["erasePersonalData"]
    assert out["erasedRecordIds"] == records and out["alreadyErasedRecordIds"] == []
    assert (out["customerIds"], out["retiredCustomers"]) == ([customer], 1)
    stored = graph.query(
        "MATCH (q:ErasureRequest {erasure_id: $e}) RETURN q.reference AS ref, q.requested_by AS by",
        {"e": out["erasureId"]},
    )
    assert stored == [{"ref": INJECTION, "by": actor("admin")}]  # kept as text, never run
    for record in records:
        seen = (await gql(client, RECORD, {"r": record}, role="admin"))["data"]["customerRecord"]
        assert seen["recordId"] == record and seen["sourceId"] == record.split(":", 1)[1]
        assert seen["erasedAt"] and seen["deletedAt"] and seen["customer"] is None
        assert (seen["fullName"], seen["email"], seen["phone"], seen["city"]) == (None,) * 4
    listed = await gql(client, LIST, {"ref": INJECTION}, role="admin")
    assert listed["data"]["erasureRequests"] == [{
        "erasureId": out["erasureId"], "reference": INJECTION, "requestedBy": actor("admin"),
        "recordIds": records,
    }]  # fmt: skip
    other, _ = _customer(graph, 1)
    second = await gql(client, ERASE, {"c": other, "ref": "DSR-8"}, role="admin")
    assert "errors" not in second, second
    # newest first, a page at a time after the last one listed: the same requests
    everything = (await gql(client, LIST, {}, role="admin"))["data"]["erasureRequests"]
    page = """query($a: ID) { erasureRequests(first: 1, after: $a) { erasureId } }"""
    walked: list[str] = []
    while got := (await gql(client, page, {"a": (walked or [None])[-1]}, role="admin"))["data"][
        "erasureRequests"
    ]:
        walked += [g["erasureId"] for g in got]
    assert walked == [e["erasureId"] for e in everything] and len(walked) >= 2
    again = await gql(client, ERASE, {"r": records, "ref": "DSR-9"}, role="admin")
    assert again["data"]["erasePersonalData"]["alreadyErasedRecordIds"] == records
    assert again["data"]["erasePersonalData"]["erasedRecordIds"] == []
    assert again["data"]["erasePersonalData"]["erasureId"]  # a second ticket: recorded
    retry = await gql(client, ERASE, {"r": records, "ref": "DSR-9"}, role="admin")
    assert retry["data"]["erasePersonalData"]["erasureId"] is None  # nothing left to do


@pytest.mark.parametrize("role", ["viewer", "marketer", "analyst", None])
async def test_only_admins_may_erase(
    client: httpx.AsyncClient, graph: Database, role: str | None
) -> None:
    customer, _ = _customer(graph, 1)
    before = snapshot(graph, BOOKKEEPING)
    body = await gql(client, ERASE, {"c": customer, "ref": "DSR-1"}, role=role)
    assert codes(body) == (["UNAUTHENTICATED"] if role is None else ["FORBIDDEN"]), body
    listed = await gql(client, LIST, {}, role=role)
    assert codes(listed) == (["UNAUTHENTICATED"] if role is None else ["FORBIDDEN"]), listed
    assert snapshot(graph, BOOKKEEPING) == before


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"ref": "DSR-1"}, "customerId"),
        ({"r": [], "ref": "DSR-1"}, "customerId"),
        ({"c": "cus one", "ref": "DSR-1"}, "customerId"),
        ({"c": INJECTION, "ref": "DSR-1"}, "customerId"),
        ({"r": ["crm:C1", "x" * 500], "ref": "DSR-1"}, "recordIds"),
        ({"r": [f"crm:C{i}" for i in range(101)], "ref": "DSR-1"}, "recordIds"),
        ({"c": "cus-1", "ref": "   "}, "reference"),
        ({"c": "cus-1", "ref": "x" * 201}, "reference"),
        ({"c": "cus-1", "ref": "DSR\x00-1"}, "reference"),
        ({"list": True, "n": 0}, "first"),
        ({"list": True, "n": 201}, "first"),
        ({"list": True, "ref": "x" * 201}, "reference"),
    ],
)
async def test_malformed_input_gets_field_errors(
    client: httpx.AsyncClient, variables: dict[str, Any], field: str
) -> None:
    listing = variables.pop("list", False)  # erasureRequests, else erasePersonalData
    body = await gql(client, LIST if listing else ERASE, variables, role="admin")
    assert codes(body) == ["BAD_USER_INPUT"], body
    assert [f["field"] for f in body["errors"][0]["extensions"]["fields"]] == [field]


async def test_unknown_merged_and_busy_are_named_and_change_nothing(
    client: httpx.AsyncClient, graph: Database, settings: Settings
) -> None:
    graph.query(
        "MERGE (:Customer {customer_id: 'cus-gone', status: 'merged', merged_into: 'cus-x'})",
        write=True,
    )
    before = snapshot(graph, BOOKKEEPING)
    for value in ("x' OR 1=1 //", "}) MATCH (n) DETACH DELETE n //", "cus-nobody"):
        body = await gql(client, ERASE, {"c": value, "ref": "DSR-1"}, role="admin")
        assert codes(body) in (["BAD_USER_INPUT"], ["NOT_FOUND"]), body
    body = await gql(client, ERASE, {"r": ["crm:NOPE"], "ref": INJECTION}, role="admin")
    assert codes(body) == ["NOT_FOUND"] and "crm:NOPE" in body["errors"][0]["message"]
    merged = await gql(client, ERASE, {"c": "cus-gone", "ref": "DSR-1"}, role="admin")
    assert codes(merged) == ["CONFLICT"] and merged["errors"][0]["extensions"]["reason"] == "MERGED"
    assert "cus-x" in merged["errors"][0]["message"]
    assert snapshot(graph, BOOKKEEPING) == before

    customer, records = _customer(graph, 1, skip=1)
    locks.acquire(graph, RESOLUTION_LOCK, "res-someone-else", 5)
    try:
        busy = await gql(client, ERASE, {"c": customer, "ref": "DSR-1"}, role="admin")
    finally:
        locks.release(graph, RESOLUTION_LOCK, "res-someone-else")
    assert codes(busy) == ["CONFLICT"], busy
    assert busy["errors"][0]["extensions"]["reason"] == "RESOLUTION_RUNNING"
    untouched = graph.query(
        "MATCH (r:CustomerRecord {record_id: $r}) RETURN r.erased_at AS erased, r.row_hash AS n",
        {"r": records[0]},
    )[0]
    assert untouched["erased"] is None and untouched["n"] is not None


async def test_an_admin_exports_a_persons_data_and_other_roles_may_not(
    client: httpx.AsyncClient, graph: Database
) -> None:
    customer, records = _customer(graph, 2, skip=5)
    body = await gql(client, ACCESS, {"c": customer}, role="admin")
    assert "errors" not in body, body
    answer = body["data"]["personalData"]
    assert [r["record_id"] for r in answer["records"]] == records
    assert answer["customer"]["customer_id"] == customer
    for role in ("viewer", "marketer", "analyst"):
        assert codes(await gql(client, ACCESS, {"c": customer}, role=role)) == ["FORBIDDEN"]
    missing = await gql(client, ACCESS, {"c": "cus-nobody"}, role="admin")
    assert codes(missing) == ["NOT_FOUND"]
    injected = await gql(client, ACCESS, {"c": INJECTION}, role="admin")
    assert codes(injected) == ["BAD_USER_INPUT"]
    graph.query(
        "CREATE (:Customer {customer_id: 'cus-access-was', status: 'merged', merged_into: $c})",
        {"c": customer}, write=True,
    )  # fmt: skip
    merged = await gql(client, ACCESS, {"c": "cus-access-was"}, role="admin")
    assert codes(merged) == ["CONFLICT"] and merged["errors"][0]["extensions"]["reason"] == "MERGED"
    assert customer in merged["errors"][0]["message"]
