"""The /graphql endpoint: strawberry's ASGI view on a plain route, not its FastAPI router.

Why not `strawberry.fastapi.GraphQLRouter`: FastAPI solves that router's dependencies (request,
response, context getter, background tasks, root value) on every request, and that was ~6% of
the API process's CPU per customer 360 (py-spy under wrk; bench/README "Session 12") for nothing
the view needs: the context is built from the request alone. The ASGI view serves the same
GraphQL-over-HTTP protocol (GET and POST, multipart uploads, the GraphiQL page).

A refusal before any resolver runs (`RequestRefused`: an unknown key, a forgeable multipart
request, an oversized upload) answers with its HTTP status and `{"detail": "..."}`, the body
FastAPI's `HTTPException` gave, so clients see the same answer as before. Bodies are read and
written with orjson (strawberry's `json` module took ~2.5% of the CPU per request); orjson's
decode error is a `json.JSONDecodeError`, so a malformed body is still a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http.base import HTTPException  # type: ignore[attr-defined]  # what it raises
from strawberry.types.unset import UNSET

from api.graphql.context import Context


class RequestRefused(Exception):
    """The request is refused before GraphQL runs; `detail` is written for the client."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


class GraphQLEndpoint(GraphQL[Context, None]):
    """strawberry's ASGI view with our context, our GraphiQL page and JSON refusals."""

    def __init__(
        self,
        schema: Any,
        *,
        context_for: Callable[[Request], Context],
        ide_html: str,
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self._context_for = context_for
        self._ide_html = ide_html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except RequestRefused as refused:  # raised by get_context: nothing was sent yet
            answer = JSONResponse({"detail": refused.detail}, status_code=refused.status_code)
            await answer(scope, receive, send)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """strawberry's run, with its protocol refusals (malformed JSON, a wrong content type,
        no `query`: HTTP 400) answered as JSON `{"detail"}` like every other refusal here,
        not as the plain text strawberry writes — a client calling `res.json()` keeps working."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as refused:
            return JSONResponse({"detail": refused.reason}, status_code=refused.status_code)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if not isinstance(request, Request):  # unreachable: its Route matches HTTP scopes only
            raise TypeError("/graphql serves HTTP requests only (no subscriptions)")
        return self._context_for(request)

    def decode_json(self, data: str | bytes) -> object:
        value = orjson.loads(data)
        if not isinstance(value, dict):  # a GraphQL request is an object (batches are off)
            raise HTTPException(400, "The request body must be a JSON object with a `query`.")
        return value

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide_html)
