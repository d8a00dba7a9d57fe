"""Model scores in the API: recommendations and propensity (with reasons), the model registry,
and the promote / rollback mutations.

Reads go through the async driver like every resolver; promote and rollback run the same
registry code as `marketgraph models promote|rollback` (drift check, scoring, serving switch)
in a worker thread on the app's synchronous driver, one at a time.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.errors import InvalidInput, NotFound, Refused
from api.graphql.types import iso_datetime
from graph.cypher_catalog import load_query
from graph.errors import ModelRefused

Info = strawberry.Info[Any, None]
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$")
_model_lock = asyncio.Lock()


@strawberry.type(description="A product the serving cross-sell model recommends, and why.")
class Recommendation:
    rank: int
    sku: str
    name: str | None
    category: str | None
    price: float | None
    score: float
    confidence: str = strawberry.field(description="low (no history), medium or high")
    confidence_note: str | None
    reasons: list[str] = strawberry.field(description="Graph paths behind it, in words.")
    facts: list[str] = strawberry.field(description="`Label:id` of the nodes the reasons cite.")
    model_version: str


@strawberry.type(description="Calibrated probability to buy within the model's next period.")
class Propensity:
    probability: float
    confidence: str
    confidence_note: str | None
    reasons: list[str]
    model_version: str
    account_id: str | None
    account_probability: float | None = strawberry.field(
        description="P(someone at the person's company buys), from the same model version."
    )


@strawberry.type(description="One trained model in the registry.")
class ModelVersion:
    version: str
    task: str
    model: str
    serving: bool
    created_at: datetime | None
    scored_at: datetime | None
    promoted_at: datetime | None
    promoted_by: str | None
    training_run: str
    metrics_json: str = strawberry.field(
        description="Every candidate's validation and test metrics, as JSON."
    )


@strawberry.type(description="A piece of generated copy and its review state.")
class CopyDraftView:
    draft_id: str
    channel: str
    sku: str | None
    subject: str | None
    body: str
    writer: str = strawberry.field(description="grounded, or the chat model that wrote it")
    status: str = strawberry.field(description="draft, approved or rejected")
    rails_passed: bool | None
    created_at: datetime | None
    reviewed_by: str | None


@strawberry.type
class ModelSwitch:
    training_run: str
    serving: list[str]
    max_feature_psi: float | None
    score_psi: float | None


async def recommendations_for(info: Info, customer_id: str) -> list[Recommendation]:
    rows = await info.context.db.read(
        load_query("linkpred/customer_recommendations"),
        {"customer_id": customer_id, "version": None},
    )
    return [
        Recommendation(
            rank=int(r["rank"]),
            sku=r["sku"],
            name=r["name"],
            category=r["category"],
            price=r["price"],
            score=float(r["score"]),
            confidence=r["confidence"],
            confidence_note=r["confidence_note"],
            reasons=list(r["reasons"] or []),
            facts=list(r["facts"] or []),
            model_version=r["model_version"],
        )
        for r in rows
    ]


async def propensity_for(info: Info, customer_id: str) -> Propensity | None:
    rows = await info.context.db.read(
        load_query("linkpred/customer_propensity"), {"customer_id": customer_id, "version": None}
    )
    if not rows:
        return None
    r = rows[0]
    return Propensity(
        probability=float(r["probability"]),
        confidence=r["confidence"],
        confidence_note=r["confidence_note"],
        reasons=list(r["reasons"] or []),
        model_version=r["model_version"],
        account_id=r["account_id"],
        account_probability=r["account_probability"],
    )


async def copy_drafts_for(info: Info, customer_id: str, limit: int) -> list[CopyDraftView]:
    if not 1 <= limit <= info.context.settings.api_max_page_size:
        raise InvalidInput(
            "Invalid `limit`.", fields=[{"field": "limit", "message": "1 to the page size limit"}]
        )
    rows = await info.context.db.read(
        load_query("copy/list_drafts"), {"status": None, "customer_id": customer_id, "limit": limit}
    )
    return [
        CopyDraftView(
            draft_id=r["draft_id"],
            channel=r["channel"],
            sku=r["sku"],
            subject=r["subject"],
            body=r["body"] or "",
            writer=r["writer"],
            status=r["status"],
            rails_passed=r["rails_passed"],
            created_at=iso_datetime(r["created_at"]),
            reviewed_by=r["reviewed_by"],
        )
        for r in rows
    ]


async def model_versions(info: Info, task: str | None) -> list[ModelVersion]:
    if task is not None and task not in ("cross_sell", "propensity"):
        raise InvalidInput(
            "Invalid `task`.", fields=[{"field": "task", "message": "cross_sell or propensity"}]
        )
    rows = await info.context.db.read(load_query("linkpred/list_versions"), {"task": task})
    return [
        ModelVersion(
            version=r["version"],
            task=r["task"],
            model=r["model"],
            serving=bool(r["serving"]),
            created_at=iso_datetime(r["created_at"]),
            scored_at=iso_datetime(r["scored_at"]),
            promoted_at=iso_datetime(r["promoted_at"]),
            promoted_by=r["promoted_by"],
            training_run=r["training_run"],
            metrics_json=r["metrics"] or "{}",
        )
        for r in rows
    ]


def _sync_db(info: Info) -> Any:
    db = info.context.sync_db
    if db is None:
        raise NotFound("Model operations are not available on this server.")
    return db


async def promote_version(info: Info, version: str, force: bool, by: str) -> ModelSwitch:
    if not VERSION_PATTERN.match(version):
        raise InvalidInput(
            "Invalid `version`.",
            fields=[{"field": "version", "message": "a version name from `modelVersions`"}],
        )
    from models.linkpred import list_versions, promote

    known = await info.context.db.read(load_query("linkpred/list_versions"), {"task": None})
    if version not in {r["version"] for r in known}:
        raise NotFound(f"No model version {version!r}; see `modelVersions`.")
    db = _sync_db(info)
    async with _model_lock:
        try:
            report = await asyncio.to_thread(
                promote, db, info.context.settings, version, by=by, force=force
            )
        except ModelRefused as exc:  # the drift check: its figures, for the person deciding
            raise Refused(str(exc), reason=exc.reason) from None
        serving = await asyncio.to_thread(list_versions, db)
    drift = report["drift"]
    return ModelSwitch(
        training_run=report["run_id"],
        serving=[r["version"] for r in serving if r["serving"]],
        max_feature_psi=drift.get("max_feature_psi"),
        score_psi=drift.get("score_psi"),
    )


async def rollback_serving(info: Info, by: str) -> ModelSwitch:
    from models.linkpred import list_versions, rollback

    db = _sync_db(info)
    async with _model_lock:
        try:
            result = await asyncio.to_thread(rollback, db, info.context.settings, by=by)
        except ModelRefused as exc:  # nothing to roll back to
            raise Refused(str(exc), reason=exc.reason) from None
        serving = await asyncio.to_thread(list_versions, db)
    runs = [r["training_run"] for r in serving if r["version"] == result["to"]]
    return ModelSwitch(
        training_run=str(runs[0]) if runs else "",
        serving=[r["version"] for r in serving if r["serving"]],
        max_feature_psi=None,
        score_psi=None,
    )


def metrics_summary(metrics_json: str) -> dict[str, Any]:
    """The chosen model's test metrics (for logs and tests)."""
    metrics = json.loads(metrics_json)
    chosen = metrics.get("chosen")
    test: dict[str, Any] = metrics.get("models", {}).get(chosen, {}).get("test", {})
    return test
