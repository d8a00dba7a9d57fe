"""Find and scrub the quarantined rows that carry an erased person's data.

Why: a rejected row is kept whole (on its (:QuarantinedRow) node, capped, and in full in the
run's quarantine file) so it can be fixed and loaded again — which also keeps the personal data
of a person who has since asked to be erased. A row is taken to carry the person when one of
its fields is exactly their source id, e-mail address or phone (any export: a rejected call or
order names the contact by id). Whole fields, so `C-12` does not catch `C-123`; an unrelated
row that happens to hold the same value in some field loses its raw text too, which costs a
re-export of a row that was rejected anyway.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from ingestion.quarantine_text import fields

log = logging.getLogger(__name__)

#: What replaces the reason of a scrubbed quarantined row, in the files and on its node.
ERASED = "erased ({erasure_id})"


def needles(targets: Iterable[dict[str, Any]]) -> set[str]:
    """The lower-cased values that identify the records in raw text."""
    found: set[str] = set()
    for row in targets:
        for key in ("source_id", "email", "phone"):
            value = row.get(key)
            if value is not None and str(value).strip():
                found.add(str(value).strip().lower())
    return found


def carries(raw: str | None, reason: str | None, wanted: set[str]) -> bool:
    """Whether a quarantined row holds one of ``wanted`` as a whole field, or its reason quotes
    one (a contract's message quotes the failing value)."""
    return bool(carried(raw, reason, wanted))


def carried(raw: str | None, reason: str | None, wanted: set[str]) -> set[str]:
    """The values of ``wanted`` a quarantined row holds as whole fields or its reason quotes.
    Set intersections, so a pass over the files costs the same for one request or hundreds."""
    found = fields(raw) & wanted if raw is not None else set()
    if reason and ("'" in reason or '"' in reason):
        found |= {a or b for a, b in _QUOTED.findall(reason.lower())} & wanted
    return found


#: A quoted value in a contract's message: 'jane@x.example' or "C-12"; the closing quote is
#: followed by anything but a letter or digit (or the end), so a value holding an apostrophe
#: (o'brien@…) is whole, and one cut short ('xx…'… (80 characters)) still ends.
_QUOTED: Final = re.compile(r"'(.+?)'(?=\W|$)|\"(.+?)\"(?=\W|$)")
#: Bytes a torn append left undecodable are kept as they were, not an error: one damaged file
#: must not stop every erasure and access export.
_ERRORS: Final = "surrogateescape"


def owner(
    raw: str | None, reason: str | None, wanted: Sequence[set[str]], anyone: set[str]
) -> int | None:
    """Which of several erasures (the index of the first set of ``wanted`` it carries) a
    quarantined row belongs to, or None: several requests honoured in one pass each claim
    their own rows, and a row that names two people goes to the first. ``anyone`` is the union
    of ``wanted``, checked first: most rows name nobody being erased."""
    hits = carried(raw, reason, anyone)
    if not hits:
        return None
    return next(i for i, needles in enumerate(wanted) if hits & needles)


def _read_locked(path: Path, *, exclusive: bool) -> tuple[Any, list[str]] | None:
    """Open ``path`` and take its lock; None when the file went meanwhile. An erasure replaces
    a file it rewrites, so a handle opened before that is reopened (as ``append_locked``)."""
    while True:
        try:
            held = path.open("r", encoding="utf-8", errors=_ERRORS)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(held, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            if os.fstat(held.fileno()).st_ino == os.stat(path).st_ino:
                # "\n" only: JSON keeps U+2028 and friends literally; splitlines() splits on them.
                return held, held.read().rstrip("\n").split("\n")
        except FileNotFoundError:
            pass  # replaced or removed meanwhile: open it again
        except BaseException:
            held.close()
            raise
        held.close()


def _each_file(folder: Path, *, exclusive: bool) -> Iterator[tuple[Path, list[str]]]:
    """Each quarantine file under ``folder`` with its lines, its lock held while the caller
    works on them (shared to read, exclusive to rewrite)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        opened = _read_locked(path, exclusive=exclusive)
        if opened is not None:
            with opened[0]:
                yield path, opened[1]


def _rows(lines: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """The quarantine lines that are rows (one JSON object each), with their index."""
    rows = []
    for i, line in enumerate(lines):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append((i, row))
    return rows


def _place(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("source_type", "file", "row_number")}


def locate(folder: Path, wanted: Sequence[set[str]]) -> list[list[dict[str, Any]]]:
    """Where (source_type, file, row_number) the rows carrying each set of ``wanted`` came
    from, without changing the files: an erasure scrubs their graph nodes (which may hold the
    value beyond their preview) before the files, so a retry after a crash still finds them."""
    located: list[list[dict[str, Any]]] = [[] for _ in wanted]
    anyone: set[str] = set().union(*wanted)
    if not anyone:
        return located
    for _, lines in _each_file(folder, exclusive=False):
        for _, row in _rows(lines):
            claimed = owner(row.get("raw"), row.get("reason"), wanted, anyone)
            if claimed is not None:
                located[claimed].append(_place(row))
    return located


def scrub_files(
    folder: Path, wanted: Sequence[set[str]], erasure_ids: Sequence[str]
) -> list[list[dict[str, Any]]]:
    """Rewrite the quarantine files (one JSON object per rejected row) under ``folder`` without
    the raw text and reason of the rows that carry ``wanted`` (one set per erasure, its id in
    ``erasure_ids`` at the same place); returns, per erasure, where each row it scrubbed came
    from. One pass for all of them: a log of many requests rewrites each file once. Each changed
    file is replaced atomically (written beside it, then renamed) while holding its lock, which
    an ingest appending to it takes too (``ingestion.loader``)."""
    located: list[list[dict[str, Any]]] = [[] for _ in erasure_ids]
    anyone: set[str] = set().union(*wanted)
    if not anyone:
        return located
    for path, lines in _each_file(folder, exclusive=True):
        changed = 0
        for i, row in _rows(lines):
            claimed = owner(row.get("raw"), row.get("reason"), wanted, anyone)
            if claimed is None:
                continue
            located[claimed].append(_place(row))
            erasure_id = erasure_ids[claimed]
            reason = ERASED.format(erasure_id=erasure_id)
            row.update(raw=None, reason=reason, erasure_id=erasure_id)
            lines[i] = json.dumps(row, ensure_ascii=False)
            changed += 1
        if changed:
            _replace(path, lines)
            log.info("erasures: scrubbed %d rows of %s", changed, path.name)
    return located


def _replace(path: Path, lines: list[str]) -> None:
    """Write ``lines`` beside ``path``, flush them to disk, then rename over it: a reader sees
    the old file or the new one, and a failed write leaves no copy of the old rows behind."""
    temporary = path.with_suffix(".jsonl.erasing")
    try:
        with temporary.open("w", encoding="utf-8", errors=_ERRORS) as out:
            out.write("\n".join(lines) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def rows_carrying(folder: Path, wanted: set[str]) -> list[dict[str, Any]]:
    """The quarantined rows, in full from the files, that carry ``wanted`` (a person's source
    ids, e-mail, phone), each with the values it matched on (``matched``) and its quarantine
    file (the ingest run that rejected it): what a right-of-access export lists. Erased rows
    (their raw text gone) are left out."""
    found: list[dict[str, Any]] = []
    if not wanted:
        return found
    for path, lines in _each_file(folder, exclusive=False):
        for _, row in _rows(lines):
            hits = carried(row.get("raw"), row.get("reason"), wanted)
            if hits and row.get("raw") is not None:
                found.append({**row, "quarantine_file": path.name, "matched": sorted(hits)})
    return found
