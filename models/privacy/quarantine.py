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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
    if raw is not None and fields(raw) & wanted:
        return True
    quoted = (reason or "").lower()
    return any(f"'{value}'" in quoted or f'"{value}"' in quoted for value in wanted)


def scrub_files(folder: Path, wanted: set[str], erasure_id: str) -> list[dict[str, Any]]:
    """Rewrite the quarantine files (one JSON object per rejected row) under ``folder`` without
    the raw text and reason of the rows that carry ``wanted``; returns where each scrubbed row
    came from (source_type, file, row_number: its graph node may hold the value beyond its
    preview). Each changed file is replaced atomically (written beside it, then renamed) while
    holding its lock, which an ingest appending to it takes too (``ingestion.loader``)."""
    if not wanted or not folder.is_dir():
        return []
    located: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open("r", encoding="utf-8") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            # "\n" only: JSON keeps U+2028 and friends literally; splitlines() splits on them.
            lines = held.read().rstrip("\n").split("\n")
            found = _scrub_lines(lines, wanted, erasure_id)
            if found:
                temporary = path.with_suffix(".jsonl.erasing")
                temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
                os.replace(temporary, path)
                log.info("erasure %s: scrubbed %d rows of %s", erasure_id, len(found), path.name)
            located += found
    return located


def _scrub_lines(lines: list[str], wanted: set[str], erasure_id: str) -> list[dict[str, Any]]:
    """Scrub, in place, the lines whose row carries ``wanted``; returns where they came from."""
    found = []
    for i, line in enumerate(lines):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if not isinstance(row, dict) or not carries(row.get("raw"), row.get("reason"), wanted):
            continue
        found.append({k: row.get(k) for k in ("source_type", "file", "row_number")})
        row.update(raw=None, reason=ERASED.format(erasure_id=erasure_id), erasure_id=erasure_id)
        lines[i] = json.dumps(row, ensure_ascii=False)
    return found
