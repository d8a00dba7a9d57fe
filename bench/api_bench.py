"""GraphQL API benchmark: latency and throughput of /graphql beside the same reads in raw Cypher.

It starts a dedicated Neo4j under --state-dir (never your .marketgraph data), loads the demo
company (`ingestion.demo_data.generate(customers=N)` + `IngestRun`), optionally runs entity
resolution so that a customer-360 spans several source records, then starts the real server
(`marketgraph serve --host 127.0.0.1 --port <free port>`, a subprocess, loopback only) and
measures, at each concurrency (default 1, 8 and 32 clients):

  customer360   `customer360(customerId: ...)` with customer, profile, records, account,
                recentInteractions(20) and productsOwned, over a fixed random sample of ids;
  list          `customerRecords(first: 20, after: <keyset cursor>)` (default sort,
                RECORD_ID_ASC) with pageInfo, totalCount (unless --no-total-count) and each
                record's nested `account` (its employer, via a DataLoader). The pages start at
                a fixed random sample of depths: the list is walked once out of band through
                the API (`edges { cursor }`) and each sampled page continues after the cursor
                of the record before it, so every request carries a real cursor and gets a
                full page of 20.

Every cell is measured on each path with the same ids/pages in the same order:

  graphql       HTTP POST to /graphql, driven either by wrk (`--driver wrk`: C, epoll, one
                thread; a Lua script rotates over the pre-built request bodies and counts
                non-200 answers and answers with a GraphQL `errors` entry; a sample of
                `--verify` bodies is first checked out of band with httpx) or by
                httpx.AsyncClient in this process (`--driver httpx`, one pooled connection per
                client; costs a core of its own on a small machine). With `--workers 1,2` one
                server per worker count is started and measured in turn;
  raw cypher    the resolvers' own query files (`cypher/api/*.cypher`, `cypher/api/batch/*`)
                through the async driver (`graph.async_db.AsyncDatabase`) from this process,
                run after the API servers have stopped: customer360_view (the one query
                `load_customer360` runs), plus for comparison "raw cypher (4 queries)", the reads
                the resolvers made before (customer360_records, then
                employer_of_customer_records + customer360_interactions + customer360_products
                concurrently); or for the list, what its resolvers run for the same cursors
                (the same $after_key/$after_id/$limit): customer_records_by_id (the page,
                first + 1 rows), then employer_of_customer_records for the page's ids and, if
                totalCount is selected, customer_records_count, concurrently;
  http floor    (customer360, wrk only, unless --no-floor) bench/http_floor.py with the same
                worker count: one Starlette route running customer360_view per POST and
                answering its rows as JSON, no GraphQL. The least a Python HTTP API on this
                stack can cost, so graphql vs floor is what the GraphQL layer costs.

A "client" is one connection (wrk) or asyncio task (httpx, raw) issuing requests back to back;
each cell stops after --seconds (wrk: its duration; httpx/raw: also --max-requests), after a
short warm-up that is not counted (--warmup-seconds of wrk, --warmup sequential requests). Columns:
p50/p95/p99 latency, req/s (completed requests / wall time), errors (HTTP != 200 or a GraphQL
`errors` entry), p95 ratio = graphql p95 / raw p95, and for wrk cells the CPU time (user +
system) per request of the server's processes and of Neo4j, read before and after each measured
run: the cost of a request, which this machine's speed swings move far less than latency. A
second table times each query file alone (1 client) to show which resolver's query dominates.

With wrk (and --rounds, default 3), customer360 is measured differently: raw Cypher, the floor
and GraphQL back to back at each concurrency, all servers up, --rounds times over; each cell's
p95 is divided by the raw cell of its own round and the verdict takes the median over rounds
(this machine's speed swings up to 2x within minutes, so cells minutes apart do not compare).
Before any cell, Neo4j (started fresh) is loaded with the customer-360 view query in 10 s
rounds until its CPU per query stops falling (JIT; --neo4j-warmup-seconds caps it).

The issue's target for customer-360 is p95 <= 2x raw Cypher and >= 300 req/s on 2 cores. The
load generator, the API server and Neo4j share this machine's cores, so the figures are a floor
for a dedicated API host; the load average is printed with the table.

    python bench/api_bench.py                                  # 2k customers, 1/8/32 clients
    python bench/api_bench.py --customers 500 --seconds 5      # a quick look
    scripts/fetch_wrk.sh                                       # once: wrk without root
    python bench/api_bench.py --driver wrk --workers 1,2       # wrk; 1 then 2 uvicorn workers
    python bench/api_bench.py --driver wrk --reuse-graph       # skip reloading the demo graph
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table

from api.graphql.cursor_seal import CursorSeal
from api.graphql.pagination import PageArgs, keyset_args
from graph.async_db import AsyncDatabase
from graph.cypher_catalog import load_query
from graph.db import Database
from graph.local_server import start, stop
from graph.local_server.testing import free_ports, settings_for_tests
from graph.maintenance import delete_all_data
from graph.migrations import apply_migrations
from graph.settings import Settings
from ingestion.demo_data import generate
from ingestion.loader import IngestRun

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling bench modules
from http_floor import view_params
from load_drivers import (
    API_KEY,
    REQUEST_TIMEOUT_S,
    Call,
    Cell,
    console,
    cpu_seconds,
    httpx_cells,
    measure,
    print_cell,
    wrk_cells,
)

PAGE = 20
INTERACTIONS = 20
SAMPLE_IDS = 500
WALK_PAGE = 100  # the server's default api_max_page_size: the out-of-band walk's page
# The tag `customerRecords` gives its cursors for the default sort (list query : sort); the raw
# side decodes the walked cursors with it, so a change to the API's cursors fails loudly here.
LIST_TAG = "customer_records:RECORD_ID_ASC"

CUSTOMER360 = """query C360($id: ID!, $n: Int!) { customer360(%s: $id, interactions: $n) {
  customer { customerId status }
  profile { recordId fullName email country }
  records { recordId sourceSystem updatedAt }
  account { recordId name }
  recentInteractions { interactionId kind channel occurredAt }
  productsOwned { sku name units spent orders lastPurchasedAt } } }"""
LIST = """query List($after: String, $first: Int!) { customerRecords(first: $first, after: $after) {
  %s pageInfo { hasNextPage endCursor }
  nodes { recordId fullName email country account { recordId name } } } }"""
WALK = """query Walk($after: String, $first: Int!) { customerRecords(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor } edges { cursor } } }"""
LIST_FILTERS: dict[str, Any] = {
    "source_system": None, "country": None, "created_from": None, "created_to": None,
    "sort": "RECORD_ID_ASC",
}  # fmt: skip


FLOOR_PATH = "http floor (no graphql, wrk)"


def path_order(path: str) -> int:
    """Rows per cell: raw Cypher, then the HTTP floor, then GraphQL."""
    return 0 if path.startswith("raw") else 1 if path == FLOOR_PATH else 2


def list_workload(total_count: bool) -> str:
    return f"list first:{PAGE} + account" + (" + totalCount" if total_count else "")


# --- set-up: Neo4j, data, server --------------------------------------------------------------


def demo_data(root: Path, customers: int, seed: int) -> Path:
    """The demo exports for `customers` customers, generated once and reused."""
    out = root / f"api-{customers}c-seed{seed}"
    if not (out / "manifest.json").is_file():
        with console.status(f"generating demo data for {customers:,} customers in {out}"):
            generate(out, customers=customers, seed=seed, bad_row_rate=0)
    return out


def load(db: Database, settings: Settings, data: Path, resolve: bool) -> str:
    """A graph holding exactly the demo exports (resolved if asked); returns the id kind."""
    delete_all_data(db)
    apply_migrations(db)
    with console.status(f"loading {data}"):
        IngestRun(db, settings).run([data])
    if not resolve:
        return "recordId"
    from models.resolution import resolve as run_resolution

    with console.status("entity resolution (so one customer-360 spans several records)"):
        run_resolution(db, settings, by="api_bench")
    return "customerId"


def sample_ids(db: Database, id_kind: str, seed: int) -> list[str]:
    query = (
        "MATCH (c:Customer) RETURN c.customer_id AS id ORDER BY id"
        if id_kind == "customerId"
        else "MATCH (r:CustomerRecord) RETURN r.record_id AS id ORDER BY id"
    )
    ids = [str(row["id"]) for row in db.query(query)]
    return random.Random(seed).sample(ids, min(SAMPLE_IDS, len(ids)))


@contextmanager
def api_server(settings: Settings, workers: int, floor: bool = False) -> Iterator[tuple[str, int]]:
    """`marketgraph serve` on 127.0.0.1:<free port> in a subprocess; yields its base URL and
    pid. With ``floor``, bench/http_floor.py instead: the same read over HTTP without GraphQL."""
    port = free_ports(1)[0]
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "MARKETGRAPH_NEO4J_URI")}
    env.update({
        "MARKETGRAPH_ENVIRONMENT": "test",
        "MARKETGRAPH_STATE_DIR": str(settings.state_dir),
        "MARKETGRAPH_NEO4J_BOLT_PORT": str(settings.neo4j_bolt_port),
        "MARKETGRAPH_NEO4J_HTTP_PORT": str(settings.neo4j_http_port),
        "MARKETGRAPH_API_KEYS": f"{API_KEY}:analyst",
        "MARKETGRAPH_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    command = [str(Path(sys.executable).parent / "marketgraph"), "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    if floor:
        command = [sys.executable, str(Path(__file__).with_name("http_floor.py")), "127.0.0.1",
                   str(port), str(workers)]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the API server exited with {server.returncode}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API server did not become ready within 60 s")
            time.sleep(0.2)
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the two paths ----------------------------------------------------------------------------


def raw_customer360(db: AsyncDatabase, ids: list[str], id_kind: str) -> Call:
    """The read `load_customer360` runs for the benchmark's selection: one view query."""

    async def call(n: int) -> bool:
        key = ids[n % len(ids)]
        params = view_params(key, id_kind, INTERACTIONS)
        rows = await db.read(load_query("api/customer360_view"), params)
        return bool(rows and rows[0]["records"])

    return call


def raw_customer360_split(db: AsyncDatabase, ids: list[str], id_kind: str) -> Call:
    """The four reads the resolvers ran before the view query, in their order (for comparison)."""

    async def call(n: int) -> bool:
        key = ids[n % len(ids)]
        rows = await db.read(
            load_query("api/customer360_records"),
            {"record_id": key if id_kind == "recordId" else None,
             "customer_id": key if id_kind == "customerId" else None},
        )  # fmt: skip
        if not rows or not rows[0]["records"]:
            return False
        record_ids = [str(r["record_id"]) for r in rows[0]["records"]]
        await asyncio.gather(
            db.read(load_query("api/batch/employer_of_customer_records"), {"keys": record_ids}),
            db.read(
                load_query("api/customer360_interactions"),
                {"record_ids": record_ids, "limit": INTERACTIONS},
            ),
            db.read(load_query("api/customer360_products"), {"record_ids": record_ids}),
        )
        return True

    return call


def raw_list(db: AsyncDatabase, pages: list[dict[str, Any]], total_count: bool) -> Call:
    """The reads `customerRecords` (default sort), its `totalCount` if selected and the nested
    `account` DataLoader run, with the parameters the resolver derives from the same cursors."""

    async def call(n: int) -> bool:
        rows = await db.read(load_query("api/customer_records_by_id"), pages[n % len(pages)])
        keys = [str(row["item"]["record_id"]) for row in rows[:PAGE]]
        reads = [db.read(load_query("api/batch/employer_of_customer_records"), {"keys": keys})]
        if total_count:  # resolved beside the nodes, as strawberry resolves sibling fields
            reads.append(db.read(load_query("api/customer_records_count"), LIST_FILTERS))
        await asyncio.gather(*reads)
        return len(keys) == PAGE

    return call


def list_cursors(url: str, records: int) -> list[str]:
    """Every person record's cursor in `customerRecords` order, walked once through the API."""
    cursors: list[str] = []
    after: str | None = None
    headers = {"X-API-Key": API_KEY}
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S, headers=headers) as http:
        while True:
            variables = {"after": after, "first": WALK_PAGE}
            response = http.post("/graphql", json={"query": WALK, "variables": variables})
            body = response.json() if response.status_code == 200 else {}
            if response.status_code != 200 or body.get("errors") or not body.get("data"):
                raise RuntimeError(f"walking customerRecords failed: {response.text[:300]}")
            page = body["data"]["customerRecords"]
            cursors += [str(edge["cursor"]) for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    if len(cursors) != records:
        raise RuntimeError(f"the walk saw {len(cursors):,} of {records:,} person records")
    return cursors


def page_afters(cursors: list[str], starts: list[int]) -> list[str | None]:
    """The `after` of each sampled page: the cursor of the record before its first one."""
    return [cursors[start - 1] if start else None for start in starts]


def raw_pages(afters: list[str | None], seal: CursorSeal) -> list[dict[str, Any]]:
    """customer_records_by_id's parameters for each page, decoded as the resolver decodes them
    (with the server's cursor key, and the filters its cursors are tagged with)."""
    filters = {k: v for k, v in LIST_FILTERS.items() if k != "sort"}
    return [
        {**LIST_FILTERS,
         **keyset_args(PageArgs(PAGE, after=after), LIST_TAG, PAGE, seal, filters).params()}
        for after in afters
    ]  # fmt: skip


def graphql_bodies(
    ids: list[str], id_kind: str, afters: list[str | None], total_count: bool
) -> dict[str, list[str]]:
    """Each workload's POST bodies, one per sampled id/page, in the order both drivers send them."""
    query = LIST % ("totalCount" if total_count else "")
    return {
        "customer360": [
            json.dumps({"query": CUSTOMER360 % id_kind, "variables": {"id": i, "n": INTERACTIONS}})
            for i in ids
        ],
        list_workload(total_count): [
            json.dumps({"query": query, "variables": {"after": after, "first": PAGE}})
            for after in afters
        ],
    }


#: Length of one warm-up round, and how much lower than every earlier round a round's Neo4j CPU
#: per query must be to count as still warming up.
WARM_ROUND_S = 10.0
WARM_GAIN = 0.05


async def warm_neo4j(
    settings: Settings, ids: list[str], id_kind: str, max_seconds: float, neo4j_pid: int
) -> tuple[int, list[float]]:
    """Load Neo4j with the customer-360 view query (8 clients, nothing recorded) until its CPU per
    query has settled: two rounds in a row no more than WARM_GAIN below the best round before
    them, or ``max_seconds``. Returns the queries run and each round's CPU ms per query.

    Why until settled rather than for a fixed time: a fresh Neo4j's JIT compiler keeps working for
    one to two minutes under this load (its C2 threads took 0.3-0.4 of a core in the first minute
    and none after ~80 s here), and the cells measured first would otherwise pay for it.
    """
    db = await AsyncDatabase.open(settings)
    queries, per_round = 0, []
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < max_seconds:
            cpu_before = cpu_seconds(neo4j_pid)
            latencies, errors, _ = await measure(
                raw_customer360(db, ids, id_kind), 8, WARM_ROUND_S, 10**9, 0
            )
            ran = len(latencies) + errors
            queries += ran
            per_round.append(1e3 * (cpu_seconds(neo4j_pid) - cpu_before) / max(ran, 1))
            if len(per_round) >= 3 and all(
                r >= (1 - WARM_GAIN) * min(per_round[:-2]) for r in per_round[-2:]
            ):
                break
    finally:
        await db.close()
    return queries, per_round


async def raw_cells(
    settings: Settings,
    ids: list[str],
    id_kind: str,
    pages: list[dict[str, Any]],
    args: argparse.Namespace,
) -> list[Cell]:
    """The same reads through the async driver from this process (no API server involved); the
    one-query customer 360 only when it is not measured in interleaved rounds (--rounds)."""
    cells: list[Cell] = []
    db = await AsyncDatabase.open(settings)
    try:
        for clients in args.clients:
            workloads: list[tuple[str, str, Call]] = [
                *(
                    [("customer360", "raw cypher", raw_customer360(db, ids, id_kind))]
                    if not interleaved(args)
                    else []
                ),
                ("customer360", "raw cypher (4 queries)", raw_customer360_split(db, ids, id_kind)),
                (
                    list_workload(args.total_count),
                    "raw cypher",
                    raw_list(db, pages, args.total_count),
                ),
            ]
            for workload, path, call in workloads:
                with console.status(f"{workload} via {path}, {clients} clients"):
                    lat, errors, wall = await measure(
                        call, clients, args.seconds, args.max_requests, args.warmup
                    )
                cells.append(Cell.from_latencies(
                    workload, clients, path, None, lat, errors, wall))  # fmt: skip
                print_cell(cells[-1])
    finally:
        await db.close()
    return cells


def interleaved(args: argparse.Namespace) -> bool:
    """Whether customer 360 is measured in interleaved rounds (wrk only)."""
    return bool(args.driver == "wrk" and args.rounds > 0)


async def raw_customer360_cell(
    settings: Settings, ids: list[str], id_kind: str, clients: int, args: argparse.Namespace
) -> Cell:
    """One raw-Cypher customer-360 cell from this process, as in raw_cells."""
    db = await AsyncDatabase.open(settings)
    try:
        lat, errors, wall = await measure(
            raw_customer360(db, ids, id_kind), clients, args.seconds, args.max_requests, args.warmup
        )
    finally:
        await db.close()
    return Cell.from_latencies("customer360", clients, "raw cypher", None, lat, errors, wall)


def customer360_rounds(
    settings: Settings,
    ids: list[str],
    id_kind: str,
    bodies: list[str],
    api: tuple[str, int],
    neo4j_pid: int,
    workers: int,
    args: argparse.Namespace,
    work: Path,
    first_round: int = 1,
) -> list[Cell]:
    """Customer 360 by raw Cypher, the HTTP floor and GraphQL back to back at each concurrency,
    ``args.rounds`` times over (numbered from ``first_round``, so each worker count's rounds
    keep their own raw cells).

    Why interleaved: this machine's speed swings up to 2x within minutes (the same raw-Cypher
    cell ran at 862 and 1,271 req/s in two runs an hour apart), so a raw cell measured minutes
    after the GraphQL cell it is the baseline of can move the ratio more than any code change.
    Cells a few seconds apart meet the same machine, and the median over rounds shows the spread.
    """
    url, server_pid = api
    c360 = {"customer360": bodies}
    cells: list[Cell] = []
    with contextlib.ExitStack() as stack:
        floor = None
        if args.floor:
            floor = stack.enter_context(api_server(settings, workers, floor=True))
        for round_no in range(first_round, first_round + args.rounds):
            console.print(f"customer360, {workers} worker(s), round {round_no}")
            for clients in args.clients:
                with console.status(f"customer360 via raw cypher, {clients} clients"):
                    raw = asyncio.run(raw_customer360_cell(settings, ids, id_kind, clients, args))
                print_cell(raw)
                measured = [raw]
                if floor is not None:
                    measured += wrk_cells(
                        floor[0], c360, workers, args, work, path=FLOOR_PATH,
                        cpu_of=(floor[1], neo4j_pid), clients_list=[clients],
                    )  # fmt: skip
                measured += wrk_cells(
                    url, c360, workers, args, work,
                    cpu_of=(server_pid, neo4j_pid), clients_list=[clients],
                )  # fmt: skip
                for cell in measured:
                    cell.round = round_no
                cells += measured
    return cells


async def per_query(
    url: str,
    settings: Settings,
    ids: list[str],
    id_kind: str,
    pages: list[dict[str, Any]],
    runs: int,
) -> list[tuple[str, float, float]]:
    """Each query file alone, 1 client, `runs` times: (name, p50 ms, p95 ms)."""
    db = await AsyncDatabase.open(settings)
    out: list[tuple[str, float, float]] = []
    try:
        record_sets: list[list[str]] = []
        for key in ids[: min(len(ids), 50)]:
            rows = await db.read(
                load_query("api/customer360_records"),
                {"record_id": key if id_kind == "recordId" else None,
                 "customer_id": key if id_kind == "customerId" else None},
            )  # fmt: skip
            record_sets.append([str(r["record_id"]) for r in rows[0]["records"]] if rows else [])
        page = await db.read(load_query("api/customer_records_by_id"), pages[0])
        page_keys = [str(row["item"]["record_id"]) for row in page[:PAGE]]
        queries: list[tuple[str, Callable[[int], Awaitable[object]]]] = [
            ("customer360_view (all parts)", lambda n: db.read(
                load_query("api/customer360_view"),
                view_params(ids[n % len(ids)], id_kind, INTERACTIONS))),
            ("customer360_records", lambda n: db.read(
                load_query("api/customer360_records"),
                {"record_id": ids[n % len(ids)] if id_kind == "recordId" else None,
                 "customer_id": ids[n % len(ids)] if id_kind == "customerId" else None})),
            ("batch/employer_of_customer_records (360)", lambda n: db.read(
                load_query("api/batch/employer_of_customer_records"),
                {"keys": record_sets[n % len(record_sets)]})),
            ("customer360_interactions", lambda n: db.read(
                load_query("api/customer360_interactions"),
                {"record_ids": record_sets[n % len(record_sets)], "limit": INTERACTIONS})),
            ("customer360_products", lambda n: db.read(
                load_query("api/customer360_products"),
                {"record_ids": record_sets[n % len(record_sets)]})),
            (f"customer_records_by_id (first {PAGE} after a cursor)", lambda n: db.read(
                load_query("api/customer_records_by_id"), pages[n % len(pages)])),
            ("customer_records_count (totalCount)", lambda n: db.read(
                load_query("api/customer_records_count"), LIST_FILTERS)),
            (f"batch/employer_of_customer_records ({PAGE} keys)", lambda n: db.read(
                load_query("api/batch/employer_of_customer_records"), {"keys": page_keys})),
        ]  # fmt: skip
        async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S) as http:
            queries.append(("HTTP + GraphQL floor: { __typename }", lambda n: http.post(
                "/graphql", json={"query": "{ __typename }"})))  # fmt: skip
            for name, run in queries:
                for n in range(20):
                    await run(n)
                times: list[float] = []
                budget = time.perf_counter() + 20
                for n in range(runs):
                    began = time.perf_counter()
                    await run(n)
                    times.append(time.perf_counter() - began)
                    if time.perf_counter() > budget:
                        break
                times.sort()
                out.append(
                    (name, 1000 * times[len(times) // 2], 1000 * times[int(0.95 * len(times))])
                )
    finally:
        await db.close()
    return out


# --- output -----------------------------------------------------------------------------------


def cell_table(cells: list[Cell]) -> Table:
    out = Table(title="marketgraph API benchmark: /graphql vs raw Cypher (async driver)")
    for name in ("workload", "clients", "round", "path", "workers", "requests", "errors", "p50 ms",
                 "p95 ms", "p99 ms", "req/s", "p95 ratio", "server CPU ms/req",
                 "Neo4j CPU ms/req"):  # fmt: skip
        out.add_column(name, justify="left" if name in ("workload", "path") else "right")
    raw = {(c.workload, c.clients, c.round): c for c in cells if c.path == "raw cypher"}
    for c in sorted(cells, key=lambda c: (c.workload, c.clients, c.round, path_order(c.path))):
        base = raw.get((c.workload, c.clients, c.round))
        ratio = f"{c.p95 / base.p95:.1f}x" if not c.path.startswith("raw") and base else ""
        out.add_row(
            c.workload, str(c.clients), str(c.round or ""), c.path, str(c.workers or ""),
            f"{c.requests:,}", str(c.errors), f"{c.p50:,.1f}", f"{c.p95:,.1f}", f"{c.p99:,.1f}",
            f"{c.rate:,.1f}", ratio, "" if c.server_cpu_ms is None else f"{c.server_cpu_ms:.2f}",
            "" if c.neo4j_cpu_ms is None else f"{c.neo4j_cpu_ms:.2f}",
        )  # fmt: skip
    return out


def query_table(rows: list[tuple[str, float, float]]) -> Table:
    out = Table(title="each query alone, 1 client (raw async driver; last row over HTTP)")
    for name in ("query", "p50 ms", "p95 ms"):
        out.add_column(name, justify="left" if name == "query" else "right")
    for name, p50, p95 in rows:
        out.add_row(name, f"{p50:,.2f}", f"{p95:,.2f}")
    return out


def verdict(cells: list[Cell]) -> list[str]:
    """The issue's customer-360 target, checked per concurrency, path and worker count: each
    cell's p95 against the raw cell of its own round, the median over rounds decides."""
    raw = {
        (c.clients, c.round): c
        for c in cells
        if c.workload == "customer360" and c.path == "raw cypher"
    }
    groups: dict[tuple[int, str, int | None], list[Cell]] = {}
    for c in cells:
        if c.workload != "customer360" or c.path.startswith("raw"):
            continue
        if (c.clients, c.round) in raw:
            groups.setdefault((c.clients, c.path, c.workers), []).append(c)
    lines = []
    for (clients, path, workers), group in groups.items():
        ratios = [c.p95 / raw[(c.clients, c.round)].p95 for c in group]
        ratio, rate = statistics.median(ratios), statistics.median(c.rate for c in group)
        spread = f" (rounds: {', '.join(f'{r:.2f}' for r in ratios)})" if len(ratios) > 1 else ""
        where = f"customer360 @ {clients} clients, {workers} worker(s), {path}"
        if path == FLOOR_PATH:  # a reference for the API, not the API: no verdict
            lines.append(f"{where}: p95 {ratio:.2f}x raw{spread}, {rate:,.0f} req/s (reference)")
            continue
        lines.append(
            f"{where}: p95 {ratio:.2f}x raw{spread} ({'met' if ratio <= 2 else 'NOT met'}: "
            f"<= 2x), {rate:,.0f} req/s ({'met' if rate >= 300 else 'NOT met'}: >= 300)"
        )
    return lines


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--customers", type=int, default=2_000,
        help="demo customers to generate and load (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--clients", default="1,8,32",
        help="concurrent clients per cell, comma-separated (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--seconds", type=float, default=15.0,
        help="time limit per cell, excluding warm-up (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--max-requests", type=int, default=10_000,
        help="request limit per cell (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--warmup", type=int, default=30,
        help="uncounted sequential requests before each cell (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--no-total-count", dest="total_count", action="store_false",
        help="leave totalCount out of the list workload's selection. By default the list asks "
        "for it, as a front-end's list view does (\"1-20 of N\"), so each list request "
        "also runs customer_records_count.cypher (on both paths); with this flag only the "
        "keyset page and the nested account are measured",
    )  # fmt: skip
    parser.add_argument(
        "--per-query-runs", type=int, default=300,
        help="runs of each query file alone for the breakdown; 0 skips it (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", default="1",
        help="uvicorn worker processes for `marketgraph serve`, comma-separated: one server per "
        "value, each measured in turn (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--driver", choices=("httpx", "wrk"), default="httpx",
        help="GraphQL load generator: httpx.AsyncClient in this process, or wrk (C; fetch it "
        "with scripts/fetch_wrk.sh) (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--wrk", type=Path, default=Path(".marketgraph/tools/wrk/wrk"),
        help="the wrk executable (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--wrk-threads", type=int, default=1,
        help="wrk threads (at most one per connection) (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--warmup-seconds", type=float, default=2.0,
        help="uncounted wrk run before each wrk cell (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--neo4j-warmup-seconds", type=float, default=300.0,
        help="at most this long, uncounted load on Neo4j before the first measured cell: the "
        "customer-360 view query from 8 clients through the async driver, in rounds of 10 s until "
        "Neo4j's CPU per query stops falling (two rounds in a row within 5%% of the best before). "
        "Neo4j is started fresh and its JIT compiler works for one to two minutes under load; "
        "without this the cells measured first (GraphQL) met a colder server than those measured "
        "last (the floor, raw Cypher); 0 skips it (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=int, default=3,
        help="with --driver wrk: measure customer360 by raw Cypher, the HTTP floor and GraphQL "
        "back to back at each concurrency, this many times over, and judge the median p95 ratio "
        "(each cell against the raw cell of its own round); 0 measures each path once, the "
        "GraphQL cells first and raw Cypher last (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--verify", type=int, default=50,
        help="requests per workload checked with httpx before the wrk cells (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--no-floor", dest="floor", action="store_false",
        help="skip the HTTP floor (wrk only): by default customer360 is also measured against "
        "bench/http_floor.py, the same one view query per POST over uvicorn + Starlette with "
        "no GraphQL, which is the least any Python HTTP API here can cost",
    )  # fmt: skip
    parser.add_argument(
        "--reuse-graph", action="store_true",
        help="keep the graph a previous --keep-server run loaded (skips the load and resolution)",
    )  # fmt: skip
    parser.add_argument(
        "--no-resolve", action="store_true",
        help="skip entity resolution; customer360 is then asked by recordId (one record each)",
    )  # fmt: skip
    parser.add_argument(
        "--state-dir", type=Path, default=Path("/tmp/mg-apibench"),
        help="the dedicated Neo4j's state dir; its data is wiped (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--data-dir", type=Path, default=Path("/tmp/mg-bench-data"),
        help="where generated demo exports are kept and reused (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=7, help="demo data seed (default: %(default)s)")
    parser.add_argument("--heap", default="2g", help="Neo4j heap (default: %(default)s)")
    parser.add_argument("--pagecache", default="1g", help="Neo4j page cache (default: %(default)s)")
    parser.add_argument(
        "--keep-server", action="store_true", help="leave the dedicated Neo4j running afterwards"
    )
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if not args.workers:
        parser.error("--workers needs at least one worker count")
    if args.driver == "wrk" and not args.wrk.is_file():
        parser.error(f"{args.wrk} not found: run scripts/fetch_wrk.sh (or pass --wrk)")
    return args


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    for handler in logging.root.handlers:  # splink's EM training warnings on demo data
        handler.addFilter(lambda r: r.levelno >= logging.ERROR or not r.name.startswith("splink"))
    settings = settings_for_tests(
        args.state_dir, neo4j_heap=args.heap, neo4j_pagecache=args.pagecache
    )
    load_before = os.getloadavg()
    started = time.perf_counter()
    with console.status(f"starting a dedicated Neo4j under {args.state_dir}"):
        stop(settings, timeout_s=60)  # one left by an interrupted run listens on other ports
        started_pid = start(settings).pid
        if started_pid is None:  # the CPU columns and the warm-up read it
            raise RuntimeError("the dedicated Neo4j started but reported no pid")
        neo4j_pid: int = started_pid
    try:
        data = demo_data(args.data_dir, args.customers, args.seed)
        with Database.connect(settings) as db:
            loaded = db.query("MATCH (r:CustomerRecord) RETURN count(r) > 0 AS any")[0]["any"]
            if args.reuse_graph and loaded:
                resolved = db.query("MATCH (c:Customer) RETURN count(c) > 0 AS any")[0]["any"]
                id_kind = "customerId" if resolved else "recordId"
            else:
                id_kind = load(db, settings, data, not args.no_resolve)
            ids = sample_ids(db, id_kind, args.seed)
            records = int(db.query("MATCH (r:CustomerRecord) RETURN count(r) AS n")[0]["n"])
            per_customer = db.query(
                "MATCH (c:Customer) OPTIONAL MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c) "
                "WITH c, count(r) AS n RETURN avg(n) AS avg"
            )[0]["avg"]
        rng = random.Random(args.seed)  # the first record of each sampled list page
        starts = [rng.randrange(0, max(records - PAGE, 1)) for _ in range(SAMPLE_IDS)]
        console.print(
            f"{records:,} person records; customer360 by {id_kind} over {len(ids)} sampled ids"
            + (f" ({per_customer:.2f} records per customer)" if per_customer else "")
        )
        pages: list[dict[str, Any]] = []  # the sampled list pages' raw Cypher parameters
        bodies: dict[str, list[str]] = {}
        cells: list[Cell] = []
        breakdown: list[tuple[str, float, float]] = []
        if args.neo4j_warmup_seconds > 0:
            with console.status(
                f"warming Neo4j up until its CPU per query settles (at most "
                f"{args.neo4j_warmup_seconds:g} s)"
            ):
                warmed, per_round = asyncio.run(
                    warm_neo4j(settings, ids, id_kind, args.neo4j_warmup_seconds, neo4j_pid)
                )
            console.print(
                f"Neo4j warmed up with {warmed:,} customer-360 view queries in {len(per_round)} "
                f"rounds of {WARM_ROUND_S:g} s; Neo4j CPU ms per query by round: "
                + " ".join(f"{r:.2f}" for r in per_round)
            )
        with tempfile.TemporaryDirectory(prefix="api-bench-") as work:
            for workers in args.workers:
                with api_server(settings, workers) as (url, server_pid):
                    console.print(f"API at {url}/graphql ({workers} uvicorn worker(s))")
                    if not pages:  # out of band, before any measured cell
                        with console.status(f"walking customerRecords ({WALK_PAGE} a page)"):
                            afters = page_afters(list_cursors(url, records), starts)
                        pages = raw_pages(afters, CursorSeal.from_settings(settings))
                        bodies = graphql_bodies(ids, id_kind, afters, args.total_count)
                    if interleaved(args):  # the other workloads once, then customer 360's rounds
                        others = {k: v for k, v in bodies.items() if k != "customer360"}
                        cells += wrk_cells(
                            url, others, workers, args, Path(work), cpu_of=(server_pid, neo4j_pid)
                        )
                        cells += customer360_rounds(
                            settings, ids, id_kind, bodies["customer360"], (url, server_pid),
                            neo4j_pid, workers, args, Path(work),
                            first_round=1 + max((c.round for c in cells), default=0),
                        )  # fmt: skip
                    elif args.driver == "wrk":
                        cells += wrk_cells(
                            url, bodies, workers, args, Path(work), cpu_of=(server_pid, neo4j_pid)
                        )
                    else:
                        cells += asyncio.run(httpx_cells(url, bodies, workers, args))
                    if args.per_query_runs and not breakdown:
                        breakdown = asyncio.run(
                            per_query(url, settings, ids, id_kind, pages, args.per_query_runs)
                        )
                if args.floor and args.driver == "wrk" and not interleaved(args):  # API gone
                    with api_server(settings, workers, floor=True) as (floor_url, floor_pid):
                        cells += wrk_cells(
                            floor_url, {"customer360": bodies["customer360"]}, workers, args,
                            Path(work), path=FLOOR_PATH, cpu_of=(floor_pid, neo4j_pid),
                        )  # fmt: skip
        # Not concurrently with the load on the API: the raw side runs once all servers are gone.
        cells += asyncio.run(raw_cells(settings, ids, id_kind, pages, args))
    finally:
        if not args.keep_server:
            with console.status("stopping the dedicated Neo4j"):
                stop(settings, timeout_s=60)
    load_after = os.getloadavg()
    console.print(cell_table(cells))
    if breakdown:
        console.print(query_table(breakdown))
    for line in verdict(cells):
        console.print(line)
    console.print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; "
        f"Neo4j {settings.neo4j_version} heap {args.heap} page cache {args.pagecache}; "
        f"{args.customers:,} demo customers; uvicorn workers {args.workers}; "
        f"GraphQL driver {args.driver}; list totalCount {'on' if args.total_count else 'off'}; "
        f"{args.seconds:g} s per cell; "
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); "
        f"total wall time {time.perf_counter() - started:,.0f} s"
    )


if __name__ == "__main__":
    main()
