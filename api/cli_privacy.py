"""`marketgraph erase` / `personal-data` — a person's rights to erasure and to access, from the
command line.

Kept apart from `api/cli.py` like the other command groups; the work is
`models.privacy.erase`, which the GraphQL `erasePersonalData` mutation runs too.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from api.console import console, current_user, err_console
from graph.db import Database
from graph.settings import Settings, get_settings

if TYPE_CHECKING:
    from models.privacy.requested import RequestedErasures

privacy_app = typer.Typer()


def honour_erasure_requests(db: Database, settings: Settings) -> RequestedErasures | None:
    """Erase what an erasure log flagged (after `marketgraph ingest`, or `erase --requested`)
    and say so; a request that has to wait says why and how to finish it. None: none wait."""
    from models.privacy.requested import erase_requested, waiting

    if not waiting(db):
        return None
    done = erase_requested(db, settings)
    for report in done.erasures:
        console.print(
            f"[bold]{report.erasure_id or 'already erased'}[/bold]: erasure log request — "
            f"{len(report.records)} records erased ({len(report.already_erased)} were already), "
            f"{len(report.customers)} customers left ({report.retired} retired)."
        )
    if done.failed:
        err_console.print(f"[yellow]Erasure requests wait:[/yellow] {done.summary()}")
    return done


@privacy_app.command("erase")
def erase_command(
    reference: Annotated[
        str | None,
        typer.Option(
            help="The request's reference (your ticket id, e.g. DSR-2026-114). Kept on the "
            "erasure record as proof: do not put the person's name here."
        ),
    ] = None,
    requested: Annotated[
        bool,
        typer.Option(
            "--requested",
            help="Honour the requests of loaded erasure logs (erasure_requests.csv) that "
            "could not be honoured at load time; each keeps its own reference.",
        ),
    ] = False,
    customer: Annotated[
        str | None,
        typer.Option(help="A unified customer id: erase every person record it is made of."),
    ] = None,
    record: Annotated[
        list[str] | None,
        typer.Option(help="A person record id (crm:C-00012); repeat for several."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking.")] = False,
) -> None:
    """Erase a person's personal data on request (GDPR art. 17), for good.

    Every person record of the customer (and each --record) keeps only its ids, source and
    timestamps; names, e-mail, phone, address, job and consents go, with its typed employer,
    its call notes, the copy drafts written for the customer and the quarantined rows (graph
    and files) that carry the person's source id, e-mail or phone. The records leave their
    customer now (one left empty is retired; `marketgraph history` shows the removal), later
    resolution runs skip them, and an export that still lists the person cannot bring them
    back: its row is quarantined with the reason, without its text — only a row created
    after the erasure loads (the person signed up again). An (:ErasureRequest) keeps who
    erased what, when, under which reference; asking again under another reference records
    that ticket too, and any request sent again scrubs rows naming the records loaded since.
    Ask the source systems to erase the person too: the export files you keep are yours to
    delete.

    Examples:

      marketgraph erase --customer cus-3f2a9c1d0b7e --reference DSR-2026-114

      marketgraph erase --record crm:C-00012 --record shop:S-00931 --reference DSR-2026-115

      marketgraph erase --requested

    A source's erasure log loaded with `marketgraph ingest` (erasure_requests.csv) is honoured
    right after the load; `--requested` finishes requests that had to wait for a resolution
    run.
    """
    from graph.migrations import apply_migrations
    from models.privacy import erase
    from models.privacy.erasure import find_targets

    if requested == (reference is not None):
        raise typer.BadParameter(
            "give --reference with --customer / --record, or --requested alone"
        )
    settings = get_settings()
    with Database.connect(settings) as db:
        apply_migrations(db)
        if requested:
            if customer or record:
                raise typer.BadParameter("--requested takes no --customer or --record")
            done = honour_erasure_requests(db, settings)
            if done is None:
                console.print("No erasure requests wait.")
            elif done.failed:
                raise typer.Exit(1)
            return
        assert reference is not None
        targets = find_targets(db, customer_id=customer, record_ids=record)
        table = Table("record", "source", "customer", "state")
        for t in targets:
            state = "already erased" if t["erased"] else "will be erased"
            table.add_row(t["record_id"], t["source_system"], t["customer_id"] or "-", state)
        console.print(table)
        if not yes and not typer.confirm("Erase these records' personal data for good?"):
            raise typer.Abort()
        report = erase(
            db, settings, customer_id=customer, record_ids=record, reference=reference,
            by=current_user(),
        )  # fmt: skip
    if report.erasure_id is None and not report.customers:
        console.print("Nothing left to erase: an earlier erasure erased every record named.")
        return
    if report.erasure_id and not report.records:
        console.print(
            f"[bold]{report.erasure_id}[/bold]: recorded for {len(report.already_erased)} "
            f"records an earlier erasure erased; {report.quarantined_rows} quarantined rows and "
            f"{report.quarantine_lines} quarantine-file lines loaded since scrubbed."
        )
        return
    console.print(
        f"[bold]{report.erasure_id or 'already erased'}[/bold]: {len(report.records)} records "
        f"erased ({len(report.already_erased)} were already), {len(report.customers)} customers "
        f"left ({report.retired} retired: no record left), {report.interactions} call notes, "
        f"{report.drafts} copy drafts, {report.quarantined_rows} quarantined rows and "
        f"{report.quarantine_lines} quarantine-file lines erased."
    )


@privacy_app.command("erasures")
def erasures_command(
    reference: Annotated[
        str | None, typer.Option(help="Show only the request with this reference.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
) -> None:
    """Erasure requests, newest first: who erased which records, when, under which reference
    — the proof that a request was honoured."""
    from graph.cypher_catalog import load_query

    with Database.connect(get_settings()) as db:
        rows = db.query(
            load_query("privacy/list_erasures"),
            {"reference": reference, "after": None, "limit": limit},
        )
    if not rows:
        console.print(
            "No erasure requests" + (f" with reference {reference}." if reference else ".")
        )
        return
    table = Table("erasure", "reference", "by", "at", "records")
    for row in rows:
        table.add_row(
            row["erasure_id"], row["reference"], row["requested_by"] or "", (row["at"] or "")[:19],
            ", ".join(row["record_ids"]),
        )  # fmt: skip
    console.print(table)


@privacy_app.command("personal-data")
def personal_data_command(
    customer: Annotated[str, typer.Option(help="The unified customer id the person asked about.")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the JSON here (readable by you only); default: standard output."),
    ] = None,
) -> None:
    """Everything marketgraph holds about a person, as JSON (a GDPR art. 15 access request).

    Each source record as its system exported it, with the link that joined it to the customer
    (model version, rule, per-field evidence); their interactions and order lines; who they
    work for; the scores and recommendations written about them (model versions, reasons); the
    copy drafted for them; the history of merges and splits; reviewers' notes on pairs naming
    their records; the rows loads rejected that carry their ids, e-mail or phone (in full,
    from the quarantine files). Every part keeps its provenance (source system, source id,
    runs, times). Other people are kept out: a note on a pair with someone else's record is
    withheld, people sharing the person's address, phone or e-mail lose their names, e-mails
    and phones in notes, and their rejected rows are left out (or listed without text when
    they may be either's). Read notes and rejected rows before sending all the same.

    Examples:

      marketgraph personal-data --customer cus-3f2a9c1d0b7e --out dsar-2026-114.json
    """
    from models.privacy.access import personal_data

    settings = get_settings()
    with Database.connect(settings) as db:
        answer = personal_data(
            db, customer, quarantine_dir=settings.quarantine_dir, by=current_user()
        )
    text = json.dumps(answer, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    # Readable by you only, also when the file existed: written beside it, then renamed.
    partial = out.with_name(out.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as written:
        written.write(text)
    os.replace(partial, out)
    console.print(
        f"Wrote {out}: {len(answer['records'])} records, {len(answer['interactions'])} "
        f"interactions, {len(answer['recommendations'])} recommendations, "
        f"{len(answer['drafts'])} copy drafts."
    )
