"""GraphQL types for what `marketgraph ingest` leaves behind: its runs and quarantined rows.

Why apart from `api.graphql.types`: these are bookkeeping nodes with no relationships to
resolve, and the graph's node types keep that module a readable size.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Any

import strawberry

from api.graphql.types import from_row


@strawberry.type(description="One `marketgraph ingest` run and its totals.")
class IngestRun:
    run_id: strawberry.ID
    status: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    paths: list[str] | None = strawberry.field(
        default=None,
        description="The files or folders the run was given, by name only (the server's "
        "directory layout stays on the server).",
    )
    force: bool | None = None
    files: int | None = None
    skipped_files: int | None = None
    rows_read: int | None = None
    loaded: int | None = None
    quarantined: int | None = None
    created: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    older: int | None = strawberry.field(
        default=None,
        description="Of the unchanged rows, those not applied because the graph held a later "
        "update of the record (updated_at).",
    )
    seconds: float | None = None
    rows_per_second: float | None = None


@strawberry.type(description="A row a data contract rejected, with the reason.")
class QuarantinedRow:
    row_id: strawberry.ID
    source_type: str | None = None
    file: str | None = None
    row_number: int | None = None
    reason: str | None = None
    raw: str | None = None
    raw_length: int | None = None


def quarantined_row_from(row: dict[str, Any]) -> QuarantinedRow:
    """A quarantined row with its file cut to the name, as `ingest_run_from` cuts paths: the
    server's directory layout stays on the server."""
    quarantined = from_row(QuarantinedRow, row)
    if quarantined.file:
        quarantined.file = PurePath(quarantined.file).name or quarantined.file
    return quarantined


def ingest_run_from(row: dict[str, Any]) -> IngestRun:
    """An IngestRun with its paths cut to their last component."""
    run = from_row(IngestRun, row)
    if run.paths:
        run.paths = [PurePath(p).name or str(p) for p in run.paths]
    return run
