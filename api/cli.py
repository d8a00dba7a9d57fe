"""The `marketgraph` command line: one entry point for the whole platform.

Every command reads the one Settings object (MARKETGRAPH_* environment variables), logs through
the standard logging module, and turns MarketgraphError into a readable message and exit code 2.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape

from api.cli_copy import copy_app
from api.cli_jobs import jobs_app
from api.cli_models import models_cli
from api.cli_neo4j import neo4j_app
from api.cli_privacy import honour_erasure_requests, privacy_app
from api.cli_resolve import resolve_app
from api.cli_serve import serve
from api.console import configure_logging, console, err_console, row_progress
from graph.errors import MarketgraphError
from graph.settings import get_settings

log = logging.getLogger("marketgraph")

app = typer.Typer(
    name="marketgraph",
    help=(
        "marketgraph turns scattered CRM, e-shop, email, web and ad exports into one governed "
        "customer graph in Neo4j.\n\n"
        "Start here:  [bold]marketgraph demo[/bold]  — fetches and starts a local Neo4j, loads a "
        "demo company and prints where to explore it.\n\n"
        "Typical flow:  neo4j start → migrate → ingest PATH… → resolve → train → recommend ID → "
        "explore in Neo4j Browser.  "
        "Set NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD to use your own server (Aura, Docker, a "
        "cluster) instead of the local one. Every setting is a MARKETGRAPH_* environment variable."
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(resolve_app)
app.add_typer(privacy_app)
app.add_typer(models_cli)
app.add_typer(copy_app, name="copy")
app.add_typer(jobs_app, name="jobs")
app.command("serve")(serve)


@app.command()
def migrate() -> None:
    """Apply the graph schema (constraints, indexes, full-text and vector indexes).

    Safe to run any time: each migration in cypher/migrations runs once and is recorded as a
    (:Migration) node; an edited, already-applied migration is refused.
    """
    from graph.db import Database
    from graph.migrations import apply_migrations

    with Database.connect(get_settings()) as db:
        result = apply_migrations(db)
    console.print(
        f"Migrations: {len(result.applied)} applied, {len(result.already_applied)} already applied."
    )


@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Argument(help="Folder to write the export files into.")] = Path(
        "data/demo"
    ),
    customers: Annotated[int, typer.Option(min=100, max=2_000_000, help="Hidden people.")] = 2_000,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes.")] = 7,
    bad_row_rate: Annotated[
        float, typer.Option(min=0.0, max=0.5, help="Share of deliberately malformed rows.")
    ] = 0.002,
    interactions_per_customer: Annotated[float, typer.Option(min=0.0)] = 10.0,
) -> None:
    """Generate the demo company's source-system exports (CRM, e-shop, email, web, ads).

    The exports overlap and are messy on purpose (typos, nicknames, changed emails, missing
    fields, malformed rows) and come with ground_truth.csv saying which records are the same
    person or company. Sizes from 1k to 1M customers; deterministic for a given seed.
    """
    from api.summary import generation_summary
    from ingestion.demo_data import generate

    with row_progress() as progress:
        report = generate(
            out, customers=customers, seed=seed, bad_row_rate=bad_row_rate,
            interactions_per_customer=interactions_per_customer,
            progress=lambda label, n: progress(label, n, n),
        )  # fmt: skip
    console.print(generation_summary(report))
    console.print(
        f"Wrote the exports to [bold]{out}[/bold]. Load them with: marketgraph ingest {out}"
    )


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files or folders of them (CSV, JSONL, Parquet).")
    ],
    force: Annotated[
        bool, typer.Option(help="Reload files whose exact content was loaded before.")
    ] = False,
) -> None:
    """Validate exports under their data contracts and load them into the graph.

    Each file's type comes from its name (crm_contacts.csv, web_events.parquet, …). Rows that
    break a contract are quarantined with a reason — kept in full under the state dir and as
    (:QuarantinedRow) nodes — and never stop the good rows. A file no row can survive (a missing
    column, another separator) is rejected with the reason while the other files load; the
    command then exits with code 2. Loads are idempotent: a file already loaded is skipped,
    unchanged rows are not rewritten, and a killed load converges when re-run.

    Records a source deleted come as deleted_records.csv (source_type, source_id, deleted_at,
    reason): they stay in the graph marked deleted, and the next `marketgraph resolve` detaches
    them from their customers and accounts. A source's erasure log (GDPR requests) comes as
    erasure_requests.csv (source_type, source_id, requested_at, reference): those person
    records are erased for good right after the load, as `marketgraph erase` would.
    """
    from api.summary import ingest_table, quarantine_table
    from graph.db import Database
    from graph.migrations import apply_migrations
    from ingestion.loader import IngestRun

    settings = get_settings()
    with Database.connect(settings) as db:
        apply_migrations(db)
        with row_progress() as progress:
            report = IngestRun(db, settings, force=force).run(paths, progress)
        console.print(ingest_table(report))
        table = quarantine_table(db, report.run_id)
        if table is not None:
            console.print(table)
        honour_erasure_requests(db, settings)
    for note in report.ignored:
        console.print(f"[yellow]ignored[/yellow] {note}")
    if report.quarantine_file:
        console.print(f"Quarantined rows in full: {report.quarantine_file}")
    if report.rejected:
        for f in report.rejected:
            console.print(f"[red]rejected[/red] {f.note}")
        console.print(
            f"[red]{len(report.rejected)} file(s) rejected as a whole[/red]; the others were "
            "loaded. Fix them and run the same command again (loaded files are skipped)."
        )
        raise typer.Exit(2)


@app.command()
def summary() -> None:
    """Show what the graph holds: nodes per label, relationships per type, the last ingest runs."""
    from api.summary import counts_table, graph_counts, runs_table
    from graph.db import Database

    with Database.connect(get_settings()) as db:
        console.print(counts_table(graph_counts(db)))
        console.print(runs_table(db))


@app.command()
def demo(
    customers: Annotated[int, typer.Option(min=100, help="Size of the demo company.")] = 2_000,
    data_dir: Annotated[Path, typer.Option(help="Where the demo exports are written.")] = Path(
        "data/demo"
    ),
    seed: Annotated[int, typer.Option()] = 7,
    serve_api: Annotated[
        bool | None,
        typer.Option(
            "--serve/--no-serve",
            help="End by serving the GraphQL API on the demo graph (Ctrl-C stops it). "
            "Default: serve when run at a terminal, not in CI or with output piped.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the whole demo: local Neo4j → schema → demo exports → ingest → resolve → train and
    score → grounded copy drafts → summary.

    Ends by printing the Neo4j Browser URL and the credentials file so you can explore the
    graph, then serves the GraphQL API with GraphiQL at /graphql until Ctrl-C (at a terminal;
    scripts and CI get their prompt back instead). Leaves Neo4j running; stop it with
    `marketgraph neo4j stop`.
    """
    from api.pipeline import run_demo

    run_demo(get_settings(), customers=customers, data_dir=data_dir, seed=seed)
    if demo_serves(serve_api, interactive=sys.stdin.isatty() and sys.stdout.isatty(),
                   ci=bool(os.environ.get("CI"))):  # fmt: skip
        serve()
    else:
        console.print("Serve the GraphQL API on this graph with `marketgraph serve`.")


def demo_serves(flag: bool | None, *, interactive: bool, ci: bool) -> bool:
    """Whether `demo` ends by serving the API: as asked, else only for a person at a terminal
    (the issue's "demo ends with the API serving"), never in CI, where it must end."""
    if flag is not None:
        return flag
    return interactive and not ci


def _variable(loc: tuple[int | str, ...]) -> str:
    """The environment variable a settings error is about (aliases such as NEO4J_URI as is)."""
    name = "_".join(str(part) for part in loc)
    return name if name.isupper() else f"MARKETGRAPH_{name.upper()}"


def main() -> None:
    """Console-script entry point: configure logging, run, and map errors to exit codes."""
    try:
        settings = get_settings()
    except ValidationError as exc:  # a bad MARKETGRAPH_* value: name it, no traceback
        problems = "; ".join(f"{_variable(e['loc'])}: {e['msg']}" for e in exc.errors())
        err_console.print(f"[bold red]error:[/bold red] {escape(problems)}")
        raise SystemExit(2) from None
    configure_logging(settings)
    try:
        app()
    except MarketgraphError as exc:
        err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}")
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
