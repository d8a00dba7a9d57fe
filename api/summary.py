"""What the graph holds, rendered for people: counts, the last runs, quarantine reasons."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from graph.cypher_catalog import load_query
from graph.db import Database
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
    table = Table(title=f"Ingest run {report.run_id}")
    for column in ("file", "status", "read", "loaded", "quarantined", "created", "updated",
                   "unchanged", "seconds"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("file", "status") else "right")
    for f in report.files:
        table.add_row(
            f.name, f.status, f"{f.rows_read:,}", f"{f.loaded:,}", f"{f.quarantined:,}",
            f"{f.created:,}", f"{f.updated:,}", f"{f.unchanged:,}", f"{f.seconds:.1f}",
        )  # fmt: skip
    table.add_row(
        "total", "", f"{report.total('rows_read'):,}", f"{report.total('loaded'):,}",
        f"{report.total('quarantined'):,}", f"{report.total('created'):,}",
        f"{report.total('updated'):,}", f"{report.total('unchanged'):,}", f"{report.seconds:.1f}",
        style="bold",
    )  # fmt: skip
    return table


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
