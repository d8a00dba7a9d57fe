"""`marketgraph copy …` — personalized copy from the command line (issue #5).

Kept apart from `api/cli.py` so the heavy imports (sentence-transformers, LangChain, llama.cpp)
load only when a copy command runs. Every command prints which writer produced a text, the
guardrails' verdicts and the facts each claim rests on.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Column, Table

from api.console import console, current_user, err_console, row_progress
from graph.settings import get_settings

if TYPE_CHECKING:
    from models.copy import DraftResult

copy_app = typer.Typer(
    help=(
        "GraphRAG personalized copy: write cited, guard-railed drafts from the graph, review "
        "them, export approved copy. Writers: 'grounded' (templates over graph facts; default) "
        "or 'llm' (MARKETGRAPH_LLM_MODEL, e.g. 'llamacpp' for the offline SmolLM2)."
    ),
    no_args_is_help=True,
)


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _writer_line(result: DraftResult) -> str:
    w = result.final.written
    line = f"writer: [bold]{w.writer}[/bold] ({w.writer_version})"
    if result.fell_back:
        tried = len(result.attempts) - 1
        line += (f" — [yellow]fallback[/yellow]: the {result.requested_writer} writer's "
                 f"{tried} text(s) failed the guardrails")  # fmt: skip
    return line


def _rails_table(result: DraftResult) -> Table:
    table = Table("rail", "verdict", "details", title="Guardrails", title_justify="left")
    for r in result.final.verdict.results:
        mark = "[green]pass[/green]" if r.passed else "[bold red]BLOCK[/bold red]"
        table.add_row(r.rail, mark, escape("; ".join(r.details[:4])))
    return table


def _citations_table(result: DraftResult) -> Table:
    title = f"Citations ({result.final.verdict.coverage:.0%} of claims cited)"
    table = Table("claim", "kind", "graph facts", title=title, title_justify="left")
    for claim in result.final.verdict.claims:
        facts = "\n".join(escape(_short(f.ref())) for f in claim.facts[:3])
        table.add_row(escape(claim.text[:60]), claim.kind,
                      facts or f"[red]{escape(str(claim.problem))}[/red]")  # fmt: skip
    return table


def _blocked(result: DraftResult) -> str:
    """One line saying which rails blocked a variant and why (their first details)."""
    why = "; ".join(
        f"{r.rail} ({'; '.join(r.details[:2]) or 'failed'})" for r in result.final.verdict.failed
    )
    return escape(f"variant {result.variant + 1} ({result.draft_id}) blocked by {why}")


def _print_result(result: DraftResult) -> None:
    w = result.final.written
    status = "draft (awaiting review)" if result.passed else "rejected by guardrails"
    header = (f"[bold]{result.draft_id}[/bold] · variant {result.variant + 1} · "
              f"{w.copy.channel.value} · {status}\n{_writer_line(result)}")  # fmt: skip
    label = "Headline" if w.copy.channel.value == "ad" else "Subject"
    text = f"[bold]{label}:[/bold] {escape(w.copy.subject)}\n\n" if w.copy.subject else ""
    text += escape(w.copy.body)
    console.print(Panel(text, title=header, title_align="left", expand=False))
    console.print(_rails_table(result))
    console.print(_citations_table(result))


@copy_app.command("write")
def write_command(
    customer_id: Annotated[str, typer.Argument(help="A unified customer id (cus-…).")],
    channel: Annotated[str, typer.Option(help="email, sms, social or ad.")] = "email",
    product: Annotated[
        str | None, typer.Option(help="SKU to promote (default: the recommendation).")
    ] = None,
    variants: Annotated[int, typer.Option(min=1, max=4, help="A/B variants to write.")] = 1,
    writer: Annotated[
        str | None, typer.Option(help="grounded or llm (default: MARKETGRAPH_COPY_WRITER).")
    ] = None,
    campaign: Annotated[str | None, typer.Option(help="Campaign id to file the draft under.")] = (
        None
    ),
) -> None:
    """Write copy for one customer and store it as drafts for review.

    Exit code 3 when no variant passed the guardrails: each is stored as rejected and the
    command says which rails blocked it and why (nothing to approve); 2 when no copy can be
    written (no consent, unknown or merged customer, a product the person already owns)."""
    from graph.db import Database
    from graph.errors import CopyError
    from graph.migrations import apply_migrations
    from models.copy import Channel, CopyService

    try:
        chosen = Channel(channel)
    except ValueError:
        raise CopyError(f"unknown channel {channel!r}: use email, sms, social or ad") from None
    if writer not in (None, "grounded", "llm"):
        raise CopyError(f"unknown writer {writer!r}: use grounded or llm")
    settings = get_settings()
    with Database.connect(settings) as db:
        apply_migrations(db)
        with CopyService(db, settings) as service:
            results = service.write(
                customer_id, chosen, sku=product, variants=variants, writer=writer,
                campaign_id=campaign, requested_by="marketgraph copy write",
            )  # fmt: skip
    first = results[0].retrieved.choice
    console.print(
        f"[bold]{first.product.name}[/bold] ({first.product.sku}) for {customer_id} — "
        f"rule: {first.rule}" + (f", model {first.model_version}" if first.model_version else "")
    )
    console.print(f"[bold]Why this product for this person:[/bold] {escape(first.explanation)}")
    for result in results:
        _print_result(result)
    passed = sum(r.passed for r in results)
    console.print(f"{passed}/{len(results)} draft(s) passed the guardrails.")
    for result in results:
        if not result.passed:
            err_console.print(f"held back: {_blocked(result)}")
    if not passed:
        err_console.print(
            "No draft to review: every variant is stored as rejected by the guardrails (why "
            "above; `marketgraph copy show DRAFT_ID` has each rail's details)."
        )
        raise typer.Exit(3)
    console.print(
        "Review with `marketgraph copy approve|reject DRAFT_ID --reviewer NAME --reason TEXT`."
    )


class DraftStatus(StrEnum):
    """A draft's review state: typer turns a value outside these into a usage error (exit 2)
    that lists them, where a free string matched nothing and printed an empty table."""

    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"


@copy_app.command("list")
def list_command(
    status: Annotated[
        DraftStatus | None, typer.Option(help="Only drafts in this state (default: all).")
    ] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's drafts.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1_000)] = 20,
) -> None:
    """List drafts, newest first."""
    from graph.db import Database
    from models.copy import list_drafts

    with Database.connect(get_settings()) as db:
        rows = list_drafts(
            db, status=None if status is None else status.value, customer_id=customer, limit=limit
        )
    # Ids are what `copy show|approve|reject` take, so they are never cut: the id column keeps
    # its width and the others stack two facts a cell and fold, which fits 80 columns.
    table = Table(
        Column("draft\ncustomer", no_wrap=True),
        Column("channel\nwriter", overflow="fold"),
        Column("status\nby", overflow="fold"),
        Column("subject / start", overflow="fold"),
    )
    for r in rows:
        preview = r["subject"] or (r["body"] or "")[:50]
        table.add_row(
            f"{r['draft_id']}\n{r['customer_id']}", f"{r['channel']}\n{r['writer']}",
            r["status"] + (f"\n{r['reviewed_by']}" if r["reviewed_by"] else ""),
            escape(preview[:50]),
        )  # fmt: skip
    console.print(table)


@copy_app.command("show")
def show_command(draft_id: str) -> None:
    """Show one draft: text, writer, guardrail results, citations and why this product."""
    from graph.db import Database
    from models.copy import get_draft

    with Database.connect(get_settings()) as db:
        d = get_draft(db, draft_id)
    text = f"[bold]Subject:[/bold] {escape(d['subject'])}\n\n" if d.get("subject") else ""
    text += escape(d["body"])
    title = (f"[bold]{d['draft_id']}[/bold] · {d['channel']} · {d['status']} · writer "
             f"{d['writer']} ({d['writer_version']})")  # fmt: skip
    console.print(Panel(text, title=title, title_align="left", expand=False))
    console.print(f"[bold]Why this product:[/bold] {escape(str(d.get('explanation')))}")
    rails: dict[str, Any] = d.get("rail_results") or {}
    table = Table("rail", "verdict", "details", title="Guardrails", title_justify="left")
    for r in rails.get("final", []):
        verdict = "pass" if r["passed"] else "BLOCK"
        table.add_row(r["rail"], verdict, escape("; ".join(r["details"][:3])))
    console.print(table)
    for a in rails.get("attempts", [])[:-1]:
        failed = ", ".join(f["rail"] for f in a["failed_rails"])
        console.print(f"earlier attempt by {a['writer']} blocked by: {failed}")
    cites = Table("claim", "facts", title="Citations", title_justify="left")
    for c in d.get("citations") or []:
        refs = "\n".join(_short(f"{f['label']}[{f['id']}].{f['property']} = {f['value']!r}")
                         for f in c["facts"][:3]) or str(c.get("problem"))  # fmt: skip
        cites.add_row(escape(str(c["claim"])[:60]), escape(refs))
    console.print(cites)
    if d.get("reviewed_by"):
        console.print(escape(f"Reviewed by {d['reviewed_by']}: {d.get('review_reason') or '-'}"))


def _review(draft_id: str, decision: str, reviewer: str | None, reason: str | None) -> None:
    from graph.db import Database
    from models.copy import review

    with Database.connect(get_settings()) as db:
        review(db, draft_id, decision, reviewer or current_user(), reason)
    console.print(f"{draft_id}: {decision} by {reviewer or current_user()}.")


@copy_app.command("approve")
def approve_command(
    draft_id: str,
    reviewer: Annotated[str | None, typer.Option(help="Who approves (default: you).")] = None,
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Approve a draft for sending (only drafts that passed every guardrail)."""
    _review(draft_id, "approved", reviewer, reason)


@copy_app.command("reject")
def reject_command(
    draft_id: str,
    reviewer: Annotated[str | None, typer.Option(help="Who rejects (default: you).")] = None,
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Reject a draft (or withdraw an approval before export)."""
    _review(draft_id, "rejected", reviewer, reason)


@copy_app.command("export")
def export_command(
    path: Annotated[Path, typer.Argument(help="Output file: .csv or .jsonl.")],
    again: Annotated[
        bool, typer.Option("--again", help="Include approved drafts exported before.")
    ] = False,
) -> None:
    """Export approved copy to send: one message per customer and channel, drafts exported
    before left out (`--again` includes them), consent, address and product checked again at
    export time — what is held back is listed with why."""
    from graph.db import Database
    from models.copy import export_approved, load_rules

    settings = get_settings()
    with Database.connect(settings) as db:
        written, held = export_approved(db, load_rules(settings.copy_rules_path), path, again=again)
    console.print(f"Exported {written} approved draft(s) to {path}.")
    if held:
        err_console.print(f"[yellow]held back {len(held)}[/yellow] approved draft(s):")
        for draft_id, why in list(held.items())[:20]:
            err_console.print(f"  {draft_id}: {escape(why)}")
        if len(held) > 20:
            err_console.print(f"  … and {len(held) - 20} more (the log names each)")


@copy_app.command("embed")
def embed_command() -> None:
    """Embed content that has no embedding yet (new or changed since the last run)."""
    from graph.db import Database
    from graph.migrations import apply_migrations
    from models.copy import MiniLMEmbeddings, embedding_status, refresh_embeddings

    settings = get_settings()
    with Database.connect(settings) as db:
        apply_migrations(db)
        with row_progress() as progress:
            written = refresh_embeddings(
                db, MiniLMEmbeddings(settings.copy_embed_batch_size),
                batch_size=settings.copy_embed_batch_size,
                progress=lambda done, total: progress("embedding content", done, total),
            )  # fmt: skip
        status = embedding_status(db)
    console.print(
        f"Embedded {written} content item(s); {status['embedded']}/{status['total']} "
        f"have embeddings ({status['missing']} missing)."
    )
