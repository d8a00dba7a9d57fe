"""The HTTP floor for api_bench: the customer-360 read over HTTP with no GraphQL at all.

Why it exists: api_bench compares the GraphQL API with raw Cypher run from one Python process,
which pays for no HTTP, no JSON and no second process. This app is the least any Python HTTP
API on the same stack can do for the same answer: uvicorn (uvloop, httptools) + Starlette,
one `AsyncDatabase.read` of `api/customer360_view.cypher` per POST, the rows as JSON. Where this
floor is already more than twice raw Cypher, no GraphQL layer can be within twice raw, and the
gap between the floor and the API is what strawberry, authorization and typing cost.

It answers POST /graphql with the GraphQL bodies api_bench sends to the real API (it reads
`variables.id` and `variables.n`, and from the document only whether the id is a record's), so
wrk replays the very same requests. api_bench starts it (unless `--no-floor`) through `serve`,
as `marketgraph serve --workers` runs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.cli_serve import tune_garbage_collection
from graph.async_db import AsyncDatabase
from graph.cypher_catalog import load_query
from graph.settings import get_settings


def view_params(key: str, id_kind: str, limit: int) -> dict[str, Any]:
    """`customer360_view.cypher`'s parameters for every part, as `load_customer360` sends them
    for a full 360 selection (`id_kind`: "recordId" or "customerId")."""
    return {"record_id": key if id_kind == "recordId" else None,
            "customer_id": key if id_kind == "customerId" else None, "limit": limit,
            "with_account": True, "with_interactions": True, "with_products": True}  # fmt: skip


def create_app() -> Starlette:
    """The floor app on the settings from the environment (the same as `marketgraph serve`)."""
    settings = get_settings()
    view = load_query("api/customer360_view")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.db = await AsyncDatabase.open(settings)
        try:
            yield
        finally:
            await app.state.db.close()

    async def customer360(request: Request) -> Response:
        request_body: dict[str, Any] = await request.json()
        variables = request_body["variables"]
        by_record = "customer360(recordId:" in request_body["query"]  # api_bench --no-resolve
        id_kind = "recordId" if by_record else "customerId"
        rows = await request.app.state.db.read(
            view, view_params(variables["id"], id_kind, variables["n"])
        )
        body = json.dumps({"data": rows[0] if rows else None}, default=str)
        return Response(body, media_type="application/json")

    async def ready(request: Request) -> Response:
        return Response("ok")

    app = Starlette(
        routes=[Route("/graphql", customer360, methods=["POST"]), Route("/readyz", ready)],
        lifespan=lifespan,
    )
    tune_garbage_collection(settings.api_gc_gen0)  # as `marketgraph serve` does
    return app


def serve(host: str, port: int, workers: int) -> None:
    """Run the floor like `marketgraph serve --workers`: uvicorn's Multiprocess over the same
    TCP listener (TCP_NODELAY on accepted sockets; see api/cli_serve.py)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from api.cli_serve import tcp_listener

    config = uvicorn.Config(
        "http_floor:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="warning",
    )  # fmt: skip
    if workers == 1:
        uvicorn.Server(config).run(sockets=[tcp_listener(host, port)])
    else:
        Multiprocess(config, sockets=[tcp_listener(host, port)]).run()


if __name__ == "__main__":
    import sys

    serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
