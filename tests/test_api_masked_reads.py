"""What a role sees masked it cannot learn another way: not through a search (a refused e-mail
address, a record deleted at its source), not through call notes, not from a cursor; and the
cost limit counts customer360's own page size."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import api_client, api_settings, codes, gql, load_demo

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEARCH = (
    "query($q: String!) { customerRecords(filter: {search: $q}, first: 100) "
    "{ totalCount nodes { recordId } } }"
)


@pytest.fixture(scope="module")
def loaded(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(loaded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


@pytest.fixture
def deleted_caller(loaded: Database) -> Iterator[dict[str, str]]:
    """A CRM contact with a call note, marked deleted at its source for the test."""
    row = loaded.query(
        "MATCH (r:CustomerRecord {source_system: 'crm'})-[:PERFORMED]->(i:Interaction) "
        "WHERE i.notes IS NOT NULL AND r.last_name IS NOT NULL AND r.deleted_at IS NULL "
        "RETURN r.record_id AS id, r.last_name AS name, r.first_name AS first, "
        "i.interaction_id AS call ORDER BY id LIMIT 1"
    )[0]
    loaded.query(
        "MATCH (r:CustomerRecord {record_id: $id}) SET r.deleted_at = datetime()",
        {"id": row["id"]}, write=True,
    )  # fmt: skip
    yield row
    loaded.query(
        "MATCH (r:CustomerRecord {record_id: $id}) REMOVE r.deleted_at", {"id": row["id"]},
        write=True,
    )  # fmt: skip


def _found(body: dict[str, object]) -> set[str]:
    assert "errors" not in body, body
    page = body["data"]["customerRecords"]  # type: ignore[index]
    return {n["recordId"] for n in page["nodes"]}  # type: ignore[index]


async def test_a_refused_address_is_not_searchable_below_analyst(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    row = loaded.query(
        "MATCH (r:CustomerRecord) WHERE r.consent_email = false AND r.email IS NOT NULL "
        "AND r.last_name IS NOT NULL AND r.deleted_at IS NULL "
        "RETURN r.record_id AS id, r.email AS email, r.last_name AS name ORDER BY id LIMIT 1"
    )[0]
    address = row["email"]
    assert row["id"] in _found(await gql(client, SEARCH, {"q": address}, role="analyst"))
    assert row["id"] not in _found(await gql(client, SEARCH, {"q": address}, role="marketer"))
    # the record itself stays findable by name, its address masked as before
    by_name = await gql(client, SEARCH, {"q": row["name"]}, role="marketer")
    assert row["id"] in _found(by_name)
    # an address whose owner did not refuse e-mail is found as before
    open_row = loaded.query(
        "MATCH (r:CustomerRecord) WHERE r.consent_email = true AND r.email IS NOT NULL "
        "AND r.deleted_at IS NULL RETURN r.record_id AS id, r.email AS email "
        "ORDER BY id LIMIT 1"
    )[0]
    found = _found(await gql(client, SEARCH, {"q": open_row["email"]}, role="marketer"))
    assert open_row["id"] in found


async def test_a_deleted_person_is_neither_found_nor_read_below_analyst(
    client: httpx.AsyncClient, deleted_caller: dict[str, str]
) -> None:
    name, record = deleted_caller["name"], deleted_caller["id"]
    assert record in _found(await gql(client, SEARCH, {"q": name}, role="analyst"))
    marketer = await gql(client, SEARCH, {"q": name}, role="marketer")
    assert record not in _found(marketer)
    count = await gql(
        client,
        'query($q: String!) { customerRecords(filter: {search: $q}) { totalCount } }',
        {"q": name}, role="marketer",
    )  # fmt: skip
    assert count["data"]["customerRecords"]["totalCount"] == len(_found(marketer))

    notes = "query($id: ID!) { customerRecord(recordId: $id) { interactions(last: 50) { notes } } }"
    seen = {}
    for role in ("marketer", "analyst"):
        body = await gql(client, notes, {"id": record}, role=role)
        assert "errors" not in body, body
        seen[role] = {i["notes"] for i in body["data"]["customerRecord"]["interactions"]} - {None}
    assert seen["marketer"] == {"***"}
    assert seen["analyst"] and "***" not in seen["analyst"]
    single = await gql(
        client, "query($id: ID!) { interaction(interactionId: $id) { notes } }",
        {"id": deleted_caller["call"]}, role="marketer",
    )  # fmt: skip
    assert single["data"]["interaction"]["notes"] == "***", single


async def test_a_name_sort_cursor_reveals_no_name(
    client: httpx.AsyncClient, deleted_caller: dict[str, str]
) -> None:
    query = (
        "query($after: String) { customerRecords(sort: NAME_ASC, first: 100, after: $after) "
        "{ pageInfo { hasNextPage endCursor } edges { cursor node { recordId fullName } } } }"
    )
    after, names, seen_deleted = None, set(), False
    while True:
        page = (await gql(client, query, {"after": after}, role="marketer"))["data"]
        conn = page["customerRecords"]
        for edge in conn["edges"]:
            raw = base64.urlsafe_b64decode(edge["cursor"])
            seen_deleted |= edge["node"]["recordId"] == deleted_caller["id"]
            if edge["node"]["fullName"] not in (None, "***"):
                names.add(edge["node"]["fullName"])
            assert deleted_caller["name"].encode() not in raw
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen_deleted and names


async def test_customer360_page_size_counts_toward_the_cost_limit(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    record = loaded.query("MATCH (r:CustomerRecord) RETURN r.record_id AS id ORDER BY id LIMIT 1")[
        0
    ]["id"]
    query = (
        "query($id: ID!, $n: Int!) { customer360(recordId: $id, interactions: $n) "
        "{ recentInteractions { campaign { interactions(last: 100) { performer "
        "{ interactions(last: 100) { kind } } } } } } }"
    )
    few = await gql(client, query.replace("$n: Int!", "").replace("$n", "1"), {"id": record})
    many = await gql(client, query.replace("$n: Int!", "").replace("$n", "100"), {"id": record})
    assert "QUERY_TOO_COSTLY" not in codes(few), few
    assert codes(many) == ["QUERY_TOO_COSTLY"], many
    # the page size counts for recentInteractions only, not for the records beside them
    beside = (
        "query($id: ID!) { customer360(recordId: $id, interactions: 100) { recentInteractions "
        "{ kind } records { recordId interactions(last: 100) { kind campaign { name } "
        "content { title } } } } }"
    )
    assert "QUERY_TOO_COSTLY" not in codes(await gql(client, beside, {"id": record}))


async def test_a_refusal_on_one_record_masks_the_addresses_on_the_others(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    """The CRM record refused e-mail; the shop's record of the same person did not say: a
    marketer sees an address on neither (copy generation's most restrictive rule)."""
    pair = loaded.query(
        "MATCH (a:CustomerRecord {source_system: 'crm'}), "
        "(b:CustomerRecord {source_system: 'shop'}) "
        "WHERE a.email IS NOT NULL AND b.email IS NOT NULL AND a.deleted_at IS NULL "
        "AND b.deleted_at IS NULL AND coalesce(a.consent_email, true) "
        "AND coalesce(b.consent_email, true) "
        "WITH a, b ORDER BY a.record_id, b.record_id LIMIT 1 "
        "RETURN a.record_id AS a, b.record_id AS b, 'cus-consent-test' AS customer, "
        "a.consent_email AS a_consent, b.consent_email AS b_consent, b.email AS b_email"
    )[0]
    # one person (as resolution would link them): the CRM refused e-mail, the shop holds
    # another of their addresses and never asked — the person refused e-mail all the same
    loaded.query(
        "MATCH (a:CustomerRecord {record_id: $a}), (b:CustomerRecord {record_id: $b}) "
        "CREATE (c:Customer {customer_id: $customer, status: 'active'}) "
        "CREATE (a)-[:RESOLVES_TO]->(c), (b)-[:RESOLVES_TO]->(c) "
        "SET a.consent_email = false, b.consent_email = null",
        pair, write=True,
    )  # fmt: skip
    query = "query($id: ID!) { customer360(customerId: $id) { records { recordId email } } }"
    try:
        seen = {}
        for role in ("marketer", "analyst"):
            body = await gql(client, query, {"id": pair["customer"]}, role=role)
            assert "errors" not in body, body
            seen[role] = {r["recordId"]: r["email"] for r in body["data"]["customer360"]["records"]}
        assert seen["marketer"][pair["a"]] == "***" and seen["marketer"][pair["b"]] == "***"
        assert "***" not in {seen["analyst"][pair["a"]], seen["analyst"][pair["b"]]}
        single = await gql(
            client, "query($id: ID!) { customerRecord(recordId: $id) { email } }",
            {"id": pair["b"]}, role="marketer",
        )  # fmt: skip
        assert single["data"]["customerRecord"]["email"] == "***", single
        address = loaded.query(
            "MATCH (b:CustomerRecord {record_id: $b}) RETURN b.email AS e", pair
        )[0]["e"]
        assert pair["b"] not in _found(await gql(client, SEARCH, {"q": address}, role="marketer"))
        assert pair["b"] in _found(await gql(client, SEARCH, {"q": address}, role="analyst"))
    finally:
        loaded.query(
            "MATCH (a:CustomerRecord {record_id: $a}), (b:CustomerRecord {record_id: $b}) "
            "SET a.consent_email = $a_consent, b.consent_email = $b_consent, b.email = $b_email "
            "WITH a MATCH (c:Customer {customer_id: $customer}) DETACH DELETE c",
            pair, write=True,
        )  # fmt: skip
