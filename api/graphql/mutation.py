"""Mutations the graph supports today: loading export files.

Why a server-side folder instead of any path: a path argument would let an API key read any
file the server can. `ingestFile` only accepts names inside `MARKETGRAPH_API_INGEST_DIR`
(unset = mutation disabled). The run itself is the CLI's `IngestRun`, executed in a worker
thread (it uses the synchronous, batched writer) and one at a time.
Model promote / rollback live in `api.graphql.scores`. Later: resolution (review decisions,
unmerge) and copy generation.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import strawberry

from api.graphql.auth import Role
from api.graphql.errors import InvalidInput, NotFound
from api.graphql.scores import ModelSwitch, promote_version, rollback_serving
from graph.db import Database
from graph.settings import Settings

log = logging.getLogger(__name__)
Info = strawberry.Info[Any, None]


@strawberry.type
class IngestFileReport:
    name: str
    source_type: str
    source_system: str
    status: str = strawberry.field(description="loaded, or skipped (same content loaded before)")
    rows_read: int
    loaded: int
    quarantined: int
    created: int
    updated: int
    unchanged: int
    seconds: float


@strawberry.type
class IngestResult:
    run_id: str
    files: list[IngestFileReport]
    ignored: list[str]
    rows_read: int
    loaded: int
    quarantined: int
    seconds: float


class IngestService:
    """Runs ingests for the API: one at a time, in a thread, under the allowed folder."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._lock = asyncio.Lock()

    def resolve(self, relative: str) -> Path:
        """The file or folder `relative` names inside the ingest dir; refuses escapes."""
        root = self.settings.api_ingest_dir
        if root is None:
            raise NotFound("ingestFile is disabled: the server has no MARKETGRAPH_API_INGEST_DIR.")
        field = [{"field": "path", "message": "a file or folder inside the server's ingest dir"}]
        if not 0 < len(relative) <= 500 or "\x00" in relative or Path(relative).is_absolute():
            raise InvalidInput("Invalid `path`.", fields=field)
        base = root.resolve()
        target = (base / relative).resolve()
        if target != base and base not in target.parents:
            raise InvalidInput("Invalid `path`.", fields=field)
        if not target.exists():
            raise NotFound(f"No file or folder {relative!r} in the ingest dir.")
        return target

    async def ingest(self, relative: str, force: bool) -> IngestResult:
        """Validate and load the files under `relative`; returns the run report."""
        from graph.migrations import apply_migrations
        from ingestion.loader import IngestRun

        target = self.resolve(relative)

        def work() -> Any:
            apply_migrations(self.db)
            return IngestRun(self.db, self.settings, force=force).run([target])

        async with self._lock:
            report = await asyncio.to_thread(work)
        base = target if target.is_dir() else target.parent
        return IngestResult(
            run_id=report.run_id,
            files=[
                IngestFileReport(
                    name=f.name,
                    source_type=f.source_type,
                    source_system=f.source_system,
                    status=f.status,
                    rows_read=f.rows_read,
                    loaded=f.loaded,
                    quarantined=f.quarantined,
                    created=f.created,
                    updated=f.updated,
                    unchanged=f.unchanged,
                    seconds=f.seconds,
                )
                for f in report.files
            ],
            # the loader's notes hold server paths; clients see them relative to the folder
            ignored=[note.replace(str(base), ".") for note in report.ignored],
            rows_read=report.total("rows_read"),
            loaded=report.total("loaded"),
            quarantined=report.total("quarantined"),
            seconds=report.seconds,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Load export files from the server's ingest folder (admin). Same rules as "
        "`marketgraph ingest`: bad rows are quarantined, re-loads are idempotent."
    )
    async def ingest_file(self, info: Info, path: str, force: bool = False) -> IngestResult:
        info.context.require(Role.ADMIN)
        service = info.context.ingest
        if not isinstance(service, IngestService):
            raise NotFound("ingestFile is disabled: the server has no MARKETGRAPH_API_INGEST_DIR.")
        return await service.ingest(path, force)

    @strawberry.mutation(
        description="Serve a trained model version (admin): runs the drift check, scores everyone "
        "if that version has no scores yet, then switches serving for both of its tasks."
    )
    async def promote_model(self, info: Info, version: str, force: bool = False) -> ModelSwitch:
        role = info.context.require(Role.ADMIN)
        return await promote_version(info, version, force, by=f"api:{role.name.lower()}")

    @strawberry.mutation(description="Serve the previously serving model version again (admin).")
    async def rollback_model(self, info: Info) -> ModelSwitch:
        role = info.context.require(Role.ADMIN)
        return await rollback_serving(info, by=f"api:{role.name.lower()}")
