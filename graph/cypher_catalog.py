"""Loads the Cypher that marketgraph runs from `cypher/*.cypher`, by name.

Why files: analysts open the very same queries in Neo4j Browser, reviewers read Cypher as
Cypher, and nothing is ever assembled from user input — every value is a `$parameter`.
The returned text is typed `LiteralString` because it comes from the repository, not a user.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import LiteralString

from graph.errors import ConfigurationError
from graph.settings import get_settings


def cypher_dir() -> Path:
    """The folder holding the `.cypher` files (configurable for installed copies)."""
    return get_settings().cypher_dir


@lru_cache(maxsize=256)
def load_query(name: str) -> LiteralString:
    """The text of `cypher/<name>.cypher` (e.g. ``"ingest/crm_contacts"``), cached."""
    path = cypher_dir() / f"{name}.cypher"
    if not path.is_file():
        raise ConfigurationError(
            f"Cypher file {path} not found; set MARKETGRAPH_CYPHER_DIR to the repo's cypher/ folder"
        )
    text: LiteralString = path.read_text(encoding="utf-8")
    return text


def query_names(folder: str = "") -> list[str]:
    """Every query name under `cypher/<folder>`, sorted, as accepted by `load_query`."""
    root = cypher_dir()
    return sorted(
        str(p.relative_to(root).with_suffix("")) for p in (root / folder).rglob("*.cypher")
    )


def split_statements(text: str) -> list[LiteralString]:
    """Split a multi-statement file (migrations) on `;` at line ends, dropping comments.

    Migrations hold no string literals with semicolons, so a line-end split is exact here.
    """
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//") or not stripped:
            continue
        current.append(line)
        if stripped.endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements
