"""The GraphQL write side through the real HTTP app against the real Neo4j: the review queue,
review decisions honoured by the next resolution run, unmerge, copy generation with guardrail
verdicts and citations, approve / reject with who decided, roles, field-level input errors,
injection attempts in every string argument and unknown ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr

from api.graphql.auth import key_fingerprint
from api.graphql.copy_api import SHARED
from graph import locks
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from models.copy import MiniLMEmbeddings, refresh_embeddings
from models.resolution import resolve
from models.resolution.run import RESOLUTION_LOCK
from tests.api_helpers import (
    INJECTION,
    KEYS,
    actor,
    api_client,
    api_settings,
    codes,
    gql,
    load_demo,
)
from tests.graph_snapshot import BOOKKEEPING, snapshot
from tests.resolution_fixtures import assignments
from tests.test_copy import customers as consenting_customers

pytestmark = pytest.mark.asyncio(loop_scope="module")

UNKNOWN_REVIEW = "rev-0000000000000000"
UNKNOWN_DRAFT = "cd-0000000000000000"
#: Content embeddings are float arrays, which APOC cannot fingerprint (and no write touches).
NOT_COMPARED = [*BOOKKEEPING, "embedding"]
INJECTIONS = (INJECTION, "x' OR 1=1 //", "}) MATCH (n) DETACH DELETE n //", "*:*")
REVIEW = """reviewId kind status matchProbability recordAId recordBId decidedBy note
  evidence { field level weight } customerRecords { recordId }"""
DETAIL = """draft { draftId status reviewedBy railsPassed writer body } customerId
  productName productRule explanation fellBackToGrounded citationCoverage reviewReason
  guardrails { rail passed details } citations { claim kind supported facts { label id value } }"""
GENERATE = f"""mutation($c: ID!, $w: CopyWriter, $ch: CopyChannel! = EMAIL, $sku: ID,
  $camp: ID) {{ generateCopy(customerId: $c, writer: $w, channel: $ch, sku: $sku,
  campaignId: $camp) {{ {DETAIL} }} }}"""
APPROVE = f"mutation($d: ID!, $n: String) {{ approveCopy(draftId: $d, note: $n) {{ {DETAIL} }} }}"
REJECT = f"mutation($d: ID!, $r: String!) {{ rejectCopy(draftId: $d, reason: $r) {{ {DETAIL} }} }}"
DECIDE = f"""mutation($id: ID!, $d: ReviewDecision!, $n: String) {{
  decideReview(reviewId: $id, decision: $d, note: $n) {{ {REVIEW} }} }}"""
UNMERGE = """mutation($c: ID, $e: ID) { unmergeCustomer(customerId: $c, eventId: $e) {
  reversedEventId survivorId restored { customerId recordIds }
  customers { customerId status records { recordId } } } }"""


@pytest.fixture(scope="module")
def graph(db: Database, settings: Settings, demo_dir: Path) -> Database:
    """The demo company ingested, resolved and its content embedded (what `demo` does)."""
    load_demo(db, settings, demo_dir)
    resolve(db, settings)
    refresh_embeddings(db, MiniLMEmbeddings())
    return db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(graph: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    test_settings = api_settings(settings, llm_model=None, copy_writer="grounded")
    async with api_client(test_settings) as c:
        yield c
    SHARED.close()


def open_reviews(db: Database) -> list[dict[str, Any]]:
    return db.query(
        "MATCH (m:MatchReview {status: 'open', kind: 'customer'}) RETURN m {.*} AS m "
        "ORDER BY m.match_probability DESC, m.review_id"
    )


def customer_of(db: Database, record_id: str) -> str:
    rows = db.query(
        "MATCH (:CustomerRecord {record_id: $r})-[:RESOLVES_TO]->(c:Customer) "
        "RETURN c.customer_id AS c",
        {"r": record_id},
    )
    return str(rows[0]["c"])


async def generate(client: httpx.AsyncClient, customer_id: str) -> dict[str, Any]:
    body = await gql(client, GENERATE, {"c": customer_id, "w": "GROUNDED"}, role="marketer")
    assert "errors" not in body, body
    [draft] = body["data"]["generateCopy"]
    return dict(draft)


async def test_review_queue_shows_open_pairs_with_stored_evidence(
    client: httpx.AsyncClient, graph: Database
) -> None:
    stored = open_reviews(graph)
    assert stored, "the demo set should leave uncertain pairs for review"
    query = f"query($f: Int!) {{ reviewQueue(first: $f) {{ totalCount nodes {{ {REVIEW} }} }} }}"
    body = await gql(client, query, {"f": 5})
    assert "errors" not in body, body
    queue = body["data"]["reviewQueue"]
    total = graph.query("MATCH (m:MatchReview {status: 'open'}) RETURN count(m) AS n")[0]["n"]
    assert queue["totalCount"] == total and len(queue["nodes"]) == min(5, total)
    first, want = queue["nodes"][0], stored[0]["m"]
    assert first["status"] == "OPEN" and first["reviewId"] == want["review_id"]
    assert [e["field"] for e in first["evidence"]] == want["evidence_fields"]
    assert [e["weight"] for e in first["evidence"]] == pytest.approx(want["evidence_weights"])
    assert {r["recordId"] for r in first["customerRecords"]} == {want["record_a"], want["record_b"]}
    probabilities = [n["matchProbability"] for n in queue["nodes"]]
    assert probabilities == sorted(probabilities, reverse=True)


async def test_customer360_shows_the_match_evidence_of_each_record(
    client: httpx.AsyncClient, graph: Database
) -> None:
    """The issue's 360 view includes "source records and match evidence": per record, the
    pair, rule and per-field weights resolution stored on its RESOLVES_TO link."""
    [row] = graph.query(
        "MATCH (r:CustomerRecord)-[l:RESOLVES_TO {rule: 'model'}]->(c:Customer) "
        "RETURN c.customer_id AS customer, r.record_id AS record, l.matched_with AS partner, "
        "l.evidence_fields AS fields, l.evidence_weights AS weights, "
        "l.match_probability AS p ORDER BY record LIMIT 1"
    )
    body = await gql(
        client,
        "query($id: ID!) { customer360(customerId: $id) { records { recordId } matchEvidence "
        "{ recordId customerId rule matchedWith matchProbability modelVersion resolvedAt "
        "fields { field level weight } } } }",
        {"id": row["customer"]},
        role="viewer",
    )
    assert "errors" not in body, body
    view = body["data"]["customer360"]
    evidence = {e["recordId"]: e for e in view["matchEvidence"]}
    assert set(evidence) == {r["recordId"] for r in view["records"]}
    mine = evidence[row["record"]]
    assert mine["rule"] == "model" and mine["customerId"] == row["customer"]
    assert mine["matchedWith"] == row["partner"] and mine["matchProbability"] == row["p"]
    assert [f["field"] for f in mine["fields"]] == row["fields"]
    assert [f["weight"] for f in mine["fields"]] == pytest.approx(row["weights"])
    assert mine["modelVersion"] and mine["resolvedAt"]


async def test_decisions_bind_the_next_run_and_unmerge_splits_the_customer(
    client: httpx.AsyncClient, graph: Database, settings: Settings
) -> None:
    accept, reject = (r["m"] for r in open_reviews(graph)[:2])
    before = assignments(graph)
    body = await gql(client, DECIDE, {"id": accept["review_id"], "d": "ACCEPT", "n": "same"})
    assert "errors" not in body, body
    decided = body["data"]["decideReview"]
    assert (decided["status"], decided["decidedBy"], decided["note"]) == (
        "ACCEPTED", actor("analyst"), "same"
    )  # fmt: skip
    body = await gql(client, DECIDE, {"id": reject["review_id"], "d": "REJECT"}, role="admin")
    assert body["data"]["decideReview"]["status"] == "REJECTED", body
    stored = graph.query(
        "MATCH (m:MatchReview) WHERE m.review_id IN $ids RETURN m.review_id AS id, "
        "m.status AS status, m.decided_by AS by",
        {"ids": [accept["review_id"], reject["review_id"]]},
    )
    assert {(r["id"], r["status"], r["by"]) for r in stored} == {
        (accept["review_id"], "accepted", actor("analyst")),
        (reject["review_id"], "rejected", actor("admin")),
    }

    resolve(graph, settings)  # what `marketgraph resolve` does next
    survivor = customer_of(graph, accept["record_a"])
    assert customer_of(graph, accept["record_b"]) == survivor
    assert customer_of(graph, reject["record_a"]) != customer_of(graph, reject["record_b"])
    rejected = await gql(
        client, "{ reviewQueue(status: REJECTED, first: 100) { nodes { reviewId } } }"
    )
    assert reject["review_id"] in {n["reviewId"] for n in rejected["data"]["reviewQueue"]["nodes"]}

    assert codes(await gql(client, UNMERGE, {"c": survivor}, role="analyst")) == ["FORBIDDEN"]
    locks.acquire(graph, RESOLUTION_LOCK, "res-in-a-shell", minutes=5)  # a run elsewhere
    try:
        busy = await gql(client, UNMERGE, {"c": survivor}, role="admin")
    finally:
        locks.release(graph, RESOLUTION_LOCK, "res-in-a-shell")
    assert codes(busy) == ["CONFLICT"] and "res-in-a-shell" in busy["errors"][0]["message"]
    body = await gql(client, UNMERGE, {"c": survivor}, role="admin")
    assert "errors" not in body, body
    outcome = body["data"]["unmergeCustomer"]
    assert outcome["survivorId"] == survivor and outcome["restored"]
    moved = {r for group in outcome["restored"] for r in group["recordIds"]}
    assert {accept["record_a"], accept["record_b"]} & moved
    assert {c["customerId"] for c in outcome["customers"]} == {
        survivor, *(g["customerId"] for g in outcome["restored"])
    }  # fmt: skip
    assert assignments(graph) == before
    view = """query($r: ID!) { customer360(recordId: $r) {
      customer { customerId } records { recordId } } }"""
    a = (await gql(client, view, {"r": accept["record_a"]}))["data"]["customer360"]
    b = (await gql(client, view, {"r": accept["record_b"]}))["data"]["customer360"]
    assert a["customer"]["customerId"] != b["customer"]["customerId"]
    assert accept["record_b"] not in {r["recordId"] for r in a["records"]}
    undone = graph.query(
        "MATCH (ev:ResolutionEvent {event_id: $e}) RETURN ev.undone_by AS by",
        {"e": outcome["reversedEventId"]},
    )
    assert undone[0]["by"] == actor("admin")
    # a retried unmerge is told it was done (a client can branch on the reason), not NOT_FOUND
    retried = await gql(client, UNMERGE, {"e": outcome["reversedEventId"]}, role="admin")
    assert codes(retried) == ["CONFLICT"], retried
    assert retried["errors"][0]["extensions"]["reason"] == "ALREADY_UNDONE"
    assert "already undone" in retried["errors"][0]["message"]


async def test_unmerging_a_merge_whose_records_were_erased_says_why(
    client: httpx.AsyncClient, graph: Database, settings: Settings
) -> None:
    """Before: "The merge … was already undone", while its history showed it in force."""
    review = open_reviews(graph)[0]["m"]
    assert "errors" not in await gql(client, DECIDE, {"id": review["review_id"], "d": "ACCEPT"})
    resolve(graph, settings)
    survivor = customer_of(graph, review["record_a"])
    [event] = graph.query(
        load_query("resolution/read_merge_event"), {"entity_id": survivor, "event_id": None}
    )
    erase = """mutation($r: [ID!], $ref: String!) {
      erasePersonalData(recordIds: $r, reference: $ref) { erasedRecordIds } }"""
    erased = await gql(client, erase, {"r": event["record_ids"], "ref": "DSR-7"}, role="admin")
    assert "errors" not in erased, erased
    body = await gql(client, UNMERGE, {"e": event["event_id"]}, role="admin")
    assert codes(body) == ["CONFLICT"], body
    message = body["errors"][0]["message"]
    assert "have all left" in message and "already undone" not in message, message
    assert body["errors"][0]["extensions"]["reason"] == "RECORDS_LEFT"


async def test_generate_copy_stores_a_cited_guardrailed_draft(
    client: httpx.AsyncClient, graph: Database
) -> None:
    [customer] = consenting_customers(graph, 1)
    draft = await generate(client, customer)
    assert draft["customerId"] == customer and draft["draft"]["writer"] == "grounded"
    assert draft["draft"]["status"] == "draft" and draft["draft"]["railsPassed"] is True
    assert draft["guardrails"] and all(g["passed"] for g in draft["guardrails"])
    assert draft["citations"] and all(c["supported"] and c["facts"] for c in draft["citations"])
    assert draft["citationCoverage"] == 1.0 and draft["productName"] and draft["explanation"]
    stored = graph.query(
        "MATCH (d:CopyDraft {draft_id: $d})-[:FOR]->(c:Customer) "
        "RETURN c.customer_id AS c, d.status AS s, d.body AS body",
        {"d": draft["draft"]["draftId"]},
    )
    assert stored == [{"c": customer, "s": "draft", "body": draft["draft"]["body"]}]
    view = await gql(
        client, "query($c: ID!) { customer360(customerId: $c) { generatedCopy { draftId } } }",
        {"c": customer}, role="marketer",
    )  # fmt: skip
    ids = [d["draftId"] for d in view["data"]["customer360"]["generatedCopy"]]
    assert draft["draft"]["draftId"] in ids
    listed = await gql(
        client, "query($c: ID) { copyDrafts(status: DRAFT, customerId: $c) { nodes { draftId "
        "status } } }", {"c": customer}, role="marketer",
    )  # fmt: skip
    nodes = listed["data"]["copyDrafts"]["nodes"]
    assert {"draftId": draft["draft"]["draftId"], "status": "draft"} in nodes


async def test_one_copy_service_per_process_rebuilt_after_an_ingest(
    client: httpx.AsyncClient, graph: Database
) -> None:
    customer = consenting_customers(graph, 2)[-1]
    await generate(client, customer)
    first = SHARED.current
    await generate(client, customer)
    assert first is not None and SHARED.current is first  # not rebuilt per request
    graph.query(
        "CREATE (:IngestRun {run_id: 'zz-test-run', status: 'completed', "
        "started_at: datetime() + duration('P1D')})", write=True,
    )  # fmt: skip
    try:
        await generate(client, customer)
        assert SHARED.current is not None and SHARED.current is not first
    finally:
        graph.query("MATCH (r:IngestRun {run_id: 'zz-test-run'}) DELETE r", write=True)


async def test_approve_and_reject_change_status_and_record_who(
    client: httpx.AsyncClient, graph: Database
) -> None:
    customer = consenting_customers(graph, 3)[-1]
    draft_id = (await generate(client, customer))["draft"]["draftId"]
    body = await gql(client, APPROVE, {"d": draft_id, "n": "good to go"}, role="marketer")
    assert "errors" not in body, body
    assert body["data"]["approveCopy"]["draft"]["status"] == "approved"
    assert body["data"]["approveCopy"]["draft"]["reviewedBy"] == actor("marketer")
    assert body["data"]["approveCopy"]["reviewReason"] == "good to go"
    again = await gql(client, APPROVE, {"d": draft_id}, role="marketer")
    assert codes(again) == ["CONFLICT"] and "approved" in again["errors"][0]["message"]
    assert again["errors"][0]["extensions"]["reason"] == "ALREADY_APPROVED"
    assert codes(await gql(client, REJECT, {"d": draft_id, "r": "  "}, role="analyst")) == [
        "BAD_USER_INPUT"
    ]
    body = await gql(client, REJECT, {"d": draft_id, "r": "off-brand"}, role="analyst")
    assert body["data"]["rejectCopy"]["draft"]["status"] == "rejected", body
    stored = graph.query(
        "MATCH (d:CopyDraft {draft_id: $d}) RETURN d.status AS s, d.reviewed_by AS by, "
        "d.review_reason AS why", {"d": draft_id},
    )  # fmt: skip
    assert stored == [{"s": "rejected", "by": actor("analyst"), "why": "off-brand"}]
    # the withdrawn approval is still on record, with who asked for the copy and the model
    detail = """query($d: ID!) { copyDraft(draftId: $d) { reviewHistory requestedBy
      modelVersion } }"""
    got = (await gql(client, detail, {"d": draft_id}, role="marketer"))["data"]["copyDraft"]
    history = got["reviewHistory"]
    assert [h.split(" at ")[0] for h in history] == [
        f"approved by {actor('marketer')}",
        f"rejected by {actor('analyst')}",
    ], history
    assert history[0].endswith(": good to go") and history[1].endswith(": off-brand")
    assert got["requestedBy"] == actor("marketer"), got
    stored_version = graph.query(
        "MATCH (d:CopyDraft {draft_id: $d}) RETURN d.model_version AS v", {"d": draft_id}
    )[0]["v"]  # null here: no model serves in this module's graph (rule-based picks)
    assert got["modelVersion"] == stored_version
    # a rejected draft can never be approved again
    rejected = await gql(client, APPROVE, {"d": draft_id}, role="admin")
    assert codes(rejected) == ["CONFLICT"]
    assert rejected["errors"][0]["extensions"]["reason"] == "ALREADY_REJECTED"
    view = await gql(
        client, "query($c: ID!) { customer360(customerId: $c) { generatedCopy(limit: 20) "
        "{ draftId status reviewedBy } } }", {"c": customer}, role="marketer",
    )  # fmt: skip
    assert {"draftId": draft_id, "status": "rejected", "reviewedBy": actor("analyst")} in view[
        "data"
    ]["customer360"]["generatedCopy"]


async def test_two_keys_of_one_role_are_told_apart_and_no_key_is_stored(
    graph: Database, settings: Settings
) -> None:
    """Writes name the key that made them (its fingerprint), not only its role: two marketers
    with their own keys are two authors in the audit trail; the key itself is never stored."""
    second = "second-marketer-key-9876543210"
    keys = ",".join(f"{key}:{role}" for role, key in KEYS.items()) + f",{second}:marketer"
    test_settings = api_settings(
        settings, llm_model=None, copy_writer="grounded", api_keys=SecretStr(keys)
    )
    customer = consenting_customers(graph, 4)[-1]
    async with api_client(test_settings) as c:
        first_draft = (await generate(c, customer))["draft"]["draftId"]
        second_draft = (await generate(c, customer))["draft"]["draftId"]
        await gql(c, APPROVE, {"d": first_draft}, role="marketer")
        c.headers["X-API-Key"] = second
        body = await c.post("/graphql", json={"query": APPROVE, "variables": {"d": second_draft}})
        assert "errors" not in body.json(), body.text
    rows = graph.query(
        "MATCH (d:CopyDraft) WHERE d.draft_id IN $ids RETURN d.draft_id AS d, "
        "d.reviewed_by AS by, d.requested_by AS asked, properties(d) AS all",
        {"ids": [first_draft, second_draft]},
    )  # fmt: skip
    by = {r["d"]: r["by"] for r in rows}
    assert by[first_draft] == actor("marketer")
    assert by[second_draft] == f"api:marketer:{key_fingerprint(second)}" != by[first_draft]
    assert all(second not in str(r["all"]) and KEYS["marketer"] not in str(r["all"]) for r in rows)


async def test_copy_refusals_write_nothing(client: httpx.AsyncClient, graph: Database) -> None:
    no_consent = graph.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, collect(r.consent_sms) AS flags WHERE none(f IN flags WHERE f = true) "
        "RETURN c.customer_id AS id ORDER BY id LIMIT 1"
    )[0]["id"]
    drafts = graph.query("MATCH (d:CopyDraft) RETURN count(d) AS n")[0]["n"]
    body = await gql(client, GENERATE, {"c": no_consent, "ch": "SMS"}, role="marketer")
    assert codes(body) == ["REFUSED"] and body["errors"][0]["extensions"]["reason"] == "NO_CONSENT"
    [customer] = consenting_customers(graph, 1)
    body = await gql(client, GENERATE, {"c": customer, "w": "LLM"}, role="marketer")
    assert body["errors"][0]["extensions"]["reason"] == "WRITER_UNAVAILABLE", body
    for variables in ({"c": "cus-nobody"}, {"c": customer, "sku": "SKU-NONE"},
                      {"c": customer, "camp": "CMP-NONE"}):  # fmt: skip
        assert codes(await gql(client, GENERATE, variables, role="marketer")) == ["NOT_FOUND"]
    assert graph.query("MATCH (d:CopyDraft) RETURN count(d) AS n")[0]["n"] == drafts


OPERATIONS = {  # operation → (document, variables, least role allowed)
    "reviewQueue": ("{ reviewQueue { totalCount } }", {}, "analyst"),
    "decideReview": (DECIDE, {"id": UNKNOWN_REVIEW, "d": "ACCEPT"}, "analyst"),
    "unmergeCustomer": (UNMERGE, {"c": "cus-nobody"}, "admin"),
    "generateCopy": (GENERATE, {"c": "cus-nobody"}, "marketer"),
    "approveCopy": (APPROVE, {"d": UNKNOWN_DRAFT}, "marketer"),
    "rejectCopy": (REJECT, {"d": UNKNOWN_DRAFT, "r": "no"}, "marketer"),
    "copyDrafts": ("{ copyDrafts { totalCount } }", {}, "marketer"),
    "copyDraft": (f'{{ copyDraft(draftId: "{UNKNOWN_DRAFT}") {{ customerId }} }}', {}, "marketer"),
}
ROLES = ("viewer", "marketer", "analyst", "admin")


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_roles(client: httpx.AsyncClient, operation: str) -> None:
    document, variables, least = OPERATIONS[operation]
    assert codes(await gql(client, document, variables, role=None)) == ["UNAUTHENTICATED"]
    for role in ROLES:
        got = codes(await gql(client, document, variables, role=role))
        if ROLES.index(role) < ROLES.index(least):
            assert got == ["FORBIDDEN"], (role, got)
        else:  # allowed: a clean answer or NOT_FOUND for the unknown id used here
            assert got in ([], ["NOT_FOUND"]), (role, got)


MALFORMED = [
    (DECIDE, {"id": "rev-1", "d": "ACCEPT"}, "reviewId"),
    (DECIDE, {"id": UNKNOWN_REVIEW, "d": "ACCEPT", "n": "x" * 1001}, "note"),
    (DECIDE, {"id": UNKNOWN_REVIEW, "d": "REJECT", "n": "bell\x07"}, "note"),
    (UNMERGE, {}, "customerId"),
    (UNMERGE, {"c": "cus one"}, "customerId"),
    (UNMERGE, {"e": "x" * 500}, "eventId"),
    (GENERATE, {"c": ""}, "customerId"),
    (GENERATE, {"c": "cus-x", "sku": "a b"}, "sku"),
    (GENERATE, {"c": "cus-x", "camp": "-x"}, "campaignId"),
    ("mutation { generateCopy(customerId: \"cus-x\", variants: 9) { customerId } }", {},
     "variants"),
    # the grounded writer has 3 SMS templates (was accepted, then REFUSED after retrieval)
    ("mutation { generateCopy(customerId: \"cus-x\", channel: SMS, variants: 4, "
     "writer: GROUNDED) { customerId } }", {}, "variants"),
    (APPROVE, {"d": "cd-XYZ"}, "draftId"),
    (APPROVE, {"d": UNKNOWN_DRAFT, "n": "n" * 5000}, "note"),
    (REJECT, {"d": UNKNOWN_DRAFT, "r": ""}, "reason"),
    ("{ copyDrafts(first: -1) { totalCount } }", {}, "first"),
    ('{ copyDrafts(after: "garbage") { totalCount } }', {}, "after"),
    ("{ reviewQueue(first: 100000) { totalCount } }", {}, "first"),
    ('{ reviewQueue(after: "garbage") { totalCount } }', {}, "after"),
]  # fmt: skip


@pytest.mark.parametrize(("document", "variables", "field"), MALFORMED)
async def test_malformed_input_gets_field_errors(
    client: httpx.AsyncClient, document: str, variables: dict[str, Any], field: str
) -> None:
    body = await gql(client, document, variables, role="admin")
    assert codes(body) == ["BAD_USER_INPUT"], body
    assert [f["field"] for f in body["errors"][0]["extensions"]["fields"]] == [field]


async def test_injection_in_every_string_argument(
    client: httpx.AsyncClient, graph: Database
) -> None:
    [customer] = consenting_customers(graph, 1)
    cases = [  # (document, variables with "$v" where the attempt goes)
        ("query($v: String) { reviewQueue(after: $v) { totalCount } }", {}),
        (DECIDE, {"id": "$v", "d": "ACCEPT"}),
        (DECIDE, {"id": UNKNOWN_REVIEW, "d": "ACCEPT", "n": "$v"}),
        (UNMERGE, {"c": "$v"}),
        (UNMERGE, {"e": "$v"}),
        (GENERATE, {"c": "$v"}),
        (GENERATE, {"c": customer, "sku": "$v"}),
        (GENERATE, {"c": customer, "camp": "$v"}),
        (APPROVE, {"d": "$v"}),
        (APPROVE, {"d": UNKNOWN_DRAFT, "n": "$v"}),
        (REJECT, {"d": "$v", "r": "no"}),
        (REJECT, {"d": UNKNOWN_DRAFT, "r": "$v"}),
        ("query($v: ID) { copyDrafts(customerId: $v) { totalCount } }", {}),
        ("query($v: ID!) { copyDraft(draftId: $v) { customerId } }", {}),
    ]
    before = snapshot(graph, NOT_COMPARED)
    for document, template in cases:
        for value in INJECTIONS:
            variables = {k: value if v == "$v" else v for k, v in template.items()} or {"v": value}
            body = await gql(client, document, variables, role="admin")
            assert codes(body) in ([], ["BAD_USER_INPUT"], ["NOT_FOUND"]), (document, body)
            data = body.get("data") or {}
            assert all(v in (None, [], {"totalCount": 0}) for v in data.values()), body
    assert snapshot(graph, NOT_COMPARED) == before
    # free text reaches the graph only as a value: stored verbatim, nothing else changes
    review = open_reviews(graph)[-1]["m"]["review_id"]
    body = await gql(client, DECIDE, {"id": review, "d": "REJECT", "n": INJECTIONS[2]})
    assert body["data"]["decideReview"]["note"] == INJECTIONS[2]
    after = snapshot(graph, NOT_COMPARED)
    # the one thing added: the decision's entry in the item's history, note verbatim
    assert (after["nodes"], after["relationships"]) == (
        before["nodes"] + 1, before["relationships"] + 1
    )  # fmt: skip
    history = graph.query(
        "MATCH (:MatchReview {review_id: $r})-[:DECIDED]->(d:ReviewDecision) RETURN d.note AS n",
        {"r": review},
    )
    assert [h["n"] for h in history] == [INJECTIONS[2]]


async def test_unknown_ids_are_not_found(client: httpx.AsyncClient) -> None:
    for document, variables, _ in OPERATIONS.values():
        if variables:
            assert codes(await gql(client, document, variables, role="admin")) == ["NOT_FOUND"]
    body = await gql(client, OPERATIONS["copyDraft"][0], role="marketer")
    assert "errors" not in body and body["data"]["copyDraft"] is None
