"""Cross-sell and propensity against the real Neo4j: the demo set ingested, resolved, trained.

One module-scoped graph (ingest + resolve + first training run) serves every test here; tests
that change the registry run in file order after the read-only ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ModelError
from graph.maintenance import delete_all_data
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.linkpred import (
    GraphFrames,
    export_graph,
    list_versions,
    promote,
    rollback,
    score,
    train,
)
from models.linkpred.drift import psi, reference_bins
from models.linkpred.features import Vocabulary
from models.linkpred.gnn import GNNRanker
from models.linkpred.gnn_net import DECODERS, BlockedPairMLP, Decoder
from models.linkpred.metrics import ranking_metrics
from models.linkpred.propensity import fit_propensity
from models.linkpred.scoring import score_all
from models.linkpred.service import TrainOutcome
from models.linkpred.snapshot import PAIR_SIGNALS, Snapshot
from models.linkpred.windows import Labels, Window, plan_windows, window_labels
from models.resolution import resolve

FAST = {"linkpred_epochs": 20, "linkpred_hidden": 32}


@pytest.fixture(scope="module")
def model_settings(settings: Settings) -> Settings:
    return settings.model_copy(update=FAST)


@pytest.fixture(scope="module")
def trained(db: Database, model_settings: Settings, demo_dir: Path) -> Iterator[TrainOutcome]:
    delete_all_data(db)
    IngestRun(db, model_settings).run([demo_dir])
    resolve(db, model_settings)
    yield train(db, model_settings)


@pytest.fixture(scope="module")
def frames(db: Database, trained: TrainOutcome) -> GraphFrames:
    return export_graph(db)


def serving(db: Database, task: str) -> str:
    rows = [r for r in list_versions(db, task) if r["serving"]]
    assert len(rows) == 1, rows
    return str(rows[0]["version"])


def recommendations(db: Database, version: str | None = None) -> dict[str, list[str]]:
    rows = db.query(
        "MATCH (c:Customer)-[r:RECOMMENDED]->(p:Product) "
        "WHERE ($version IS NULL AND EXISTS { (m:ModelVersion {serving: true, task: 'cross_sell'}) "
        "WHERE m.version = r.model_version }) OR r.model_version = $version "
        "RETURN c.customer_id AS c, p.sku AS sku, r.rank AS rank ORDER BY c, rank",
        {"version": version},
    )
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row["c"], []).append(row["sku"])
    return out


def test_training_registers_both_tasks_with_every_model_and_serves_the_first(
    db: Database, trained: TrainOutcome
) -> None:
    versions = {r["version"]: r for r in list_versions(db)}
    assert set(trained.versions.values()) <= set(versions)
    cross = json.loads(versions[trained.versions["cross_sell"]]["metrics"])
    assert set(cross["models"]) == {"popularity", "co_purchase", "tabular_gbdt", "gnn_sage"}
    for model in cross["models"].values():
        assert {"ndcg@10", "hit@10", "mrr", "auc"} <= set(model["test"])
        assert 0.0 <= model["test"]["ndcg@10"] <= 1.0
    # The GNN serves only when it beat the best baseline on validation.
    gnn = cross["models"]["gnn_sage"]["validation"]["ndcg@10"]
    best = max(m["validation"]["ndcg@10"] for n, m in cross["models"].items() if n != "gnn_sage")
    assert (cross["chosen"] == "gnn_sage") == (gnn > best)
    propensity = json.loads(versions[trained.versions["propensity"]]["metrics"])
    for model in propensity["models"].values():
        assert {"auc", "brier", "ece"} <= set(model["test"])
    assert trained.promoted
    assert serving(db, "cross_sell") == trained.versions["cross_sell"]
    assert serving(db, "propensity") == trained.versions["propensity"]


def test_scores_carry_the_version_and_cover_every_customer(
    db: Database, trained: TrainOutcome, model_settings: Settings
) -> None:
    customers = db.query("MATCH (c:Customer {status: 'active'}) RETURN count(c) AS n")[0]["n"]
    scored = db.query(
        "MATCH (c:Customer)-[s:SCORED_BY]->(m:ModelVersion {version: $v}) "
        "RETURN count(DISTINCT c) AS n, min(s.probability) AS lo, max(s.probability) AS hi",
        {"v": trained.versions["propensity"]},
    )[0]
    assert scored["n"] == customers
    assert 0.0 <= scored["lo"] <= scored["hi"] <= 1.0
    recs = recommendations(db, trained.versions["cross_sell"])
    assert len(recs) == customers
    assert all(len(skus) == model_settings.linkpred_top_k for skus in recs.values())
    accounts = db.query(
        "MATCH (a:Account)-[s:SCORED_BY]->(:ModelVersion {version: $v}) RETURN count(a) AS n",
        {"v": trained.versions["propensity"]},
    )[0]["n"]
    assert accounts > 0


def test_nobody_is_recommended_what_they_bought_or_a_discontinued_product(
    db: Database, trained: TrainOutcome
) -> None:
    bad = db.query(
        "MATCH (c:Customer)-[r:RECOMMENDED]->(p:Product) "
        "WHERE p.discontinued OR EXISTS { (c)<-[:RESOLVES_TO]-(:CustomerRecord)-[:PERFORMED]->"
        "(o:Order {status: 'paid'})-[:CONTAINS]->(p) } RETURN count(r) AS n"
    )[0]["n"]
    assert bad == 0


def test_every_recommendation_explains_itself_with_facts_that_exist(
    db: Database, trained: TrainOutcome
) -> None:
    rows = db.query(
        "MATCH (c:Customer)-[r:RECOMMENDED]->(:Product) "
        "RETURN r.reasons AS reasons, r.facts AS facts, r.confidence AS confidence LIMIT 300"
    )
    assert rows and all(r["reasons"] and r["confidence"] in {"low", "medium", "high"} for r in rows)
    facts = {f for r in rows for f in r["facts"]}
    assert any(f.startswith("Product:") for f in facts)
    lookups = {
        "Product": "MATCH (n:Product {sku: $id}) RETURN count(n) AS n",
        "Content": "MATCH (n:Content {content_id: $id}) RETURN count(n) AS n",
        "Industry": "MATCH (n:Industry {name: $id}) RETURN count(n) AS n",
    }
    for fact in sorted(facts)[:60]:
        label, _, key = fact.partition(":")
        if label in lookups:
            assert db.query(lookups[label], {"id": key})[0]["n"] == 1, fact


def test_features_ignore_everything_after_the_cutoff(frames: GraphFrames) -> None:
    """No leakage: deleting all events after a cut-off changes nothing the models see at it."""
    plan = plan_windows(frames, 60)
    at = plan.test.input_end
    vocabulary = Vocabulary.from_frames(frames)
    past_only = frames.until(at)
    full, cut = (
        Snapshot.build(frames, at, 60, vocabulary),
        Snapshot.build(past_only, at, 60, vocabulary),
    )
    assert full.customer_table.equals(cut.customer_table)
    assert full.product_table.equals(cut.product_table)
    assert (full.owned != cut.owned).nnz == 0
    labels = window_labels(frames, plan.test)
    owned_before = set(
        map(
            tuple, frames.purchases[frames.purchases["at"] < at][["customer", "product"]].to_numpy()
        )
    )
    assert len(labels.new_pairs) > 0
    assert not owned_before & set(map(tuple, labels.new_pairs))


def test_training_is_deterministic_for_a_seed(frames: GraphFrames) -> None:
    plan = plan_windows(frames, 60, train_windows=2)
    vocabulary = Vocabulary.from_frames(frames)

    def prepared(window: Window) -> tuple[Snapshot, Labels]:
        return Snapshot.build(frames, window.input_end, 60, vocabulary), window_labels(
            frames, window
        )

    training, validation = [prepared(w) for w in plan.train], prepared(plan.validation)
    customers = np.arange(frames.n_customers)
    scores = []
    for _ in range(2):
        gnn = GNNRanker(validation, hidden=16, epochs=6, eval_every=3)
        gnn.fit(training, seed=3)
        scores.append(gnn.score(validation[0], customers))
    assert np.array_equal(scores[0], scores[1])
    other = GNNRanker(validation, hidden=16, epochs=6, eval_every=3)
    other.fit(training, seed=4)
    assert not np.array_equal(scores[0], other.score(validation[0], customers))


SmallGNN = tuple[GNNRanker, tuple[Snapshot, Labels], tuple[Snapshot, Labels], Vocabulary]


@pytest.fixture(scope="module")
def small_gnn(frames: GraphFrames) -> SmallGNN:
    """A quickly trained GNN on one window, with its training and validation windows."""
    plan = plan_windows(frames, 60, train_windows=1)
    vocabulary = Vocabulary.from_frames(frames)
    training, validation = [
        (Snapshot.build(frames, w.input_end, 60, vocabulary), window_labels(frames, w))
        for w in (*plan.train, plan.validation)
    ]
    gnn = GNNRanker(validation, hidden=16, epochs=3, eval_every=3)
    gnn.fit([training], seed=5)
    return gnn, training, validation, vocabulary


def test_gnn_scores_a_few_customers_exactly_as_it_scores_everyone(
    frames: GraphFrames, small_gnn: SmallGNN
) -> None:
    """Training steps and small scoring calls compute only the batch's receptive field; that
    must be the same arithmetic as the full-graph pass, not an approximation."""
    gnn, _, validation, _ = small_gnn
    # A snapshot object the GNN has not embedded (its cache is per object): `few` must take
    # the receptive-field path, not read a cached full pass.
    snapshot = Snapshot.build(frames, validation[0].at, 60, validation[0].vocabulary)
    few = np.random.default_rng(0).choice(frames.n_customers, 25, replace=False)
    assert len(few) * 4 < frames.n_customers  # takes the receptive-field path
    partial = gnn.score(snapshot, few)
    everyone = gnn.score(snapshot, np.arange(frames.n_customers))
    assert partial.shape == (25, frames.n_products)
    assert np.allclose(partial, everyone[few], atol=1e-5)


def test_scoring_everyone_with_a_gnn_encodes_the_graph_once(
    frames: GraphFrames, small_gnn: SmallGNN
) -> None:
    """`score_all` asks chunk by chunk, and a chunk's receptive field is most of the graph
    (customers share products): the graph is encoded once per scoring run, not per chunk."""
    gnn, training, validation, vocabulary = small_gnn
    propensity, _ = fit_propensity([training], validation, validation, seed=5)
    assert gnn.model is not None
    encoded: list[int] = []
    hook = gnn.model.encoder.register_forward_hook(lambda *_: encoded.append(1))
    chunk = 16
    assert chunk * 4 < frames.n_customers  # alone, each chunk would take its receptive field
    now = Snapshot.build(frames, frames.last_event_at + 1, 60, vocabulary)
    try:
        result = score_all(frames, now, gnn, propensity, k=5, chunk=chunk)
    finally:
        hook.remove()
    assert len(encoded) == 1
    assert result.recommendations > 0
    assert {row["customer_id"] for row in result.rows} <= set(frames.customers["customer_id"])


@pytest.mark.parametrize("kind", DECODERS)
def test_every_decoder_scores_pairs_as_it_scores_the_catalog(kind: str) -> None:
    """Training on sampled pairs (BCE) and on the catalog (softmax, scoring) must be one
    function; a linear decoder's checkpoint loads into every kind and scores the same."""
    torch.manual_seed(0)
    decoder, linear = Decoder(8, kind), Decoder(8, "linear")
    z_customer, z_product = torch.randn(5, 8), torch.randn(7, 8)
    signals = torch.rand(len(PAIR_SIGNALS), 5, 7)
    with torch.no_grad():
        for module in decoder.modules():  # leave the MLP's zero start: make it count
            if isinstance(module, torch.nn.Linear):
                module.weight.add_(0.1)
        catalog = decoder.all_products(z_customer, z_product, signals)
        customers, products = torch.meshgrid(torch.arange(5), torch.arange(7), indexing="ij")
        pairs = decoder.pairs(
            z_customer[customers.flatten()],
            z_product[products.flatten()],
            signals[:, customers.flatten(), products.flatten()].T,
        )
        assert torch.allclose(catalog.flatten(), pairs, atol=1e-5)
        decoder.load_state_dict(linear.state_dict())
        assert torch.equal(
            decoder.all_products(z_customer, z_product, signals),
            linear.all_products(z_customer, z_product, signals),
        )


def test_blocked_pair_mlp_has_the_gradients_of_two_linear_layers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(BlockedPairMLP, "block", 7)  # several blocks and a ragged last one
    generator = torch.Generator().manual_seed(0)
    shapes = ((5, 30), (6, 5), (6,), (1, 6), (1,))
    args = [
        torch.randn(shape, dtype=torch.float64, generator=generator, requires_grad=True)
        for shape in shapes
    ]
    assert torch.autograd.gradcheck(BlockedPairMLP.apply, args)
    flat, w1, b1, w2, b2 = args
    reference = (w2 @ (w1 @ flat + b1[:, None]).relu() + b2[:, None])[0]
    assert torch.allclose(BlockedPairMLP.apply(*args), reference)


def test_ranking_metrics_reward_the_right_order() -> None:
    scores = np.asarray([[0.9, 0.1, 0.5, 0.2], [0.1, 0.9, 0.5, 0.2]])
    perfect = ranking_metrics(
        scores, [np.asarray([0]), np.asarray([1])], [np.asarray([], int)] * 2, k=2
    )
    worst = ranking_metrics(
        -scores, [np.asarray([0]), np.asarray([1])], [np.asarray([], int)] * 2, k=2
    )
    assert perfect["ndcg@2"] == 1.0 and perfect["mrr"] == 1.0 and perfect["auc"] == 1.0
    assert worst["hit@2"] == 0.0 and worst["auc"] == 0.0
    # An owned product is never a candidate, even when it scores best.
    owned = ranking_metrics(scores[:1], [np.asarray([2])], [np.asarray([0])], k=1)
    assert owned["hit@1"] == 1.0


def test_population_stability_flags_a_moved_distribution() -> None:
    rng = np.random.default_rng(0)
    reference = reference_bins(rng.normal(0, 1, 5_000))
    assert psi(reference, rng.normal(0, 1, 5_000)) < 0.05
    assert psi(reference, rng.normal(1.5, 1, 5_000)) > 0.25


def test_a_new_customer_gets_a_low_confidence_score_from_company_and_industry(
    db: Database, trained: TrainOutcome, model_settings: Settings
) -> None:
    account = db.query(
        "MATCH (a:Account)<-[:RESOLVES_TO]-(:AccountRecord)-[:IN_INDUSTRY]->(i:Industry) "
        "RETURN a.account_id AS a, i.name AS industry ORDER BY a LIMIT 1"
    )[0]
    db.query(
        "MERGE (c:Customer {customer_id: $id}) SET c.status = 'active', c.source_system = 'test', "
        "c.source_id = $id WITH c MATCH (a:Account {account_id: $account}) "
        "MERGE (c)-[w:WORKS_AT]->(a) "
        "SET w.source_system = 'test', w.source_id = $id",
        {"id": "CUST-COLD-START", "account": account["a"]},
        write=True,
    )
    score(db, model_settings, trained.run_id)
    params: dict[str, Any] = {"customer_id": "CUST-COLD-START", "version": None}
    recs = db.query(load_query("linkpred/customer_recommendations"), params)
    assert len(recs) == model_settings.linkpred_top_k
    assert {r["confidence"] for r in recs} == {"low"}
    assert "company and industry" in recs[0]["confidence_note"]
    propensity = db.query(load_query("linkpred/customer_propensity"), params)
    assert len(propensity) == 1 and 0.0 <= propensity[0]["probability"] <= 1.0


def test_a_product_discontinued_after_scoring_is_no_longer_recommended(
    db: Database, trained: TrainOutcome
) -> None:
    [row] = db.query(
        "MATCH (m:ModelVersion {task: 'cross_sell', serving: true}) "
        "MATCH (c:Customer)-[r:RECOMMENDED {model_version: m.version}]->(p:Product) "
        "RETURN c.customer_id AS c, p.sku AS sku ORDER BY c, r.rank LIMIT 1"
    )
    params: dict[str, Any] = {"customer_id": row["c"], "version": None}
    assert row["sku"] in {r["sku"] for r in db.query(load_query(RECS), params)}
    db.query("MATCH (p:Product {sku: $s}) SET p.discontinued = true", {"s": row["sku"]}, write=True)
    try:
        assert row["sku"] not in {r["sku"] for r in db.query(load_query(RECS), params)}
    finally:
        db.query(
            "MATCH (p:Product {sku: $s}) SET p.discontinued = false",
            {"s": row["sku"]},
            write=True,
        )


RECS = "linkpred/customer_recommendations"


def test_promote_then_rollback_restores_the_previous_scores(
    db: Database, trained: TrainOutcome, model_settings: Settings
) -> None:
    before = recommendations(db)
    second = train(db, model_settings.model_copy(update={"linkpred_seed": 99}))
    assert not second.promoted
    assert serving(db, "cross_sell") == trained.versions["cross_sell"]
    promote(db, model_settings, second.versions["cross_sell"], by="test", force=True)
    assert serving(db, "cross_sell") == second.versions["cross_sell"]
    assert serving(db, "propensity") == second.versions["propensity"]
    assert set(recommendations(db)) == set(before)  # everyone scored by the new version
    # promoting it again changes nothing: before, the version became its own predecessor and
    # a rollback "succeeded" without leaving it
    again = promote(db, model_settings, second.versions["cross_sell"], by="again")
    assert again["unchanged"] and again["drift"] == {}  # no export, no drift check
    result = rollback(db, model_settings, by="test")
    assert result["to"] == trained.versions["cross_sell"]
    assert serving(db, "cross_sell") == trained.versions["cross_sell"]
    assert recommendations(db) == before


def test_unknown_version_is_a_clear_error(
    db: Database, trained: TrainOutcome, model_settings: Settings
) -> None:
    with pytest.raises(ModelError, match="No model version 'nope'"):
        promote(db, model_settings, "nope", by="test")


@pytest.mark.asyncio
async def test_the_api_serves_scores_and_guards_the_registry(
    db: Database, trained: TrainOutcome, model_settings: Settings
) -> None:
    from tests.api_helpers import api_client, api_settings, codes, gql

    customer = db.query(
        "MATCH (:CustomerRecord)-[:RESOLVES_TO]->(c:Customer)-[:RECOMMENDED]->() "
        "RETURN c.customer_id AS id ORDER BY id LIMIT 1"
    )[0]["id"]
    query = """query($id: ID!) { customer360(customerId: $id) {
        recommendations { rank sku reasons facts confidence modelVersion }
        propensity { probability modelVersion accountProbability } } }"""
    async with api_client(api_settings(model_settings)) as client:
        body = await gql(client, query, {"id": customer}, role="viewer")
        view = body["data"]["customer360"]
        serving_xsell = serving(db, "cross_sell")
        assert [r["sku"] for r in view["recommendations"]] == recommendations(db)[customer]
        assert {r["modelVersion"] for r in view["recommendations"]} == {serving_xsell}
        assert view["propensity"]["modelVersion"] == serving(db, "propensity")
        versions = "{ modelVersions { version task serving metricsJson } }"
        assert codes(await gql(client, versions, role="marketer")) == ["FORBIDDEN"]
        listed = (await gql(client, versions, role="analyst"))["data"]["modelVersions"]
        assert {v["version"] for v in listed if v["serving"]} == {
            serving_xsell,
            serving(db, "propensity"),
        }
        promote_mutation = "mutation($v: String!) { promoteModel(version: $v) { serving } }"
        assert codes(await gql(client, promote_mutation, {"v": serving_xsell}, "analyst")) == [
            "FORBIDDEN"
        ]
        bad = await gql(client, promote_mutation, {"v": "x') DETACH DELETE n //"}, "admin")
        assert codes(bad) == ["BAD_USER_INPUT"]
        missing = await gql(client, promote_mutation, {"v": "xsell-nope"}, "admin")
        assert codes(missing) == ["NOT_FOUND"]
        # Promoting what already serves re-checks drift and keeps serving it.
        same = await gql(client, promote_mutation, {"v": serving_xsell}, "admin")
        assert serving_xsell in same["data"]["promoteModel"]["serving"], same


def test_tabular_scoring_at_scale_reranks_only_candidates(frames: GraphFrames) -> None:
    """Big catalogs: the trees re-rank a prior's top candidates; everything else ranks below."""
    from models.linkpred.baselines import TabularRanker

    plan = plan_windows(frames, 60, train_windows=2)
    vocabulary = Vocabulary.from_frames(frames)
    training = [
        (Snapshot.build(frames, w.input_end, 60, vocabulary), window_labels(frames, w))
        for w in plan.train
    ]
    ranker = TabularRanker()
    ranker.fit(training, seed=1)
    snapshot, customers = training[-1][0], np.arange(40)
    ranker.candidates = frames.n_products  # every product scored by the trees
    full = ranker.score(snapshot, customers)
    ranker.candidates = 20
    staged = ranker.score(snapshot, customers)
    chosen = staged >= 0
    assert (chosen.sum(axis=1) == 20).all()
    assert np.allclose(staged[chosen], full[chosen])
    assert (staged[~chosen] < 0).all() and (full >= 0).all()


@pytest.mark.asyncio
async def test_a_refused_rollback_says_why(empty_db: Database, model_settings: Settings) -> None:
    """Nothing serves (a new graph): the client reads the reason, not "see the server log".
    Runs last in this module: it empties the graph."""
    from tests.api_helpers import api_client, api_settings, codes, gql

    async with api_client(api_settings(model_settings)) as client:
        body = await gql(client, "mutation { rollbackModel { serving } }", role="admin")
    assert codes(body) == ["REFUSED"], body
    error = body["errors"][0]
    assert error["extensions"]["reason"] == "NOTHING_TO_ROLL_BACK"
    assert error["message"] == "No model serves yet: nothing to roll back."
