"""Resolution history and rejoin through the real HTTP app against the real Neo4j: a reviewer's
reject splits a customer, `resolutionHistory` shows the split and `rejoinSplit` puts it back;
roles, a busy resolution lock, malformed ids, injection attempts and unknown ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from api.graphql.auth import MASK
from graph import locks
from graph.db import Database
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.resolution import resolve
from models.resolution.run import RESOLUTION_LOCK
from tests.api_helpers import INJECTION, actor, api_client, api_settings, codes, gql, load_demo
from tests.graph_snapshot import BOOKKEEPING, snapshot
from tests.resolution_fixtures import assignments, split_one_customer

pytestmark = pytest.mark.asyncio(loop_scope="module")

HISTORY = """query($e: ID!, $n: Int! = 20) { resolutionHistory(entityId: $e, first: $n) {
  eventId kind entityType entityId otherIds recordIds previousIds count at by modelVersion
  reverses undoneAt undoneBy } }"""
REJOIN = """mutation($e: ID!) { rejoinSplit(eventId: $e) { reversedEventId entityType
  restored { entityId recordIds } retiredIds customers { customerId } accounts { accountId } } }"""
UNKNOWN_EVENT = "ev-0000000000000000"


@pytest.fixture(scope="module")
def graph(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    resolve(db, settings)
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(graph: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


async def test_history_shows_a_split_and_rejoin_puts_it_back(
    client: httpx.AsyncClient, graph: Database, settings: Settings
) -> None:
    before = assignments(graph)
    entity, a, b = split_one_customer(graph, settings)
    body = await gql(client, HISTORY, {"e": entity})
    assert "errors" not in body, body
    [split] = [e for e in body["data"]["resolutionHistory"] if e["kind"] == "SPLIT"]
    assert split["entityType"] == "customer" and split["undoneAt"] is None
    assert set(split["recordIds"]) & {a, b} and split["count"] == len(split["recordIds"])
    assert entity in [split["entityId"], *split["otherIds"]]

    locks.acquire(graph, RESOLUTION_LOCK, "res-in-a-shell", minutes=5)
    try:
        busy = await gql(client, REJOIN, {"e": split["eventId"]}, role="admin")
    finally:
        locks.release(graph, RESOLUTION_LOCK, "res-in-a-shell")
    assert codes(busy) == ["CONFLICT"] and "res-in-a-shell" in busy["errors"][0]["message"]
    assert busy["errors"][0]["extensions"]["reason"] == "RESOLUTION_RUNNING"

    body = await gql(client, REJOIN, {"e": split["eventId"]}, role="admin")
    assert "errors" not in body, body
    outcome = body["data"]["rejoinSplit"]
    assert outcome["reversedEventId"] == split["eventId"] and outcome["accounts"] == []
    assert [c["customerId"] for c in outcome["customers"]] == [entity]
    assert [r["entityId"] for r in outcome["restored"]] == [entity]
    assert len(outcome["retiredIds"]) == 1
    assert assignments(graph) == before
    again = await gql(client, HISTORY, {"e": entity})
    [undone] = [e for e in again["data"]["resolutionHistory"] if e["eventId"] == split["eventId"]]
    assert undone["undoneBy"] == actor("admin") and undone["undoneAt"]
    assert any(e["reverses"] == split["eventId"] for e in again["data"]["resolutionHistory"])

    # a page at a time, each continuing after the last event listed: the same events in the
    # same order (before, an entity's events past the first page could not be read)
    page = """query($e: ID!, $a: ID) { resolutionHistory(entityId: $e, first: 1, after: $a) {
      eventId } }"""
    walked: list[str] = []
    while got := (await gql(client, page, {"e": entity, "a": (walked or [None])[-1]}))["data"][
        "resolutionHistory"
    ]:
        walked += [g["eventId"] for g in got]
    assert walked == [e["eventId"] for e in again["data"]["resolutionHistory"]]
    assert len(walked) >= 2

    twice = await gql(client, REJOIN, {"e": split["eventId"]}, role="admin")
    assert codes(twice) == ["CONFLICT"] and "already reversed" in twice["errors"][0]["message"]
    assert twice["errors"][0]["extensions"]["reason"] == "ALREADY_UNDONE"


@pytest.mark.parametrize(
    ("document", "variables", "least"),
    [(HISTORY, {"e": "cus-nobody"}, "analyst"), (REJOIN, {"e": UNKNOWN_EVENT}, "admin")],
)
async def test_roles(
    client: httpx.AsyncClient, document: str, variables: dict[str, Any], least: str
) -> None:
    roles = ("viewer", "marketer", "analyst", "admin")
    assert codes(await gql(client, document, variables, role=None)) == ["UNAUTHENTICATED"]
    for role in roles:
        got = codes(await gql(client, document, variables, role=role))
        if roles.index(role) < roles.index(least):
            assert got == ["FORBIDDEN"], (role, got)
        else:
            assert got in ([], ["NOT_FOUND"]), (role, got)


@pytest.mark.parametrize(
    ("document", "variables", "field"),
    [
        (HISTORY, {"e": "cus one"}, "entityId"),
        (HISTORY, {"e": "x" * 500}, "entityId"),
        (HISTORY, {"e": "cus-1", "n": 201}, "first"),
        (HISTORY, {"e": "cus-1", "n": -1}, "first"),
        (REJOIN, {"e": ""}, "eventId"),
        (REJOIN, {"e": "ev 1"}, "eventId"),
    ],
)
async def test_malformed_input_gets_field_errors(
    client: httpx.AsyncClient, document: str, variables: dict[str, Any], field: str
) -> None:
    body = await gql(client, document, variables, role="admin")
    assert codes(body) == ["BAD_USER_INPUT"], body
    assert [f["field"] for f in body["errors"][0]["extensions"]["fields"]] == [field]


async def test_injection_and_unknown_ids_change_nothing(
    client: httpx.AsyncClient, graph: Database
) -> None:
    before = snapshot(graph, BOOKKEEPING)
    for value in (INJECTION, "x' OR 1=1 //", "}) MATCH (n) DETACH DELETE n //", "*:*"):
        for document in (HISTORY, REJOIN):
            body = await gql(client, document, {"e": value}, role="admin")
            assert codes(body) in (["BAD_USER_INPUT"], ["NOT_FOUND"]), body
    assert (await gql(client, HISTORY, {"e": "cus-nobody"}))["data"]["resolutionHistory"] == []
    assert codes(await gql(client, REJOIN, {"e": UNKNOWN_EVENT}, role="admin")) == ["NOT_FOUND"]
    assert snapshot(graph, BOOKKEEPING) == before


async def test_a_record_its_source_deleted_shows_when_and_why_and_leaves_its_customer(
    client: httpx.AsyncClient, graph: Database, settings: Settings, tmp_path: Path
) -> None:
    rows = graph.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, collect(r.record_id) AS records WHERE size(records) = 2 "
        "UNWIND records AS record WITH c, record WHERE record STARTS WITH 'crm:' "
        "RETURN c.customer_id AS c, record ORDER BY c DESC LIMIT 1"
    )
    customer, record = rows[0]["c"], rows[0]["record"]
    feed = tmp_path / "deleted_records.csv"
    feed.write_text(
        "source_type,source_id,deleted_at,reason\n"
        f"crm_contacts,{record[4:]},2026-11-01T00:00:00Z,erasure request from the person\n"
    )
    IngestRun(graph, settings).run([feed])
    resolve(graph, settings, incremental=True)

    query = """query($r: ID!) { customerRecord(recordId: $r) {
      deletedAt deletionReason email customer { customerId } } }"""
    seen = (await gql(client, query, {"r": record}, role="analyst"))["data"]["customerRecord"]
    assert seen["email"] and seen["email"] != MASK
    assert {k: v for k, v in seen.items() if k != "email"} == {
        "deletedAt": "2026-11-01T00:00:00+00:00",
        "deletionReason": "erasure request from the person",
        "customer": None,
    }
    # Below analysts, a deleted record's personal data is masked (marketers may not act on it).
    for role in ("viewer", "marketer"):
        masked = (await gql(client, query, {"r": record}, role=role))["data"]["customerRecord"]
        assert (masked["deletionReason"], masked["email"]) == (MASK, MASK), role
        assert masked["deletedAt"] == seen["deletedAt"]
    events = (await gql(client, HISTORY, {"e": customer}))["data"]["resolutionHistory"]
    [removal] = [e for e in events if e["kind"] == "REMOVE"]
    assert removal["recordIds"] == [record] and removal["modelVersion"] == "source deletion"
