"""GraphQL object types for the graph's nodes; relationships resolve through DataLoaders.

Why `from_row`: every list or loader query returns node property maps; one constructor per
type picks the declared fields (ignoring provenance extras like row_hash) so adding a property
to a node never breaks the API. Person records are masked here for the caller's role.

Why temporal fields arrive as text: the neo4j driver builds each DateTime in pure Python
(~55 µs apiece), which made a 20-record page cost twice its Cypher. The API's queries return
the temporals a type exposes as `toString(...)` (and null the provenance ones it does not), and
`from_row` parses ISO text for every `datetime`/`date` field (~1 µs); driver values still pass.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import strawberry

from api.graphql.auth import MASK, Role, mask_customer_record
from api.graphql.context import Context

Info = strawberry.Info[Context, None]
T = TypeVar("T")


def iso_datetime(value: Any) -> datetime | None:
    """A Cypher `toString(datetime)` as a Python datetime (a driver datetime passes through).

    Named zones print as `...+01:00[Europe/Berlin]`; the offset before the bracket is kept.
    """
    if not isinstance(value, str):
        return value or None
    return datetime.fromisoformat(value.split("[", 1)[0]) if value else None


def iso_date(value: Any) -> date | None:
    """A Cypher `toString(date)` as a Python date (a driver date passes through)."""
    if not isinstance(value, str):
        return value or None
    return date.fromisoformat(value) if value else None


@functools.cache
def _fields_of(cls: type) -> tuple[frozenset[str], dict[str, Callable[[Any], Any]]]:
    """A type's field names, and a text parser for each `datetime` / `date` field."""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    parsers: dict[str, Callable[[Any], Any]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        kinds = set(typing.get_args(hint)) | {hint}
        if name in names and datetime in kinds:
            parsers[name] = iso_datetime
        elif name in names and date in kinds:
            parsers[name] = iso_date
    return names, parsers


def from_row(cls: type[T], row: dict[str, Any]) -> T:
    """An instance of a strawberry type from a node's property map (unknown keys ignored).

    Temporals come as ISO text from the queries that list many rows (cheaper than the driver's
    DateTime); a rare one a query returns as stored (a record's deleted_at) as a driver value.
    """
    names, parsers = _fields_of(typing.cast(type, cls))
    values = {k: v for k, v in row.items() if k in names}
    for name, parse in parsers.items():
        value = values.get(name)
        if isinstance(value, str):
            values[name] = parse(value)
        elif value is not None and hasattr(value, "to_native"):
            values[name] = value.to_native()
    return cls(**values)


async def loaded(info: Info, loader: str, cls: type[T], ids: list[str]) -> list[T]:
    """The objects of `ids` that exist, through one of the request's by-id DataLoaders."""
    rows = await info.context.one(loader).load_many(ids)
    return [obj for obj in (maybe(cls, row) for row in rows) if obj is not None]


def maybe(cls: type[T], row: dict[str, Any] | None) -> T | None:
    """`from_row` for an optional relation."""
    return None if row is None else from_row(cls, row)


async def related(
    info: Info, name: str, key: str, size: int, field: str = "first"
) -> list[dict[str, Any]]:
    """At most `size` items of the bounded relation `name` (Context.LIMITED) of node `key`.

    Why through `Context.limited`: every parent at one level of the document asks the same
    loader, so `categories { products(first: 5) }` is one query for all categories, and each
    query stops after `size` items per parent however large the relation is.
    """
    from api.graphql.pagination import checked_first

    checked_first(size, info.context.settings.api_max_page_size, field)
    return await info.context.limited(name, size).load(key)


_DELETED_AT = (
    "When its source deleted it (a `deleted_records` feed); a deleted record resolves to no "
    "customer or account any more, and keeps its history."
)


def record_from(row: dict[str, Any], role: Role | None) -> CustomerRecord:
    """A person record masked for `role` (no role sees what a viewer sees)."""
    return from_row(CustomerRecord, mask_customer_record(row, role or Role.VIEWER))


def interaction_from(row: dict[str, Any], role: Role | None) -> Interaction:
    """An interaction; free-text call notes may hold personal data, so viewers get a mask, and
    so does everyone below analyst when the person was deleted at their source (the queries
    say so in `performer_deleted`), as that person's record is masked for them."""
    role = role or Role.VIEWER
    if row.get("notes") and (
        role <= Role.VIEWER or (role < Role.ANALYST and row.get("performer_deleted"))
    ):
        row = {**row, "notes": MASK}
    return from_row(Interaction, row)


@strawberry.type(description="A person as one source system exported them (CRM, shop, ...).")
class CustomerRecord:
    record_id: strawberry.ID
    source_system: str | None = None
    source_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    company_name: str | None = None
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    country: str | None = None
    consent_email: bool | None = None
    consent_sms: bool | None = None
    status: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    placeholder: bool | None = strawberry.field(
        default=None, description="True while only referenced, before its own row arrived."
    )
    deleted_at: datetime | None = strawberry.field(default=None, description=_DELETED_AT)
    deletion_reason: str | None = strawberry.field(
        default=None, description="Why the source deleted it, as its deletion feed says."
    )
    erased_at: datetime | None = strawberry.field(
        default=None,
        description="When its personal data was erased on the person's request (every field "
        "but ids and timestamps is null since; `marketgraph erase`, `erasePersonalData`).",
    )

    @strawberry.field(description="The company record this person WORKS_AT.")
    async def account(self, info: Info) -> AccountRecord | None:
        row = await info.context.one("employer_of_record").load(self.record_id)
        return maybe(AccountRecord, row)

    @strawberry.field(description="The unified customer entity resolution linked (if any).")
    async def customer(self, info: Info) -> Customer | None:
        return maybe(Customer, await info.context.one("customer_of_record").load(self.record_id))

    @strawberry.field(description="This record's most recent interactions, newest first.")
    async def interactions(self, info: Info, last: int = 10) -> list[Interaction]:
        from api.graphql.pagination import checked_first

        checked_first(last, info.context.settings.api_max_page_size, "last")
        rows = await info.context.recent_interactions(last).load(self.record_id)
        return [interaction_from(r, info.context.role) for r in rows]


@strawberry.type(description="A company as the CRM exported it.")
class AccountRecord:
    record_id: strawberry.ID
    source_system: str | None = None
    source_id: str | None = None
    name: str | None = None
    domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    city: str | None = None
    country: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    placeholder: bool | None = None
    deleted_at: datetime | None = strawberry.field(default=None, description=_DELETED_AT)

    @strawberry.field(description="The unified account entity resolution linked (if any).")
    async def account(self, info: Info) -> Account | None:
        return maybe(Account, await info.context.one("account_of_record").load(self.record_id))

    @strawberry.field(
        description="The person records that WORK_AT it, by record id (masked for the "
        "caller's role)."
    )
    async def people(self, info: Info, first: int = 20) -> list[CustomerRecord]:
        rows = await related(info, "people_of_account_record", self.record_id, first)
        return [record_from(r, info.context.role) for r in rows]


@strawberry.type(description="A unified person created by entity resolution.")
class Customer:
    customer_id: strawberry.ID
    status: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @strawberry.field(description="The source records that RESOLVE_TO this customer.")
    async def records(self, info: Info) -> list[CustomerRecord]:
        rows = await info.context.many("records_of_customer").load(self.customer_id)
        return [record_from(r, info.context.role) for r in rows]


@strawberry.type(description="A unified company created by entity resolution.")
class Account:
    account_id: strawberry.ID
    status: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @strawberry.field(description="The company records that RESOLVE_TO this account.")
    async def records(self, info: Info) -> list[AccountRecord]:
        rows = await info.context.many("records_of_account").load(self.account_id)
        return [from_row(AccountRecord, r) for r in rows]


@strawberry.type(description="A touchpoint: web visit, email event, ad click, call or purchase.")
class Interaction:
    interaction_id: strawberry.ID
    kind: str | None = None
    channel: str | None = None
    occurred_at: datetime | None = None
    source_system: str | None = None
    url: str | None = None
    duration_s: float | None = None
    outcome: str | None = None
    notes: str | None = None
    status: str | None = None
    currency: str | None = None
    total: float | None = None
    ad_id: str | None = None
    cost: float | None = None

    @strawberry.field(description="The person record that PERFORMED it.")
    async def performer(self, info: Info) -> CustomerRecord | None:
        row = await info.context.one("performer_of_interaction").load(self.interaction_id)
        return None if row is None else record_from(row, info.context.role)

    @strawberry.field
    async def campaign(self, info: Info) -> Campaign | None:
        row = await info.context.one("campaign_of_interaction").load(self.interaction_id)
        return maybe(Campaign, row)

    @strawberry.field
    async def content(self, info: Info) -> Content | None:
        row = await info.context.one("content_of_interaction").load(self.interaction_id)
        return maybe(Content, row)

    @strawberry.field(description="Order lines (purchases only; empty otherwise).")
    async def lines(self, info: Info) -> list[OrderLine]:
        if self.kind != "purchase":
            return []
        rows = await info.context.many("lines_of_order").load(self.interaction_id)
        return [from_row(OrderLine, r) for r in rows]


@strawberry.type
class OrderLine:
    line_no: int | None = None
    quantity: float | None = None
    unit_price: float | None = None
    sku: str | None = None

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        if self.sku is None:
            return None
        return maybe(Product, await info.context.one("product").load(self.sku))


@strawberry.type(description="A catalog product.")
class Product:
    sku: strawberry.ID
    name: str | None = None
    category: str | None = None
    subcategory: str | None = None
    price: float | None = None
    currency: str | None = None
    description: str | None = None
    attributes: str | None = strawberry.field(default=None, description="Catalog JSON as text.")
    launched_at: date | None = None
    discontinued: bool | None = None
    placeholder: bool | None = None

    @strawberry.field(description="The subcategory node it is IN_CATEGORY.")
    async def in_category(self, info: Info) -> Category | None:
        return maybe(Category, await info.context.one("category_of_product").load(self.sku))

    @strawberry.field(description="The content that FEATURES it, newest published first.")
    async def featured_in(self, info: Info, first: int = 20) -> list[Content]:
        rows = await related(info, "contents_of_product", self.sku, first)
        return [from_row(Content, r) for r in rows]


@strawberry.type(description="A node of the two-level category tree.")
class Category:
    category_id: strawberry.ID
    name: str | None = None
    level: int | None = None
    placeholder: bool | None = None

    @strawberry.field
    async def parent(self, info: Info) -> Category | None:
        row = await info.context.one("parent_of_category").load(self.category_id)
        return maybe(Category, row)

    @strawberry.field(description="Its subcategories (SUBCATEGORY_OF it), by name.")
    async def children(self, info: Info, first: int = 20) -> list[Category]:
        rows = await related(info, "children_of_category", self.category_id, first)
        return [from_row(Category, r) for r in rows]

    @strawberry.field(description="Products IN_CATEGORY of it or of its subcategories, by name.")
    async def products(self, info: Info, first: int = 20) -> list[Product]:
        rows = await related(info, "products_of_category", self.category_id, first)
        return [from_row(Product, r) for r in rows]

    @strawberry.field(description="The campaigns that TARGET it, latest start first.")
    async def campaigns(self, info: Info, first: int = 20) -> list[Campaign]:
        rows = await related(info, "campaigns_of_category", self.category_id, first)
        return [from_row(Campaign, r) for r in rows]


@strawberry.type(description="A marketing campaign on one channel.")
class Campaign:
    campaign_id: strawberry.ID
    name: str | None = None
    channel: str | None = None
    objective: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    budget: float | None = None
    spend: float | None = None
    placeholder: bool | None = None

    @strawberry.field(description="The category the campaign TARGETS.")
    async def target_category(self, info: Info) -> Category | None:
        row = await info.context.one("target_of_campaign").load(self.campaign_id)
        return maybe(Category, row)

    @strawberry.field(description="Its content (PART_OF it), newest published first.")
    async def contents(self, info: Info, first: int = 20) -> list[Content]:
        rows = await related(info, "contents_of_campaign", self.campaign_id, first)
        return [from_row(Content, r) for r in rows]

    @strawberry.field(description="Its most recent interactions (IN_CAMPAIGN), newest first.")
    async def interactions(self, info: Info, last: int = 10) -> list[Interaction]:
        rows = await related(info, "interactions_of_campaign", self.campaign_id, last, "last")
        return [interaction_from(r, info.context.role) for r in rows]


@strawberry.type(description="An email, landing page or post.")
class Content:
    content_id: strawberry.ID
    content_type: str | None = None
    title: str | None = None
    body: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    placeholder: bool | None = None

    @strawberry.field
    async def campaign(self, info: Info) -> Campaign | None:
        row = await info.context.one("campaign_of_content").load(self.content_id)
        return maybe(Campaign, row)

    @strawberry.field(description="The products it FEATURES.")
    async def products(self, info: Info) -> list[Product]:
        rows = await info.context.many("products_of_content").load(self.content_id)
        return [from_row(Product, r) for r in rows]

    @strawberry.field(description="Its most recent interactions (ENGAGED_WITH), newest first.")
    async def interactions(self, info: Info, last: int = 10) -> list[Interaction]:
        rows = await related(info, "interactions_of_content", self.content_id, last, "last")
        return [interaction_from(r, info.context.role) for r in rows]
