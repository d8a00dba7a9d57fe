"""Entity resolution in the API: the clerical-review queue, review decisions and unmerge.

Why these call `models.resolution` instead of writing their own Cypher: a decision must be
stored exactly as `marketgraph review accept|reject` stores it (a (:MatchReview) that every
later resolution run reads back as must-link / cannot-link), and an unmerge must restore the
records and pin its cannot-link decisions exactly as `marketgraph unmerge` does. The API only
validates, authorises, records who decided (`api:<role>:<key>`, as model promotion does) and reads
the outcome back. The synchronous operations run in a worker thread on the app's synchronous
driver, one at a time (an unmerge rewrites links in several transactions).

Roles: the queue and decisions are analyst work — the queue shows both records unmasked, and
a decision only binds the *next* resolution run (it can be changed, as in the CLI). Unmerge is
admin: it moves records between customers at once and records cannot-link decisions against
every record left with the survivor.
"""

from __future__ import annotations

import asyncio
import enum
import re
import threading
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.auth import Role
from api.graphql.errors import ID_HINT, Conflict, NotFound, check_id, check_text, invalid
from api.graphql.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    PageArgs,
    keyset_args,
    keyset_connection,
)
from api.graphql.types import (
    AccountRecord,
    Customer,
    CustomerRecord,
    loaded,
    maybe,
    record_from,
)
from graph.cypher_catalog import load_query
from graph.errors import JobBusyError, ResolutionError

Info = strawberry.Info[Any, None]
REVIEW_ID = re.compile(r"rev-[0-9a-f]{16}")
ENTITY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,119}")
NOTE_MAX = 1_000
_QUEUE = "review_queue:"  # the queue's keyset cursor tag (one sort)
_resolution_lock = threading.Lock()


@strawberry.enum(description="Where a review item stands.")
class ReviewStatus(enum.Enum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@strawberry.enum(description="A reviewer's decision on a pair of records.")
class ReviewDecision(enum.Enum):
    ACCEPT = "accepted"
    REJECT = "rejected"


@strawberry.type(description="How one field compared in a pair: comparison level and weight.")
class FieldEvidence:
    field: str
    level: str | None
    weight: float | None = strawberry.field(
        description="Splink match weight (log2 Bayes factor): > 0 speaks for a match."
    )


@strawberry.type(description="An uncertain pair of records that entity resolution left apart.")
class ReviewItem:
    review_id: strawberry.ID
    kind: str = strawberry.field(description="customer or account")
    status: ReviewStatus
    match_probability: float | None
    match_weight: float | None
    record_a_id: strawberry.ID
    record_b_id: strawberry.ID
    evidence: list[FieldEvidence] = strawberry.field(
        description="Per-field comparison of the pair, as the resolution run stored it."
    )
    model_version: str | None
    created_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None

    @strawberry.field(description="Both person records (customer pairs; else empty).")
    async def customer_records(self, info: Info) -> list[CustomerRecord]:
        if self.kind != "customer":
            return []
        ids = [str(self.record_a_id), str(self.record_b_id)]
        rows = await info.context.one("customer_record").load_many(ids)
        return [record_from(r, info.context.role) for r in rows if r is not None]

    @strawberry.field(description="Both company records (account pairs; else empty).")
    async def account_records(self, info: Info) -> list[AccountRecord]:
        if self.kind != "account":
            return []
        ids = [str(self.record_a_id), str(self.record_b_id)]
        rows = await info.context.one("account_record").load_many(ids)
        return [r for r in (maybe(AccountRecord, row) for row in rows) if r is not None]


@strawberry.type(description="Records an unmerge gave back to the customer they had before.")
class RestoredCustomer:
    customer_id: strawberry.ID
    record_ids: list[strawberry.ID]


@strawberry.type(description="What an unmerge reversed, and the customers that exist after it.")
class UnmergeOutcome:
    reversed_event_id: strawberry.ID = strawberry.field(
        description="The (:ResolutionEvent {kind: 'merge'}) that is now marked undone."
    )
    survivor_id: strawberry.ID = strawberry.field(
        description="The customer the records had been merged into; it keeps its other records."
    )
    restored: list[RestoredCustomer]

    @strawberry.field(description="The survivor and every restored customer, as they are now.")
    async def customers(self, info: Info) -> list[Customer]:
        ids = [str(self.survivor_id), *(str(r.customer_id) for r in self.restored)]
        return await loaded(info, "customer", Customer, ids)


def field_evidence(
    fields: list[Any] | None, levels: list[Any] | None, weights: list[Any] | None
) -> list[FieldEvidence]:
    """The per-field evidence of a pair from the parallel lists a resolution run stores."""
    levels, weights = levels or [], weights or []
    return [
        FieldEvidence(
            field=str(name),
            level=None if i >= len(levels) else str(levels[i]),
            weight=None if i >= len(weights) else float(weights[i]),
        )
        for i, name in enumerate(fields or [])
    ]


def _review_from(row: dict[str, Any]) -> ReviewItem:
    return ReviewItem(
        review_id=row["review_id"],
        kind=str(row.get("kind") or "customer"),
        status=ReviewStatus(row["status"]),
        match_probability=row.get("match_probability"),
        match_weight=row.get("match_weight"),
        record_a_id=row["record_a"],
        record_b_id=row["record_b"],
        evidence=field_evidence(
            row.get("evidence_fields"), row.get("evidence_levels"), row.get("evidence_weights")
        ),
        model_version=row.get("model_version"),
        created_at=row.get("created_at"),
        decided_by=row.get("decided_by"),
        decided_at=row.get("decided_at"),
        note=row.get("note"),
    )


async def _review_rows(
    info: Info,
    status: str | None,
    review_id: str | None,
    params: dict[str, Any],
    backward: bool = False,
) -> list[dict[str, Any]]:
    """Rows (`item`, `key`, `id`) of review_queue.cypher (its `_reverse` mirror `backward`);
    `params` are its keyset parameters."""
    name = "api/review_queue_reverse" if backward else "api/review_queue"
    rows: list[dict[str, Any]] = await info.context.db.read(
        load_query(name), {"status": status, "review_id": review_id, **params}
    )
    return rows


async def _review_item(info: Info, review_id: str) -> dict[str, Any] | None:
    """One review item's properties by id, as the queue shows it; None if there is none."""
    first_row = {"after_key": None, "after_id": None, "limit": 1}
    rows = await _review_rows(info, None, review_id, first_row)
    return rows[0]["item"] if rows else None


def _sync_db(info: Info) -> Any:
    db = info.context.sync_db
    if db is None:
        raise NotFound("Resolution operations are not available on this server.")
    return db


@strawberry.type
class ResolutionQuery:
    @strawberry.field(
        description="Clerical review of uncertain pairs, most probable first (analyst). "
        "status: null lists every item; decided items bind every later resolution run."
    )
    async def review_queue(
        self,
        info: Info,
        status: ReviewStatus | None = ReviewStatus.OPEN,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[ReviewItem]:
        info.context.require(Role.ANALYST)
        value = None if status is None else status.value
        page = keyset_args(
            PageArgs(first, last, after, before),
            _QUEUE,
            info.context.settings.api_max_page_size,
            info.context.cursor_seal,
            {"status": value},
        )
        rows = await _review_rows(info, value, None, page.params(), page.backward)

        async def count() -> int:
            found = await info.context.db.read(
                load_query("api/review_queue_count"), {"status": value}
            )
            return int(found[0]["total"]) if found else 0

        return keyset_connection(rows, page, _review_from, count)


@strawberry.type
class ResolutionMutation:
    @strawberry.mutation(
        description="Accept (must-link) or reject (cannot-link) a review item (analyst). The "
        "next `marketgraph resolve` applies it and no later run overrides it; deciding again "
        "replaces the decision. Returns the item as stored."
    )
    async def decide_review(
        self,
        info: Info,
        review_id: strawberry.ID,
        decision: ReviewDecision,
        note: str | None = None,
    ) -> ReviewItem:
        info.context.require(Role.ANALYST)
        rid = check_id("reviewId", review_id, REVIEW_ID, "a review id from `reviewQueue`")
        text = check_text("note", note, max_length=NOTE_MAX, required=False)
        if await _review_item(info, rid) is None:
            raise NotFound(f"No review item {rid}; see `reviewQueue`.")
        from models.resolution import decide

        db = _sync_db(info)

        def work() -> None:
            with _resolution_lock:
                decide(db, rid, decision.value, by=info.context.actor, note=text)

        try:
            await asyncio.to_thread(work)
        except ResolutionError:  # deleted between the check and the decision
            raise NotFound(f"No review item {rid}; see `reviewQueue`.") from None
        item = await _review_item(info, rid)
        if item is None:  # deleted right after the decision
            raise NotFound(f"No review item {rid}; see `reviewQueue`.")
        return _review_from(item)

    @strawberry.mutation(
        description="Reverse the latest merge into a customer, or the merge `eventId` (admin). "
        "The moved records go back to the customers they had before, and cannot-link decisions "
        "keep them apart in every later resolution run."
    )
    async def unmerge_customer(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        event_id: strawberry.ID | None = None,
    ) -> UnmergeOutcome:
        info.context.require(Role.ADMIN)
        if customer_id is None and event_id is None:
            raise invalid("customerId", "give customerId or eventId (or both)")
        cid = (
            None if customer_id is None else check_id("customerId", customer_id, ENTITY_ID, ID_HINT)
        )
        eid = None if event_id is None else check_id("eventId", event_id, ENTITY_ID, ID_HINT)
        rows = await info.context.db.read(
            load_query("resolution/read_merge_event"), {"entity_id": cid, "event_id": eid}
        )
        if (
            not rows and eid is not None
        ):  # a retried unmerge: say it was done, not that it never was
            event = await info.context.db.read(load_query("resolution/read_event"),
                                               {"event_id": eid})  # fmt: skip
            done = event[0] if event else {}
            same_customer = done.get("entity_type") == "customer" and cid in (
                None,
                done.get("entity_id"),
            )
            if done.get("kind") == "merge" and done.get("undone_at") and same_customer:
                undone = f"{done['undone_at']}, by {done['undone_by']}"
                raise Conflict(f"The merge {eid} was already undone ({undone}).",
                               reason="ALREADY_UNDONE")  # fmt: skip
        if not rows:
            raise NotFound(f"No merge to undo for {cid or eid}.")
        if rows[0]["entity_type"] != "customer":
            raise invalid("eventId", "a merge into a customer (account merges: the CLI)")
        from models.resolution import unmerge

        db, settings = _sync_db(info), info.context.settings
        event = str(rows[0]["event_id"])

        def work() -> Any:
            with _resolution_lock:
                return unmerge(db, settings, event_id=event, by=info.context.actor)

        try:
            result = await asyncio.to_thread(work)
        except ResolutionError:  # undone meanwhile, or its records all left since
            now = await info.context.db.read(load_query("resolution/read_event"),
                                             {"event_id": event})  # fmt: skip
            if now and now[0]["undone_at"]:
                undone = f"{now[0]['undone_at']}, by {now[0]['undone_by']}"
                raise Conflict(f"The merge {event} was already undone ({undone}).",
                               reason="ALREADY_UNDONE") from None  # fmt: skip
            raise Conflict(
                f"The merge {event} cannot be undone: its records have all left "
                f"{rows[0]['entity_id']} since (erased, deleted at their source, or moved); "
                "`resolutionHistory` shows what moved them.",
                reason="RECORDS_LEFT",
            ) from None
        except JobBusyError as exc:  # a resolution run (CLI, scheduler) is writing right now
            raise Conflict(str(exc), reason="RESOLUTION_RUNNING") from exc
        return UnmergeOutcome(
            reversed_event_id=result.event_id,
            survivor_id=result.entity_id,
            restored=[
                RestoredCustomer(customer_id=entity, record_ids=list(records))
                for entity, records in sorted(result.restored.items())
            ],
        )
