"""Mutations the graph supports today: loading export files.

Why a server-side folder instead of any path: a path argument would let an API key read any
file the server can. `ingestFile` only accepts names inside `MARKETGRAPH_API_INGEST_DIR`
(unset = mutation disabled). `uploadFile` streams a client's file into `uploads/` there, under
its base name, which must be an export name the loader recognises, then ingests it the same way.
The run itself is the CLI's `IngestRun`, executed in a worker thread (it uses the synchronous,
batched writer) and one at a time.
Model promote / rollback live in `api.graphql.scores`; review decisions and unmerge in
`api.graphql.resolution_api`; copy in `api.graphql.copy_api`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import strawberry
from strawberry.file_uploads import Upload

from api.graphql.auth import Role
from api.graphql.errors import Conflict, InvalidInput, NotFound, invalid
from api.graphql.resolution_api import _resolution_lock
from api.graphql.scores import ModelSwitch, promote_version, rollback_serving
from graph.db import Database
from graph.errors import JobBusyError, LockLostError
from graph.settings import Settings

log = logging.getLogger(__name__)
Info = strawberry.Info[Any, None]

DISABLED = "{} is disabled: the server has no MARKETGRAPH_API_INGEST_DIR."
#: Subfolder of the ingest dir that uploads are written to.
UPLOADS = "uploads"
#: A base name as browsers and tools save exports (`crm_contacts (1).csv`): no separators, and
#: no leading dot or dash.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._() -]{0,199}")
#: Extensions of files people upload instead of an export, and what to do instead.
_NOT_AN_EXPORT = {
    **dict.fromkeys(("xlsx", "xlsm", "xls", "ods", "numbers"),
                    "a spreadsheet: save the sheet as “CSV UTF-8” and upload that"),
    **dict.fromkeys(("zip", "7z", "rar", "tar", "tgz"),
                    "an archive: unpack it and upload the export files inside (one export may "
                    "be gzip-compressed: crm_contacts.csv.gz)"),
}  # fmt: skip
_CHUNK = 1 << 20


def upload_name(filename: str | None) -> str:
    """The base name an upload is stored under, if it names an export file; else a field error.

    Only the last path component is kept (some clients send full paths); it must be a known
    source type with a supported extension (`crm_contacts.csv`), so nothing else can be written
    and no name can point outside the uploads folder.
    """
    from graph.errors import ContractError
    from ingestion.loader import NOT_EXPORTS
    from ingestion.readers import SUPPORTED_SUFFIXES, detect_source_type

    suffixes = SUPPORTED_SUFFIXES
    hint = "an export file name such as crm_contacts.csv (" + ", ".join(suffixes) + ")"
    base = re.split(r"[/\\]", filename or "")[-1]
    if not _SAFE_NAME.fullmatch(base) or base in NOT_EXPORTS:
        raise invalid("file", hint)
    if not base.lower().endswith(suffixes):
        extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
        extension = "tgz" if base.lower().endswith(".tar.gz") else extension
        raise invalid("file", _NOT_AN_EXPORT.get(extension, hint))
    try:
        detect_source_type(Path(base))
    except ContractError:
        raise invalid("file", hint) from None
    return base


@strawberry.type
class IngestFileReport:
    name: str
    source_type: str
    source_system: str
    status: str = strawberry.field(
        description="loaded; skipped (same content loaded before); or rejected as a whole "
        "(unreadable, or a header that breaks its contract: `note` says why; the other files "
        "still load)"
    )
    rows_read: int
    loaded: int
    quarantined: int
    created: int
    updated: int
    unchanged: int
    older: int = strawberry.field(
        description="Of the unchanged rows, those not applied because the graph holds a later "
        "update of the record (updated_at): an older export cannot undo a newer change."
    )
    note: str | None = strawberry.field(
        description="Why a file was skipped, or what in it was not applied."
    )
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
    erasures_honoured: int = strawberry.field(
        description="Erasure requests of an erasure log (erasure_requests.csv) honoured after "
        "the load, one per reference."
    )
    erasures_waiting: int = strawberry.field(
        description="Person records an erasure log flagged that still wait to be erased (a "
        "resolution run held the lock): the next ingest or refresh erases them."
    )


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
            raise NotFound(DISABLED.format("ingestFile"))
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

    async def ingest(self, relative: str, force: bool, by: str = "api") -> IngestResult:
        """Validate and load the files under `relative`; returns the run report. A single
        file whose name matches no export is a field error on `path` saying so."""
        from graph.errors import ContractError
        from ingestion.readers import detect_source_type

        target = self.resolve(relative)
        if target.is_file():
            try:
                detect_source_type(target)
            except ContractError as exc:
                reason = str(exc).replace(f"{target}: ", "", 1)  # no server paths for clients
                raise invalid("path", f"{relative}: {reason}") from None
        return await self._run(target, force, by)

    async def upload(self, upload: Any, force: bool, by: str = "api") -> IngestResult:
        """Stream `upload` (a Starlette UploadFile) into `uploads/`, then ingest that file.

        The bytes go to a hidden `.part` file first, which is deleted on any error (too large,
        client gone); only a complete upload replaces `uploads/<name>`, once the ingest locks are
        held, so a concurrent upload of the same name cannot swap the file during a run and a
        refused one (another ingest running) leaves the earlier file in place. A file the run
        rejects as a whole (a broken header) is not kept: the earlier upload of that name, which
        loaded, is put back.
        """
        root = self.settings.api_ingest_dir
        if root is None:
            raise NotFound(DISABLED.format("uploadFile"))
        if not callable(getattr(upload, "read", None)):
            raise invalid("file", "send the file in a GraphQL multipart request")
        try:
            name = upload_name(getattr(upload, "filename", None))
            folder = root.resolve() / UPLOADS
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            target = folder / name
            part = folder / f".{name}.{uuid.uuid4().hex}.part"
            return await self._store_and_run(upload, part, target, force, by)
        finally:
            await upload.close()

    async def _store_and_run(
        self, upload: Any, part: Path, target: Path, force: bool, by: str
    ) -> IngestResult:
        limit_mb = self.settings.api_max_upload_mb
        limit = int(limit_mb * 1024 * 1024)
        previous = part.with_name(f"{part.name}.previous")
        try:
            size = 0
            out: BinaryIO = await asyncio.to_thread(part.open, "xb")
            try:
                while chunk := await upload.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise invalid("file", f"larger than the {limit_mb:g} MB upload limit")
                    await asyncio.to_thread(out.write, chunk)
            finally:
                await asyncio.to_thread(out.close)
            if size == 0:
                raise invalid("file", "the file is empty")

            def swap_in() -> None:  # under the locks; the earlier upload kept aside
                if target.exists():
                    target.replace(previous)
                part.replace(target)

            result = await self._run(target, force, by, before=swap_in)
            if any(f.status == "rejected" for f in result.files):
                # refused as a whole (its reason is in the answer): keep the earlier upload of
                # that name, which loaded, rather than a file that never did
                if previous.exists():
                    await asyncio.to_thread(previous.replace, target)
                else:
                    await asyncio.to_thread(target.unlink, missing_ok=True)
            return result
        finally:
            await asyncio.to_thread(part.unlink, missing_ok=True)
            await asyncio.to_thread(previous.unlink, missing_ok=True)

    async def _run(
        self, target: Path, force: bool, by: str, before: Callable[[], object] | None = None
    ) -> IngestResult:
        """One ingest run of `target` under this server's lock and the graph's ingest lock
        (`before` runs once both are held, so a refused run changes no file)."""
        from graph.migrations import apply_migrations
        from ingestion.loader import IngestRun
        from models.privacy.requested import RequestedErasures, erase_requested, waiting

        def work() -> Any:
            apply_migrations(self.db)
            run = IngestRun(self.db, self.settings, force=force, by=by)
            report = run.run([target], prepare=before)
            if not waiting(self.db):
                return report, None
            try:
                with _resolution_lock:  # queue behind this server's unmerges and erasures
                    return report, erase_requested(self.db, self.settings)
            except Exception:  # the load stands; the flags wait for the next ingest or refresh
                log.exception("erasure requests after ingest run %s wait", report.run_id)
                return report, RequestedErasures(waiting=waiting(self.db))

        async with self._lock:
            try:
                report, erased = await asyncio.to_thread(work)
            except LockLostError as exc:  # stopped midway: what it loaded stands, send it again
                raise Conflict(str(exc), reason="INGEST_LOCK_LOST") from exc
            except JobBusyError as exc:  # an ingest from the scheduler or a shell is running
                raise Conflict(str(exc), reason="INGEST_RUNNING") from exc
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
                    older=f.older,
                    note=f.note.replace(str(base), ".") if f.note else None,
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
            erasures_honoured=erased.honoured if erased else 0,
            erasures_waiting=erased.waiting if erased else 0,  # None: none waited
        )


def _admin_ingest_service(info: Info, mutation: str) -> IngestService:
    """The server's ingest service for an admin caller; NotFound when ingestion is disabled."""
    info.context.require(Role.ADMIN)
    service = info.context.ingest
    if not isinstance(service, IngestService):
        raise NotFound(DISABLED.format(mutation))
    return service


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Load export files from the server's ingest folder (admin). Same rules as "
        "`marketgraph ingest`: bad rows are quarantined, re-loads are idempotent, and a "
        "source's erasure log (`erasure_requests.csv`) is honoured right after the load."
    )
    async def ingest_file(self, info: Info, path: str, force: bool = False) -> IngestResult:
        service = _admin_ingest_service(info, "ingestFile")
        return await service.ingest(path, force, info.context.actor)

    @strawberry.mutation(
        description="Upload one export file and load it (admin; GraphQL multipart request). "
        "The file is kept as `uploads/<name>` in the server's ingest folder unless it is "
        "rejected as a whole (then an earlier upload of that name stays); its name must be "
        "an export name such as `crm_contacts.csv`. Loads like `ingestFile`: uploading the "
        "same content again is skipped unless `force`."
    )
    async def upload_file(self, info: Info, file: Upload, force: bool = False) -> IngestResult:
        service = _admin_ingest_service(info, "uploadFile")
        return await service.upload(file, force, info.context.actor)

    @strawberry.mutation(
        description="Serve a trained model version (admin): runs the drift check, scores everyone "
        "if that version has no scores yet, then switches serving for both of its tasks."
    )
    async def promote_model(self, info: Info, version: str, force: bool = False) -> ModelSwitch:
        info.context.require(Role.ADMIN)
        return await promote_version(info, version, force, by=info.context.actor)

    @strawberry.mutation(description="Serve the previously serving model version again (admin).")
    async def rollback_model(self, info: Info) -> ModelSwitch:
        info.context.require(Role.ADMIN)
        return await rollback_serving(info, by=info.context.actor)
