"""`customer360`: one person across every source system, in one GraphQL field.

Why it starts from either id: before entity resolution has run there are only source records,
so a record id gives that record alone; once `(:CustomerRecord)-[:RESOLVES_TO]->(:Customer)`
exists, either id gives every record of the person. The whole view is ONE round trip
(`customer360_view.cypher`): the records plus whichever of account, recent interactions and owned
products the selection asks for (read from the query's field nodes, through fragments), so a
typical 360 costs one query instead of four in two sequential stages. The field resolvers keep
their own queries as a fallback for a view built without them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from datetime import datetime
from typing import Any

import strawberry
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionNode

from api.graphql.auth import Role
from api.graphql.errors import InvalidInput
from api.graphql.pagination import checked_first
from api.graphql.resolution_api import FieldEvidence, field_evidence
from api.graphql.scores import (
    CopyDraftView,
    Propensity,
    Recommendation,
    copy_drafts_for,
    propensity_for,
    recommendations_for,
)
from api.graphql.types import (
    AccountRecord,
    Customer,
    CustomerRecord,
    Interaction,
    interaction_from,
    iso_datetime,
    maybe,
    record_from,
)
from graph.cypher_catalog import load_query

Info = strawberry.Info[Any, None]


@strawberry.type(description="A product the person bought, summed over all their orders.")
class OwnedProduct:
    sku: str
    name: str | None
    category: str | None
    units: float
    spent: float
    orders: int
    last_purchased_at: datetime | None


@strawberry.type(
    description="Why one source record belongs to its unified customer: the pair and rule "
    "that joined it, as the resolution run stored them on its RESOLVES_TO link."
)
class MatchEvidence:
    record_id: strawberry.ID
    customer_id: strawberry.ID
    rule: str | None = strawberry.field(
        description="model (Splink's probability), exact_email / exact_phone, must_link (a "
        "reviewer's accept or the cluster it already had), unmerge, or singleton."
    )
    matched_with: strawberry.ID | None = strawberry.field(
        description="The record it was joined to; null for a cluster's first record."
    )
    match_probability: float | None
    match_weight: float | None
    model_version: str | None
    resolved_at: datetime | None
    fields: list[FieldEvidence] = strawberry.field(
        description="Per-field comparison level and Splink match weight of that pair."
    )


def _evidence_from(row: dict[str, Any]) -> MatchEvidence:
    return MatchEvidence(
        record_id=row["record_id"], customer_id=row["customer_id"], rule=row.get("rule"),
        matched_with=row.get("matched_with"), match_probability=row.get("match_probability"),
        match_weight=row.get("match_weight"), model_version=row.get("model_version"),
        resolved_at=iso_datetime(row.get("resolved_at")),
        fields=field_evidence(row.get("fields"), row.get("levels"), row.get("weights")),
    )  # fmt: skip


@strawberry.type(description="Everything the graph knows about one person.")
class Customer360:
    customer: Customer | None = strawberry.field(
        description="The unified customer; null until entity resolution has linked one."
    )
    profile: CustomerRecord = strawberry.field(
        description="The most recently updated source record (masked for the caller's role)."
    )
    records: list[CustomerRecord] = strawberry.field(
        description="Every source record of this person, most recently updated first."
    )
    record_ids: strawberry.Private[list[str]]
    interaction_limit: strawberry.Private[int]
    # "account", "interactions", "products" rows when the one view query already fetched them.
    prefetched: strawberry.Private[dict[str, Any]] = field(default_factory=dict)

    @strawberry.field(
        description="Next products to offer from the serving cross-sell model, best first, with "
        "the graph facts behind each; empty before resolution or before a model serves."
    )
    async def recommendations(self, info: Info) -> list[Recommendation]:
        if self.customer is None:
            return []
        return await recommendations_for(info, str(self.customer.customer_id))

    @strawberry.field(
        description="Calibrated probability to buy in the model's next period (serving "
        "propensity model); null before resolution or before a model serves."
    )
    async def propensity(self, info: Info) -> Propensity | None:
        if self.customer is None:
            return None
        return await propensity_for(info, str(self.customer.customer_id))

    @strawberry.field(
        description="Personalised copy drafted for this person, newest first (marketer): the "
        "writer that produced it, whether it passed every guardrail, and its review status. "
        "Null with a FORBIDDEN error for a viewer, the rest of the view intact."
    )
    async def generated_copy(self, info: Info, limit: int = 5) -> list[CopyDraftView] | None:
        info.context.require(Role.MARKETER)
        if self.customer is None:
            return []
        return await copy_drafts_for(info, str(self.customer.customer_id), limit)

    @strawberry.field(
        description="Why each source record belongs to this person: the pair, rule, model "
        "version and per-field evidence of its match (empty before resolution)."
    )
    async def match_evidence(self, info: Info) -> list[MatchEvidence]:
        rows = await info.context.db.read(
            load_query("api/customer360_evidence"), {"record_ids": self.record_ids}
        )
        return [_evidence_from(row) for row in rows]

    @strawberry.field(description="The company record the person works at (first record with one).")
    async def account(self, info: Info) -> AccountRecord | None:
        if "account" in self.prefetched:
            return maybe(AccountRecord, self.prefetched["account"])
        rows = await info.context.one("employer_of_record").load_many(self.record_ids)
        return next((maybe(AccountRecord, r) for r in rows if r is not None), None)

    @strawberry.field(description="The most recent interactions across all records.")
    async def recent_interactions(self, info: Info) -> list[Interaction]:
        if "interactions" in self.prefetched:
            items = self.prefetched["interactions"]
        else:
            rows = await info.context.db.read(
                load_query("api/customer360_interactions"),
                {"record_ids": self.record_ids, "limit": self.interaction_limit},
            )
            items = [r["item"] for r in rows]
        return [interaction_from(item, info.context.role) for item in items]

    @strawberry.field(description="Products bought on any of the person's orders.")
    async def products_owned(self, info: Info) -> list[OwnedProduct]:
        if "products" in self.prefetched:
            rows = self.prefetched["products"]
        else:
            rows = await info.context.db.read(
                load_query("api/customer360_products"), {"record_ids": self.record_ids}
            )
        return [
            OwnedProduct(
                sku=r["sku"],
                name=r["name"],
                category=r["category"],
                units=float(r["units"] or 0),
                spent=float(r["spent"] or 0),
                orders=int(r["orders"]),
                last_purchased_at=iso_datetime(r["last_purchased_at"]),
            )
            for r in rows
        ]


#: GraphQL field of Customer360 → the part of `customer360_view.cypher` it needs.
PREFETCHABLE = {"account": "account", "recentInteractions": "interactions",
                "productsOwned": "products"}  # fmt: skip


def _child_field_names(info: Info) -> set[str]:
    """Names of the fields selected directly under the current field, through fragments.

    Why graphql-core's nodes and not `info.selected_fields`: strawberry converts the whole
    selection subtree (nested fields, arguments, directives) into its own objects for that, on
    every request; it was ~9% of the API process's CPU per customer 360 (py-spy under load,
    bench/README "Session 12"). Only the names one level down are needed here.
    """
    raw = info._raw_info  # graphql-core's GraphQLResolveInfo behind strawberry's Info
    names: set[str] = set()

    def walk(selections: Iterable[SelectionNode]) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = raw.fragments.get(selection.name.value)
                if fragment is not None:
                    walk(fragment.selection_set.selections)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set.selections)

    for node in raw.field_nodes:
        if node.selection_set is not None:
            walk(node.selection_set.selections)
    return names


async def load_customer360(
    info: Info, record_id: str | None, customer_id: str | None, interactions: int
) -> Customer360 | None:
    """The 360 view, or None when neither id exists."""
    if (record_id is None) == (customer_id is None):
        raise InvalidInput(
            "Give exactly one of `recordId` or `customerId`.",
            fields=[{"field": "recordId", "message": "exactly one of recordId/customerId"}],
        )
    for name, value in (("recordId", record_id), ("customerId", customer_id)):
        if value is not None and not 0 < len(value) <= 200:
            raise InvalidInput(
                f"Invalid `{name}`.", fields=[{"field": name, "message": "1 to 200 characters"}]
            )
    limit = checked_first(interactions, info.context.settings.api_max_page_size, "interactions")
    wanted = {part for name in _child_field_names(info) if (part := PREFETCHABLE.get(name))}
    rows = await info.context.db.read(
        load_query("api/customer360_view"),
        {"record_id": record_id, "customer_id": customer_id, "limit": limit,
         "with_account": "account" in wanted, "with_interactions": "interactions" in wanted,
         "with_products": "products" in wanted},
    )  # fmt: skip
    if not rows or not rows[0]["records"]:
        return None
    role = info.context.role
    records = [record_from(r, role) for r in rows[0]["records"]]
    return Customer360(
        customer=maybe(Customer, rows[0]["customer"]),
        profile=records[0],
        records=records,
        record_ids=[str(r.record_id) for r in records],
        interaction_limit=limit,
        prefetched={part: rows[0][part] for part in wanted},
    )
