"""The demo pipeline `marketgraph demo` runs end to end; later capabilities add their steps.

Kept out of the CLI module so tests and scheduled jobs can run the same steps.
"""

from __future__ import annotations

import logging
from pathlib import Path

from api.console import console, row_progress
from api.resolution_step import resolve_and_summarise
from api.summary import (
    counts_table,
    generation_summary,
    graph_counts,
    ingest_table,
    quarantine_table,
)
from graph.db import Database
from graph.migrations import apply_migrations
from graph.settings import Settings

log = logging.getLogger(__name__)


def run_demo(settings: Settings, *, customers: int, data_dir: Path, seed: int) -> None:
    """Start Neo4j, apply the schema, generate and ingest the demo company, print a summary."""
    from graph.local_server import start, status
    from ingestion.demo_data import generate
    from ingestion.loader import IngestRun

    console.rule("[bold]1. Neo4j")
    server = start(settings)
    console.print(f"Neo4j {server.version} at {server.bolt_uri}")
    with Database.connect(settings) as db:
        console.rule("[bold]2. Schema")
        result = apply_migrations(db)
        console.print(
            f"{len(result.applied)} migrations applied, {len(result.already_applied)} already there"
        )

        console.rule(f"[bold]3. Demo exports ({customers:,} customers, seed {seed})")
        with row_progress() as progress:
            generated = generate(
                data_dir, customers=customers, seed=seed,
                progress=lambda label, n: progress(label, n, n),
            )  # fmt: skip
        console.print(generation_summary(generated))

        console.rule("[bold]4. Ingest")
        with row_progress() as progress:
            report = IngestRun(db, settings).run([data_dir], progress)
        console.print(ingest_table(report))
        table = quarantine_table(db, report.run_id)
        if table is not None:
            console.print(table)

        resolve_and_summarise(db, settings)

        console.rule("[bold]Propensity and cross-sell")
        from api.cli_models import print_training
        from models.linkpred import train

        with row_progress() as progress:
            outcome = train(
                db, settings, progress=lambda step: log.info("models: %s", step),
                score_progress=lambda label, done, total: progress(label, done, total),
            )  # fmt: skip
        print_training(outcome, console)

        from models.copy import write_demo_copy

        console.rule("[bold]Personalized copy")
        copy_summary = write_demo_copy(db, settings)
        console.print(
            f"Embedded {copy_summary.embedded} content items; drafted {len(copy_summary.drafts)} "
            f"grounded e-mails ({copy_summary.passed} passed every guardrail) — review with "
            "`marketgraph copy list`, `copy show ID`, `copy approve ID`"
        )

        console.rule("[bold]5. The graph")
        console.print(counts_table(graph_counts(db)))

    final = status(settings)
    console.rule("[bold]Explore it")
    if final.browser_url:
        console.print(
            f"Neo4j Browser: [bold]{final.browser_url}[/bold]  (connect to {final.bolt_uri})"
        )
    if not settings.uses_external_neo4j:
        console.print(
            f"User neo4j; password in {settings.local_neo4j_dir / 'password'} (mode 0600)."
        )
    console.print("Analyst queries to paste into Browser: cypher/analyst/*.cypher")
    console.print("Stop the server with: marketgraph neo4j stop")
