"""The FastAPI application: GraphQL at /graphql (with GraphiQL), health, readiness, metrics.

Why an app factory with a lifespan: the Neo4j driver is created once per process when the app
starts and closed when it stops — never per request — and tests build apps with their own
settings. The API key is read from `X-API-Key` (or `Authorization: Bearer ...`); an unknown key
is rejected with HTTP 401 before any resolver runs, a missing one leaves the caller anonymous
(every field then answers UNAUTHENTICATED).

File uploads (`uploadFile`) use the GraphQL multipart request spec. A browser may send a
multipart form cross-site without a CORS preflight, so a multipart request must carry a header
no plain form can: the API key (`X-API-Key` / `Authorization`) or `Apollo-Require-Preflight`
(which matters in development, where a server without keys treats everyone as admin). A body
whose declared length is far beyond `api_max_upload_mb` is refused with 413 before it is read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import Route

from api.graphql.auth import KeyRing, Role, key_fingerprint
from api.graphql.context import Context
from api.graphql.copy_api import SHARED as SHARED_COPY
from api.graphql.cursor_seal import CursorSeal
from api.graphql.endpoint import GraphQLEndpoint, RequestRefused
from api.graphql.graphiql import graphiql_page
from api.graphql.job_metrics import JobStatusCollector
from api.graphql.metrics import ApiMetrics
from api.graphql.mutation import IngestService
from api.graphql.schema import build_schema
from graph.async_db import AsyncDatabase
from graph.cypher_catalog import load_query
from graph.db import Database, create_driver
from graph.settings import Settings

log = logging.getLogger(__name__)


def _presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() or None if auth.lower().startswith("bearer ") else None


#: Headers a cross-site HTML form cannot send (each forces a CORS preflight).
PREFLIGHT_HEADERS = ("x-api-key", "authorization", "apollo-require-preflight")
#: Room for the multipart framing and the `operations` / `map` fields around the file.
MULTIPART_OVERHEAD = 1 << 20


def _check_multipart(request: Request, settings: Settings, role: Role | None) -> None:
    """Refuse multipart requests before their body is read unless they come from an admin
    with a declared size within the limit.

    Why before: Starlette spools every uploaded part to a temporary file while it parses
    the body, so a refusal from the resolver (not an admin, too large) came only after the
    whole file had been stored; with chunked encoding there was no size to check at all.
    Multipart is only used by `uploadFile`, which needs the admin role.
    """
    if not request.headers.get("content-type", "").lower().startswith("multipart/"):
        return
    if not any(request.headers.get(name) for name in PREFLIGHT_HEADERS):
        raise RequestRefused(
            400,
            "multipart requests need an X-API-Key, Authorization or "
            "Apollo-Require-Preflight header",
        )
    if role is None:
        raise RequestRefused(401, "uploads need an API key (X-API-Key header) of an admin")
    if role < Role.ADMIN:
        raise RequestRefused(403, "uploads need the admin role")
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise RequestRefused(411, "uploads need a Content-Length header (no chunked bodies)")
    limit = settings.api_max_upload_mb * 1024 * 1024 + MULTIPART_OVERHEAD
    if int(declared) > limit:
        raise RequestRefused(413, f"upload larger than the {settings.api_max_upload_mb:g} MB limit")


def create_app(settings: Settings) -> FastAPI:
    """A ready-to-serve app; raises ConfigurationError if keys are required but missing."""
    keys = KeyRing.from_settings(settings)
    for fingerprint, role in keys.fingerprints():  # writes record api:<role>:<fingerprint>
        log.info("API key %s: %s", fingerprint, role.name.lower())
    metrics = ApiMetrics()
    cursor_seal = CursorSeal.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = await AsyncDatabase.open(settings)
        # The batched ingest writer and the model registry are synchronous code; they run in
        # worker threads on this driver.
        sync_driver = create_driver(settings)
        app.state.sync_db = Database(sync_driver, settings.neo4j_database)
        app.state.ingest = (
            IngestService(app.state.sync_db, settings) if settings.api_ingest_dir else None
        )
        try:
            yield
        finally:
            SHARED_COPY.close()  # the copy service (embedding model, LLM) this process built
            await app.state.db.close()
            sync_driver.close()

    def context_for(request: Request) -> Context:
        presented = _presented_key(request)
        role = keys.role_for(presented)
        if presented is not None and role is None:
            raise RequestRefused(401, "unknown API key")
        _check_multipart(request, settings, role)
        return Context(
            db=request.app.state.db,
            settings=settings,
            role=role,
            metrics=metrics,
            cursor_seal=cursor_seal,
            ingest=request.app.state.ingest,
            key_id=key_fingerprint(presented) if presented and not keys.open_mode else None,
            sync_db=request.app.state.sync_db,
        )

    app = FastAPI(title="marketgraph", lifespan=lifespan, docs_url=None, redoc_url=None)
    metrics.registry.register(JobStatusCollector(lambda: getattr(app.state, "sync_db", None)))
    endpoint = GraphQLEndpoint(
        build_schema(settings),
        context_for=context_for,
        ide_html=graphiql_page(app, settings),  # local assets when fetched, else the CDN
        graphql_ide="graphiql",
        multipart_uploads_enabled=True,  # uploadFile; see _check_multipart for the guards
    )
    app.router.routes.append(Route("/graphql", endpoint, methods=["GET", "POST"]))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """The process is up (no dependency checked: restarts will not fix Neo4j)."""
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> Response:
        """Neo4j answers a query: only then should a load balancer send traffic here."""
        try:
            await request.app.state.db.read(load_query("api/ping"))
        except Exception:  # any failure means "not ready"; the reason goes to the log
            log.warning("readiness check failed", exc_info=True)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics")
    async def prometheus_metrics() -> Response:
        """Prometheus text format: operation counts and latency histograms, job health."""
        # collecting job metrics queries Neo4j synchronously: keep it off the event loop
        body = await asyncio.to_thread(generate_latest, metrics.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return app
