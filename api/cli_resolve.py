"""`marketgraph resolve|review|unmerge|explain` — entity resolution from the command line.

Kept apart from `api/cli.py` so the resolution commands (and their heavy Splink import) load
only when used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.console import console, current_user
from graph.settings import get_settings

resolve_app = typer.Typer(
    help="Entity resolution: unify person and company records into Customers and Accounts.",
    no_args_is_help=True,
)
review_app = typer.Typer(
    help="Clerical review of uncertain pairs; decisions bind every later run.",
    no_args_is_help=True,
)
resolve_app.add_typer(review_app, name="review")


@resolve_app.command("resolve")
def resolve_command(
    incremental: Annotated[
        bool, typer.Option(help="Only resolve records that have no RESOLVES_TO yet.")
    ] = False,
) -> None:
    """Resolve records into unified (:Customer) and (:Account) nodes with stable ids.

    Erasure requests a loaded erasure log left waiting are honoured first, so the run never
    links a record that is about to be erased."""
    from api.cli_privacy import honour_erasure_requests
    from api.resolution_step import print_resolution_summary
    from graph.db import Database
    from graph.migrations import apply_migrations
    from models.resolution import resolve

    settings = get_settings()
    with Database.connect(settings) as db:
        apply_migrations(db)
        honour_erasure_requests(db, settings)
        report = resolve(db, settings, incremental=incremental, by=current_user())
    print_resolution_summary(report)


@review_app.command("list")
def review_list(
    status: Annotated[str, typer.Option(help="open, accepted, rejected or all.")] = "open",
    limit: Annotated[int, typer.Option(min=1)] = 20,
) -> None:
    """Show review items, most probable first."""
    from graph.db import Database
    from models.resolution import list_reviews

    with Database.connect(get_settings()) as db:
        rows = list_reviews(db, None if status == "all" else status, limit)
    table = Table("review", "p", "record a", "record b", "status", "by")
    for r in rows:
        table.add_row(
            r["review_id"], f"{r['match_probability'] or 0:.2f}",
            f"{r['record_a']} {r['a_name'] or ''} {r['a_email'] or ''}",
            f"{r['record_b']} {r['b_name'] or ''} {r['b_email'] or ''}",
            r["status"], r["decided_by"] or "",
        )  # fmt: skip
    console.print(table)


@review_app.command("accept")
def review_accept(review_id: str, note: Annotated[str | None, typer.Option()] = None) -> None:
    """Accept a pair as the same entity (must-link for every later run)."""
    from graph.db import Database
    from models.resolution import decide

    with Database.connect(get_settings()) as db:
        decide(db, review_id, "accepted", current_user(), note)
    console.print(f"{review_id}: accepted. Run `marketgraph resolve` to apply it.")


@review_app.command("reject")
def review_reject(review_id: str, note: Annotated[str | None, typer.Option()] = None) -> None:
    """Reject a pair (cannot-link for every later run)."""
    from graph.db import Database
    from models.resolution import decide

    with Database.connect(get_settings()) as db:
        decide(db, review_id, "rejected", current_user(), note)
    console.print(f"{review_id}: rejected. Run `marketgraph resolve` to apply it.")


@review_app.command("labels")
def review_labels(
    kind: Annotated[str, typer.Option(help="customer (people) or account (companies).")] = (
        "customer"
    ),
    out: Annotated[
        Path | None, typer.Option(help="Write the labels here as CSV (Splink's labels format).")
    ] = None,
) -> None:
    """Reviewers' decisions as labels, and how the saved model scores them.

    The CSV starts with Splink's label columns (unique_id_l, unique_id_r, clerical_match_score:
    1 accepted, 0 rejected), so it loads straight into `accuracy_analysis_from_labels_table` or
    `estimate_m_from_pairwise_labels`; who decided, when, why and its origin follow (review: a
    person judged the pair; unmerge / rejoin: pinned by that operation). The table counts the
    saved model's calls at the match threshold against the pairs people judged: false
    positives are pairs it would join that a person kept apart.
    """
    from graph.db import Database
    from models.resolution import labels
    from models.resolution.splink_model import EntityKind

    entity: EntityKind
    if kind == "customer":
        entity = "customer"
    elif kind == "account":
        entity = "account"
    else:
        raise typer.BadParameter("customer or account", param_hint="--kind")
    with Database.connect(get_settings()) as db:
        frame = labels.read_labels(db, entity)
        measured = labels.agreement(db, get_settings(), entity)
    if out is not None:
        frame.to_csv(out, index=False)
        console.print(f"{len(frame):,} labels written to {out}")
    if measured is None:
        console.print(f"No {kind} labels to measure (or no saved model): decide reviews first.")
        return
    table = Table("model", "threshold", "labels", "TP", "FP", "TN", "FN", "precision", "recall")
    table.add_row(
        measured.model_version, f"{measured.threshold:.2f}", str(measured.labels),
        str(measured.true_positives), str(measured.false_positives),
        str(measured.true_negatives), str(measured.false_negatives),
        _share(measured.precision), _share(measured.recall),
    )  # fmt: skip
    console.print(table)
    if measured.pinned:
        console.print(
            f"{measured.pinned:,} decisions an unmerge or rejoin pinned are not counted "
            "(they hold its result in place; no one judged those pairs)."
        )


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@resolve_app.command("unmerge")
def unmerge_command(
    entity_id: Annotated[str, typer.Argument(help="The customer or account id merged into.")],
) -> None:
    """Reverse the latest merge into an entity and keep the parts apart from now on."""
    from graph.db import Database
    from models.resolution import unmerge

    settings = get_settings()
    with Database.connect(settings) as db:
        result = unmerge(db, settings, entity_id=entity_id, by=current_user())
    for entity, records in result.restored.items():
        console.print(f"restored {entity}: {', '.join(records)}")


@resolve_app.command("history")
def history_command(
    entity_id: Annotated[str, typer.Argument(help="A customer or account id.")],
    limit: Annotated[int, typer.Option(min=1)] = 20,
) -> None:
    """The merges and splits an entity took part in, and the records it lost because their
    source deleted them ('remove'), newest first, and whether each was undone: the event ids
    `unmerge` and `rejoin` take."""
    from graph.db import Database
    from models.resolution.history import list_events

    with Database.connect(get_settings()) as db:
        events = list_events(db, entity_id, limit)
    if not events:
        console.print(f"No merges, splits or removals involve {entity_id}.")
        return
    table = Table("event", "kind", "entity", "others", "records", "at", "by", "undone")
    for e in events:
        table.add_row(
            e["event_id"], e["kind"], e["entity_id"], ", ".join(e["other_ids"] or []),
            str(e["count"]), (e["at"] or "")[:19], e["by"] or e["model_version"] or "",
            (e["undone_at"] or "")[:19],
        )  # fmt: skip
    console.print(table)


@resolve_app.command("rejoin")
def rejoin_command(
    event_id: Annotated[str, typer.Argument(help="A split event id (see `history`).")],
) -> None:
    """Reverse a split: its records go back to the entities they had before it, and stay
    there in later runs (the rejects that split them become accepts)."""
    from graph.db import Database
    from models.resolution.history import rejoin

    with Database.connect(get_settings()) as db:
        result = rejoin(db, get_settings(), event_id, by=current_user())
    for entity, records in result.restored.items():
        console.print(f"back in {entity}: {', '.join(records)}")
    if result.retired:
        console.print(f"retired (now empty): {', '.join(result.retired)}")


@resolve_app.command("explain")
def explain_command(
    entity_id: Annotated[str, typer.Argument(help="A customer id, or an account id (acc-...).")],
) -> None:
    """Why a customer's (or an account's) records were joined: per record the pair, rule,
    probability and per-field comparison levels and weights."""
    from graph.db import Database
    from models.resolution import explain

    with Database.connect(get_settings()) as db:
        rows = explain(db, entity_id)
    head = rows[0]
    where = (
        f"{head['employees']} customers work here" if head["employees"] is not None
        else f"works at: {', '.join(head['works_at']) or '-'}"
    )  # fmt: skip
    console.print(f"[bold]{entity_id}[/bold] ({head['status']}); {where}")
    for r in rows:
        if r["record_id"] is None:
            continue
        p = r["match_probability"]
        console.print(
            f"• {r['record_id']} {r['full_name'] or ''} {r['email'] or ''} — rule {r['rule']}"
            + (f", p={p:.3f} with {r['matched_with']}" if p is not None else "")
        )
        for field, level, weight in zip(r["fields"] or [], r["levels"] or [],
                                        r["weights"] or [], strict=False):  # fmt: skip
            console.print(f"    {field:<28} {weight:+7.2f}  {level}")
