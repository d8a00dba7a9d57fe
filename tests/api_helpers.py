"""Shared pieces of the API tests: a loaded demo graph, an app with one key per role, and a
GraphQL call helper. The app runs in-process (httpx ASGITransport) against the real Neo4j."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from api.graphql.app import create_app
from api.graphql.auth import key_fingerprint
from graph.db import Database
from graph.maintenance import delete_all_data
from graph.settings import Settings
from ingestion.loader import IngestRun

KEYS = {
    "viewer": "viewer-key-0123456789",
    "marketer": "marketer-key-0123456789",
    "analyst": "analyst-key-0123456789",
    "admin": "admin-key-0123456789",
}
INJECTION = "') DETACH DELETE n //"


def actor(role: str) -> str:
    """What a write made with the test key of `role` records as its author."""
    return f"api:{role}:{key_fingerprint(KEYS[role])}"


def load_demo(db: Database, settings: Settings, demo_dir: Path) -> None:
    """A fresh graph holding exactly the session's demo exports."""
    delete_all_data(db)
    IngestRun(db, settings).run([demo_dir])


def api_settings(settings: Settings, ingest_dir: Path | None = None, **extra: Any) -> Settings:
    """The test server's settings with one API key per role, as in production."""
    keys = ",".join(f"{key}:{role}" for role, key in KEYS.items())
    return settings.model_copy(
        update={
            "environment": "test",
            "api_keys": SecretStr(keys),
            "api_ingest_dir": ingest_dir,
            **extra,
        }
    )


@asynccontextmanager
async def api_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client bound to a freshly created app, with its lifespan running."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    role: str | None = "analyst",
) -> dict[str, Any]:
    """POST one GraphQL operation; returns the JSON body (data and/or errors)."""
    headers = {"X-API-Key": KEYS[role]} if role else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code in (200, 400), response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    """The `extensions.code` of every error in a response."""
    return [str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]
