"""The read side's root fields: paged, filtered, sorted lists and lookups by id.

Each list field validates its input, picks ONE fixed query file (search or not, or a file
written out for the chosen sort) and passes the sort as an enum value that a generic file's
`CASE $sort ...` branches compare with — the request never contributes Cypher text. Lists
page by keyset cursors (see `api.graphql.pagination`). Lookups by id go through the request's
DataLoaders, so `a: customerRecord(...) b: customerRecord(...)` is still one round trip.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql import inputs as inp
from api.graphql.analytics import Analytics
from api.graphql.auth import Role
from api.graphql.customer360 import Customer360, load_customer360
from api.graphql.errors import Forbidden
from api.graphql.ingest_types import (
    IngestRun,
    QuarantinedRow,
    ingest_run_from,
    quarantined_row_from,
)
from api.graphql.pagination import After, Before, Connection, First, Last, PageArgs, keyset_page
from api.graphql.scores import ModelVersion, model_versions
from api.graphql.types import (
    Account,
    AccountRecord,
    Campaign,
    Category,
    Content,
    Customer,
    CustomerRecord,
    Interaction,
    Product,
    from_row,
    interaction_from,
    maybe,
    record_from,
)
from graph.cypher_catalog import load_query

Info = strawberry.Info[Any, None]
#: Sorts of the record lists with a query written out for an index (`<list>_<suffix>.cypher`);
#: other sorts run the list's generic query, which sorts every matching record.
SEEK_QUERIES = {"RECORD_ID_ASC": "by_id", "NAME_ASC": "by_name", "NAME_DESC": "by_name_desc"}
#: Sorts of the unified customer / account lists, each its own file (`customers_<suffix>.cypher`,
#: `accounts_<suffix>.cypher`; "" is the id-ordered list file itself). No generic CASE query:
#: the name and record-count keys are computed per entity, which a file written for its one
#: sort does once.
ENTITY_SEEKS = {
    "CUSTOMER_ID_ASC": "",
    "ACCOUNT_ID_ASC": "",
    "NAME_ASC": "by_name",
    "FIRST_SEEN_ASC": "by_first_seen",
    "FIRST_SEEN_DESC": "by_first_seen_desc",
    "LAST_SEEN_DESC": "by_last_seen_desc",
    "RECORDS_DESC": "by_records_desc",
}


@strawberry.type
class Query:
    @strawberry.field(description="Person records as exported, filtered and sorted.")
    async def customer_records(
        self,
        info: Info,
        filter: inp.CustomerRecordFilter | None = None,
        sort: Annotated[
            inp.CustomerRecordSort | None,
            strawberry.argument(
                description="Default: RELEVANCE with a `search`, else RECORD_ID_ASC."
            ),
        ] = None,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[CustomerRecord]:
        role = info.context.require(Role.VIEWER)
        if sort is None:
            searching = filter is not None and filter.search is not None
            sort = (
                inp.CustomerRecordSort.RELEVANCE
                if searching
                else inp.CustomerRecordSort.RECORD_ID_ASC
            )
        params = inp.validated(inp.CustomerRecordFilterModel, filter, "filter")
        search = params.pop("search")
        by_name = sort in (inp.CustomerRecordSort.NAME_ASC, inp.CustomerRecordSort.NAME_DESC)
        if role < Role.MARKETER and (search is not None or by_name):
            # Names and e-mails are masked for this role: a search would confirm that an
            # address exists, and a name sort's order itself tells where a name falls.
            raise Forbidden(
                "Searching or sorting person records by name needs the marketer role or "
                "higher: names and e-mails are masked for viewers."
            )
        query = "customer_records"
        if search is not None:
            params["search"], query = inp.lucene_terms(search), "customer_records_search"
            # below analyst, deleted records and refused e-mail addresses are masked: unfindable
            params["search_names"] = inp.lucene_name_terms(search) if role < Role.ANALYST else None
        elif sort is inp.CustomerRecordSort.RELEVANCE:
            sort = inp.CustomerRecordSort.RECORD_ID_ASC
        params["sort"] = sort.value
        seek = SEEK_QUERIES.get(sort.value, "") if query == "customer_records" else ""
        return await keyset_page(
            info,
            query,
            params,
            PageArgs(first, last, after, before),
            lambda r: record_from(r, role),
            seek=seek,
        )

    @strawberry.field(description="Company records as exported, filtered and sorted.")
    async def account_records(
        self,
        info: Info,
        filter: inp.AccountRecordFilter | None = None,
        sort: inp.AccountRecordSort = inp.AccountRecordSort.RECORD_ID_ASC,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[AccountRecord]:
        info.context.require(Role.VIEWER)
        params = inp.validated(inp.AccountRecordFilterModel, filter, "filter")
        params["sort"] = sort.value
        return await keyset_page(
            info,
            "account_records",
            params,
            PageArgs(first, last, after, before),
            lambda r: from_row(AccountRecord, r),
            seek=SEEK_QUERIES.get(sort.value, ""),
        )

    @strawberry.field(description="Interactions of every kind, filtered by kind/channel/date.")
    async def interactions(
        self,
        info: Info,
        filter: inp.InteractionFilter | None = None,
        sort: inp.InteractionSort = inp.InteractionSort.OCCURRED_DESC,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[Interaction]:
        role = info.context.require(Role.VIEWER)
        params = inp.validated(inp.InteractionFilterModel, filter, "filter")
        params["sort"] = sort.value
        return await keyset_page(
            info,
            "interactions",
            params,
            PageArgs(first, last, after, before),
            lambda r: interaction_from(r, role),
        )

    @strawberry.field
    async def products(
        self,
        info: Info,
        filter: inp.ProductFilter | None = None,
        sort: inp.ProductSort = inp.ProductSort.NAME_ASC,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[Product]:
        info.context.require(Role.VIEWER)
        params = inp.validated(inp.ProductFilterModel, filter, "filter")
        params["sort"] = sort.value
        return await keyset_page(
            info,
            "products",
            params,
            PageArgs(first, last, after, before),
            lambda r: from_row(Product, r),
        )

    @strawberry.field
    async def campaigns(
        self,
        info: Info,
        filter: inp.CampaignFilter | None = None,
        sort: inp.CampaignSort = inp.CampaignSort.START_DESC,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[Campaign]:
        info.context.require(Role.VIEWER)
        params = inp.validated(inp.CampaignFilterModel, filter, "filter")
        params["sort"] = sort.value
        return await keyset_page(
            info,
            "campaigns",
            params,
            PageArgs(first, last, after, before),
            lambda r: from_row(Campaign, r),
        )

    @strawberry.field
    async def contents(
        self,
        info: Info,
        filter: inp.ContentFilter | None = None,
        sort: inp.ContentSort = inp.ContentSort.PUBLISHED_DESC,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[Content]:
        info.context.require(Role.VIEWER)
        params = inp.validated(inp.ContentFilterModel, filter, "filter")
        params["sort"] = sort.value
        return await keyset_page(
            info,
            "contents",
            params,
            PageArgs(first, last, after, before),
            lambda r: from_row(Content, r),
        )

    @strawberry.field(description="The category tree (small, so not paged).")
    async def categories(
        self, info: Info, level: inp.CategoryLevel | None = None
    ) -> list[Category]:
        info.context.require(Role.VIEWER)
        rows = await info.context.db.read(
            load_query("api/categories"), {"level": None if level is None else level.value}
        )
        return [from_row(Category, r["item"]) for r in rows]

    @strawberry.field(description="Ingest runs, newest first.")
    async def ingest_runs(
        self,
        info: Info,
        status: str | None = None,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[IngestRun]:
        info.context.require(Role.VIEWER)
        params = inp.validated(inp.StatusFilterModel, _Status(status))
        return await keyset_page(
            info, "ingest_runs", params, PageArgs(first, last, after, before), ingest_run_from
        )

    @strawberry.field(description="Rows data contracts rejected (raw text: analyst and up).")
    async def quarantined_rows(
        self,
        info: Info,
        filter: inp.QuarantineFilter | None = None,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[QuarantinedRow]:
        info.context.require(Role.ANALYST)
        params = inp.validated(inp.QuarantineFilterModel, filter, "filter")
        return await keyset_page(
            info,
            "quarantined_rows",
            params,
            PageArgs(first, last, after, before),
            quarantined_row_from,
        )

    @strawberry.field(description="Unified customers (empty until entity resolution has run).")
    async def customers(
        self,
        info: Info,
        status: str | None = None,
        sort: inp.CustomerSort = inp.CustomerSort.CUSTOMER_ID_ASC,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[Customer]:
        role = info.context.require(Role.VIEWER)
        if role < Role.MARKETER and sort is inp.CustomerSort.NAME_ASC:
            # The key is a person's name, masked for viewers; every cursor would carry it.
            raise Forbidden(
                "Sorting customers by name needs the marketer role or higher: names are "
                "masked for viewers."
            )
        params = inp.validated(inp.StatusFilterModel, _Status(status))
        params["sort"] = sort.value
        page = PageArgs(first, last, after, before)
        return await keyset_page(
            info, "customers", params, page, lambda r: from_row(Customer, r),
            seek=ENTITY_SEEKS[sort.value],
        )  # fmt: skip

    @strawberry.field(description="Unified accounts (empty until entity resolution has run).")
    async def accounts(
        self,
        info: Info,
        status: str | None = None,
        sort: inp.AccountSort = inp.AccountSort.ACCOUNT_ID_ASC,
        first: First = None,
        last: Last = None,
        after: After = None,
        before: Before = None,
    ) -> Connection[Account]:
        info.context.require(Role.VIEWER)  # company names are not masked (as accountRecords)
        params = inp.validated(inp.StatusFilterModel, _Status(status))
        params["sort"] = sort.value
        page = PageArgs(first, last, after, before)
        return await keyset_page(
            info, "accounts", params, page, lambda r: from_row(Account, r),
            seek=ENTITY_SEEKS[sort.value],
        )  # fmt: skip

    @strawberry.field
    async def customer_record(self, info: Info, record_id: strawberry.ID) -> CustomerRecord | None:
        role = info.context.require(Role.VIEWER)
        row = await info.context.one("customer_record").load(str(record_id))
        return None if row is None else record_from(row, role)

    @strawberry.field
    async def account_record(self, info: Info, record_id: strawberry.ID) -> AccountRecord | None:
        info.context.require(Role.VIEWER)
        return maybe(AccountRecord, await info.context.one("account_record").load(str(record_id)))

    @strawberry.field
    async def interaction(self, info: Info, interaction_id: strawberry.ID) -> Interaction | None:
        role = info.context.require(Role.VIEWER)
        row = await info.context.one("interaction").load(str(interaction_id))
        return None if row is None else interaction_from(row, role)

    @strawberry.field
    async def product(self, info: Info, sku: strawberry.ID) -> Product | None:
        info.context.require(Role.VIEWER)
        return maybe(Product, await info.context.one("product").load(str(sku)))

    @strawberry.field
    async def campaign(self, info: Info, campaign_id: strawberry.ID) -> Campaign | None:
        info.context.require(Role.VIEWER)
        return maybe(Campaign, await info.context.one("campaign").load(str(campaign_id)))

    @strawberry.field
    async def content(self, info: Info, content_id: strawberry.ID) -> Content | None:
        info.context.require(Role.VIEWER)
        return maybe(Content, await info.context.one("content").load(str(content_id)))

    @strawberry.field
    async def customer(self, info: Info, customer_id: strawberry.ID) -> Customer | None:
        info.context.require(Role.VIEWER)
        return maybe(Customer, await info.context.one("customer").load(str(customer_id)))

    @strawberry.field(
        description="Everything about one person: from a source record id or a customer id."
    )
    async def customer360(
        self,
        info: Info,
        record_id: strawberry.ID | None = None,
        customer_id: strawberry.ID | None = None,
        interactions: int = 20,
    ) -> Customer360 | None:
        info.context.require(Role.VIEWER)
        return await load_customer360(info, record_id, customer_id, interactions)

    @strawberry.field(
        description="The model registry, newest first (analyst): every trained cross-sell and "
        "propensity version with its metrics and whether it serves."
    )
    async def model_versions(self, info: Info, task: str | None = None) -> list[ModelVersion]:
        info.context.require(Role.ANALYST)
        return await model_versions(info, task)

    @strawberry.field(description="Counts, sums and averages over the graph.")
    async def analytics(self, info: Info) -> Analytics:
        info.context.require(Role.VIEWER)
        return Analytics()


class _Status:
    """Adapts a bare `status` argument to the input-object shape `validated` expects."""

    def __init__(self, status: str | None) -> None:
        self.status = status
