"""Shared fixtures: a real, private Neo4j for the whole test session (never a mock).

The server is started lazily — only tests that ask for `settings`/`db` pay for it — on free
ports under a temporary state dir, and stopped at the end. With NEO4J_URI set, that server is
used instead (and must be disposable: tests delete its data).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.db import Database
from graph.local_server.testing import running_settings_for_tests
from graph.maintenance import delete_all_data
from graph.migrations import apply_migrations
from graph.settings import Settings


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with running_settings_for_tests(tmp_path_factory.mktemp("neo4j-state")) as test_settings:
        yield test_settings


@pytest.fixture(scope="session")
def db(settings: Settings) -> Iterator[Database]:
    with Database.connect(settings) as database:
        apply_migrations(database)
        yield database


@pytest.fixture
def empty_db(db: Database) -> Database:
    """The session database with all data deleted (schema and migrations kept)."""
    delete_all_data(db)
    return db


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo export set, generated once per session (deterministic)."""
    from ingestion.demo_data import generate

    out = tmp_path_factory.mktemp("demo")
    generate(out, customers=400, seed=11, bad_row_rate=0.01)
    return out
