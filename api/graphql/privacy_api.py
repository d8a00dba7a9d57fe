"""The right to erasure over GraphQL: `erasePersonalData` (admin).

Why in the API and not only the CLI: erasure requests reach the people who answer customers,
through the front-end they already use; the mutation runs the same `models.privacy.erase` as
`marketgraph erase` (holding the resolution lock, so it never interleaves with a run), and
answers what it erased so the front-end can confirm the request was honoured.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.graphql.auth import Role
from api.graphql.errors import ID_HINT, Conflict, NotFound, check_id, check_text, invalid
from api.graphql.history_api import NextAfter
from api.graphql.resolution_api import ENTITY_ID, _resolution_lock, _sync_db
from graph.cypher_catalog import load_query
from graph.errors import JobBusyError, MergedCustomerError, ResolutionError

Info = strawberry.Info[Any, None]
#: Records one request may name (a person has a handful; more is a mistake or a bulk job).
RECORDS_MAX = 100


@strawberry.type(description="What one erasure did.")
class ErasureOutcome:
    erasure_id: strawberry.ID | None = strawberry.field(
        description="The (:ErasureRequest) that records it (who, when, the reference), also "
        "when an earlier erasure had erased every record named under another reference (a "
        "second ticket, recorded as covered by it); null for a retry that found nothing to do."
    )
    erased_record_ids: list[strawberry.ID] = strawberry.field(
        description="Person records whose personal data was erased now."
    )
    already_erased_record_ids: list[strawberry.ID] = strawberry.field(
        description="Records the request named that an earlier erasure had erased."
    )
    customer_ids: list[strawberry.ID] = strawberry.field(
        description="The customers the records left (now; a repeated request detaches records "
        "an interrupted one erased but left linked)."
    )
    retired_customers: int = strawberry.field(description="Of those, left with no record.")
    call_notes_erased: int = strawberry.field(description="Interactions whose notes went.")
    copy_drafts_deleted: int
    quarantined_rows_scrubbed: int = strawberry.field(
        description="Rejected rows (graph) that carried the person's id, e-mail or phone."
    )
    quarantine_lines_scrubbed: int = strawberry.field(
        description="The same rows' lines in the quarantine files."
    )


@strawberry.type(description="One erasure request, as recorded when it was honoured.")
class ErasureRequest:
    erasure_id: strawberry.ID
    reference: str = strawberry.field(description="The request's ticket id, as given.")
    requested_by: str | None = strawberry.field(
        description="Who erased (a person, or api:<role>:<key fingerprint>)."
    )
    at: str | None
    record_ids: list[strawberry.ID] = strawberry.field(description="The records it erased.")


@strawberry.type
class PrivacyQuery:
    @strawberry.field(
        description="Erasure requests, newest first (admin): who erased which records, when, "
        "under which reference — the proof a request was honoured. `reference` finds one."
    )
    async def erasure_requests(
        self, info: Info, reference: str | None = None, first: int = 50, after: NextAfter = None
    ) -> list[ErasureRequest]:
        info.context.require(Role.ADMIN)
        last = None if after is None else check_id("after", after, ENTITY_ID, ID_HINT)
        largest = info.context.settings.api_max_page_size  # what the cost rule counts
        if not 1 <= first <= largest:
            raise invalid("first", f"must be between 1 and {largest}")
        ref = check_text("reference", reference, max_length=200, required=False)
        rows = await info.context.db.read(
            load_query("privacy/list_erasures"),
            {"reference": ref, "after": last, "limit": first},
        )
        return [ErasureRequest(**row) for row in rows]

    @strawberry.field(
        description="Everything marketgraph holds about one customer, as JSON (admin; a GDPR "
        "art. 15 access request): each source record with the link that joined it (model "
        "version, rule, evidence), interactions and order lines, employers, scores and "
        "recommendations with model versions and reasons, copy drafts, merge/split history "
        "and reviewers' notes, the rejected (quarantined) rows that carry their ids, e-mail or "
        "phone, each with its provenance. Other people's data is left out: notes on pairs with "
        "someone else's record are withheld, the names, e-mails and phones of people sharing "
        "the person's address, phone or e-mail are redacted from notes, and rejected rows that "
        "are theirs are left out (or listed without text when they may be). Same as "
        "`marketgraph personal-data`."
    )
    async def personal_data(self, info: Info, customer_id: strawberry.ID) -> JSON:
        info.context.require(Role.ADMIN)
        cid = check_id("customerId", customer_id, ENTITY_ID, ID_HINT)
        from models.privacy.access import personal_data

        db, by = _sync_db(info), info.context.actor
        folder = info.context.settings.quarantine_dir
        try:
            answer = await asyncio.to_thread(personal_data, db, cid, quarantine_dir=folder, by=by)
        except MergedCustomerError as exc:
            raise Conflict(str(exc), reason="MERGED") from None
        except ResolutionError:
            raise NotFound(f"No customer {cid}.") from None
        return cast(JSON, answer)


def _checked(
    customer_id: strawberry.ID | None, record_ids: list[strawberry.ID] | None, reference: str
) -> tuple[str | None, list[str], str]:
    if customer_id is None and not record_ids:
        raise invalid("customerId", "give customerId or recordIds (or both)")
    if record_ids is not None and len(record_ids) > RECORDS_MAX:
        raise invalid("recordIds", f"at most {RECORDS_MAX} records per request")
    cid = None if customer_id is None else check_id("customerId", customer_id, ENTITY_ID, ID_HINT)
    records = [check_id("recordIds", r, ENTITY_ID, ID_HINT) for r in record_ids or []]
    ref = check_text("reference", reference, max_length=200, required=True)
    return cid, records, str(ref)


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(
        description="Erase a person's personal data on request (admin; GDPR art. 17): every "
        "person record of `customerId` and each of `recordIds` keeps only its ids, source and "
        "timestamps, leaves its customer (one left empty is retired), and takes its call "
        "notes, the customer's copy drafts and the quarantined rows carrying the person with "
        "it. `reference` is the request's ticket id, kept as proof: not the person's name. "
        "Idempotent; an older export cannot bring the data back."
    )
    async def erase_personal_data(
        self,
        info: Info,
        reference: str,
        customer_id: strawberry.ID | None = None,
        record_ids: list[strawberry.ID] | None = None,
    ) -> ErasureOutcome:
        info.context.require(Role.ADMIN)
        cid, records, ref = _checked(customer_id, record_ids, reference)
        from models.privacy import erase

        db, settings = _sync_db(info), info.context.settings

        def work() -> Any:
            with _resolution_lock:
                return erase(
                    db, settings, customer_id=cid, record_ids=records, reference=ref,
                    by=info.context.actor,
                )  # fmt: skip

        try:
            report = await asyncio.to_thread(work)
        except MergedCustomerError as exc:  # its survivor holds the records now
            raise Conflict(str(exc), reason="MERGED") from None
        except ResolutionError as exc:  # an id that names no customer or person record
            raise NotFound(str(exc)) from None
        except JobBusyError as exc:  # a resolution run (CLI, scheduler) is writing right now
            raise Conflict(str(exc), reason="RESOLUTION_RUNNING") from exc
        return ErasureOutcome(
            erasure_id=report.erasure_id,
            erased_record_ids=list(report.records),
            already_erased_record_ids=list(report.already_erased),
            customer_ids=list(report.customers),
            retired_customers=report.retired,
            call_notes_erased=report.interactions,
            copy_drafts_deleted=report.drafts,
            quarantined_rows_scrubbed=report.quarantined_rows,
            quarantine_lines_scrubbed=report.quarantine_lines,
        )
