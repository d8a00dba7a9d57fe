"""`marketgraph neo4j install|start|stop|status` — the local Neo4j Community server.

With NEO4J_URI set these commands manage nothing: they report the external server instead.
"""

from __future__ import annotations

from typing import Annotated

import typer

from api.console import console
from graph.settings import get_settings

neo4j_app = typer.Typer(
    help=(
        "Run a real Neo4j Community 5.26 locally with no Docker: jars come from Maven Central "
        "into ~/.cache/marketgraph, data and a generated password live under .marketgraph/neo4j "
        "(git-ignored). Needs Java 17 or 21 and Maven. Ports: Bolt 7687 and HTTP 7474 unless "
        "MARKETGRAPH_NEO4J_BOLT_PORT / MARKETGRAPH_NEO4J_HTTP_PORT say otherwise."
    ),
    no_args_is_help=True,
)


@neo4j_app.command()
def install() -> None:
    """Fetch Neo4j Community, APOC core and Neo4j Browser from Maven Central (once, cached)."""
    from graph.local_server import install as do_install

    info = do_install(get_settings(), progress=lambda message: console.print(f"  {message}"))
    what = "downloaded" if info.downloaded else "already cached"
    console.print(
        f"Neo4j {info.version} + Browser {info.browser_version}: {what} in {info.root} "
        f"({info.jar_count} jars, {info.size_bytes / 2**20:.0f} MiB)"
    )


@neo4j_app.command()
def start(
    wait: Annotated[bool, typer.Option(help="Wait until Bolt accepts connections.")] = True,
) -> None:
    """Start the local server in the background (installs it first if needed)."""
    from graph.local_server import start as do_start

    info = do_start(get_settings(), wait=wait)
    state = "already running" if info.already_running else f"started in {info.seconds:.0f}s"
    console.print(f"Neo4j {info.version} {state}: {info.bolt_uri}")
    if info.browser_url:
        console.print(f"Neo4j Browser: {info.browser_url}")


@neo4j_app.command()
def stop() -> None:
    """Stop the local server cleanly (SIGTERM, then SIGKILL after a timeout)."""
    from graph.local_server import stop as do_stop

    console.print("Stopped." if do_stop(get_settings()) else "Not running.")


@neo4j_app.command()
def status() -> None:
    """Say whether the server is installed, running and answering, and where."""
    from graph.local_server import status as do_status

    s = do_status(get_settings())
    kind = "external" if s.external else "local"
    console.print(f"{kind} Neo4j {s.version}: {s.bolt_uri}")
    if not s.external:
        console.print(f"  installed: {s.installed}  running: {s.running}  pid: {s.pid}")
    console.print(f"  responding: {s.responding}")
    if s.browser_url:
        console.print(f"  Neo4j Browser: {s.browser_url}")
    if s.detail:
        console.print(f"  {s.detail}")
    if not s.responding:
        if not s.external and not s.running:
            console.print("  start it with `marketgraph neo4j start`")
        raise typer.Exit(code=1)
