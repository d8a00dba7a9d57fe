"""Load drivers for bench/api_bench.py: the timing cell, the asyncio loop (httpx and raw
Cypher share it) and wrk (a C load generator, so the client does not eat a core of the two).

Kept apart from api_bench.py so each file stays readable; nothing here knows about Neo4j.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from rich.console import Console

# Wide enough for the table when piped to a file (rich wraps at 80 columns otherwise).
console = Console(width=None if Console().is_terminal else 200)
API_KEY = "api-bench-analyst-key-0123456789"
REQUEST_TIMEOUT_S = 30.0


@dataclass
class Cell:
    workload: str
    clients: int
    path: str  # "graphql (wrk)", "graphql (httpx)" or "raw cypher"
    workers: int | None  # uvicorn workers behind a graphql cell; None for raw cypher
    requests: int  # completed without error
    errors: int
    wall_s: float
    p50: float  # ms
    p95: float
    p99: float
    #: CPU time (user + system) per completed request, in ms, of the server's processes and of
    #: Neo4j during the measured run (wrk cells only): what a request costs, which the machine's
    #: speed swings move far less than latency.
    server_cpu_ms: float | None = None
    neo4j_cpu_ms: float | None = None
    #: Which of api_bench's interleaved customer-360 rounds (--rounds) measured it; 0 outside them.
    round: int = 0

    @classmethod
    def from_latencies(
        cls, workload: str, clients: int, path: str, workers: int | None,
        latencies: list[float], errors: int, wall_s: float,
    ) -> Cell:  # fmt: skip
        ordered = sorted(latencies)

        def pct(q: float) -> float:  # nearest rank, in ms
            if not ordered:
                return float("nan")
            return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        return cls(workload, clients, path, workers, len(ordered), errors, wall_s,
                   pct(0.5), pct(0.95), pct(0.99))  # fmt: skip

    @property
    def rate(self) -> float:
        return self.requests / self.wall_s if self.wall_s else 0.0


Call = Callable[[int], Awaitable[bool]]  # request number -> ok?


# --- the load loop ----------------------------------------------------------------------------


async def measure(
    call: Call, clients: int, seconds: float, max_requests: int, warmup: int
) -> tuple[list[float], int, float]:
    """Run `clients` tasks back to back until `seconds` or `max_requests`; bounded both ways."""
    for n in range(warmup):  # not counted: connection set-up, plan cache, DataLoader paths
        await call(n)
    latencies: list[float] = []
    errors = 0
    issued = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def client() -> None:
        nonlocal errors, issued
        while issued < max_requests and time.perf_counter() < deadline:
            n, issued = issued, issued + 1
            began = time.perf_counter()
            try:
                ok = await asyncio.wait_for(call(n), REQUEST_TIMEOUT_S)
            except Exception:  # a failed request is counted, not fatal to the benchmark
                logging.getLogger(__name__).debug("request failed", exc_info=True)
                ok = False
            if ok:
                latencies.append(time.perf_counter() - began)
            else:
                errors += 1

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - started


def print_cell(cell: Cell) -> None:
    workers = f" {cell.workers}w" if cell.workers else ""
    cpu = (
        f", CPU/request server {cell.server_cpu_ms:.2f} ms, Neo4j {cell.neo4j_cpu_ms:.2f} ms"
        if cell.server_cpu_ms is not None and cell.neo4j_cpu_ms is not None
        else ""
    )
    round_no = f"round {cell.round} " if cell.round else ""
    console.print(
        f"  {round_no}{cell.workload:<26} {cell.path + workers:<24} {cell.clients:>3} clients: "
        f"{cell.requests:>6,} ok, {cell.errors} errors, p50 {cell.p50:6.1f} ms, "
        f"p95 {cell.p95:7.1f} ms, {cell.rate:7.1f} req/s{cpu}"
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and all its children (uvicorn's workers)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:  # a worker that exited: its time is gone with it
            continue
        total += times.user + times.system
    return total


async def httpx_cells(
    url: str, bodies: dict[str, list[str]], workers: int, args: argparse.Namespace
) -> list[Cell]:
    """GraphQL cells driven from this process (asyncio + httpx; costs a core of its own)."""
    cells: list[Cell] = []
    for clients in args.clients:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(
            base_url=url, limits=limits, timeout=REQUEST_TIMEOUT_S,
            headers={"X-API-Key": API_KEY, "Content-Type": "application/json"},
        ) as http:  # fmt: skip
            for workload, payloads in bodies.items():

                async def call(n: int, payloads: list[str] = payloads) -> bool:
                    response = await http.post("/graphql", content=payloads[n % len(payloads)])
                    return response.status_code == 200 and not response.json().get("errors")

                with console.status(f"{workload} via graphql (httpx), {clients} clients"):
                    lat, errors, wall = await measure(
                        call, clients, args.seconds, args.max_requests, args.warmup
                    )
                cells.append(Cell.from_latencies(
                    workload, clients, "graphql (httpx)", workers, lat, errors, wall))  # fmt: skip
                print_cell(cells[-1])
    return cells


# wrk's Lua: POST the bodies in turn (each thread from its own offset), count non-200 answers and
# answers carrying a GraphQL `errors` entry, and print the summary as one JSON line.
WRK_LUA = """
bodies = {%(bodies)s}
n = 0
bad = 0
threads = {}
function setup(thread)
  thread:set("n", #threads * 7919)
  table.insert(threads, thread)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "%(key)s"
function request()
  n = n + 1
  return wrk.format(nil, "/graphql", nil, bodies[(n %% #bodies) + 1])
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors":', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "bad": %%d, "connect": %%d, "read": %%d, '
    .. '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, '
    .. '"p99_us": %%d}\\n',
    summary.requests, summary.duration, b, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_script(path: Path, payloads: list[str]) -> Path:
    # Lua long strings take the JSON bodies verbatim (no escaping; bodies never hold "]==]").
    bodies = ",\n".join(f"[==[{body}]==]" for body in payloads)
    path.write_text(WRK_LUA % {"bodies": bodies, "key": API_KEY})
    return path


def run_wrk(
    wrk: Path, script: Path, url: str, clients: int, seconds: float, threads: int
) -> dict[str, int]:
    command = [str(wrk), "-t", str(min(threads, clients)), "-c", str(clients),
               "-d", f"{max(1, round(seconds))}s", "--timeout", f"{REQUEST_TIMEOUT_S:.0f}s",
               "-s", str(script), f"{url}/graphql"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return dict(json.loads(line.removeprefix("WRK_JSON ")))
    raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")


def verify_sample(url: str, payloads: list[str], count: int) -> int:
    """Out-of-band check with httpx: how many of the first `count` bodies fail (status/errors)."""
    failures = 0
    headers = {"X-API-Key": API_KEY, "Content-Type": "application/json"}
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S, headers=headers) as http:
        for body in payloads[:count]:
            response = http.post("/graphql", content=body)
            answer = response.json() if response.status_code == 200 else {}
            if response.status_code != 200 or answer.get("errors") or not answer.get("data"):
                failures += 1
                console.print(f"  sample failed: {response.status_code} {response.text[:300]}")
    return failures


def wrk_cells(
    url: str,
    bodies: dict[str, list[str]],
    workers: int,
    args: argparse.Namespace,
    work: Path,
    path: str = "graphql (wrk)",
    cpu_of: tuple[int, int] | None = None,
    clients_list: list[int] | None = None,
) -> list[Cell]:
    """Cells driven by wrk (C, epoll, one thread by default): a light load generator. ``path``
    names what answers at ``url`` (the API, or api_bench's HTTP floor); ``cpu_of`` (server pid,
    Neo4j pid) adds each cell's CPU per request of both; ``clients_list`` overrides
    ``args.clients``."""
    cells: list[Cell] = []
    scripts = {w: wrk_script(work / f"{w.split()[0]}.lua", b) for w, b in bodies.items()}
    for workload, payloads in bodies.items():
        failed = verify_sample(url, payloads, args.verify)
        if failed:
            raise RuntimeError(f"{failed} of {args.verify} sampled {workload} requests failed")
    for clients in args.clients if clients_list is None else clients_list:
        for workload, script in scripts.items():
            with console.status(f"{workload} via {path}, {clients} clients"):
                if args.warmup_seconds > 0:  # not counted: connections, plan cache, JIT
                    run_wrk(args.wrk, script, url, clients, args.warmup_seconds, args.wrk_threads)
                before = [cpu_seconds(pid) for pid in cpu_of or ()]
                out = run_wrk(args.wrk, script, url, clients, args.seconds, args.wrk_threads)
                after = [cpu_seconds(pid) for pid in cpu_of or ()]
            socket_errors = out["connect"] + out["read"] + out["write"] + out["timeout"]
            errors = out["bad"] + socket_errors
            done = max(out["requests"], 1)
            server_cpu, neo4j_cpu = (
                [1000 * (a - b) / done for a, b in zip(after, before, strict=True)]
                if cpu_of
                else [None, None]
            )
            cells.append(Cell(
                workload, clients, path, workers, out["requests"] - out["bad"],
                errors, out["duration_us"] / 1e6,
                out["p50_us"] / 1000, out["p95_us"] / 1000, out["p99_us"] / 1000,
                server_cpu_ms=server_cpu, neo4j_cpu_ms=neo4j_cpu,
            ))  # fmt: skip
            print_cell(cells[-1])
    return cells
