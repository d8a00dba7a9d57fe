"""`marketgraph copy …`, `recommend` and `models list` as a marketer runs them, against the real
Neo4j (the demo company ingested and resolved): exit codes a wrapper can act on, refusals that
say what to do, ids that stay whole in an 80-column terminal, and the API's copy mutation
refusing what the command refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api.graphql.copy_api import SHARED
from graph.db import Database
from graph.local_server import connection
from graph.maintenance import delete_all_data
from graph.migrations import apply_migrations
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.copy import Channel, CopyService, MiniLMEmbeddings, list_drafts
from models.resolution import record_decision, resolve
from tests.api_helpers import api_client, api_settings, codes, gql
from tests.test_copy import customers

Cli = Callable[..., subprocess.CompletedProcess[str]]
GENERATE = """mutation($c: ID!, $sku: ID) { generateCopy(customerId: $c, sku: $sku,
  writer: GROUNDED) { draft { draftId } } }"""
XSELL = "xsell-lp-20261124T231949Z-b9ea"
PROPENSITY = "propensity-lp-20261124T231949Z-b9ea"


@pytest.fixture(scope="module")
def graph(db: Database, settings: Settings, demo_dir: Path) -> Database:
    """The demo company ingested and resolved once for this module (no models trained: the
    registry rows and recommendations a test needs are written by that test)."""
    delete_all_data(db)
    apply_migrations(db)
    IngestRun(db, settings).run([demo_dir])
    resolve(db, settings)
    return db


@pytest.fixture(scope="module")
def service(graph: Database, settings: Settings) -> Iterator[CopyService]:
    with CopyService(graph, settings, embeddings=MiniLMEmbeddings()) as copy_service:
        yield copy_service


@pytest.fixture(scope="module")
def cli(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """Run `marketgraph ARGS…` in a subprocess on the test server, `columns` wide (not a
    terminal, so rich uses COLUMNS: 80 is the narrow terminal the audit used)."""
    info = connection(settings)
    state = tmp_path_factory.mktemp("cli-state")

    def run(*args: str, columns: int = 200) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MARKETGRAPH_NEO4J_URI": info.uri,
               "MARKETGRAPH_NEO4J_PASSWORD": info.password, "MARKETGRAPH_STATE_DIR": str(state),
               "COLUMNS": str(columns)}  # fmt: skip
        return subprocess.run([sys.executable, "-m", "api.cli", *args],
                              capture_output=True, text=True, timeout=600, env=env)  # fmt: skip

    return run


@pytest.fixture(scope="module")
def repeated(graph: Database, service: CopyService) -> str:
    """A customer with a draft from every e-mail template already: the next e-mail for them
    repeats one (the near-duplicate rail blocks it)."""
    customer = customers(graph, 3)[0]
    for draft in service.write(customer, Channel.EMAIL, variants=4, requested_by="test"):
        assert draft.passed, draft
    return customer


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_copy_write_exits_3_and_says_why_when_no_variant_passed(
    graph: Database, repeated: str, cli: Cli
) -> None:
    ran = cli("copy", "write", repeated, "--variants", "2")
    assert ran.returncode == 3, ran.stdout + ran.stderr
    blocked = [d for d in list_drafts(graph, customer_id=repeated, limit=100)
               if d["status"] == "rejected"]  # fmt: skip
    assert len(blocked) == 2
    said = _one_line(ran.stderr)
    for draft in blocked:  # each variant named, with the rail that blocked it and why
        assert f"({draft['draft_id']}) blocked by near_duplicate (" in said
    assert "word 3-grams" in said and "No draft to review" in said
    assert "Review with" not in ran.stdout
    assert "Exit code 3" in _one_line(cli("copy", "write", "--help").stdout)


def test_copy_list_refuses_an_unknown_status_and_names_the_valid_ones(cli: Cli) -> None:
    ran = cli("copy", "list", "--status", "bogus")
    assert ran.returncode == 2
    for status in ("draft", "approved", "rejected"):
        assert f"'{status}'" in ran.stderr
    assert cli("copy", "list", "--status", "rejected").returncode == 0


def test_a_batch_records_who_ran_it(graph: Database, service: CopyService) -> None:
    """Drafts a batch writes name the job or command that ran it as their origin."""
    batch = customers(graph, 6)[4:6]
    report = service.write_batch(batch, Channel.EMAIL, requested_by="jobs run refresh")
    assert len(report.drafts) == 2
    origins = graph.query(
        "UNWIND $ids AS id MATCH (d:CopyDraft {draft_id: id}) RETURN DISTINCT d.requested_by AS by",
        {"ids": report.drafts},
    )
    assert origins == [{"by": "jobs run refresh"}]


def _owned_sku(db: Database, customer: str) -> str:
    return str(db.query(
        "MATCH (:Customer {customer_id: $c})<-[:RESOLVES_TO]-()-[:PERFORMED]->(o:Order)"
        "-[:CONTAINS]->(p:Product) WHERE coalesce(o.status, 'paid') = 'paid' "
        "RETURN p.sku AS sku ORDER BY sku LIMIT 1", {"c": customer},
    )[0]["sku"])  # fmt: skip


def test_copy_write_refuses_a_product_the_customer_already_bought(
    graph: Database, cli: Cli
) -> None:
    customer = customers(graph, 3)[1]
    sku = _owned_sku(graph, customer)
    ran = cli("copy", "write", customer, "--product", sku)
    assert ran.returncode == 2, ran.stdout + ran.stderr
    said = _one_line(ran.stderr)
    assert f"{customer} already bought" in said and f"({sku})" in said
    assert "leave the product out" in said and "Traceback" not in ran.stderr
    assert not list_drafts(graph, customer_id=customer, limit=10)


@pytest.mark.asyncio
async def test_the_api_refuses_a_product_the_customer_already_bought_on_its_field(
    graph: Database, settings: Settings
) -> None:
    customer = customers(graph, 3)[1]
    sku = _owned_sku(graph, customer)
    try:
        async with api_client(api_settings(settings, copy_writer="grounded")) as client:
            body = await gql(client, GENERATE, {"c": customer, "sku": sku}, role="marketer")
    finally:
        SHARED.close()
    assert codes(body) == ["BAD_USER_INPUT"], body
    [field] = body["errors"][0]["extensions"]["fields"]
    assert field["field"] == "sku" and f"{customer} already bought {sku}" in field["message"]
    assert not list_drafts(graph, customer_id=customer, limit=10)


def _register(db: Database) -> None:
    """Two registry rows with ids as long as training makes them, the cross-sell one serving."""
    db.query(
        "UNWIND [[$x, 'cross_sell', 'popularity', true], [$p, 'propensity', "
        "'gbdt_graph_features', false]] AS v MERGE (m:ModelVersion {version: v[0]}) "
        "SET m.task = v[1], m.model = v[2], m.serving = v[3], m.scored_at = datetime(), "
        "m.created_at = datetime(), m.metrics = '{}'",
        {"x": XSELL, "p": PROPENSITY}, write=True,
    )  # fmt: skip


def _recommend(db: Database, customer: str) -> None:
    """A serving recommendation with facts, as a scoring run writes it."""
    db.query(
        "MATCH (c:Customer {customer_id: $c}) MATCH (p:Product) WHERE NOT coalesce("
        "p.discontinued, false) AND NOT EXISTS { "
        "(c)<-[:RESOLVES_TO]-()-[:PERFORMED]->()-[:CONTAINS]->(p) } WITH c, p ORDER BY p.sku "
        "LIMIT 1 MERGE (c)-[r:RECOMMENDED {model_version: $v}]->(p) SET r.rank = 1, "
        "r.score = 0.9, r.confidence = 'high', r.reasons = ['Best seller #1 over the last 120 "
        "days.'], r.facts = ['Category:' + p.category, 'Industry:professional services', "
        "'Product:' + p.sku]",
        {"c": customer, "v": XSELL}, write=True,
    )  # fmt: skip


def test_ids_stay_whole_in_an_80_column_terminal(graph: Database, repeated: str, cli: Cli) -> None:
    listed = cli("copy", "list", columns=80)
    assert listed.returncode == 0, listed.stderr
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    drafts = list_drafts(graph, customer_id=repeated, limit=20)
    assert drafts
    for draft in drafts:
        assert draft["draft_id"] in listed.stdout and draft["customer_id"] in listed.stdout
    _register(graph)
    models = cli("models", "list", columns=80)
    assert models.returncode == 0, models.stderr
    assert XSELL in models.stdout and PROPENSITY in models.stdout
    _recommend(graph, repeated)
    recommended = cli("recommend", repeated, columns=80)
    assert recommended.returncode == 0, recommended.stderr
    assert "…" not in recommended.stdout  # node ids in the facts fold, never cut


def _single_records(db: Database, n: int, least: int = 1, most: int = 1) -> list[str]:
    """One record of each of `n` active customers holding `least`..`most` records."""
    return [str(r["r"]) for r in db.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c:Customer {status: 'active'}) "
        "WITH c, collect(r.record_id) AS records WHERE $least <= size(records) <= $most "
        "RETURN records[0] AS r ORDER BY r LIMIT $n", {"n": n, "least": least, "most": most},
    )]  # fmt: skip


def _customer_of(db: Database, record: str) -> str:
    return str(db.query(
        "MATCH (:CustomerRecord {record_id: $r})-[:RESOLVES_TO]->(c) RETURN c.customer_id AS c",
        {"r": record},
    )[0]["c"])  # fmt: skip


def test_a_merged_customer_id_names_the_customer_that_holds_its_records(
    graph: Database, settings: Settings, cli: Cli
) -> None:
    """Merged twice (old → middle → survivor): recommend and copy write name the survivor
    instead of showing the scores the old id kept, or a generic "not found"."""
    a, b = _single_records(graph, 2)
    before = {a: _customer_of(graph, a), b: _customer_of(graph, b)}
    _register(graph)
    _recommend(graph, before[a])  # scored before the merge: the tombstone keeps these
    _recommend(graph, before[b])
    record_decision(graph, "customer", a, b, "accepted", "kim", "same person")
    resolve(graph, settings, incremental=True)
    middle = _customer_of(graph, a)
    old = before[b] if middle == before[a] else before[a]
    big = _single_records(graph, 1, least=3, most=20)[0]
    record_decision(graph, "customer", a, big, "accepted", "kim", "same person again")
    resolve(graph, settings, incremental=True)
    survivor = _customer_of(graph, a)
    assert survivor not in (old, middle), "the bigger customer keeps its id"
    [day] = graph.query(
        "MATCH (:Customer {customer_id: $old})<-[:INVOLVES]-(ev:ResolutionEvent {kind: 'merge'}) "
        "RETURN toString(date(ev.at)) AS d", {"old": old},
    )  # fmt: skip

    merged = f"{old} was merged into {middle} on {day['d']} (and {middle} into {survivor} since)"
    ran = cli("recommend", old)
    assert ran.returncode == 2, ran.stdout + ran.stderr
    assert f"{merged}; use {survivor}" in _one_line(ran.stderr)
    assert "Best seller" not in ran.stdout  # not the scores the old id kept
    wrote = cli("copy", "write", old)
    assert wrote.returncode == 2, wrote.stdout + wrote.stderr
    assert f"{merged}; use {survivor}" in _one_line(wrote.stderr)
    assert cli("recommend", "cus-nobody").returncode == 2
