"""Aggregations: interactions by kind/channel/month, revenue by category, campaign spend.

Why a namespace type (`analytics { ... }`): aggregations are computed in Neo4j (one query file
each) and grouped under one field, so the root stays readable and each one is role-checked
once. Grouping keys are enum values compared inside a fixed `CASE` — never Cypher text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql import inputs as inp
from graph.cypher_catalog import load_query

Info = strawberry.Info[Any, None]


@strawberry.type
class InteractionBucket:
    key: str
    count: int
    total_value: float = strawberry.field(
        description="Sum of paid orders' totals (refunded and cancelled orders add nothing)."
    )
    average_value: float | None = strawberry.field(description="Average paid order total.")


@strawberry.type
class CategoryRevenue:
    category_id: str | None
    name: str | None
    revenue: float
    units: float
    orders: int


@strawberry.type
class CampaignPerformance:
    campaign_id: str
    name: str | None
    channel: str | None
    budget: float | None
    spend: float | None
    touches: int
    clicks: int
    cost_per_click: float | None


@strawberry.type
class Analytics:
    @strawberry.field(description="Interaction counts and order value, grouped.")
    async def interactions(
        self,
        info: Info,
        group_by: inp.InteractionGroupBy,
        kind: str | None = None,
        occurred_from: datetime | None = None,
        occurred_to: datetime | None = None,
    ) -> list[InteractionBucket]:
        params = inp.validated(
            inp.InteractionFilterModel,
            _Args(kind=kind, occurred_from=occurred_from, occurred_to=occurred_to),
        )
        rows = await info.context.db.read(
            load_query("api/interaction_stats"),
            {
                "group_by": group_by.value,
                "kind": params["kind"],
                "occurred_from": params["occurred_from"],
                "occurred_to": params["occurred_to"],
            },
        )
        return [
            InteractionBucket(
                key=str(r["key"]),
                count=int(r["count"]),
                total_value=float(r["total_value"]),
                average_value=r["average_value"],
            )
            for r in rows
        ]

    @strawberry.field(description="Order revenue per category (top level or subcategory).")
    async def revenue_by_category(
        self,
        info: Info,
        level: inp.CategoryLevel = inp.CategoryLevel.TOP,
        occurred_from: datetime | None = None,
        occurred_to: datetime | None = None,
    ) -> list[CategoryRevenue]:
        params = inp.validated(
            inp.InteractionFilterModel,
            _Args(occurred_from=occurred_from, occurred_to=occurred_to),
        )
        rows = await info.context.db.read(
            load_query("api/revenue_by_category"),
            {
                "level": level.value,
                "occurred_from": params["occurred_from"],
                "occurred_to": params["occurred_to"],
            },
        )
        return [
            CategoryRevenue(
                category_id=r["category_id"],
                name=r["name"],
                revenue=float(r["revenue"] or 0),
                units=float(r["units"] or 0),
                orders=int(r["orders"]),
            )
            for r in rows
        ]

    @strawberry.field(description="Campaign spend against touches and clicks, top spend first.")
    async def campaign_performance(
        self, info: Info, channel: str | None = None, first: int = 50
    ) -> list[CampaignPerformance]:
        from api.graphql.pagination import checked_first

        limit = checked_first(first, info.context.settings.api_max_page_size)
        params = inp.validated(inp.CampaignFilterModel, _Args(channel=channel))
        rows = await info.context.db.read(
            load_query("api/campaign_performance"),
            {"channel": params["channel"], "limit": limit},
        )
        return [
            CampaignPerformance(
                campaign_id=r["campaign_id"],
                name=r["name"],
                channel=r["channel"],
                budget=r["budget"],
                spend=r["spend"],
                touches=int(r["touches"]),
                clicks=int(r["clicks"]),
                cost_per_click=r["cost_per_click"],
            )
            for r in rows
        ]


class _Args:
    """Plain arguments in the shape `inputs.validated` reads (attributes)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
