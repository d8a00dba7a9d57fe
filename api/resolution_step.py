"""The demo's resolution step and the short summary `marketgraph resolve` prints."""

from __future__ import annotations

from api.console import console
from graph.db import Database
from graph.settings import Settings
from models.resolution import ResolutionReport, resolve


def print_resolution_summary(report: ResolutionReport) -> None:
    """A few lines: records → entities per kind, merges/splits/removals, reviews, charts."""
    for k in (report.accounts, report.customers):
        console.print(
            f"{k.kind}s ({k.mode}): {k.records:,} records read ({k.new_records:,} new) → "
            f"{k.entities:,} entities touched; {k.links_written:,} links written, "
            f"{k.merges} merges, {k.splits} splits, {k.removed:,} deleted records detached, "
            f"{k.reviews_opened} new review items, "
            f"model {k.model_version or '-'}, {k.seconds:.1f}s"
        )
    console.print(f"{report.works_at:,} customer→account WORKS_AT links; run {report.run_id}")
    charts = report.customers.charts + report.accounts.charts
    if charts:
        console.print(f"Model charts: {charts[0].rsplit('/', 1)[0]}/")


def resolve_and_summarise(db: Database, settings: Settings) -> ResolutionReport:
    """Run a full resolution and print its summary (the demo's resolution step)."""
    console.rule("[bold]Entity resolution")
    report = resolve(db, settings)
    print_resolution_summary(report)
    return report
