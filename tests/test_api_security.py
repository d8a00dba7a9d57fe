"""API safety through the real HTTP app: keys and roles, PII masking, query limits, input
validation, injection attempts in every string argument, error masking, the ingest mutation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import INJECTION, KEYS, api_client, api_settings, codes, gql, load_demo

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def loaded(db: Database, settings: Settings, demo_dir: Path) -> Database:
    load_demo(db, settings, demo_dir)
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(
    loaded: Database, settings: Settings, demo_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(api_settings(settings, ingest_dir=demo_dir.parent)) as c:
        yield c


def snapshot(db: Database) -> tuple[int, int]:
    row = db.query(
        "MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS rels"
    )[0]
    return int(row["nodes"]), int(row["rels"])


PERSON = (
    "{ customerRecords(first: 100) { nodes { email fullName phone consentEmail consentSms } } }"
)


async def test_missing_and_unknown_keys(client: httpx.AsyncClient) -> None:
    body = await gql(client, PERSON, role=None)
    assert codes(body) == ["UNAUTHENTICATED"] and body["data"] is None
    response = await client.post(
        "/graphql", json={"query": PERSON}, headers={"X-API-Key": "not-a-key-at-all-xx"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "unknown API key"}
    bearer = await client.post(
        "/graphql", json={"query": PERSON},
        headers={"Authorization": f"Bearer {KEYS['viewer']}"},
    )  # fmt: skip
    assert "errors" not in bearer.json()


async def test_pii_masking_per_role(client: httpx.AsyncClient) -> None:
    viewer = (await gql(client, PERSON, role="viewer"))["data"]["customerRecords"]["nodes"]
    assert all(n["email"] in (None, "***") and n["fullName"] in (None, "***") for n in viewer)
    assert any(n["email"] == "***" for n in viewer)
    marketer = (await gql(client, PERSON, role="marketer"))["data"]["customerRecords"]["nodes"]
    no_consent = [n for n in marketer if n["consentEmail"] is False and n["email"]]
    consent = [n for n in marketer if n["consentEmail"] is not False and n["email"]]
    assert no_consent and all(n["email"] == "***" for n in no_consent)
    assert consent and all("@" in n["email"] for n in consent)
    assert any(n["fullName"] not in (None, "***") for n in marketer)
    no_sms = [n for n in marketer if n["consentSms"] is False and n["phone"]]
    sms = [n for n in marketer if n["consentSms"] is not False and n["phone"]]
    assert no_sms and all(n["phone"] == "***" for n in no_sms)
    assert sms and all(n["phone"] != "***" for n in sms)
    analyst = (await gql(client, PERSON, role="analyst"))["data"]["customerRecords"]["nodes"]
    assert all(n["email"] != "***" for n in analyst)
    # masking holds on every path to a record: nested and 360
    nested = await gql(
        client, "{ interactions(first: 20) { nodes { performer { email } } } }", role="viewer"
    )
    assert {n["performer"]["email"] for n in nested["data"]["interactions"]["nodes"]
            if n["performer"] and n["performer"]["email"]} <= {"***"}  # fmt: skip


async def test_viewers_cannot_search_sort_or_view_masked_fields(
    client: httpx.AsyncClient,
) -> None:
    """A viewer sees names and e-mails masked, so it may not search them (a hit confirms an
    address) nor sort by name (each cursor carries the name); the 360 view masks them too."""
    for query in (
        '{ customerRecords(filter: {search: "smith"}) { totalCount } }',
        "{ customerRecords(sort: NAME_ASC, first: 2) { edges { cursor } } }",
        "{ customerRecords(sort: NAME_DESC, first: 2) { edges { cursor } } }",
    ):
        assert codes(await gql(client, query, role="viewer")) == ["FORBIDDEN"], query
        assert "errors" not in await gql(client, query, role="marketer"), query
    first = await gql(client, "{ customerRecords(first: 50) { nodes { recordId email } } }")
    record = next(n["recordId"] for n in first["data"]["customerRecords"]["nodes"] if n["email"])
    view = await gql(
        client,
        "query($id: ID!) { customer360(recordId: $id) { profile { email fullName phone } "
        "records { email fullName phone street } } }",
        {"id": record},
        role="viewer",
    )
    shown = [view["data"]["customer360"]["profile"], *view["data"]["customer360"]["records"]]
    values = {v for fields in shown for v in fields.values()}
    assert "***" in values and values <= {None, "***"}, values
    # a field the role may not read is null with its error; the rest of the view stays
    gated = await gql(
        client, "query($id: ID!) { customer360(recordId: $id) { profile { recordId } "
        "generatedCopy { body } } }", {"id": record}, role="viewer",
    )  # fmt: skip
    assert codes(gated) == ["FORBIDDEN"]
    assert gated["errors"][0]["path"] == ["customer360", "generatedCopy"]
    assert gated["data"]["customer360"] == {"profile": {"recordId": record}, "generatedCopy": None}


async def test_ingest_runs_name_files_without_server_paths(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ ingestRuns(first: 5) { nodes { paths } } }", role="viewer")
    paths = [p for n in body["data"]["ingestRuns"]["nodes"] for p in n["paths"] or []]
    assert paths and not any("/" in p or "\\" in p for p in paths), paths


async def test_role_gates(client: httpx.AsyncClient) -> None:
    query = "{ quarantinedRows { totalCount } }"
    assert codes(await gql(client, query, role="viewer")) == ["FORBIDDEN"]
    assert codes(await gql(client, query, role="marketer")) == ["FORBIDDEN"]
    assert "errors" not in await gql(client, query, role="analyst")
    mutation = 'mutation { ingestFile(path: "x") { runId } }'
    for role in ("viewer", "marketer", "analyst"):
        assert codes(await gql(client, mutation, role=role)) == ["FORBIDDEN"]


async def test_query_cost_limit(client: httpx.AsyncClient) -> None:
    """Depth 5 and 120 characters, yet a million objects: refused before anything runs,
    with the estimate; a large but bounded page of nested lists still runs."""
    fan_out = ("{ customerRecords(first: 100) { nodes { interactions(last: 100) { performer "
               "{ interactions(last: 100) { kind } } } } } }")  # fmt: skip
    body = await gql(client, fan_out)
    assert codes(body) == ["QUERY_TOO_COSTLY"] and body.get("data") is None, body
    assert body["errors"][0]["extensions"]["cost"] > body["errors"][0]["extensions"]["maxCost"]
    # through a fragment, and with the page size in a variable (counted as the largest page)
    spread = ("query($n: Int!) { customerRecords(first: $n) { nodes { ...F } } } fragment F on "
              "CustomerRecord { interactions(last: $n) { performer { interactions(last: $n) "
              "{ kind } } } }")  # fmt: skip
    assert codes(await gql(client, spread, {"n": 2})) == ["QUERY_TOO_COSTLY"]
    bounded = ("{ customerRecords(first: 100) { nodes { recordId interactions(last: 20) "
               "{ kind performer { recordId } } } } }")  # fmt: skip
    assert "errors" not in await gql(client, bounded)


async def test_depth_alias_and_size_limits(client: httpx.AsyncClient) -> None:
    deep = ("{ interactions { nodes { performer { customer { records { account { account "
            "{ records { account { account { recordsX } } } } } } } } } } }")  # fmt: skip
    body = await gql(client, deep)
    assert body["errors"] and "depth" in body["errors"][0]["message"].lower()
    aliases = "{ " + " ".join(f"a{i}: products {{ totalCount }}" for i in range(30)) + " }"
    assert "alias" in (await gql(client, aliases))["errors"][0]["message"].lower()
    huge = "{ products { totalCount " + "__typename " * 3000 + "} }"
    assert "token" in (await gql(client, huge))["errors"][0]["message"].lower()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("{ products(first: 100000) { totalCount } }", "first"),
        ("{ products(first: -1) { totalCount } }", "first"),
        ('{ customerRecords(filter: {createdFrom: "2025-02-01T00:00:00Z", '
         'createdTo: "2024-01-01T00:00:00Z"}) { totalCount } }', "filter.createdTo"),
        ("{ customerRecords(filter: {search: \"%s\"}) { totalCount } }" % ("x" * 500),
         "filter.search"),
        ('{ customerRecords(filter: {search: "   "}) { totalCount } }', "filter.search"),
        ('{ ingestRuns(status: "") { totalCount } }', "status"),
        ("{ customerRecords(first: 5) { nodes { interactions(last: 5000) { kind } } } }",
         "last"),
        ('{ customer360(recordId: "x", interactions: -1) { customer { customerId } } }',
         "interactions"),
        ('{ analytics { interactions(groupBy: KIND, occurredFrom: "2025-02-01T00:00:00Z", '
         'occurredTo: "2024-01-01T00:00:00Z") { count } } }', "occurredTo"),
    ],
)  # fmt: skip
async def test_malformed_input_gets_field_errors(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    body = await gql(client, query)
    assert codes(body)[:1] == ["BAD_USER_INPUT"], body
    fields = [f["field"] for f in body["errors"][0]["extensions"]["fields"]]
    assert fields == [field], fields  # the argument as the client wrote it


async def test_type_errors_are_graphql_validation_errors(client: httpx.AsyncClient) -> None:
    for query in ("{ products(sort: DROP_TABLE) { totalCount } }", "{ products(first: \"x\") "
                  "{ totalCount } }", "{ nope }", "{ products { "):  # fmt: skip
        body = await gql(client, query)
        assert body["errors"] and "Traceback" not in str(body)
        if not query.endswith("{ "):  # a syntax error has no code
            assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($f: Int!) { products(first: $f) { totalCount } }", {"f": "x"}),
        ("query($f: Int!) { products(first: $f) { totalCount } }", {}),
        ("query($f: Int!) { products(first: $f) { totalCount } }", {"f": 2**40}),
        ("query($s: ProductSort) { products(sort: $s) { totalCount } }", {"s": "DROP"}),
        ("query($x: CustomerRecordFilter) { customerRecords(filter: $x) { totalCount } }",
         {"x": {"bogus": 1}}),
        ("query($d: DateTime) { customerRecords(filter: {createdFrom: $d}) { totalCount } }",
         {"d": "yesterday"}),
    ],
)  # fmt: skip
async def test_bad_variables_are_the_clients_error(
    client: httpx.AsyncClient, query: str, variables: dict[str, object]
) -> None:
    """A front-end sending a badly typed variable gets BAD_USER_INPUT naming the variable
    and what was wrong, not "Internal error." (they were masked as resolver crashes)."""
    body = await gql(client, query, variables)
    assert codes(body) == ["BAD_USER_INPUT"], body
    [problem] = body["errors"][0]["extensions"]["fields"]
    assert problem["field"] == "$" + query.split("$", 2)[1].split(":")[0]
    assert "invalid value" in body["errors"][0]["message"]


async def test_malformed_http_bodies_are_400_without_a_trace(client: httpx.AsyncClient) -> None:
    """Bodies that are not a GraphQL request over HTTP: a clear 400, never a stack trace."""
    headers = {"X-API-Key": KEYS["viewer"], "Content-Type": "application/json"}
    for content in (b"{not json", b"", rb'{"query": "\ud800"}', b"[1, 2", b"\xff\xfe",
                    b'"just a string"', b"null", b"42",
                    b'[{"query": "{ products { totalCount } }"}]'):  # fmt: skip
        response = await client.post("/graphql", content=content, headers=headers)
        assert response.status_code == 400, (content, response.text)
        assert "Traceback" not in response.text
        # JSON like every other refusal (401, 403, 411), so `res.json()` works in a client
        assert response.headers["content-type"] == "application/json", response.headers
        assert response.json()["detail"], response.text


STRING_ARGS = [
    "{ customerRecords(filter: {sourceSystem: $v}) { totalCount } }",
    "{ customerRecords(filter: {country: $v}) { totalCount } }",
    "{ customerRecords(filter: {search: $v}) { totalCount } }",
    "{ customerRecords(after: $v) { totalCount } }",
    "{ accountRecords(filter: {sourceSystem: $v}) { totalCount } }",
    "{ accountRecords(filter: {industry: $v}) { totalCount } }",
    "{ accountRecords(filter: {country: $v}) { totalCount } }",
    "{ interactions(filter: {kind: $v}) { totalCount } }",
    "{ interactions(filter: {channel: $v}) { totalCount } }",
    "{ interactions(filter: {sourceSystem: $v}) { totalCount } }",
    "{ products(filter: {category: $v}) { totalCount } }",
    "{ products(filter: {subcategory: $v}) { totalCount } }",
    "{ products(filter: {nameContains: $v}) { totalCount } }",
    "{ campaigns(filter: {channel: $v}) { totalCount } }",
    "{ campaigns(filter: {objective: $v}) { totalCount } }",
    "{ contents(filter: {contentType: $v}) { totalCount } }",
    "{ contents(filter: {campaignId: $v}) { totalCount } }",
    "{ ingestRuns(status: $v) { totalCount } }",
    "{ quarantinedRows(filter: {sourceType: $v}) { totalCount } }",
    "{ quarantinedRows(filter: {runId: $v}) { totalCount } }",
    "{ customers(status: $v) { totalCount } }",
    "{ accounts(status: $v) { totalCount } }",
    "{ customerRecord(recordId: $v) { recordId } }",
    "{ accountRecord(recordId: $v) { recordId } }",
    "{ interaction(interactionId: $v) { interactionId } }",
    "{ product(sku: $v) { sku } }",
    "{ campaign(campaignId: $v) { campaignId } }",
    "{ content(contentId: $v) { contentId } }",
    "{ customer(customerId: $v) { customerId } }",
    "{ customer360(recordId: $v) { records { recordId } } }",
    "{ customer360(customerId: $v) { records { recordId } } }",
    "{ analytics { interactions(groupBy: KIND, kind: $v) { key } } }",
    "{ analytics { campaignPerformance(channel: $v) { campaignId } } }",
    "mutation { ingestFile(path: $v) { runId } }",
]


async def test_injection_in_every_string_argument(
    client: httpx.AsyncClient, loaded: Database
) -> None:
    before = snapshot(loaded)
    for template in STRING_ARGS:
        op, _, rest = template.partition(" ")
        kind = "mutation" if op == "mutation" else "query"
        body_text = rest if op == "mutation" else template
        plain = ("filter:", "status:", "after:", "path:", "kind:", "channel:")
        var_type = "String" if any(arg in template for arg in plain) else "ID"
        query = f"{kind} Q($v: {var_type}!) {body_text}"
        for value in (INJECTION, '" OR 1=1 //', "*:*", "a\\' MATCH (n) DETACH DELETE n"):
            body = await gql(client, query, {"v": value}, role="admin")
            assert codes(body) in ([], ["BAD_USER_INPUT"], ["NOT_FOUND"]), (query, body)
            assert "Traceback" not in str(body)
            data = body.get("data") or {}
            for value_ in data.values():
                if isinstance(value_, dict) and "totalCount" in value_:
                    assert value_["totalCount"] == 0, (query, value, body)
    assert snapshot(loaded) == before


async def test_internal_errors_are_masked(client: httpx.AsyncClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    original = db.read

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail /etc/passwd MATCH (n)")

    db.read = broken
    try:
        body = await gql(client, "{ products { totalCount } }")
    finally:
        db.read = original
    assert body["errors"][0]["message"] == "Internal error."
    assert codes(body) == ["INTERNAL"] and "secret" not in str(body)


async def test_ingest_file_mutation(
    client: httpx.AsyncClient, loaded: Database, demo_dir: Path
) -> None:
    query = """mutation($p: String!) { ingestFile(path: $p) { runId rowsRead loaded
      files { name status } ignored } }"""
    body = await gql(client, query, {"p": demo_dir.name}, role="admin")
    assert "errors" not in body, body
    result = body["data"]["ingestFile"]
    assert result["files"] and {f["status"] for f in result["files"]} == {"skipped"}
    assert all(str(demo_dir.parent) not in note for note in result["ignored"])
    for bad in ("../../etc", "/etc/passwd", ""):
        assert codes(await gql(client, query, {"p": bad}, role="admin")) == ["BAD_USER_INPUT"]
    assert codes(await gql(client, query, {"p": "no-such-dir"}, role="admin")) == ["NOT_FOUND"]
    # a file that is no export: why, on `path` (was "matches no data contract", no field)
    notes = await gql(client, query, {"p": f"{demo_dir.name}/manifest.json"}, role="admin")
    assert codes(notes) == ["BAD_USER_INPUT"], notes
    [problem] = notes["errors"][0]["extensions"]["fields"]
    assert problem["field"] == "path" and "cannot tell which source" in problem["message"]
    assert str(demo_dir.parent) not in problem["message"]
