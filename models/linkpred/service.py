"""The model registry's operations: train, score, promote, roll back, list.

A training run registers two versions — ``xsell-<run>`` (cross-sell) and ``propensity-<run>`` —
as (:ModelVersion) nodes with metrics, parameters, data snapshot and artifact checksum. The first
run of a task is promoted and scored at once; later runs wait for `promote`, which first runs the
drift check, then scores (if that version has no scores yet) and switches the serving flag.
Rollback is promote of the previous serving version: its scores are still in the graph (the last
`linkpred_keep_versions` versions keep theirs), so it is instant.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ModelError, ModelRefused
from graph.settings import Settings
from models.linkpred import artifacts, drift
from models.linkpred.export import export_graph
from models.linkpred.frames import GraphFrames
from models.linkpred.scoring import (
    Progress,
    ScoreResult,
    delete_version_scores,
    score_all,
    write_scores,
)
from models.linkpred.snapshot import Snapshot
from models.linkpred.training import TrainedModels, TrainingParams, train_models

log = logging.getLogger(__name__)
TASKS = ("cross_sell", "propensity")


@dataclass(frozen=True)
class TrainOutcome:
    run_id: str
    versions: dict[str, str]
    trained: TrainedModels
    promoted: bool
    score: ScoreResult | None


def params_from(settings: Settings) -> TrainingParams:
    return TrainingParams(
        horizon_days=settings.linkpred_horizon_days,
        hidden=settings.linkpred_hidden,
        epochs=settings.linkpred_epochs,
        seed=settings.linkpred_seed,
        top_k=settings.linkpred_top_k,
    )


def _metrics_json(trained: TrainedModels, task: str) -> str:
    if task == "cross_sell":
        return json.dumps(
            {
                "chosen": trained.cross_sell.name,
                "best_baseline": trained.best_baseline,
                "models": trained.cross_sell_metrics,
            }
        )
    return json.dumps(
        {
            "chosen": trained.propensity.name,
            "models": {m.name: m.metrics for m in trained.propensity_candidates},
        }
    )


def train(
    db: Database,
    settings: Settings,
    progress: Callable[[str], None] = lambda _: None,
    score_progress: Progress = lambda *_: None,
    frames: GraphFrames | None = None,
) -> TrainOutcome:
    """Export, train every candidate, save, register; promote + score if nothing serves yet."""
    progress("export the graph from Neo4j")
    frames = frames if frames is not None else export_graph(db)
    params = params_from(settings)
    trained = train_models(frames, params, progress)
    now = datetime.now(UTC)
    run_id = f"lp-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"
    versions = {"cross_sell": f"xsell-{run_id}", "propensity": f"propensity-{run_id}"}
    reference = {
        "customer_features": drift.feature_reference(trained.reference["customer_features"]),
        "propensity_scores": drift.reference_bins(
            trained.propensity.predict(
                trained.reference["customer_features"],
                np.arange(len(trained.reference["customer_features"])),
            )
        ),
    }
    meta: dict[str, Any] = {
        "run_id": run_id,
        "versions": versions,
        "cross_sell_model": trained.cross_sell.name,
        "propensity_model": trained.propensity.name,
        "params": params.as_dict(),
        "windows": trained.windows,
        "vocabulary": trained.vocabulary.as_dict(),
        "snapshot": frames.snapshot,
        "timings": trained.timings,
        "gnn_history": trained.gnn_history,
        "reference": reference,
    }
    paths = artifacts.save_run(
        settings.models_dir / run_id, meta, trained.cross_sell, trained.propensity
    )
    cutoff = trained.windows[-1]["input_end"]
    for task, version in versions.items():
        db.query(
            load_query("linkpred/register_version"),
            {
                "version": version,
                "task": task,
                "model": trained.cross_sell.name
                if task == "cross_sell"
                else trained.propensity.name,
                "training_run": run_id,
                "created_at": now.isoformat(),
                "cutoff": cutoff + "Z",
                "metrics": _metrics_json(trained, task),
                "params": json.dumps(params.as_dict()),
                "snapshot": json.dumps(frames.snapshot, default=str),
                "windows": json.dumps(trained.windows),
                "artifact": str(paths[task]),
                "artifact_sha256": artifacts.sha256_of(paths[task]),
            },
            write=True,
        )
    serving = {row["task"] for row in list_versions(db) if row["serving"]}
    promoted = not serving
    result = None
    if promoted:
        result = _score_and_serve(db, settings, run_id, frames, "first model", score_progress)
    return TrainOutcome(run_id, versions, trained, promoted, result)


def list_versions(db: Database, task: str | None = None) -> list[dict[str, Any]]:
    return db.query(load_query("linkpred/list_versions"), {"task": task})


def run_of(db: Database, version: str) -> str:
    rows = [r for r in list_versions(db) if r["version"] == version]
    if not rows:
        known = ", ".join(r["version"] for r in list_versions(db)[:6]) or "none"
        raise ModelError(f"No model version {version!r}. Known (newest first): {known}.")
    return str(rows[0]["training_run"])


def score(
    db: Database,
    settings: Settings,
    run_id: str,
    frames: GraphFrames | None = None,
    progress: Progress = lambda *_: None,
) -> ScoreResult:
    """Score every customer with a training run's two models and write the scores back."""
    run = artifacts.load_run(settings.models_dir / run_id)
    registered = {r["version"]: r for r in list_versions(db)}
    for task in TASKS:
        version = run.meta["versions"][task]
        if version not in registered:
            raise ModelError(f"{version} has artifacts but is not in the registry.")
        artifacts.verify(
            settings.models_dir / run_id / _artifact_name(registered[version]),
            registered[version]["artifact_sha256"],
        )
    frames = frames if frames is not None else export_graph(db)
    snapshot = Snapshot.build(
        frames, frames.last_event_at + 1, int(run.meta["params"]["horizon_days"]), run.vocabulary
    )
    ranker = artifacts.load_cross_sell(run, snapshot)
    propensity = artifacts.load_propensity(run)
    result = score_all(
        frames, snapshot, ranker, propensity, int(run.meta["params"]["top_k"]), progress
    )
    seconds = write_scores(db, frames, result, run.meta["versions"], progress)
    return ScoreResult(**{**result.__dict__, "write_seconds": seconds})


def _artifact_name(row: dict[str, Any]) -> str:
    return str(row["artifact"]).rsplit("/", 1)[-1]


def drift_report(
    db: Database, settings: Settings, run_id: str, frames: GraphFrames
) -> dict[str, Any]:
    """PSI of today's customer features vs the run's training reference, and of its propensity
    scores vs the scores the serving version gives the same people."""
    run = artifacts.load_run(settings.models_dir / run_id)
    horizon = int(run.meta["params"]["horizon_days"])
    snapshot = Snapshot.build(frames, frames.last_event_at + 1, horizon, run.vocabulary)
    features = drift.feature_psi(
        run.meta["reference"]["customer_features"], snapshot.customer_table
    )
    report: dict[str, Any] = {
        "feature_psi": features,
        "max_feature_psi": max(features.values(), default=0.0),
    }
    serving = [r for r in list_versions(db, "propensity") if r["serving"]]
    if serving and serving[0]["training_run"] != run_id:
        old = artifacts.load_run(settings.models_dir / str(serving[0]["training_run"]))
        old_snapshot = Snapshot.build(frames, frames.last_event_at + 1, horizon, old.vocabulary)
        everyone = np.arange(frames.n_customers)
        old_scores = artifacts.load_propensity(old).predict(old_snapshot.customer_table, everyone)
        new_scores = artifacts.load_propensity(run).predict(snapshot.customer_table, everyone)
        report["score_psi"] = drift.psi(drift.reference_bins(old_scores), new_scores)
    return report


def promote(
    db: Database,
    settings: Settings,
    version: str,
    by: str,
    force: bool = False,
    reason: str = "promote",
    progress: Progress = lambda *_: None,
) -> dict[str, Any]:
    """Serve a training run's models (both tasks) after a drift check; score if needed. A run
    that already serves is left as it is (`unchanged`): no export, no drift check."""
    run_id = run_of(db, version)
    versions = set(artifacts.load_run(settings.models_dir / run_id).meta["versions"].values())
    if versions <= {r["version"] for r in list_versions(db) if r["serving"]}:
        return {"run_id": run_id, "drift": {}, "unchanged": True}
    frames = export_graph(db)
    report = drift_report(db, settings, run_id, frames)
    worst = max(report["max_feature_psi"], report.get("score_psi", 0.0))
    if worst > settings.linkpred_max_psi and not force:
        raise ModelRefused(
            f"Drift check failed for {run_id}: population stability index {worst:.3f} > "
            f"{settings.linkpred_max_psi} (features or scores moved). Retrain on current data, or "
            "promote anyway with --force (API: force: true) if the change is expected.",
            reason="DRIFT_CHECK_FAILED",
        )
    _score_and_serve(db, settings, run_id, frames, reason, progress, by=by)
    return {"run_id": run_id, "drift": report}


def _score_and_serve(
    db: Database,
    settings: Settings,
    run_id: str,
    frames: GraphFrames | None,
    reason: str,
    progress: Progress,
    by: str = "marketgraph train",
) -> ScoreResult | None:
    """Score the run's versions if their scores are gone (``frames`` None = export only then),
    then make them serve."""
    versions = artifacts.load_run(settings.models_dir / run_id).meta["versions"]
    rows = {r["version"]: r for r in list_versions(db)}
    result = None
    if any(rows[v]["scored_at"] is None for v in versions.values()):
        result = score(db, settings, run_id, frames, progress)
    for version in versions.values():
        db.query(
            load_query("linkpred/set_serving"),
            {"version": version, "by": by, "at": datetime.now(UTC).isoformat(), "reason": reason},
            write=True,
        )
    prune(db, settings)
    return result


def rollback(db: Database, settings: Settings, by: str) -> dict[str, Any]:
    """Serve the version that served before the current one (its scores are still there)."""
    current = [r for r in list_versions(db, "cross_sell") if r["serving"]]
    if not current:
        raise ModelRefused("No model serves yet: nothing to roll back.", "NOTHING_TO_ROLL_BACK")
    rows = db.query(load_query("linkpred/previous_serving"), {"version": current[0]["version"]})
    previous = rows[0]["previous"] if rows else None
    if not previous:
        raise ModelRefused(
            f"{current[0]['version']} was the first serving version: nothing to roll back to.",
            reason="NOTHING_TO_ROLL_BACK",
        )
    # The previous version's scores are normally still in the graph: no export unless pruned.
    _score_and_serve(db, settings, run_of(db, previous), None, "rollback", lambda *_: None, by=by)
    return {"from": current[0]["version"], "to": previous}


def prune(db: Database, settings: Settings) -> list[str]:
    """Delete the scores of versions beyond the newest `linkpred_keep_versions` runs (never the
    serving one); their registry entries and artifacts stay, so they can be re-scored."""
    runs: list[str] = []
    for row in list_versions(db):
        if row["training_run"] not in runs:
            runs.append(str(row["training_run"]))
    serving = {r["training_run"] for r in list_versions(db) if r["serving"]}
    keep = set(runs[: settings.linkpred_keep_versions]) | serving
    cleared = []
    for row in list_versions(db):
        if row["training_run"] not in keep and row["scored_at"] is not None:
            delete_version_scores(db, str(row["version"]))
            db.query(
                load_query("linkpred/mark_scored"),
                {"version": row["version"], "at": None, "customers": 0},
                write=True,
            )
            cleared.append(str(row["version"]))
    return cleared
