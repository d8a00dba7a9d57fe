"""Reverse relationship fields through the real HTTP app against the real Neo4j: each one
lists exactly the nodes its forward field points back from, in the documented order and
bounded by its page size; one query per field per level of the document (no N+1); person
records masked for the caller's role; page sizes checked and counted by the cost limit."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
import pytest_asyncio

from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import api_client, api_settings, codes, gql, load_demo

pytestmark = pytest.mark.asyncio(loop_scope="module")
MASK = "***"


@pytest.fixture(scope="module")
def loaded(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(loaded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings)) as c:
        yield c


# field: (document listing parents with the field at page size $n, path to the parents,
#         parent id field, child id field, Cypher: parent id → every child id in order)
CASES: dict[str, tuple[str, str, str, str, LiteralString]] = {
    "Category.children": (
        "query($n: Int!) { categories { categoryId children(first: $n) { categoryId } } }",
        "categories", "categoryId", "categoryId",
        "MATCH (c:Category)-[:SUBCATEGORY_OF]->(p:Category) WITH p, c ORDER BY c.name, "
        "c.category_id RETURN p.category_id AS parent, collect(c.category_id) AS ids",
    ),
    "Category.products": (  # its own products and its subcategories'
        "query($n: Int!) { categories { categoryId products(first: $n) { sku } } }",
        "categories", "categoryId", "sku",
        "MATCH (p:Product)-[:IN_CATEGORY]->(s:Category) OPTIONAL MATCH (s)-[:SUBCATEGORY_OF]->(t) "
        "UNWIND [s, t] AS c WITH c, p WHERE c IS NOT NULL WITH c, p ORDER BY p.name, p.sku "
        "RETURN c.category_id AS parent, collect(p.sku) AS ids",
    ),
    "Category.campaigns": (
        "query($n: Int!) { categories { categoryId campaigns(first: $n) { campaignId } } }",
        "categories", "categoryId", "campaignId",
        "MATCH (c:Campaign)-[:TARGETS]->(p:Category) WITH p, c ORDER BY c.start_date DESC, "
        "c.campaign_id RETURN p.category_id AS parent, collect(c.campaign_id) AS ids",
    ),
    "Campaign.contents": (
        "query($n: Int!) { campaigns(first: 100) { nodes { campaignId contents(first: $n) "
        "{ contentId } } } }",
        "campaigns.nodes", "campaignId", "contentId",
        "MATCH (c:Content)-[:PART_OF]->(p:Campaign) WITH p, c ORDER BY c.published_at DESC, "
        "c.content_id RETURN p.campaign_id AS parent, collect(c.content_id) AS ids",
    ),
    "Campaign.interactions": (
        "query($n: Int!) { campaigns(first: 100) { nodes { campaignId interactions(last: $n) "
        "{ interactionId } } } }",
        "campaigns.nodes", "campaignId", "interactionId",
        "MATCH (i:Interaction)-[:IN_CAMPAIGN]->(p:Campaign) WITH p, i ORDER BY i.occurred_at "
        "DESC, i.interaction_id RETURN p.campaign_id AS parent, collect(i.interaction_id) AS ids",
    ),
    "Content.interactions": (
        "query($n: Int!) { contents(first: 100) { nodes { contentId interactions(last: $n) "
        "{ interactionId } } } }",
        "contents.nodes", "contentId", "interactionId",
        "MATCH (i:Interaction)-[:ENGAGED_WITH]->(p:Content) WITH p, i ORDER BY i.occurred_at "
        "DESC, i.interaction_id RETURN p.content_id AS parent, collect(i.interaction_id) AS ids",
    ),
    "Product.featuredIn": (
        "query($n: Int!) { products(first: 100) { nodes { sku featuredIn(first: $n) "
        "{ contentId } } } }",
        "products.nodes", "sku", "contentId",
        "MATCH (c:Content)-[:FEATURES]->(p:Product) WITH p, c ORDER BY c.published_at DESC, "
        "c.content_id RETURN p.sku AS parent, collect(c.content_id) AS ids",
    ),
    "AccountRecord.people": (
        "query($n: Int!) { accountRecords(first: 100) { nodes { recordId people(first: $n) "
        "{ recordId } } } }",
        "accountRecords.nodes", "recordId", "recordId",
        "MATCH (r:CustomerRecord)-[:WORKS_AT]->(p:AccountRecord) WITH p, r ORDER BY r.record_id "
        "RETURN p.record_id AS parent, collect(r.record_id) AS ids",
    ),
}  # fmt: skip


def _at(data: dict[str, Any], path: str) -> list[dict[str, Any]]:
    value: Any = data
    for part in path.split("."):
        value = value[part]
    return list(value)


@pytest.mark.parametrize("case", sorted(CASES))
async def test_reverse_fields_list_what_points_back_in_order(
    client: httpx.AsyncClient, loaded: Database, case: str
) -> None:
    document, path, parent_id, child_id, cypher = CASES[case]
    expected = {row["parent"]: row["ids"] for row in loaded.query(cypher)}
    assert expected and any(len(ids) > 2 for ids in expected.values()), f"{case}: thin data"
    match = re.search(r"(\w+)\((?:first|last): \$n\)", document)
    assert match is not None
    field = match.group(1)
    for size in (100, 2, 0):
        body = await gql(client, document, {"n": size})
        assert "errors" not in body, body
        parents = _at(body["data"], path)
        assert parents
        for parent in parents:
            got = [child[child_id] for child in parent[field]]
            assert got == expected.get(parent[parent_id], [])[:size], (case, parent, size)
    # at least one parent in the page has the relation (so the page above checked something)
    assert any(parent[parent_id] in expected for parent in parents)


async def _reads(client: httpx.AsyncClient, query: str, role: str = "analyst") -> list[str]:
    """The first line of each Cypher query the server ran while answering `query`."""
    db = client.app.state.db  # type: ignore[attr-defined]
    original = db.read
    calls: list[str] = []

    async def counting(cypher: str, params: Any = None) -> Any:
        calls.append(cypher.splitlines()[0])
        return await original(cypher, params)

    db.read = counting
    try:
        body = await gql(client, query, role=role)
    finally:
        db.read = original
    assert "errors" not in body, body
    return calls


async def test_one_query_per_relation_per_level_not_per_parent(
    client: httpx.AsyncClient,
) -> None:
    """Every category, campaign and product below asks its relations; each relation is one
    batch for the whole level (before: no such fields — and a per-parent resolver would cost
    a query for each of dozens of parents)."""
    query = """{ categories {
      children(first: 5) { products(first: 5) { featuredIn(first: 3) { campaign { name } } } }
      campaigns(first: 5) { contents(first: 3) { interactions(last: 3) { performer {
        recordId } } } interactions(last: 3) { kind } } } }"""
    calls = await _reads(client, query)
    # categories + children + products + featuredIn + campaign + campaigns + contents
    # + content interactions + performer + campaign interactions
    assert len(calls) == 10, calls
    assert len(set(calls)) == len(calls), calls


async def test_people_are_masked_for_the_callers_role(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    account = loaded.query(
        "MATCH (r:CustomerRecord)-[:WORKS_AT]->(a:AccountRecord) WHERE r.email IS NOT NULL "
        "RETURN a.record_id AS id ORDER BY id LIMIT 1"
    )[0]["id"]
    query = """query($id: ID!) { accountRecord(recordId: $id) { people(first: 100) {
      recordId email fullName } } }"""
    viewer = await gql(client, query, {"id": account}, role="viewer")
    analyst = await gql(client, query, {"id": account}, role="analyst")
    seen = analyst["data"]["accountRecord"]["people"]
    masked = viewer["data"]["accountRecord"]["people"]
    assert [p["recordId"] for p in seen] == [p["recordId"] for p in masked]
    assert any(p["email"] not in (None, MASK) for p in seen)
    assert all(p["email"] in (None, MASK) and p["fullName"] in (None, MASK) for p in masked)


@pytest.mark.parametrize("size", [-1, 101])
async def test_page_sizes_are_checked(client: httpx.AsyncClient, size: int) -> None:
    for document in (
        "query($n: Int!) { categories { products(first: $n) { sku } } }",
        "query($n: Int!) { campaigns(first: 1) { nodes { interactions(last: $n) { kind } } } }",
        "query($n: Int!) { accountRecords(first: 1) { nodes { people(first: $n) { recordId } } } }",
    ):
        body = await gql(client, document, {"n": size})
        assert "BAD_USER_INPUT" in codes(body), body


async def test_the_cost_limit_counts_the_new_page_sizes(client: httpx.AsyncClient) -> None:
    fan_out = ("{ categories { products(first: 100) { featuredIn(first: 100) { "
               "interactions(last: 100) { kind } } } } }")  # fmt: skip
    body = await gql(client, fan_out)
    assert codes(body) == ["QUERY_TOO_COSTLY"] and body.get("data") is None, body
