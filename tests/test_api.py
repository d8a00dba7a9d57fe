"""The GraphQL read side through the real HTTP app against the real Neo4j: every list and
lookup, pagination edges, relationships without N+1, customer 360, aggregations, SDL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, LiteralString

import graphql
import httpx
import pytest
import pytest_asyncio

from api.graphql.customer360 import _child_field_names
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import api_client, api_settings, codes, gql, load_demo

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def loaded(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(loaded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


def count(db: Database, cypher: LiteralString, params: dict[str, Any] | None = None) -> int:
    return int(db.query(cypher, params)[0]["n"])


async def test_health_ready_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ok"}
    await gql(client, "query Probe { products(first: 1) { totalCount } }")
    text = (await client.get("/metrics")).text
    assert 'marketgraph_graphql_requests_total{operation="Probe",outcome="ok"}' in text
    assert "marketgraph_graphql_request_seconds_bucket" in text


LISTS = {
    "customerRecords": ("recordId email", "MATCH (n:CustomerRecord) RETURN count(n) AS n"),
    "accountRecords": ("recordId name", "MATCH (n:AccountRecord) RETURN count(n) AS n"),
    "interactions": ("interactionId kind", "MATCH (n:Interaction) RETURN count(n) AS n"),
    "products": ("sku name", "MATCH (n:Product) RETURN count(n) AS n"),
    "campaigns": ("campaignId name", "MATCH (n:Campaign) RETURN count(n) AS n"),
    "contents": ("contentId title", "MATCH (n:Content) RETURN count(n) AS n"),
    "ingestRuns": ("runId status", "MATCH (n:IngestRun) RETURN count(n) AS n"),
    "quarantinedRows": ("rowId reason", "MATCH (n:QuarantinedRow) RETURN count(n) AS n"),
    "customers": ("customerId", "MATCH (n:Customer) RETURN count(n) AS n"),
    "accounts": ("accountId", "MATCH (n:Account) RETURN count(n) AS n"),
}


@pytest.mark.parametrize("field", sorted(LISTS))
async def test_every_list_first_page_and_total(
    client: httpx.AsyncClient, loaded: Database, field: str
) -> None:
    fields, cypher = LISTS[field]
    body = await gql(client, f"{{ {field}(first: 5) {{ totalCount nodes {{ {fields} }} }} }}")
    assert "errors" not in body, body
    total = count(loaded, cypher)
    assert body["data"][field]["totalCount"] == total
    assert len(body["data"][field]["nodes"]) == min(5, total)


async def test_pagination_walks_every_item_once(client: httpx.AsyncClient) -> None:
    query = """query($after: String) { products(first: 7, after: $after, sort: PRICE_DESC) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { sku price } } }"""
    seen: list[str] = []
    prices: list[float] = []
    after = None
    pages = 0
    while True:
        page = (await gql(client, query, {"after": after}))["data"]["products"]
        assert page["pageInfo"]["hasPreviousPage"] is (pages > 0)
        seen += [n["sku"] for n in page["nodes"]]
        prices += [n["price"] for n in page["nodes"] if n["price"] is not None]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"]
    assert prices == sorted(prices, reverse=True)
    # after the last item: an empty page, no cursors
    last = (await gql(client, query, {"after": page["pageInfo"]["endCursor"]}))["data"]
    assert last["products"]["nodes"] == []
    assert last["products"]["pageInfo"]["endCursor"] is None


async def test_empty_result_and_invalid_cursor(client: httpx.AsyncClient) -> None:
    body = await gql(
        client, '{ products(filter: {category: "no-such-category"}) { totalCount nodes { sku } '
        "pageInfo { hasNextPage startCursor } } }",
    )  # fmt: skip
    assert body["data"]["products"] == {
        "totalCount": 0, "nodes": [], "pageInfo": {"hasNextPage": False, "startCursor": None}
    }  # fmt: skip
    for cursor in ("garbage", "bWcxOi01", "", "x" * 300):
        body = await gql(client, f'{{ products(after: "{cursor}") {{ totalCount }} }}')
        assert codes(body) == ["BAD_USER_INPUT"], (cursor, body)


async def test_filters_search_and_sorts(client: httpx.AsyncClient, loaded: Database) -> None:
    row = loaded.query(
        "MATCH (n:CustomerRecord) WHERE n.last_name IS NOT NULL "
        "RETURN n.last_name AS name, n.source_system AS s ORDER BY n.record_id LIMIT 1"
    )[0]
    body = await gql(
        client,
        "query($q: String!) { customerRecords(filter: {search: $q}, sort: RELEVANCE, first: 50)"
        " { totalCount nodes { lastName } } }",
        {"q": row["name"]},
    )
    assert body["data"]["customerRecords"]["totalCount"] >= 1
    names = [n["lastName"] for n in body["data"]["customerRecords"]["nodes"]]
    assert any(row["name"].lower() in (n or "").lower() for n in names)
    by_source = await gql(
        client, "query($s: String) { customerRecords(filter: {sourceSystem: $s}) "
        "{ totalCount } }", {"s": row["s"]},
    )  # fmt: skip
    expected = count(
        loaded,
        "MATCH (n:CustomerRecord {source_system: $source}) RETURN count(n) AS n",
        {"source": row["s"]},
    )
    assert by_source["data"]["customerRecords"]["totalCount"] == expected
    kinds = await gql(
        client, '{ interactions(filter: {kind: "purchase", occurredFrom: "2000-01-01T00:00:00Z"},'
        " sort: OCCURRED_ASC, first: 30) { nodes { kind occurredAt } } }",
    )  # fmt: skip
    nodes = kinds["data"]["interactions"]["nodes"]
    assert nodes and {n["kind"] for n in nodes} == {"purchase"}
    assert [n["occurredAt"] for n in nodes] == sorted(n["occurredAt"] for n in nodes)


async def test_relationships_are_batched_not_n_plus_1(client: httpx.AsyncClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    calls: list[str] = []
    original = db.read

    async def counting(cypher: str, params: Any = None) -> Any:
        calls.append(cypher.splitlines()[0])
        return await original(cypher, params)

    db.read = counting
    try:
        body = await gql(
            client, """{ interactions(first: 40, filter: {kind: "purchase"}) { nodes {
              performer { recordId account { name } }
              campaign { name targetCategory { name } }
              lines { quantity product { name inCategory { name parent { name } } } } } } }""",
        )  # fmt: skip
    finally:
        db.read = original
    assert "errors" not in body, body
    nodes = body["data"]["interactions"]["nodes"]
    assert len(nodes) == 40 and any(n["lines"] for n in nodes)
    assert any(line["product"] for n in nodes for line in n["lines"])
    # 1 list + performer + employer + campaign + target + lines + product + category + parent
    assert len(calls) <= 9, calls


async def test_lookups_by_id(client: httpx.AsyncClient, loaded: Database) -> None:
    ids = loaded.query(
        "MATCH (r:CustomerRecord) WITH r LIMIT 1 MATCH (p:Product) WITH r, p LIMIT 1 "
        "MATCH (c:Campaign) WITH r, p, c LIMIT 1 MATCH (ct:Content) WITH r, p, c, ct LIMIT 1 "
        "MATCH (i:Interaction) WITH r, p, c, ct, i LIMIT 1 MATCH (a:AccountRecord) "
        "RETURN r.record_id AS r, p.sku AS p, c.campaign_id AS c, ct.content_id AS ct, "
        "i.interaction_id AS i, a.record_id AS a LIMIT 1"
    )[0]
    body = await gql(
        client,
        """query($r: ID!, $p: ID!, $c: ID!, $ct: ID!, $i: ID!, $a: ID!) {
          customerRecord(recordId: $r) { recordId customer { customerId } }
          product(sku: $p) { sku } campaign(campaignId: $c) { campaignId }
          content(contentId: $ct) { contentId campaign { campaignId } products { sku } }
          interaction(interactionId: $i) { interactionId content { contentId } }
          accountRecord(recordId: $a) { recordId account { accountId } }
          customer(customerId: "nope") { customerId }
          categories { categoryId parent { name } } }""",
        ids,
    )
    assert "errors" not in body, body
    data = body["data"]
    assert data["customerRecord"]["recordId"] == ids["r"]
    assert data["product"]["sku"] == ids["p"] and data["campaign"]["campaignId"] == ids["c"]
    assert data["content"]["contentId"] == ids["ct"] and data["customer"] is None
    assert data["accountRecord"]["recordId"] == ids["a"] and data["categories"]


async def test_customer360(client: httpx.AsyncClient, loaded: Database) -> None:
    record = loaded.query(
        "MATCH (r:CustomerRecord)-[:PERFORMED]->(:Order) RETURN r.record_id AS id LIMIT 1"
    )[0]["id"]
    body = await gql(
        client,
        """query($id: ID!) { customer360(recordId: $id, interactions: 5) {
          customer { customerId } profile { recordId email } records { recordId }
          account { name } recentInteractions { kind occurredAt }
          productsOwned { sku units spent orders lastPurchasedAt }
          recommendations { sku } propensity { probability } generatedCopy { body } } }""",
        {"id": record},
    )
    assert "errors" not in body, body
    view = body["data"]["customer360"]
    assert view["profile"]["recordId"] == record and len(view["records"]) >= 1
    assert 1 <= len(view["recentInteractions"]) <= 5
    assert view["productsOwned"] and all(p["units"] > 0 for p in view["productsOwned"])
    # Not resolved and no model trained here: no unified customer, so no scores yet
    # (tests/test_linkpred.py checks them once a model serves).
    assert view["recommendations"] == [] and view["propensity"] is None
    assert view["generatedCopy"] == []
    missing = await gql(client, '{ customer360(recordId: "crm:none") { profile { recordId } } }')
    assert missing["data"]["customer360"] is None
    both = await gql(
        client, '{ customer360(recordId: "a", customerId: "b") { records { recordId } } }'
    )
    assert codes(both) == ["BAD_USER_INPUT"]


async def test_customer360_by_customer_id(client: httpx.AsyncClient, loaded: Database) -> None:
    ids = [r["id"] for r in loaded.query(
        "MATCH (r:CustomerRecord) RETURN r.record_id AS id ORDER BY id LIMIT 2")]  # fmt: skip
    loaded.query(
        "UNWIND $ids AS id MATCH (r:CustomerRecord {record_id: id}) "
        "MERGE (c:Customer {customer_id: 'test-customer'}) SET c.status = 'active' "
        "MERGE (r)-[:RESOLVES_TO]->(c)", {"ids": ids}, write=True,
    )  # fmt: skip
    try:
        body = await gql(
            client, '{ customer360(customerId: "test-customer") { customer { customerId '
            "records { recordId } } records { recordId } } customers { totalCount } }",
        )  # fmt: skip
        assert "errors" not in body, body
        assert sorted(r["recordId"] for r in body["data"]["customer360"]["records"]) == ids
        assert body["data"]["customers"]["totalCount"] == 1
    finally:
        loaded.query("MATCH (c:Customer {customer_id: 'test-customer'}) DETACH DELETE c",
                     write=True)  # fmt: skip


VIEW_QUERY = """query($c: ID!) { customer360(customerId: $c, interactions: 7) {
  records { recordId } ...Parts ... on Customer360 { productsOwned { sku units spent orders } } } }
fragment Parts on Customer360 { account { recordId } recentInteractions { interactionId } }"""


async def test_customer360_reads_its_selection_through_fragments() -> None:
    """The view's parts are chosen from the field names one level down, through a named
    fragment and an inline one (graphql-core's nodes, as the executor hands them over)."""
    document = graphql.parse(VIEW_QUERY)
    operation, *fragments = document.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    info = SimpleNamespace(
        _raw_info=SimpleNamespace(
            field_nodes=[field],
            fragments={
                f.name.value: f for f in fragments if isinstance(f, graphql.FragmentDefinitionNode)
            },
        )
    )
    assert _child_field_names(info) == {  # type: ignore[arg-type]
        "records",
        "account",
        "recentInteractions",
        "productsOwned",
    }


async def test_customer360_one_query_matches_the_per_field_queries(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    """The one-round-trip view (fields found through fragments) answers what the per-field
    queries answer: the first record's employer, newest interactions, owned products."""
    rows = loaded.query(
        "MATCH (r:CustomerRecord)-[:PERFORMED]->(:Order) WITH r LIMIT 1 RETURN r.record_id AS id "
        "UNION MATCH (r:CustomerRecord)-[:WORKS_AT]->() WITH r LIMIT 1 RETURN r.record_id AS id"
    )
    ids = [r["id"] for r in rows]
    loaded.query(
        "UNWIND $ids AS id MATCH (r:CustomerRecord {record_id: id}) "
        "MERGE (c:Customer {customer_id: 'test-360'}) MERGE (r)-[:RESOLVES_TO]->(c)",
        {"ids": ids}, write=True,
    )  # fmt: skip
    try:
        body = await gql(client, VIEW_QUERY, {"c": "test-360"})
        assert "errors" not in body, body
        view = body["data"]["customer360"]
        record_ids = [r["recordId"] for r in view["records"]]
        assert sorted(record_ids) == sorted(ids)
        rows = loaded.query(
            load_query("api/batch/employer_of_customer_records"), {"keys": record_ids}
        )
        employers = {row["key"]: row["item"]["record_id"] for row in rows}
        first = next(employers[r] for r in record_ids if r in employers)
        assert view["account"] == {"recordId": first}
        interactions = loaded.query(
            load_query("api/customer360_interactions"), {"record_ids": record_ids, "limit": 7}
        )
        assert [i["interactionId"] for i in view["recentInteractions"]] == [
            row["item"]["interaction_id"] for row in interactions
        ]
        products = loaded.query(load_query("api/customer360_products"), {"record_ids": record_ids})
        assert products and [p["sku"] for p in view["productsOwned"]] == [
            row["sku"] for row in products
        ]
        assert [(p["units"], p["orders"]) for p in view["productsOwned"]] == [
            (float(row["units"]), row["orders"]) for row in products
        ]
    finally:
        loaded.query("MATCH (c:Customer {customer_id: 'test-360'}) DETACH DELETE c", write=True)


async def test_analytics(client: httpx.AsyncClient, loaded: Database) -> None:
    body = await gql(
        client,
        """{ analytics {
          byKind: interactions(groupBy: KIND) { key count totalValue averageValue }
          byMonth: interactions(groupBy: MONTH, kind: "purchase") { key count }
          byChannel: interactions(groupBy: CHANNEL) { key count }
          revenueByCategory { categoryId name revenue units orders }
          sub: revenueByCategory(level: SUB) { categoryId revenue }
          campaignPerformance(first: 5) { campaignId spend touches clicks costPerClick } } }""",
    )
    assert "errors" not in body, body
    a = body["data"]["analytics"]
    total = count(loaded, "MATCH (i:Interaction) RETURN count(i) AS n")
    assert sum(b["count"] for b in a["byKind"]) == total
    assert sum(b["count"] for b in a["byChannel"]) == total
    purchases = count(loaded, "MATCH (i:Interaction {kind: 'purchase'}) RETURN count(i) AS n")
    assert sum(b["count"] for b in a["byMonth"]) == purchases
    revenue = loaded.query(
        "MATCH (:Order {status: 'paid'})-[l:CONTAINS]->(:Product)-[:IN_CATEGORY]->(:Category) "
        "RETURN sum(l.quantity * l.unit_price) AS r"
    )[0]["r"]
    assert sum(r["revenue"] for r in a["revenueByCategory"]) == pytest.approx(revenue)
    assert sum(r["revenue"] for r in a["sub"]) == pytest.approx(revenue)
    assert len(a["campaignPerformance"]) <= 5


async def test_temporals_come_back_as_the_stored_instants(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    """The API's Cypher returns datetimes as text (the driver builds DateTimes slowly); what a
    client reads must still be the stored instant, with its offset, from lists, DataLoaders and
    the one-query 360 view alike, and a named zone or nanoseconds must not break parsing."""
    stored = loaded.query(
        "MATCH (r:CustomerRecord)-[:PERFORMED]->(o:Order) WHERE r.created_at IS NOT NULL "
        "WITH r ORDER BY r.record_id LIMIT 1 "
        "MATCH (r)-[:PERFORMED]->(i:Interaction) WITH r, i ORDER BY i.occurred_at DESC LIMIT 1 "
        "MATCH (r)-[:PERFORMED]->(o:Order) "
        "RETURN r.record_id AS id, r.created_at AS created, r.updated_at AS updated, "
        "i.occurred_at AS occurred, max(o.occurred_at) AS bought"
    )[0]
    zoned = "2024-03-31T01:30:00.123456789+01:00[Europe/Berlin]"
    loaded.query(
        "MATCH (r:CustomerRecord {record_id: $id}) MERGE (c:Customer {customer_id: 'test-time'}) "
        "SET c.status = 'active', c.first_seen = datetime($zoned), c.last_seen = null "
        "MERGE (r)-[:RESOLVES_TO]->(c)", {"id": stored["id"], "zoned": zoned}, write=True,
    )  # fmt: skip
    try:
        body = await gql(
            client,
            """query($r: ID!) {
              customerRecord(recordId: $r) { createdAt updatedAt
                interactions(last: 1) { occurredAt } customer { firstSeen lastSeen } }
              customers(first: 5) { nodes { customerId firstSeen } }
              customer360(customerId: "test-time") { customer { firstSeen }
                profile { createdAt updatedAt } recentInteractions { occurredAt }
                productsOwned { lastPurchasedAt } } }""",
            {"r": stored["id"]},
        )
        assert "errors" not in body, body
        data = body["data"]
        created, updated = (stored[k].to_native().isoformat() for k in ("created", "updated"))
        occurred, bought = (stored[k].to_native().isoformat() for k in ("occurred", "bought"))
        assert data["customerRecord"]["createdAt"] == created
        assert data["customerRecord"]["updatedAt"] == updated
        assert data["customerRecord"]["interactions"] == [{"occurredAt": occurred}]
        berlin = "2024-03-31T01:30:00.123456+01:00"  # the offset kept, the zone name dropped
        assert data["customerRecord"]["customer"] == {"firstSeen": berlin, "lastSeen": None}
        assert {"customerId": "test-time", "firstSeen": berlin} in data["customers"]["nodes"]
        view = data["customer360"]
        assert view["customer"] == {"firstSeen": berlin}
        assert view["profile"] == {"createdAt": created, "updatedAt": updated}
        assert view["recentInteractions"][0] == {"occurredAt": occurred}
        assert max(p["lastPurchasedAt"] for p in view["productsOwned"]) == bought
    finally:
        loaded.query("MATCH (c:Customer {customer_id: 'test-time'}) DETACH DELETE c", write=True)


async def test_products_owned_order_by_time_not_by_text(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    """Purchase times come back as text, but both the 360 view and the per-field fallback query
    sort by the datetime: as text, `10:00:45Z` sorts above the later `10:00:45.5Z`."""
    loaded.query(
        "CREATE (r:CustomerRecord {record_id: 'zz-time-r'}) "
        "WITH r MATCH (p:Product) WITH r, p ORDER BY p.sku LIMIT 2 "
        "WITH r, collect(p) AS ps WITH r, ps[0] AS early, ps[1] AS late "
        "CREATE (r)-[:PERFORMED]->(:Interaction:Order {interaction_id: 'zz-time-o1', "
        "  kind: 'purchase', status: 'paid', occurred_at: datetime('2024-05-01T10:00:45Z')})"
        "  -[:CONTAINS {quantity: 1, unit_price: 1.0}]->(early) "
        "CREATE (r)-[:PERFORMED]->(:Interaction:Order {interaction_id: 'zz-time-o2', "
        "  kind: 'purchase', status: 'paid', occurred_at: datetime('2024-05-01T10:00:45.5Z')})"
        "  -[:CONTAINS {quantity: 1, unit_price: 1.0}]->(late)",
        write=True,
    )
    try:
        skus = [r["sku"] for r in loaded.query(
            "MATCH (p:Product) RETURN p.sku AS sku ORDER BY sku LIMIT 2")]  # fmt: skip
        rows = loaded.query(load_query("api/customer360_products"), {"record_ids": ["zz-time-r"]})
        assert [r["sku"] for r in rows] == [skus[1], skus[0]]
        body = await gql(
            client,
            '{ customer360(recordId: "zz-time-r") { productsOwned { sku lastPurchasedAt } } }',
        )
        assert body["data"]["customer360"]["productsOwned"] == [
            {"sku": skus[1], "lastPurchasedAt": "2024-05-01T10:00:45.500000+00:00"},
            {"sku": skus[0], "lastPurchasedAt": "2024-05-01T10:00:45+00:00"},
        ]
    finally:
        loaded.query(
            "MATCH (n) WHERE n.record_id = 'zz-time-r' OR n.interaction_id STARTS WITH 'zz-time-' "
            "DETACH DELETE n", write=True,
        )  # fmt: skip
