"""GraphRAG copy benchmark (issue #5): guardrail quality, citation coverage, latency, throughput.

It starts a dedicated Neo4j under --state-dir (never your .marketgraph data), loads the demo
company (`ingestion.demo_data.generate(customers=N)` + `IngestRun` + entity resolution),
embeds the content with all-MiniLM-L6-v2 (timed), and then measures:

  adversarial   the seeded adversarial set (models/copy/adversarial.py: invented features,
                wrong prices, banned phrases, another customer's name/e-mail, a non-consented
                channel, discontinued products, …) for --adversarial-customers customers:
                catch rate = cases blocked by the rail they target.
  false blocks  the grounded writer's own texts (every channel each sampled customer consented
                to, 2 variants) that any rail blocks — the target is zero.
  latency       per customer, retrieval (context query + product rule + vector search) and
                grounded writing + rails, p50/p95 over --latency-customers (store excluded;
                storing is in the throughput figure). Target p95 <= 150 ms.
  local LLM     SmolLM2-135M through ChatLlamaCpp for --llm-customers customers (skipped with a
                message when llama_cpp is missing): how often its raw text fails the rails,
                the final (post-rail, post-fallback) citation coverage, latency p50/p95.
  throughput    `CopyService.write_batch` (grounded e-mail, drafts stored in batched
                transactions) for batches of --sizes customers; 10k is extrapolated linearly
                from the largest batch unless 10000 is in --sizes.

    python bench/copy_bench.py                                   # 6k-customer demo, 200/2000
    python bench/copy_bench.py --customers 1500 --sizes 100,500  # a quick look
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import statistics
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ConsentError, CopyError
from graph.local_server import start, stop
from graph.local_server.testing import settings_for_tests
from graph.maintenance import delete_all_data
from graph.migrations import apply_migrations
from graph.settings import Settings
from ingestion.demo_data import generate
from ingestion.loader import IngestRun
from models.copy import Channel, CopyService, MiniLMEmbeddings, refresh_embeddings
from models.copy.adversarial import adversarial_cases, first_discontinued, load_others

console = Console(width=None if Console().is_terminal else 160)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank quantile in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def consenting(db: Database, limit: int, rules_excluded: list[str]) -> list[str]:
    """E-mail-consenting, contactable customers (the same filter the demo step uses)."""
    rows = db.query(
        load_query("copy/demo_customers"),
        {"excluded_statuses": rules_excluded, "require_order": False, "limit": limit},
    )
    return [str(r["customer_id"]) for r in rows]


def load(db: Database, settings: Settings, data: Path) -> dict[str, float]:
    timings: dict[str, float] = {}
    delete_all_data(db)
    apply_migrations(db)
    t = time.perf_counter()
    with console.status(f"ingesting {data}"):
        IngestRun(db, settings).run([data])
    timings["ingest"] = time.perf_counter() - t
    from models.resolution import resolve

    t = time.perf_counter()
    with console.status("entity resolution"):
        resolve(db, settings, by="copy_bench")
    timings["resolve"] = time.perf_counter() - t
    return timings


def adversarial(service: CopyService, db: Database, ids: list[str]) -> dict[str, Any]:
    sku = first_discontinued(db)
    discontinued = service.retriever.products([sku])[sku] if sku else None
    caught = total = 0
    missed: dict[str, int] = {}
    for customer_id in ids:
        retrieved = service.retrieve(customer_id, Channel.EMAIL)
        [base] = service.grounded.write(retrieved)
        no_consent = next((c for c in Channel if not retrieved.customer.consent[c.value]), None)
        for case in adversarial_cases(
            retrieved, base.copy, load_others(db, customer_id), discontinued=discontinued,
            no_consent_channel=no_consent, seed=zlib.crc32(customer_id.encode()) % 1000,
        ):  # fmt: skip
            total += 1
            failed = {r.rail for r in service.rails.check(case.copy, case.retrieved).failed}
            if case.expect in failed:
                caught += 1
            else:
                missed[case.name] = missed.get(case.name, 0) + 1
    return {"cases": total, "caught": caught, "missed": missed}


def grounded_latency(service: CopyService, ids: list[str]) -> dict[str, Any]:
    retrieval: list[float] = []
    writing: list[float] = []
    total: list[float] = []
    texts = blocked = 0
    blocked_rails: dict[str, int] = {}
    for customer_id in ids:
        t0 = time.perf_counter()
        retrieved = service.retrieve(customer_id, Channel.EMAIL)
        t1 = time.perf_counter()
        for written in service.grounded.write(retrieved):
            verdict = service.rails.check(written.copy, retrieved)
        t2 = time.perf_counter()
        retrieval.append(t1 - t0)
        writing.append(t2 - t1)
        total.append(t2 - t0)
        for channel in Channel:  # false blocks: every consented channel, 2 variants each
            if not retrieved.customer.consent[channel.value]:
                continue
            r = service.retriever.complete(retrieved.customer, channel)
            for written in service.grounded.write(r, 2):
                verdict = service.rails.check(written.copy, r)
                texts += 1
                if not verdict.passed:
                    blocked += 1
                    for rail in verdict.failed:
                        blocked_rails[rail.rail] = blocked_rails.get(rail.rail, 0) + 1
    return {"retrieval": retrieval, "writing": writing, "total": total, "texts": texts,
            "blocked": blocked, "blocked_rails": blocked_rails}  # fmt: skip


def llm_run(db: Database, settings: Settings, ids: list[str], emb: MiniLMEmbeddings) -> Any:
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama_cpp is not installed (pip install marketgraph's 'llm' extra): skipped"
    configured = settings.model_copy(update={"llm_model": "llamacpp"})
    raw_fail = 0
    coverage: list[float] = []
    latency: list[float] = []
    fell_back = 0
    rails: dict[str, int] = {}
    with CopyService(db, configured, embeddings=emb) as service:
        service.llm  # noqa: B018 - load the model before timing
        for customer_id in ids:
            t = time.perf_counter()
            [result] = service.write(customer_id, Channel.EMAIL, writer="llm", store=False)
            latency.append(time.perf_counter() - t)
            first = result.attempts[0].verdict
            raw_fail += int(not first.passed)
            for rail in first.failed:
                rails[rail.rail] = rails.get(rail.rail, 0) + 1
            fell_back += int(result.fell_back)
            coverage.append(result.final.verdict.coverage if result.passed else 0.0)
    return {"n": len(ids), "raw_fail": raw_fail, "fell_back": fell_back, "coverage": coverage,
            "latency": latency, "rails": rails}  # fmt: skip


def throughput(service: CopyService, ids: list[str], sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    offset = 0
    for size in sizes:
        batch = ids[offset : offset + size]
        offset += size
        if len(batch) < size:
            out.append({"size": size, "note": f"only {len(batch)} consenting customers left"})
            if not batch:
                continue
        t = time.perf_counter()
        report = service.write_batch(batch, Channel.EMAIL, requested_by="bench/copy_bench.py")
        seconds = time.perf_counter() - t
        out.append({"size": len(batch), "seconds": seconds, "rate": len(batch) / seconds,
                    "passed": report.passed, "blocked": report.blocked,
                    "skipped": report.skipped})  # fmt: skip
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=6000, help="demo company size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sizes", default="200,2000", help="batch sizes for throughput")
    parser.add_argument("--latency-customers", type=int, default=200)
    parser.add_argument("--adversarial-customers", type=int, default=20)
    parser.add_argument("--llm-customers", type=int, default=10)
    parser.add_argument("--state-dir", type=Path, default=Path("/tmp/mg-bench-copy"))
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/mg-bench-data"))
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--keep-server", action="store_true")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    for handler in logging.root.handlers:
        handler.addFilter(lambda r: r.levelno >= logging.ERROR or not r.name.startswith("splink"))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    settings = settings_for_tests(
        args.state_dir, neo4j_heap=args.heap, neo4j_pagecache=args.pagecache
    )
    load_before = os.getloadavg()
    started = time.perf_counter()
    with console.status(f"starting a dedicated Neo4j under {args.state_dir}"):
        stop(settings, timeout_s=60)
        start(settings)
    try:
        data = args.data_dir / f"copy-{args.customers}c-seed{args.seed}"
        if not (data / "manifest.json").is_file():
            with console.status(f"generating demo data for {args.customers:,} customers"):
                generate(data, customers=args.customers, seed=args.seed, bad_row_rate=0)
        with Database.connect(settings) as db:
            timings = load(db, settings, data)
            emb = MiniLMEmbeddings()
            t = time.perf_counter()
            embedded = refresh_embeddings(db, emb)
            timings["embed"] = time.perf_counter() - t
            with CopyService(db, settings, embeddings=emb) as service:
                ids = consenting(db, 100_000, service.rules.excluded_record_statuses)
                console.print(f"{len(ids):,} e-mail-consenting customers; {embedded} content "
                              f"items embedded in {timings['embed']:.1f} s")  # fmt: skip
                service.write(ids[0], Channel.EMAIL, store=False)  # warm-up: model, plans
                adv = adversarial(service, db, ids[: args.adversarial_customers])
                lat = grounded_latency(service, ids[: args.latency_customers])
                llm = llm_run(db, settings, ids[: args.llm_customers], emb)
                thr = throughput(service, ids[args.latency_customers :], sizes)
    except (ConsentError, CopyError) as exc:
        console.print(f"[red]benchmark failed:[/red] {exc}")
        raise
    finally:
        if not args.keep_server:
            with console.status("stopping the dedicated Neo4j"):
                stop(settings, timeout_s=60)
    report(args, timings, adv, lat, llm, thr, load_before, time.perf_counter() - started)


def report(
    args: argparse.Namespace, timings: dict[str, float], adv: dict[str, Any],
    lat: dict[str, Any], llm: Any, thr: list[dict[str, Any]],
    load_before: tuple[float, float, float], wall: float,
) -> None:  # fmt: skip
    table = Table("measure", "value", "target", title="GraphRAG copy", title_justify="left")
    rate = adv["caught"] / adv["cases"] if adv["cases"] else 0.0
    table.add_row("adversarial catch rate", f"{rate:.1%} ({adv['caught']}/{adv['cases']})",
                  ">= 95%")  # fmt: skip
    if adv["missed"]:
        table.add_row("  missed cases", ", ".join(f"{k} x{v}" for k, v in adv["missed"].items()),
                      "")  # fmt: skip
    false_block = lat["blocked"] / lat["texts"] if lat["texts"] else 0.0
    table.add_row("grounded false-block rate",
                  f"{false_block:.1%} ({lat['blocked']}/{lat['texts']} texts)", "0%")  # fmt: skip
    if lat["blocked_rails"]:
        table.add_row("  blocking rails", str(lat["blocked_rails"]), "")
    n = len(lat["total"])
    for key, label in (("retrieval", "retrieval"), ("writing", "grounded writing + rails"),
                       ("total", "retrieval + writing + rails")):  # fmt: skip
        table.add_row(f"{label} p50 / p95 ({n} customers)",
                      f"{pct(lat[key], 0.5):.1f} / {pct(lat[key], 0.95):.1f} ms",
                      "p95 <= 150 ms" if key == "total" else "")  # fmt: skip
    if isinstance(llm, str):
        table.add_row("local LLM (SmolLM2-135M)", llm, "")
    else:
        cov = statistics.mean(llm["coverage"]) if llm["coverage"] else 0.0
        table.add_row("LLM raw output failing rails",
                      f"{llm['raw_fail']}/{llm['n']} ({llm['raw_fail'] / llm['n']:.0%}); "
                      f"by rail {llm['rails']}", "")  # fmt: skip
        table.add_row("LLM final fell back to grounded", f"{llm['fell_back']}/{llm['n']}", "")
        table.add_row("LLM final citation coverage", f"{cov:.1%} (min "
                      f"{min(llm['coverage'], default=0):.0%})", "100%")  # fmt: skip
        table.add_row("LLM latency p50 / p95 per customer",
                      f"{pct(llm['latency'], 0.5) / 1000:.1f} / "
                      f"{pct(llm['latency'], 0.95) / 1000:.1f} s", "")  # fmt: skip
    for row in thr:
        if "rate" in row:
            table.add_row(f"throughput, batch of {row['size']:,} (write + rails + store)",
                          f"{row['rate']:.1f} customers/s ({row['seconds']:.1f} s; "
                          f"{row['passed']} passed, {row['blocked']} blocked)", "")  # fmt: skip
        if "note" in row:
            table.add_row(f"throughput, batch of {row['size']:,}", row["note"], "")
    measured = [r for r in thr if "rate" in r]
    if measured and not any(r["size"] >= 10_000 for r in measured):
        best = measured[-1]
        table.add_row(
            "10k customers (extrapolated, linear)",
            f"~{10_000 / best['rate'] / 60:.1f} min at {best['rate']:.1f}/s",
            "",
        )
    table.add_row("set-up", f"ingest {timings['ingest']:.0f} s, resolve {timings['resolve']:.0f} "
                  f"s, embed {timings['embed']:.1f} s", "")  # fmt: skip
    console.print(table)
    load_after = os.getloadavg()
    console.print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; {args.customers:,} demo "
        f"customers; load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"(1 min); total wall time {wall:,.0f} s"
    )


if __name__ == "__main__":
    main()
