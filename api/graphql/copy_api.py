"""Personalised copy in the API: generate drafts, approve or reject them, read them back.

Why the same code as `marketgraph copy write|approve|reject`: `CopyService.write` retrieves the
facts, writes, runs every guardrail, regenerates or falls back and stores the draft with its
citations and rail results; `drafts.review` applies the Cypher-guarded review rules (a draft
that failed the guardrails, or was rejected, can never become approved). The API validates,
authorises, records who reviewed (`api:<role>:<key>`) and reads the stored draft back.

Why one shared `CopyService` per process: constructing one is cheap, but its session caches
are not — the vector store's own driver, the catalog index the fact-check reads, the
best-seller lists and, for the LLM writer, the loaded chat model. Those caches come from
ingested data, so the service is rebuilt when the latest ingest run changes (a new price is
fact-checked against the new price). The service is not thread-safe: a lock serialises its use
in worker threads (writing is CPU-bound; two at once gain nothing on a small machine).

Roles: marketer and above generate and review copy — it is marketing's work, a marketer may
already see the personal data a draft cites, and the guardrails (not the role) decide what can
ever be approved. Domain refusals keep their own message (REFUSED): every id in them has been
checked at the boundary and none holds a path or host.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import strawberry

from api.graphql.auth import Role
from api.graphql.errors import (
    ID_HINT,
    Conflict,
    NotFound,
    Refused,
    check_id,
    check_text,
    invalid,
)
from api.graphql.pagination import After, Before, Connection, First, Last, PageArgs, keyset_page
from api.graphql.scores import CopyDraftView
from api.graphql.types import iso_datetime
from graph.cypher_catalog import load_query
from graph.errors import ConsentError, CopyError

if TYPE_CHECKING:
    from graph.db import Database
    from graph.settings import Settings
    from models.copy import CopyService

log = logging.getLogger(__name__)
Info = strawberry.Info[Any, None]
T = TypeVar("T")
DRAFT_ID = re.compile(r"cd-[0-9a-f]{16}")
GRAPH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,119}")
REASON_MAX = 1_000


@strawberry.enum(description="Where the copy goes; each has its own format and consent flag.")
class CopyChannel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"
    SOCIAL = "social"
    AD = "ad"


@strawberry.enum(description="grounded: templates over graph facts; llm: the configured model.")
class CopyWriter(enum.Enum):
    GROUNDED = "grounded"
    LLM = "llm"


@strawberry.enum(description="A draft's review state.")
class CopyDraftStatus(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"


@strawberry.type(description="One guardrail's verdict on a draft's final text.")
class GuardrailVerdict:
    rail: str
    passed: bool
    details: list[str]


@strawberry.type(description="A graph fact a claim rests on: one property of one node.")
class CitedFact:
    label: str
    id: str
    property: str
    value: str = strawberry.field(description="The property's value, as JSON.")
    derived_by: str | None = strawberry.field(description="Query that computed a derived figure.")


@strawberry.type(description="A factual claim found in the text, and the facts that support it.")
class Citation:
    claim: str
    kind: str
    supported: bool
    problem: str | None
    facts: list[CitedFact]


@strawberry.type(description="A draft with everything stored about why it says what it says.")
class CopyDraftDetail:
    draft: CopyDraftView
    customer_id: strawberry.ID
    campaign_id: str | None
    product_name: str | None
    product_rule: str | None = strawberry.field(description="Why this product was chosen.")
    explanation: str | None
    writer_version: str | None
    requested_writer: str | None
    fell_back_to_grounded: bool = strawberry.field(
        description="An LLM was asked, its texts failed the guardrails, a template was used."
    )
    citation_coverage: float | None = strawberry.field(description="Share of claims cited.")
    guardrails: list[GuardrailVerdict]
    citations: list[Citation]
    review_reason: str | None
    reviewed_at: datetime | None
    review_history: list[str] = strawberry.field(
        description='Every review decision, oldest first ("approved by api:marketer:3f9a1c2b at …: '
        'note"): a withdrawn approval still says who approved it.'
    )
    requested_by: str | None = strawberry.field(description="Who asked for the copy.")
    model_version: str | None = strawberry.field(
        description="The cross-sell model version whose recommendation chose the product."
    )


def _view(draft: dict[str, Any]) -> CopyDraftView:
    return CopyDraftView(
        draft_id=draft["draft_id"], channel=draft["channel"], sku=draft.get("sku"),
        subject=draft.get("subject"), body=draft.get("body") or "", writer=draft["writer"],
        status=draft["status"], rails_passed=draft.get("rails_passed"),
        created_at=iso_datetime(draft.get("created_at")), reviewed_by=draft.get("reviewed_by"),
    )  # fmt: skip


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _detail(draft: dict[str, Any], product_name: str | None) -> CopyDraftDetail:
    rails = _json(draft.get("rail_results")) or {}
    return CopyDraftDetail(
        draft=_view(draft),
        customer_id=draft["customer_id"], campaign_id=draft.get("campaign_id"),
        product_name=product_name, product_rule=draft.get("product_rule"),
        explanation=draft.get("explanation"), writer_version=draft.get("writer_version"),
        requested_writer=draft.get("requested_writer"),
        fell_back_to_grounded=bool(rails.get("fell_back_to_grounded")),
        citation_coverage=rails.get("coverage"),
        guardrails=[
            GuardrailVerdict(rail=r["rail"], passed=bool(r["passed"]),
                             details=[str(d) for d in r.get("details") or []])
            for r in rails.get("final") or []
        ],
        citations=[
            Citation(
                claim=str(c["claim"]), kind=str(c["kind"]), supported=bool(c["supported"]),
                problem=c.get("problem"),
                facts=[
                    CitedFact(label=f["label"], id=str(f["id"]), property=f["property"],
                              value=json.dumps(f.get("value"), ensure_ascii=False, default=str),
                              derived_by=f.get("derived_by"))
                    for f in c.get("facts") or []
                ],
            )
            for c in _json(draft.get("citations")) or []
        ],
        review_reason=draft.get("review_reason"),
        reviewed_at=iso_datetime(draft.get("reviewed_at")),
        review_history=list(draft.get("review_history") or []),
        requested_by=draft.get("requested_by"),
        model_version=draft.get("model_version"),
    )  # fmt: skip


async def _drafts(info: Info, ids: list[str]) -> list[CopyDraftDetail]:
    """The stored drafts with these ids, in the order asked (one round trip)."""
    rows = await info.context.db.read(load_query("api/copy_drafts_by_id"), {"ids": ids})
    found = {r["draft"]["draft_id"]: _detail(r["draft"], r["product_name"]) for r in rows}
    return [found[i] for i in ids if i in found]


class SharedCopyService:
    """One `CopyService` per process, used under a lock, rebuilt when its data changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._service: CopyService | None = None
        self._owner: tuple[Database, Settings, Any] | None = None

    def run(self, db: Database, settings: Settings, work: Callable[[CopyService], T]) -> T:
        """`work(service)` on a service for this database whose caches match the graph."""
        from graph.migrations import apply_migrations
        from models.copy import CopyService

        with self._lock:
            version = db.query(load_query("api/copy_data_version"))[0]
            owner = self._owner
            fresh = owner is not None and owner[0] is db and owner[1] is settings
            if self._service is None or not fresh or owner is None or owner[2] != version:
                self._close()
                apply_migrations(db)  # the vector index the retriever reads (as the CLI does)
                self._service = CopyService(db, settings)
                self._owner = (db, settings, version)
            return work(self._service)

    @property
    def current(self) -> CopyService | None:
        """The service in use now (None before the first request or after `close`)."""
        return self._service

    def close(self) -> None:
        """Release the service's vector-store driver (call at app shutdown)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._service is not None:
            self._service.close()
        self._service, self._owner = None, None


SHARED = SharedCopyService()


def _sync_db(info: Info) -> Any:
    db = info.context.sync_db
    if db is None:
        raise NotFound("Copy generation is not available on this server.")
    return db


async def _check_targets(
    info: Info, customer_id: str, sku: str | None, campaign_id: str | None
) -> None:
    rows = await info.context.db.read(
        load_query("api/copy_targets"),
        {"customer_id": customer_id, "sku": sku, "campaign_id": campaign_id},
    )
    row = rows[0]
    if row["customer_status"] is None:
        raise NotFound(f"No customer {customer_id}; see `customers`.")
    if sku is not None and not row["sku_found"]:
        raise NotFound(f"No product {sku}; see `products`.")
    if row["owned_order"] is not None:
        when = str(row["owned_at"])[:10] if row["owned_at"] else "an unknown date"
        raise invalid("sku", (
            f"{customer_id} already bought {sku} (last on {when}, order "
            f"{row['owned_order']}); copy introduces a product the person does not own: leave "
            "sku out to promote their top recommendation, or choose one they have not bought"
        ))  # fmt: skip
    if campaign_id is not None and not row["campaign_found"]:
        raise NotFound(f"No campaign {campaign_id}; see `campaigns`.")


async def _review(
    info: Info, draft_id: Any, decision: str, field: str, text: str | None
) -> CopyDraftDetail:
    """Approve or reject a draft as `api:<role>:<key>`; CONFLICT when its state does not allow it.
    `text` is the note or reason in argument `field` (required when rejecting)."""
    info.context.require(Role.MARKETER)
    did = check_id("draftId", draft_id, DRAFT_ID, "a draft id from `copyDrafts` (cd-…)")
    reason = check_text(field, text, max_length=REASON_MAX, required=decision == "rejected")
    before = await _drafts(info, [did])
    if not before:
        raise NotFound(f"No draft {did}; see `copyDrafts`.")
    from models.copy import review

    db = _sync_db(info)
    try:
        await asyncio.to_thread(review, db, did, decision, info.context.actor, reason)
    except CopyError:
        [now] = await _drafts(info, [did]) or before
        failed = not now.draft.rails_passed
        why = "it failed the guardrails" if failed else f"it is {now.draft.status}"
        code = "GUARDRAILS_FAILED" if failed else f"ALREADY_{now.draft.status.upper()}"
        raise Conflict(f"Draft {did} cannot be {decision}: {why}.", reason=code) from None
    return (await _drafts(info, [did]))[0]


@strawberry.type
class CopyQuery:
    @strawberry.field(description="Generated copy, newest first (marketer).")
    async def copy_drafts(
        self,
        info: Info,
        status: CopyDraftStatus | None = None,
        customer_id: strawberry.ID | None = None,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[CopyDraftView]:
        info.context.require(Role.MARKETER)
        cid = None if customer_id is None else check_id("customerId", customer_id, GRAPH_ID,
                                                        ID_HINT)  # fmt: skip
        params = {"status": None if status is None else status.value, "customer_id": cid}
        page = PageArgs(first, last, after, before)
        return await keyset_page(info, "copy_drafts", params, page, _view)

    @strawberry.field(description="One draft with its guardrail verdicts and citations.")
    async def copy_draft(self, info: Info, draft_id: strawberry.ID) -> CopyDraftDetail | None:
        info.context.require(Role.MARKETER)
        did = check_id("draftId", draft_id, DRAFT_ID, "a draft id from `copyDrafts` (cd-…)")
        found = await _drafts(info, [did])
        return found[0] if found else None


@strawberry.type
class CopyMutation:
    @strawberry.mutation(
        description="Write copy for one customer and store it as drafts for review (marketer). "
        "Each variant carries its guardrail verdicts and citations; a text that failed a "
        "guardrail is stored as rejected. REFUSED when the customer has not consented to the "
        "channel, nothing can be promoted, or the writer is not configured here (a customer "
        "id merged into another names the one to use); BAD_USER_INPUT on `sku` for a product "
        "the customer already bought."
    )
    async def generate_copy(
        self,
        info: Info,
        customer_id: strawberry.ID,
        channel: CopyChannel = CopyChannel.EMAIL,
        sku: strawberry.ID | None = None,
        campaign_id: strawberry.ID | None = None,
        writer: CopyWriter | None = None,
        variants: int = 1,
    ) -> list[CopyDraftDetail]:
        info.context.require(Role.MARKETER)
        settings = info.context.settings
        cid = check_id("customerId", customer_id, GRAPH_ID, ID_HINT)
        product = None if sku is None else check_id("sku", sku, GRAPH_ID, ID_HINT)
        campaign = None if campaign_id is None else check_id("campaignId", campaign_id,
                                                             GRAPH_ID, ID_HINT)  # fmt: skip
        if not 1 <= variants <= 4:
            raise invalid("variants", "1 to 4")
        chosen = writer.value if writer is not None else settings.copy_writer
        if chosen == "llm" and not settings.llm_model:
            raise Refused("This server has no LLM configured; use writer: GROUNDED.",
                          reason="WRITER_UNAVAILABLE")  # fmt: skip
        from models.copy import Channel
        from models.copy.grounded import TEMPLATES

        if chosen == "grounded" and variants > TEMPLATES[Channel(channel.value)]:
            most = TEMPLATES[Channel(channel.value)]
            raise invalid("variants", f"at most {most} for {channel.name} with the grounded "
                          "writer (its distinct templates)")  # fmt: skip
        await _check_targets(info, cid, product, campaign)

        db = _sync_db(info)

        def work(service: CopyService) -> list[str]:
            results = service.write(cid, Channel(channel.value), sku=product, variants=variants,
                                    writer=chosen, campaign_id=campaign,
                                    requested_by=info.context.actor)  # fmt: skip
            return [r.draft_id for r in results]

        try:
            ids = await asyncio.to_thread(SHARED.run, db, settings, work)
        except ConsentError:
            raise Refused(f"Customer {cid} has not consented to {channel.value}; no copy was "
                          "written.", reason="NO_CONSENT") from None  # fmt: skip
        except CopyError as exc:
            raise Refused(str(exc), reason="COPY_REFUSED") from None
        return await _drafts(info, ids)

    @strawberry.mutation(
        description="Approve a draft for sending (marketer); only drafts that passed every "
        "guardrail and are not rejected. Records `api:<role>:<key>` as the reviewer."
    )
    async def approve_copy(
        self, info: Info, draft_id: strawberry.ID, note: str | None = None
    ) -> CopyDraftDetail:
        return await _review(info, draft_id, "approved", "note", note)

    @strawberry.mutation(
        description="Reject a draft, or withdraw an approval before export (marketer). "
        "Records `api:<role>:<key>` as the reviewer and the reason."
    )
    async def reject_copy(
        self, info: Info, draft_id: strawberry.ID, reason: str
    ) -> CopyDraftDetail:
        return await _review(info, draft_id, "rejected", "reason", reason)
