"""Applies the versioned schema in `cypher/migrations/` once each, and records it in the graph.

Each applied file becomes a `(:Migration {version, name, checksum, applied_at})` node. Re-running
applies nothing new; a recorded migration whose file changed afterwards is an error, because the
database no longer matches what the repository says it is (write a new migration instead).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from graph.cypher_catalog import load_query, query_names, split_statements
from graph.db import Database
from graph.errors import MigrationError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MigrationResult:
    """What one `apply_migrations` call did."""

    applied: list[str]
    already_applied: list[str]


def _parse(name: str) -> tuple[str, str]:
    stem = name.split("/")[-1]
    version, _, title = stem.partition("_")
    if not version.isdigit():
        raise MigrationError(f"migration file {stem!r} must start with a number, e.g. 0004_x")
    return version, title


def apply_migrations(db: Database) -> MigrationResult:
    """Apply every migration not yet recorded, in version order; idempotent."""
    recorded = {
        row["version"]: row["checksum"] for row in db.query(load_query("schema/applied_migrations"))
    }
    applied: list[str] = []
    already: list[str] = []
    for name in query_names("migrations"):
        version, title = _parse(name)
        text = load_query(name)
        checksum = hashlib.sha256(text.encode()).hexdigest()
        if version in recorded:
            if recorded[version] != checksum:
                raise MigrationError(
                    f"migration {version} ({title}) changed after it was applied; "
                    "add a new migration file instead of editing an applied one"
                )
            already.append(name)
            continue
        for statement in split_statements(text):
            db.run_autocommit(statement)
        db.query(
            load_query("schema/record_migration"),
            {"version": version, "name": title, "checksum": checksum},
            write=True,
        )
        log.info("applied migration %s (%s)", version, title)
        applied.append(name)
    db.run_autocommit("CALL db.awaitIndexes(300)")
    return MigrationResult(applied=applied, already_applied=already)
