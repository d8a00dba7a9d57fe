"""`marketgraph train|score|recommend` and `marketgraph models list|promote|rollback`.

Kept apart from `api/cli.py` so torch and PyG load only when a model command runs.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table

from api.console import console, current_user, row_progress
from graph.settings import get_settings

models_cli = typer.Typer(no_args_is_help=True)
models_app = typer.Typer(
    help=(
        "The model registry: every training run registers a cross-sell and a propensity version "
        "with metrics, data snapshot and artifact checksum. Scores in the graph carry the version "
        "that wrote them."
    ),
    no_args_is_help=True,
)
models_cli.add_typer(models_app, name="models")


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def metrics_table(cross_sell: dict[str, dict[str, dict[str, float]]], chosen: str) -> Table:
    """Every cross-sell model side by side on validation and test (and test cold start)."""
    table = Table(title="Cross-sell (temporal split; full-catalog ranking of new purchases)")
    for column in ("model", "split", "NDCG@10", "Hit@10", "MRR", "AUC", "customers"):
        table.add_column(column, justify="right" if column not in ("model", "split") else "left")
    for model, splits in cross_sell.items():
        for split in ("validation", "test", "test_cold_start"):
            m = splits.get(split)
            if not m or "ndcg@10" not in m:
                continue
            marker = " ✔" if model == chosen and split == "validation" else ""
            table.add_row(
                model + marker,
                split,
                _fmt(m["ndcg@10"]),
                _fmt(m["hit@10"]),
                _fmt(m["mrr"]),
                _fmt(m["auc"]),
                str(int(m["customers"])),
            )
    return table


def propensity_table(candidates: dict[str, dict[str, dict[str, float]]], chosen: str) -> Table:
    table = Table(title="Propensity (calibrated on validation, reported on test)")
    for column in ("model", "split", "AUC", "Brier", "ECE", "base rate", "customers"):
        table.add_column(column, justify="right" if column not in ("model", "split") else "left")
    for model, splits in candidates.items():
        for split in ("validation", "test", "test_uncalibrated"):
            m = splits[split]
            marker = " ✔" if model == chosen and split == "validation" else ""
            table.add_row(
                model + marker,
                split,
                _fmt(m["auc"]),
                _fmt(m["brier"]),
                _fmt(m["ece"]),
                _fmt(m["base_rate"]),
                str(int(m["customers"])),
            )
    return table


@models_cli.command("train")
def train_command() -> None:
    """Train cross-sell and propensity models on a temporal split and register them.

    Exports unified customers, products, purchases, interactions and content from Neo4j; fits
    popularity, co-purchase, gradient-boosted trees and a heterogeneous GraphSAGE (PyG) on the
    older windows; picks by validation; reports everything on the newest window. The first
    version of each task serves (and is scored) at once; later ones wait for `models promote`.
    Tune with MARKETGRAPH_LINKPRED_* (horizon days, epochs, hidden size, top K, seed).
    """
    from graph.db import Database
    from graph.migrations import apply_migrations
    from models.linkpred import train

    settings = get_settings()
    with Database.connect(settings) as db, row_progress() as progress:
        apply_migrations(db)
        outcome = train(
            db,
            settings,
            progress=lambda step: console.log(step),
            score_progress=lambda label, done, total: progress(label, done, total),
        )
    print_training(outcome)


def print_training(outcome: Any, out: Console | None = None) -> None:
    """The metrics tables and the serving choice of a training run."""
    out = out or console
    trained = outcome.trained
    out.print(metrics_table(trained.cross_sell_metrics, trained.cross_sell.name))
    out.print(
        propensity_table(
            {m.name: m.metrics for m in trained.propensity_candidates}, trained.propensity.name
        )
    )
    out.print(
        f"Serving choice: cross-sell [bold]{trained.cross_sell.name}[/bold] (best baseline "
        f"{trained.best_baseline}), propensity [bold]{trained.propensity.name}[/bold]. "
        f"Versions: {', '.join(outcome.versions.values())}. "
        f"Training {trained.timings['total_s']:.1f}s."
    )
    if outcome.promoted and outcome.score is not None:
        s = outcome.score
        out.print(
            f"First models: promoted and scored {s.customers:,} customers "
            f"({s.recommendations:,} recommendations) in {s.score_seconds:.1f}s + "
            f"{s.write_seconds:.1f}s write-back."
        )
    elif not outcome.promoted:
        out.print("Another version serves; promote this one with `marketgraph models promote`.")


@models_cli.command("score")
def score_command(
    version: Annotated[
        str | None, typer.Argument(help="A version to score (default: the serving one).")
    ] = None,
) -> None:
    """Re-score every customer with a version's models (new data, same model) and write back."""
    from graph.db import Database
    from models.linkpred import list_versions, score
    from models.linkpred.service import run_of

    settings = get_settings()
    with Database.connect(settings) as db, row_progress() as progress:
        if version is None:
            serving = [r for r in list_versions(db, "cross_sell") if r["serving"]]
            if not serving:
                raise typer.BadParameter("no model serves yet: run `marketgraph train` first")
            version = str(serving[0]["version"])
        result = score(
            db,
            settings,
            run_of(db, version),
            progress=lambda label, done, total: progress(label, done, total),
        )
    console.print(
        f"Scored {result.customers:,} customers: {result.recommendations:,} recommendations in "
        f"{result.score_seconds:.1f}s, written in {result.write_seconds:.1f}s."
    )


def not_active(customer_id: str, row: dict[str, Any]) -> str:
    """Why a customer id that is no longer active gets no recommendations, and which id to use
    instead. Its old scores stay on the tombstone (they were written before the merge, from part
    of the person's history), so showing them would mislead; the survivor's are current."""
    when = f" on {str(row['retired_at'])[:10]}" if row["retired_at"] else ""
    survivor, into = row["survivor"], row["merged_into"]
    if row["status"] == "merged" and into:
        note = f"customer {customer_id} was merged into {into}{when}"
        if survivor and survivor != into:
            note += f" (and {into} into {survivor} since)"
        if survivor:
            return f"{note}; use {survivor}: `marketgraph recommend {survivor}`"
        return f"{note}, which holds no records any more; `marketgraph history {into}` says why"
    return (
        f"customer {customer_id} is {row['status']}{when}: no source record resolves to it any "
        f"more (deleted at the source, erased, or split off); `marketgraph history "
        f"{customer_id}` says what happened"
    )


@models_cli.command("recommend")
def recommend_command(customer_id: str) -> None:
    """Show a customer's recommendations and propensity, with the graph facts behind each.

    An id merged into another names the customer that holds its records now (use that id)."""
    from graph.cypher_catalog import load_query
    from graph.db import Database
    from graph.errors import MergedCustomerError, ResolutionError

    with Database.connect(get_settings()) as db:
        found = db.query(load_query("linkpred/retired_customer"), {"customer_id": customer_id})
        if not found:
            raise typer.BadParameter(f"no customer {customer_id!r} (unified ids look like cus-…)")
        if found[0]["status"] != "active":
            error = MergedCustomerError if found[0]["merged_into"] else ResolutionError
            raise error(not_active(customer_id, found[0]))
        params = {"customer_id": customer_id, "version": None}
        recs = db.query(load_query("linkpred/customer_recommendations"), params)
        scores = db.query(load_query("linkpred/customer_propensity"), params)
    if not recs and not scores:
        raise typer.BadParameter(
            f"no scores for customer {customer_id!r}: no model serves yet (`marketgraph train`), "
            "or the customer is newer than the last scoring run (`marketgraph score`)"
        )
    for s in scores:
        account = (
            f"; account {s['account_id']}: {s['account_probability']:.1%}"
            if s["account_id"]
            else ""
        )
        console.print(
            f"Propensity {s['probability']:.1%} ({s['confidence']} confidence){account} — "
            f"{s['model_version']}"
        )
        for reason in s["reasons"] or []:
            console.print(f"   · {reason}")
    table = Table(
        "#",
        Column("product", overflow="fold"),  # SKUs and node ids wrap whole, never "OU-020…"
        "score",
        "confidence",
        "why",
        Column("facts", overflow="fold"),
        title=recs[0]["model_version"] if recs else None,
    )
    for r in recs:
        table.add_row(
            str(r["rank"]),
            f"{r['name']} ({r['sku']})",
            f"{r['score']:.3f}",
            r["confidence"],
            "\n".join(r["reasons"]),
            "\n".join(r["facts"]),
        )
    console.print(table)


@models_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print raw registry rows.")] = False,
) -> None:
    """Every version, newest first: task, model, serving, when scored, test metrics."""
    from graph.db import Database
    from models.linkpred import list_versions

    with Database.connect(get_settings()) as db:
        rows = list_versions(db)
    if as_json:
        console.print_json(json.dumps(rows, default=str))
        return
    # A version id is what `models promote` takes, so it is never cut: it keeps its width and the
    # other columns stack two facts a cell and fold, which fits an 80-column terminal.
    table = Table(
        Column("version\ncreated", no_wrap=True),
        Column("task\nmodel", overflow="fold"),
        Column("state", overflow="fold"),
        Column("test metric", overflow="fold"),
    )
    for r in rows:
        metrics = json.loads(r["metrics"] or "{}")
        chosen = metrics.get("models", {}).get(metrics.get("chosen"), {}).get("test", {})
        key = "ndcg@10" if r["task"] == "cross_sell" else "brier"
        state = "serving" if r["serving"] else ""
        state += ("\n" if state else "") + ("scored" if r["scored_at"] else "not scored")
        table.add_row(
            f"{r['version']}\n{str(r['created_at'])[:19].replace('T', ' ')}",
            f"{r['task']}\n{r['model']}",
            state,
            f"{key} {_fmt(chosen.get(key, '-'))}",
        )
    console.print(table)


@models_app.command("promote")
def promote_command(
    version: Annotated[str, typer.Argument(help="Either version of a training run.")],
    force: Annotated[bool, typer.Option(help="Promote even if the drift check fails.")] = False,
) -> None:
    """Serve a training run's models: drift check, score if needed, switch the serving flag."""
    from graph.db import Database
    from models.linkpred import promote

    settings = get_settings()
    with Database.connect(settings) as db, row_progress() as progress:
        report = promote(
            db,
            settings,
            version,
            by=current_user(),
            force=force,
            progress=lambda label, done, total: progress(label, done, total),
        )
    if report.get("unchanged"):
        console.print(f"{version} already serves (run {report['run_id']}); nothing changed.")
        return
    drift = report["drift"]
    console.print(
        f"Serving {report['run_id']}. Drift: max feature PSI {drift['max_feature_psi']:.3f}"
        + (f", score PSI {drift['score_psi']:.3f}" if "score_psi" in drift else "")
    )


@models_app.command("rollback")
def rollback_command() -> None:
    """Serve the previously serving version again (its scores are kept, so this is instant)."""
    from graph.db import Database
    from models.linkpred import rollback

    settings = get_settings()
    with Database.connect(settings) as db:
        result = rollback(db, settings, by=current_user())
    console.print(f"Rolled back from {result['from']} to {result['to']}.")
