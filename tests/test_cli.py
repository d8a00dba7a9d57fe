"""The CLI as a user runs it: help that teaches, clear errors, and the demo pipeline end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

import api.pipeline as pipeline
from api.pipeline import run_demo
from graph.db import Database
from graph.local_server import connection
from graph.settings import Settings


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_help_teaches_the_flow() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    for word in ("demo", "ingest", "neo4j", "migrate", "NEO4J_URI"):
        assert word in result.stdout
    ingest_help = _cli("ingest", "--help").stdout
    assert "quarantine" in ingest_help and "--force" in ingest_help


def test_unknown_file_type_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    info = connection(settings)
    stray = tmp_path / "holiday_photos.csv"
    stray.write_text("a,b\n1,2\n")
    result = _cli(
        "ingest", str(stray),
        env={"MARKETGRAPH_NEO4J_URI": info.uri, "MARKETGRAPH_NEO4J_PASSWORD": info.password,
             "MARKETGRAPH_STATE_DIR": str(tmp_path / "state")},
    )  # fmt: skip
    assert result.returncode == 2
    assert "holiday_photos" in result.stderr and "crm_contacts" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_is_named_without_a_traceback() -> None:
    result = _cli(
        "summary",
        env={"MARKETGRAPH_JOBS_RETRAIN_CRON": "every sunday", "MARKETGRAPH_API_PORT": "0"},
    )
    assert result.returncode == 2
    assert "MARKETGRAPH_JOBS_RETRAIN_CRON" in result.stderr and "crontab" in result.stderr
    assert "MARKETGRAPH_API_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_neo4j_down_says_how_to_start_it(tmp_path: Path) -> None:
    result = _cli(
        "serve", "--port", "1",  # never bound: the database check comes first
        env={"MARKETGRAPH_ENVIRONMENT": "development", "MARKETGRAPH_NEO4J_URI":
             "bolt://127.0.0.1:1", "MARKETGRAPH_NEO4J_PASSWORD": "x"},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "not reachable" in result.stderr and "NEO4J_URI" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = _cli(
        "ingest", str(tmp_path / "nope"),
        env={"MARKETGRAPH_NEO4J_URI": "bolt://127.0.0.1:1", "MARKETGRAPH_NEO4J_PASSWORD": "x"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_demo_data_command_writes_exports(tmp_path: Path) -> None:
    result = _cli("demo-data", str(tmp_path / "out"), "--customers", "200", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "crm_contacts.csv").is_file()
    assert (tmp_path / "out" / "ground_truth.csv").is_file()
    assert "200 people" in result.stdout


def test_demo_pipeline_end_to_end(empty_db: Database, settings: Settings, tmp_path: Path) -> None:
    recorder = Console(record=True, width=160)
    original = pipeline.console
    pipeline.console = recorder
    try:
        run_demo(settings, customers=300, data_dir=tmp_path / "demo", seed=5)
    finally:
        pipeline.console = original
    text = recorder.export_text()
    assert "Neo4j Browser: http://127.0.0.1:" in text
    assert "CustomerRecord" in text and "Interaction" in text
    counts = empty_db.query(
        "MATCH (r:IngestRun) RETURN r.status AS status, r.rows_read AS read, "
        "r.loaded AS loaded, r.quarantined AS bad"
    )
    assert len(counts) == 1 and counts[0]["status"] == "completed"
    assert counts[0]["read"] == counts[0]["loaded"] + counts[0]["bad"] > 0
    # The demo ends with served models and grounded copy drafts in the graph.
    assert "Serving choice: cross-sell" in text
    served = empty_db.query(
        "MATCH (m:ModelVersion {serving: true}) RETURN collect(m.task) AS tasks, "
        "COUNT { ()-[:RECOMMENDED]->() } AS recs, COUNT { (:CopyDraft) } AS drafts"
    )[0]
    assert sorted(served["tasks"]) == ["cross_sell", "propensity"]
    assert served["recs"] > 0 and served["drafts"] > 0


def test_multi_worker_listener_gets_nodelay_connections() -> None:
    """`serve --workers N` binds its own socket so asyncio sets TCP_NODELAY on each accepted
    connection (uvicorn's protocol-0 socket left keep-alive replies waiting ~40 ms for a
    delayed ACK); the same check on a protocol-0 socket is the control."""
    import asyncio
    import socket

    import pytest
    import typer

    from api.cli_serve import tcp_listener

    async def nodelay_of_accepted(listener: socket.socket) -> int:
        seen: list[int] = []

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted = writer.get_extra_info("socket")
            seen.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        port = listener.getsockname()[1]
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()
        return seen[0]

    assert asyncio.run(nodelay_of_accepted(tcp_listener("127.0.0.1", 0))) == 1
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    assert asyncio.run(nodelay_of_accepted(plain)) == 0

    busy = tcp_listener("127.0.0.1", 0)
    busy.listen()
    with pytest.raises(typer.BadParameter, match="cannot listen"):
        tcp_listener("127.0.0.1", busy.getsockname()[1])
    busy.close()


def test_the_demo_ends_serving_the_api_only_for_a_person_at_a_terminal() -> None:
    """The issue: `marketgraph demo` ends with the API serving; CI and piped runs must end."""
    from api.cli import demo_serves

    assert demo_serves(None, interactive=True, ci=False)
    assert not demo_serves(None, interactive=True, ci=True)
    assert not demo_serves(None, interactive=False, ci=False)
    assert demo_serves(True, interactive=False, ci=True)
    assert not demo_serves(False, interactive=True, ci=False)
    assert "--no-serve" in _cli("demo", "--help").stdout
