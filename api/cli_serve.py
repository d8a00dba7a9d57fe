"""`marketgraph serve`: run the GraphQL API under uvicorn.

Why its own module: the CLI module stays small, and uvicorn/FastAPI are imported only when the
server is actually started.
"""

from __future__ import annotations

import gc
import socket
from typing import Annotated

import typer

from api.console import console
from graph.settings import get_settings


def serve(
    host: Annotated[
        str | None, typer.Option(help="Bind address (default: settings.api_host).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings.api_port).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16, help="uvicorn worker processes.")] = 1,
    scheduler: Annotated[
        bool,
        typer.Option(
            help="Also run the refresh jobs on their schedules (MARKETGRAPH_JOBS_*_CRON) in "
            "this process; `startJob` in GraphQL works either way."
        ),
    ] = False,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql, /healthz, /readyz, /metrics).

    Needs MARKETGRAPH_API_KEYS (`key:role,...`, roles viewer|marketer|analyst|admin) unless
    MARKETGRAPH_ENVIRONMENT=development, where a missing key list makes every caller admin.
    """
    import uvicorn

    from api.graphql.app import create_app
    from graph.db import create_driver

    settings = get_settings()
    app = create_app(settings)  # fails fast on missing keys, before binding a port
    create_driver(settings).close()  # Neo4j down: say how to start it, not a server traceback
    bind_host, bind_port = host or settings.api_host, port or settings.api_port
    console.print(f"GraphQL API on http://{bind_host}:{bind_port}/graphql")
    if workers == 1:  # this process serves: tune it before a scheduled job allocates anything
        tune_garbage_collection(settings.api_gc_gen0)
    jobs = None
    if scheduler:
        from api.cli_jobs import say_inbox
        from api.scheduler import build_scheduler, schedules

        # One scheduler in the serving process (never one per uvicorn worker).
        jobs = build_scheduler(settings)
        jobs.start()
        console.print(f"Scheduled jobs: {schedules(settings) or 'none configured'}")
        say_inbox(settings)
    try:
        if workers == 1:
            uvicorn.run(app, host=bind_host, port=bind_port, log_level="warning")
        else:
            from uvicorn.supervisors import Multiprocess

            config = uvicorn.Config(
                "api.cli_serve:app_from_env", factory=True, host=bind_host, port=bind_port,
                workers=workers, log_level="warning",
            )  # fmt: skip
            Multiprocess(config, sockets=[tcp_listener(bind_host, bind_port)]).run()
    finally:  # Ctrl-C: the server has stopped; a scheduled run may still be going
        if jobs is not None:
            from api.cli_jobs import stop_scheduler

            stop_scheduler(jobs)


def tcp_listener(host: str, port: int) -> socket.socket:
    """The listening socket for multi-worker mode, created with ``IPPROTO_TCP``.

    Why not uvicorn's own: it creates the socket with protocol 0, and asyncio only sets
    TCP_NODELAY on accepted connections whose socket says TCP, so every keep-alive response
    after the first waited ~40 ms for the client's delayed ACK (Kludex/uvicorn#3149;
    bench/README.md measured 52 ms p50 for a 10 ms request with 2 workers)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise typer.BadParameter(f"cannot listen on {host}:{port}: {error.strerror}") from error
    listener.set_inheritable(True)
    return listener


def app_from_env() -> object:
    """uvicorn factory for multi-worker mode (each worker builds its own app and driver)."""
    from api.graphql.app import create_app

    settings = get_settings()
    app = create_app(settings)
    tune_garbage_collection(settings.api_gc_gen0)
    return app


def tune_garbage_collection(gen0: int) -> None:
    """Fewer, cheaper garbage collections in a serving process, once its app is built.

    Why: a customer-360 request allocates thousands of short-lived containers (driver records,
    GraphQL results), so Python's default (a young collection every 700 allocations) ran
    several collections per request, ~10% of a worker's CPU (bench/README.md, session 8). What
    exists now (libraries, schema, app) is frozen out of collection, so the rarer full
    collections no longer walk it. Cycles are still collected, in larger batches. Only for
    `serve`: tests build many apps in one process and keep Python's defaults."""
    if gen0 <= 0:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(gen0, *gc.get_threshold()[1:])
