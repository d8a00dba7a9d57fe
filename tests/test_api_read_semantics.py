"""What the read side's figures mean, through the real HTTP app against the real Neo4j: the
profile is the newest dated record, products owned and revenue count paid orders only, an
e-mail search finds that address (not its whole domain), and the server's paths stay on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import api_client, api_settings, gql, load_demo

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def loaded(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(loaded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


@pytest.fixture
def undated_and_dated(loaded: Database) -> Iterator[tuple[str, str]]:
    """A test customer of one record without an update time (web / e-mail) and one with."""
    undated = loaded.query(
        "MATCH (r:CustomerRecord) WHERE r.updated_at IS NULL RETURN r.record_id AS id "
        "ORDER BY id LIMIT 1"
    )[0]["id"]
    dated = loaded.query(
        "MATCH (r:CustomerRecord) WHERE r.updated_at IS NOT NULL AND r.full_name IS NOT NULL "
        "RETURN r.record_id AS id ORDER BY id LIMIT 1"
    )[0]["id"]
    loaded.query(
        "UNWIND $ids AS id MATCH (r:CustomerRecord {record_id: id}) "
        "MERGE (c:Customer {customer_id: 'test-profile'}) SET c.status = 'active' "
        "MERGE (r)-[:RESOLVES_TO]->(c)", {"ids": [undated, dated]}, write=True,
    )  # fmt: skip
    yield undated, dated
    loaded.query("MATCH (c:Customer {customer_id: 'test-profile'}) DETACH DELETE c", write=True)


async def test_the_profile_is_the_newest_dated_record(
    client: httpx.AsyncClient, undated_and_dated: tuple[str, str]
) -> None:
    undated, dated = undated_and_dated
    body = await gql(
        client, '{ customer360(customerId: "test-profile") { profile { recordId } '
        "records { recordId } } }",
    )  # fmt: skip
    assert "errors" not in body, body
    view = body["data"]["customer360"]
    # Neo4j sorts nulls first descending: the undated web / e-mail record used to be the profile.
    assert view["profile"]["recordId"] == dated
    assert [r["recordId"] for r in view["records"]] == [dated, undated]


async def test_products_owned_and_revenue_count_paid_orders_only(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    row = loaded.query(
        "MATCH (r:CustomerRecord)-[:PERFORMED]->(o:Order)-[:CONTAINS]->(p:Product) "
        "WHERE o.status <> 'paid' AND NOT EXISTS { MATCH (r)-[:PERFORMED]->(:Order "
        "{status: 'paid'})-[:CONTAINS]->(p) } "
        "RETURN r.record_id AS record, p.sku AS sku ORDER BY record, sku LIMIT 1"
    )[0]
    body = await gql(
        client,
        "query($id: ID!) { customer360(recordId: $id) { productsOwned { sku spent } } }",
        {"id": row["record"]},
    )
    assert "errors" not in body, body
    owned = body["data"]["customer360"]["productsOwned"]
    assert row["sku"] not in {p["sku"] for p in owned}
    paid = loaded.query(
        "MATCH (:CustomerRecord {record_id: $id})-[:PERFORMED]->(o:Order {status: 'paid'})"
        "-[l:CONTAINS]->(:Product) RETURN sum(l.quantity * l.unit_price) AS spent",
        {"id": row["record"]},
    )[0]["spent"]
    assert sum(p["spent"] for p in owned) == pytest.approx(paid or 0.0)

    figures = await gql(
        client, "{ analytics { revenueByCategory { revenue } "
        "interactions(groupBy: KIND) { key totalValue } } }",
    )  # fmt: skip
    assert "errors" not in figures, figures
    revenue = loaded.query(
        "MATCH (o:Order)-[l:CONTAINS]->(:Product)-[:IN_CATEGORY]->(:Category) "
        "RETURN sum(CASE WHEN o.status = 'paid' THEN l.quantity * l.unit_price END) AS paid, "
        "sum(l.quantity * l.unit_price) AS everything"
    )[0]
    assert revenue["paid"] < revenue["everything"]  # the demo has refunds and cancellations
    got = sum(r["revenue"] for r in figures["data"]["analytics"]["revenueByCategory"])
    assert got == pytest.approx(revenue["paid"])
    totals = loaded.query(
        "MATCH (i:Interaction {kind: 'purchase'}) WHERE i.status = 'paid' "
        "RETURN sum(i.total) AS total"
    )[0]["total"]
    purchases = [b for b in figures["data"]["analytics"]["interactions"] if b["key"] == "purchase"]
    assert purchases[0]["totalValue"] == pytest.approx(totals)


async def test_an_email_search_finds_that_address_not_its_domain(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    row = loaded.query(
        "MATCH (r:CustomerRecord) WHERE r.email IS NOT NULL AND r.deleted_at IS NULL "
        "WITH split(r.email, '@')[1] AS domain, collect(r.email) AS emails "
        "WHERE size(emails) >= 5 RETURN emails[0] AS email ORDER BY email LIMIT 1"
    )[0]
    same = loaded.query(
        "MATCH (r:CustomerRecord {email: $e}) RETURN count(r) AS n", {"e": row["email"]}
    )[0]["n"]
    body = await gql(
        client,
        "query($q: String!) { customerRecords(filter: {search: $q}, first: 50) "
        "{ totalCount nodes { email } } }",
        {"q": row["email"]},
    )
    assert "errors" not in body, body
    found = body["data"]["customerRecords"]
    assert found["totalCount"] == same
    assert {n["email"] for n in found["nodes"]} == {row["email"]}


async def test_quarantined_rows_name_the_file_not_the_server_path(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    stored = loaded.query(
        "MATCH (q:QuarantinedRow) WHERE q.file IS NOT NULL RETURN q.file AS file LIMIT 1"
    )[0]["file"]
    assert "/" in stored  # ingest records where the file was read
    body = await gql(client, "{ quarantinedRows(first: 100) { nodes { file } } }")
    assert "errors" not in body, body
    files = {n["file"] for n in body["data"]["quarantinedRows"]["nodes"]}
    assert files and all("/" not in f for f in files)
