"""GraphRAG copy (issue #5) against the real Neo4j, the real embedding model and real LangChain
classes: embeddings + vector index, grounded copy that passes every rail with every claim
cited, a seeded adversarial set the rails must catch, consent, review and export, the
recommendation contract, configuration errors and (when llama.cpp is installed) the local LLM
path with regeneration and fallback."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.db import Database
from graph.errors import ConfigurationError, ConsentError, CopyError
from graph.maintenance import delete_all_data
from graph.migrations import apply_migrations
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.copy import (
    Channel,
    CopyService,
    MiniLMEmbeddings,
    embedding_status,
    export_approved,
    get_draft,
    grounded,
    list_drafts,
    load_rules,
    refresh_embeddings,
    review,
    write_demo_copy,
)
from models.copy.adversarial import adversarial_cases, first_discontinued, load_others
from models.resolution import resolve

CONSENTING = """
MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord)
WITH c, collect(r) AS records
WHERE any(r IN records WHERE r.consent_email = true)
  AND none(r IN records WHERE r.consent_email = false)
  AND any(r IN records WHERE r.first_name IS NOT NULL)
  AND ($sms IS NULL OR $sms = (any(r IN records WHERE r.consent_sms = true)
                               AND none(r IN records WHERE r.consent_sms = false)))
OPTIONAL MATCH (c)<-[:RESOLVES_TO]-(:CustomerRecord)-[:PERFORMED]->(o:Order)
WITH c, count(o) AS orders
RETURN c.customer_id AS id ORDER BY orders DESC, id LIMIT $limit
"""


@pytest.fixture(scope="module")
def graph(db: Database, settings: Settings, demo_dir: Path) -> Database:
    """The demo company ingested and resolved once for this module, content embedded."""
    delete_all_data(db)
    apply_migrations(db)
    IngestRun(db, settings).run([demo_dir])
    resolve(db, settings)
    return db


@pytest.fixture(scope="module")
def embeddings() -> MiniLMEmbeddings:
    return MiniLMEmbeddings()


@pytest.fixture(scope="module")
def service(
    graph: Database, settings: Settings, embeddings: MiniLMEmbeddings
) -> Iterator[CopyService]:
    refresh_embeddings(graph, embeddings)
    with CopyService(graph, settings, embeddings=embeddings) as copy_service:
        yield copy_service


def customers(db: Database, limit: int, sms: bool | None = None) -> list[str]:
    """E-mail-consenting customers with a first name, most orders first."""
    return [r["id"] for r in db.query(CONSENTING, {"sms": sms, "limit": limit})]


def test_embeddings_are_written_idempotently_and_the_vector_index_finds_content(
    graph: Database, embeddings: MiniLMEmbeddings, service: CopyService
) -> None:
    status = embedding_status(graph)
    assert status["total"] > 50 and status["missing"] == 0 and status["embedded"] == status["total"]
    assert refresh_embeddings(graph, embeddings) == 0  # nothing changed, nothing written
    post = graph.query(
        "MATCH (c:Content {content_type: 'post'})-[:FEATURES]->(p:Product) "
        "RETURN c.content_id AS id, c.title AS title, collect(p.category) AS categories "
        "ORDER BY id LIMIT 1"
    )[0]
    graph.query(  # what ingest does when a text changes
        "MATCH (c:Content {content_id: $id}) REMOVE c.embedding", {"id": post["id"]}, write=True
    )
    assert embedding_status(graph)["missing"] == 1
    assert refresh_embeddings(graph, embeddings) == 1
    hits = service.retriever.related_content(post["title"], k=3)
    assert hits and hits[0].content_id == post["id"] and hits[0].score > 0.9
    assert all(h.content_type in ("post", "landing_page") for h in hits)
    # a topical query lands on content about that topic, not at random
    tents = service.retriever.related_content("tent and sleeping bag for camping", k=3)
    featured = graph.query(
        "UNWIND $ids AS id MATCH (:Content {content_id: id})-[:FEATURES]->(p:Product) "
        "RETURN collect(DISTINCT p.category) AS categories",
        {"ids": [h.content_id for h in tents]},
    )[0]["categories"]
    assert "Outdoor & Camping" in featured


def _assert_fact_in_graph(db: Database, fact: dict[str, Any]) -> None:
    """A cited fact must be what the graph holds (the test can fail on a wrong citation)."""
    if fact["label"] == "Product" and fact["property"] in ("name", "price", "category"):
        row = db.query(
            "MATCH (p:Product {sku: $sku}) RETURN p.name AS name, p.price AS price, "
            "p.category AS category",
            {"sku": fact["id"]},
        )[0]
        assert row[fact["property"]] == fact["value"], fact
    elif fact["label"] == "Product" and fact["property"].startswith("attributes."):
        attrs = db.query(
            "MATCH (p:Product {sku: $sku}) RETURN p.attributes AS a", {"sku": fact["id"]}
        )[0]["a"]
        assert json.loads(attrs)[fact["property"].split(".", 1)[1]] == fact["value"], fact
    elif fact["label"] == "CustomerRecord":
        value = db.query(
            "MATCH (r:CustomerRecord {record_id: $id}) RETURN r.first_name AS v", {"id": fact["id"]}
        )[0]["v"]
        assert value.lower() == str(fact["value"]).lower(), fact
    elif fact["label"] == "Content" and fact["property"] in ("title", "url"):
        row = db.query(
            "MATCH (c:Content {content_id: $id}) RETURN c.title AS title, c.url AS url",
            {"id": fact["id"]},
        )[0]
        assert row[fact["property"]] == fact["value"], fact


def test_grounded_copy_passes_every_rail_and_cites_every_claim(
    graph: Database, service: CopyService
) -> None:
    kinds: set[str] = set()
    checked = 0
    for customer_id in customers(graph, 6):
        for channel in (Channel.EMAIL, Channel.SOCIAL, Channel.AD):
            results = service.write(customer_id, channel, variants=2, store=False)
            assert len(results) == 2
            assert results[0].final.written.copy != results[1].final.written.copy
            for result in results:
                verdict = result.final.verdict
                assert result.final.written.writer == "grounded"
                assert verdict.passed, (channel, [r.as_json() for r in verdict.failed])
                assert verdict.coverage == 1.0
                assert verdict.claims and all(c.facts for c in verdict.claims)
                kinds |= {c.kind for c in verdict.claims}
                for claim in result.citations():
                    for fact in claim["facts"]:
                        _assert_fact_in_graph(graph, fact)
                        checked += 1
                assert result.retrieved.choice.explanation
    assert {"product", "price", "name"} <= kinds and checked > 50


def test_seeded_adversarial_set_is_caught(graph: Database, service: CopyService) -> None:
    customer_id = customers(graph, 1, sms=False)[0]
    retrieved = service.retrieve(customer_id, Channel.EMAIL)
    [base] = service.grounded.write(retrieved)
    assert service.rails.check(base.copy, retrieved).passed  # the seed itself is clean
    sku = first_discontinued(graph)
    assert sku is not None
    discontinued = service.retriever.products([sku])[sku]
    cases = adversarial_cases(
        retrieved, base.copy, load_others(graph, customer_id),
        discontinued=discontinued, no_consent_channel=Channel.SMS,
    )  # fmt: skip
    assert len(cases) >= 25
    missed = []
    for case in cases:
        verdict = service.rails.check(case.copy, case.retrieved)
        if case.expect not in {r.rail for r in verdict.failed}:
            missed.append(
                (case.name, [r.as_json() for r in verdict.results if r.rail == case.expect])
            )
    assert not missed, missed


def test_names_outside_ascii_are_caught_by_the_pii_rail(
    graph: Database, service: CopyService
) -> None:
    """Another customer's name with accents (Étienne, Müller, Noël) is a leak like any other;
    the name scan once only saw A–Z and let them through."""
    from dataclasses import replace

    customer_id = customers(graph, 1, sms=False)[0]
    retrieved = service.retrieve(customer_id, Channel.EMAIL)
    [base] = service.grounded.write(retrieved)
    rows = graph.query(
        "MATCH (r:CustomerRecord) WHERE r.full_name =~ $non_ascii "
        "AND size(split(trim(r.full_name), ' ')) = 2 AND r.first_name IS NOT NULL "
        "AND NOT (r)-[:RESOLVES_TO]->(:Customer {customer_id: $c}) "
        "RETURN trim(r.full_name) AS name, trim(r.first_name) AS first ORDER BY r.record_id "
        "LIMIT 3",
        {"c": customer_id, "non_ascii": r".*[^\x00-\x7F].*"},
    )
    assert rows, "the demo data should hold accented names"
    for row in rows:
        assert not row["name"].isascii()
        body = f"{base.copy.body}\n\n{row['name']} loved it too."
        verdict = service.rails.check(replace(base.copy, body=body), retrieved)
        pii = next(r for r in verdict.results if r.rail == "pii")
        assert not pii.passed and any(row["name"].lower() in d for d in pii.details), pii
    stranger = next((r["first"] for r in rows if not r["first"].isascii()), None)
    if stranger is not None:
        greeted = replace(base.copy, body=f"Hi {stranger},\n\n{base.copy.body}")
        pii = next(r for r in service.rails.check(greeted, retrieved).results if r.rail == "pii")
        assert not pii.passed, pii


def test_no_copy_for_a_channel_without_consent_and_erased_people_are_never_retrieved(
    graph: Database, service: CopyService
) -> None:
    customer_id = customers(graph, 1, sms=False)[0]
    before = len(list_drafts(graph, customer_id=customer_id, limit=100))
    with pytest.raises(ConsentError, match="consent_sms"):
        service.write(customer_id, Channel.SMS)
    assert len(list_drafts(graph, customer_id=customer_id, limit=100)) == before
    sms_ok = customers(graph, 1, sms=True)[0]
    [sms] = service.write(sms_ok, Channel.SMS, store=False)
    assert sms.passed and len(sms.final.written.copy.body) <= 160
    assert sms.final.written.copy.body.endswith("Reply STOP to opt out")

    erased = customers(graph, 3)[2]
    graph.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(:Customer {customer_id: $id}) "
        "WITH r LIMIT 1 SET r.status = 'erased'",
        {"id": erased},
        write=True,
    )
    try:
        with pytest.raises(CopyError, match="no contactable customer"):
            service.write(erased, Channel.EMAIL)
    finally:
        graph.query("MATCH (r:CustomerRecord {status: 'erased'}) SET r.status = null", write=True)


def test_drafts_review_and_export_only_approved(
    graph: Database, service: CopyService, tmp_path: Path
) -> None:
    keep, drop, withdrawn = customers(graph, 12)[9:12]
    approved = service.write(keep, Channel.EMAIL)[0].draft_id
    rejected = service.write(drop, Channel.EMAIL)[0].draft_id
    later = service.write(withdrawn, Channel.EMAIL)[0].draft_id
    links = graph.query(
        "MATCH (d:CopyDraft {draft_id: $id})-[:FOR]->(c:Customer), (d)-[:PROMOTES]->(p:Product) "
        "RETURN c.customer_id AS c, p.sku AS sku, d.status AS status, d.writer AS writer, "
        "d.source_system AS source, d.first_run AS run, d.created_at IS NOT NULL AS dated",
        {"id": approved},
    )
    assert links and links[0]["c"] == keep and links[0]["status"] == "draft"
    assert links[0]["writer"] == "grounded" and links[0]["source"] and links[0]["run"]
    stored = get_draft(graph, approved)
    assert stored["citations"] and stored["rail_results"]["passed"] is True

    review(graph, approved, "approved", "alice", "on brand")
    review(graph, rejected, "rejected", "bob", "too generic")
    review(graph, later, "approved", "alice", None)
    with pytest.raises(CopyError, match="cannot be approved"):
        review(graph, rejected, "approved", "carol", None)
    with pytest.raises(CopyError, match="unknown draft"):
        review(graph, "cd-does-not-exist", "approved", "carol", None)
    # the person withdraws e-mail consent after approval: export must skip them
    graph.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(:Customer {customer_id: $id}) "
        "SET r.consent_email = false",
        {"id": withdrawn},
        write=True,
    )
    rules = load_rules()
    written, held = export_approved(graph, rules, tmp_path / "approved.csv")
    rows = list(csv.DictReader((tmp_path / "approved.csv").open(encoding="utf-8")))
    assert written == 1 and [r["draft_id"] for r in rows] == [approved]
    assert held == {later: "the customer withdrew email consent since approval"}
    assert rows[0]["to"] and rows[0]["approved_by"] == "alice"
    # exported once: the next export does not send it again, unless asked to
    assert export_approved(graph, rules, tmp_path / "next.jsonl")[0] == 0
    export_approved(graph, rules, tmp_path / "approved.jsonl", again=True)
    lines = (tmp_path / "approved.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["draft_id"] for line in lines] == [approved]
    with pytest.raises(CopyError, match=r"\.csv or \.jsonl"):
        export_approved(graph, rules, tmp_path / "approved.xlsx")
    (tmp_path / "taken.csv").mkdir()  # a folder where the file should go: a clear error
    with pytest.raises(CopyError, match="cannot write"):
        export_approved(graph, rules, tmp_path / "taken.csv", again=True)
    assert not list(tmp_path.glob(".*.part"))  # no half-written file left behind
    # a draft that failed the guardrails can never be approved
    graph.query(
        "MATCH (d:CopyDraft {draft_id: $id}) SET d.rails_passed = false", {"id": rejected},
        write=True,
    )  # fmt: skip
    review(graph, approved, "rejected", "alice", "withdrawn")  # approved → rejected is allowed
    assert get_draft(graph, approved)["status"] == "rejected"


def test_a_rejected_draft_does_not_block_the_next_one_as_a_repeat(
    graph: Database, service: CopyService
) -> None:
    """A draft a reviewer rejected was never sent: the next one for the customer is not a
    near-duplicate of it."""
    customer = customers(graph, 14)[13]
    every = grounded.TEMPLATES[Channel.EMAIL]  # one draft per template: the next repeats one
    for draft in service.write(customer, Channel.EMAIL, variants=every):
        assert draft.passed, draft
        review(graph, draft.draft_id, "rejected", "bob", "not now")
    again = service.write(customer, Channel.EMAIL)[0]
    assert again.passed, [r.as_json() for r in again.final.verdict.failed]


def test_export_sends_one_variant_per_person_and_holds_back_changed_products(
    graph: Database, service: CopyService, tmp_path: Path
) -> None:
    """Two approved variants for one person: one goes, the other waits for the next export.
    A draft whose product was discontinued or changed (price) after approval is held back
    with why: its text quotes what is no longer true."""
    first, second = customers(graph, 17)[15:17]
    a, b = (d.draft_id for d in service.write(first, Channel.EMAIL, variants=2))
    other = service.write(second, Channel.EMAIL)[0]
    for draft in (a, b, other.draft_id):
        review(graph, draft, "approved", "alice", None)
    graph.query(  # the catalog changes after approval: a new price for the second's product
        "MATCH (d:CopyDraft {draft_id: $d})-[:PROMOTES]->(p:Product) "
        "SET p.price = p.price + 1, p.row_hash = p.row_hash + 1, p.last_changed = datetime()",
        {"d": other.draft_id},
        write=True,
    )  # fmt: skip
    written, held = export_approved(graph, load_rules(), tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["draft_id"] for r in rows] == [a] and written == 1 and rows[0]["variant"] == "0"
    assert (
        "another approved variant" in held[b] and "changed since approval" in held[other.draft_id]
    )
    written, held = export_approved(graph, load_rules(), tmp_path / "later.csv")
    assert written == 1 and b not in held  # the other variant goes next time


def test_serving_recommendation_drives_the_product_and_is_recorded(
    graph: Database, service: CopyService
) -> None:
    customer_id = customers(graph, 14)[13]
    product = graph.query(
        "MATCH (p:Product) WHERE NOT coalesce(p.discontinued, false) AND NOT EXISTS { "
        "MATCH (:Customer {customer_id: $id})<-[:RESOLVES_TO]-()-[:PERFORMED]->()-[:CONTAINS]->(p)"
        " } RETURN p.sku AS sku ORDER BY p.sku DESC LIMIT 2",
        {"id": customer_id},
    )
    serving, stale = product[0]["sku"], product[1]["sku"]
    graph.query(
        "MERGE (s:ModelVersion {version: 'copy-test-serving'}) "
        "SET s.task = 'cross_sell', s.serving = true "
        "MERGE (o:ModelVersion {version: 'copy-test-old'}) "
        "SET o.task = 'cross_sell', o.serving = false "
        "WITH s, o MATCH (c:Customer {customer_id: $id}), (p:Product {sku: $serving}), "
        "(q:Product {sku: $stale}) "
        "MERGE (c)-[:RECOMMENDED {model_version: 'copy-test-old', rank: 1, score: 0.99}]->(q) "
        "MERGE (c)-[r:RECOMMENDED {model_version: 'copy-test-serving'}]->(p) "
        "SET r.rank = 1, r.score = 0.8, r.confidence = 'high', "
        "r.reasons = ['customers at your company bought it']",
        {"id": customer_id, "serving": serving, "stale": stale},
        write=True,
    )
    try:
        [result] = service.write(customer_id, Channel.EMAIL)
        choice = result.retrieved.choice
        assert choice.product.sku == serving and choice.rule == "recommendation"
        assert choice.model_version == "copy-test-serving" and "rank 1" in choice.explanation
        used = graph.query(
            "MATCH (d:CopyDraft {draft_id: $id})-[:USED_MODEL]->(m:ModelVersion) "
            "RETURN m.version AS v, d.model_version AS mv",
            {"id": result.draft_id},
        )
        assert used == [{"v": "copy-test-serving", "mv": "copy-test-serving"}]
    finally:
        graph.query(
            "MATCH (m:ModelVersion) WHERE m.version STARTS WITH 'copy-test' DETACH DELETE m "
            "WITH 1 AS x MATCH ()-[r:RECOMMENDED]->() WHERE r.model_version STARTS WITH "
            "'copy-test' DELETE r",
            write=True,
        )
    # without a recommendation the stated best-seller rule picks the product, never one owned
    [fallback] = service.write(customer_id, Channel.AD, store=False)
    owned = fallback.retrieved.customer.owned_skus()
    assert fallback.retrieved.choice.rule.endswith("best_seller")
    assert fallback.retrieved.choice.product.sku not in owned
    assert "rule" in fallback.retrieved.choice.explanation


def test_llm_writer_without_a_model_is_a_clear_configuration_error(
    graph: Database, settings: Settings, embeddings: MiniLMEmbeddings
) -> None:
    for model, message in ((None, "MARKETGRAPH_LLM_MODEL"), ("nosuchprovider:x", "cannot be used")):
        configured = settings.model_copy(update={"llm_model": model})
        with (
            CopyService(graph, configured, embeddings=embeddings) as copy_service,
            pytest.raises(ConfigurationError, match=message),
        ):
            copy_service.write(customers(graph, 1)[0], Channel.EMAIL, writer="llm")


def test_local_llm_output_is_railed_regenerated_or_replaced_and_fully_cited(
    graph: Database, settings: Settings, embeddings: MiniLMEmbeddings
) -> None:
    pytest.importorskip("llama_cpp")
    configured = settings.model_copy(update={"llm_model": "llamacpp", "llm_max_tokens": 96})
    with CopyService(graph, configured, embeddings=embeddings) as copy_service:
        [result] = copy_service.write(customers(graph, 16)[15], Channel.EMAIL, writer="llm")
    assert result.attempts[0].written.writer == "llm"
    assert result.attempts[0].written.writer_version.startswith("llm:llamacpp:SmolLM2")
    assert result.passed and result.final.verdict.coverage == 1.0
    assert result.fell_back == (result.final.written.writer == "grounded")
    if result.fell_back:  # regenerated once with feedback, then replaced
        assert [a.written.writer for a in result.attempts] == ["llm", "llm", "grounded"]
    stored = get_draft(graph, result.draft_id)
    assert stored["requested_writer"] == "llm" and stored["writer"] == result.final.written.writer
    assert len(stored["rail_results"]["attempts"]) == len(result.attempts)


def test_demo_step_drafts_emails_that_pass(graph: Database, settings: Settings) -> None:
    summary = write_demo_copy(graph, settings, customers=2)
    assert summary.embedded == 0  # the module's content is embedded already
    assert len(summary.drafts) == 2 and summary.passed == 2
    statuses = graph.query(
        "UNWIND $ids AS id MATCH (d:CopyDraft {draft_id: id}) RETURN d.status AS s, "
        "d.channel AS c, d.requested_by AS by",
        {"ids": summary.drafts},
    )  # the origin a reviewer sees is the command that ran: no "marketgraph" or made-up one
    assert statuses == [{"s": "draft", "c": "email", "by": "marketgraph demo"}] * 2
