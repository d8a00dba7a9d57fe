"""What the graph holds, rendered for people: counts, the last runs, quarantine reasons."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from graph.cypher_catalog import load_query
from graph.db import Database
from ingestion.demo_data import GenerationReport
from ingestion.loader import IngestReport


def graph_counts(db: Database) -> dict[str, Any]:
    """Node counts per label and relationship counts per type (from the count store)."""
    rows = db.query(load_query("reports/graph_summary"))
    return rows[0] if rows else {"labels": {}, "relationships": {}}


def counts_table(counts: dict[str, Any]) -> Table:
    table = Table(title="The graph", show_lines=False)
    table.add_column("Nodes", style="bold")
    table.add_column("count", justify="right")
    table.add_column("Relationships", style="bold")
    table.add_column("count", justify="right")
    labels = sorted(counts["labels"].items())
    rels = sorted(counts["relationships"].items())
    for i in range(max(len(labels), len(rels))):
        left = labels[i] if i < len(labels) else ("", "")
        right = rels[i] if i < len(rels) else ("", "")
        table.add_row(left[0], f"{left[1]:,}" if left[1] != "" else "",
                      right[0], f"{right[1]:,}" if right[1] != "" else "")  # fmt: skip
    return table


def ingest_table(report: IngestReport) -> Table:
    """One row per file: rows read = loaded + quarantined; loaded = new + changed + same."""
    table = Table(title=f"Ingest run {report.run_id}")
    table.add_column("file", no_wrap=True, min_width=22)
    table.add_column("status")
    for column in ("read", "loaded", "bad", "new", "changed", "same", "secs"):
        table.add_column(column, justify="right")
    for f in report.files:
        table.add_row(
            f.name, f.status, f"{f.rows_read:,}", f"{f.loaded:,}", f"{f.quarantined:,}",
            f"{f.created:,}", f"{f.updated:,}", f"{f.unchanged:,}", f"{f.seconds:.1f}",
            style="red" if f.status == "rejected" else None,
        )  # fmt: skip
    table.add_row(
        "total", "", f"{report.total('rows_read'):,}", f"{report.total('loaded'):,}",
        f"{report.total('quarantined'):,}", f"{report.total('created'):,}",
        f"{report.total('updated'):,}", f"{report.total('unchanged'):,}", f"{report.seconds:.1f}",
        style="bold",
    )  # fmt: skip
    table.caption = "bad = quarantined with a reason; same = unchanged rows, not rewritten"
    notes = [f"{f.name}: {f.note}" for f in report.files if f.note and f.status != "rejected"]
    if notes:
        table.caption += "\n" + "\n".join(notes)
    return table


def runs_table(db: Database, limit: int = 5) -> Table:
    """The latest ingest runs, newest first."""
    table = Table(title="Latest ingest runs")
    for column in ("run", "status", "read", "loaded", "bad", "secs"):
        table.add_column(column, justify="left" if column in ("run", "status") else "right")
    for row in db.query(load_query("reports/last_ingest_runs"), {"limit": limit}):
        table.add_row(
            row["run_id"], row["status"], f"{row['rows_read'] or 0:,}", f"{row['loaded'] or 0:,}",
            f"{row['quarantined'] or 0:,}", f"{row['seconds'] or 0:.1f}",
        )  # fmt: skip
    return table


def generation_summary(report: GenerationReport) -> str:
    """One line on what the demo generator wrote."""
    bad = sum(f.bad_rows for f in report.files.values())
    return (
        f"{report.customers:,} people and {report.companies:,} companies behind "
        f"{sum(f.rows for f in report.files.values()):,} export rows in {len(report.files)} files "
        f"({report.interactions:,} interactions, {bad:,} deliberately malformed rows, "
        f"reference date {report.reference_date}) in {report.out_dir}"
    )


def quarantine_table(db: Database, run_id: str) -> Table | None:
    rows = db.query(load_query("reports/quarantine_reasons"), {"run_id": run_id})
    if not rows:
        return None
    table = Table(title="Quarantined rows (kept in full, with their reasons)")
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("example reasons")
    for row in rows:
        table.add_row(row["file"], f"{row['rows']:,}", "\n".join(r[:140] for r in row["examples"]))
    return table
