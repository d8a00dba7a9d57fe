"""The per-request context: who is asking, the database handle and fresh DataLoaders.

Why per request: a DataLoader caches what it loaded; shared across requests it would serve one
caller's (unmasked) data to another and never see writes. Each relationship field batches all
of its keys within one tick of the event loop into ONE `UNWIND $keys` query from
`cypher/api/batch/`, so a page of 100 records asking for their employer costs one round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from api.graphql.auth import Role
from api.graphql.cursor_seal import CursorSeal
from api.graphql.metrics import ApiMetrics
from graph.async_db import AsyncDatabase
from graph.cypher_catalog import load_query
from graph.settings import Settings

Row = dict[str, Any]
LoadFn = Callable[[list[str]], Coroutine[Any, Any, list[Any]]]


def _one_per_key(db: AsyncDatabase, query: str) -> LoadFn:
    """Batch function for a to-one relation: each key's `item` or None."""

    async def load(keys: list[str]) -> list[Row | None]:
        rows = await db.read(load_query(query), {"keys": list(keys)})
        found = {row["key"]: row["item"] for row in rows}
        return [found.get(key) for key in keys]

    return load


def _many_per_key(db: AsyncDatabase, query: str, **params: Any) -> LoadFn:
    """Batch function for a to-many relation: each key's `items` (empty when none)."""

    async def load(keys: list[str]) -> list[list[Row]]:
        rows = await db.read(load_query(query), {"keys": list(keys), **params})
        found = {row["key"]: row["items"] for row in rows}
        return [found.get(key, []) for key in keys]

    return load


#: to-one loaders: attribute name → batch query under cypher/api/batch/.
ONE = {
    "customer_record": "customer_records_by_id",
    "account_record": "account_records_by_id",
    "product": "products_by_sku",
    "category": "categories_by_id",
    "campaign": "campaigns_by_id",
    "content": "contents_by_id",
    "interaction": "interactions_by_id",
    "customer": "customers_by_id",
    "account": "accounts_by_id",
    "employer_of_record": "employer_of_customer_records",
    "customer_of_record": "customer_of_customer_records",
    "account_of_record": "account_of_account_records",
    "performer_of_interaction": "performer_of_interactions",
    "campaign_of_interaction": "campaign_of_interactions",
    "content_of_interaction": "content_of_interactions",
    "category_of_product": "category_of_products",
    "parent_of_category": "parent_of_categories",
    "campaign_of_content": "campaign_of_contents",
    "target_of_campaign": "target_of_campaigns",
}
#: to-many loaders: attribute name → batch query under cypher/api/batch/.
MANY = {
    "records_of_customer": "records_of_customers",
    "records_of_account": "records_of_accounts",
    "lines_of_order": "lines_of_orders",
    "products_of_content": "products_of_contents",
}
#: bounded to-many loaders (at most `limit` items per key, the field's `first` / `last`):
#: attribute name → batch query under cypher/api/batch/ taking `$keys` and `$limit`. Most are
#: the reverse of a to-one field (Product.inCategory → Category.products, ...); the relation
#: can be large, so each query stops after `limit` items per key instead of collecting all.
LIMITED = {
    "interactions_of_record": "interactions_of_customer_records",
    "children_of_category": "children_of_categories",
    "products_of_category": "products_of_categories",
    "campaigns_of_category": "campaigns_of_categories",
    "contents_of_campaign": "contents_of_campaigns",
    "interactions_of_campaign": "interactions_of_campaigns",
    "interactions_of_content": "interactions_of_contents",
    "contents_of_product": "contents_of_products",
    "people_of_account_record": "people_of_account_records",
}


@dataclass
class Context:
    """Built once per GraphQL request by `context_for` in `api.graphql.app`."""

    db: AsyncDatabase
    settings: Settings
    role: Role | None
    metrics: ApiMetrics
    cursor_seal: CursorSeal
    ingest: Any = None  # api.graphql.mutation.IngestService, set by the app
    key_id: str | None = None  # the presented key's fingerprint (auth.key_fingerprint)
    sync_db: Any = None  # graph.db.Database for model operations run in worker threads
    _loaders: dict[str, DataLoader[str, Any]] = field(default_factory=dict)

    def one(self, name: str) -> DataLoader[str, Row | None]:
        """The request's to-one loader `name` (see ONE), created on first use."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(
                load_fn=_one_per_key(self.db, f"api/batch/{ONE[name]}")
            )
        return self._loaders[name]

    def many(self, name: str) -> DataLoader[str, list[Row]]:
        """The request's to-many loader `name` (see MANY), created on first use."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(
                load_fn=_many_per_key(self.db, f"api/batch/{MANY[name]}")
            )
        return self._loaders[name]

    def limited(self, name: str, limit: int) -> DataLoader[str, list[Row]]:
        """The request's bounded to-many loader `name` (see LIMITED) for page size `limit`.

        One loader per (relation, limit): a document asking `products(first: 5)` under every
        category batches all of them into one query, and another `first` is another batch.
        """
        key = f"{name}:{limit}"
        if key not in self._loaders:
            self._loaders[key] = DataLoader(
                load_fn=_many_per_key(self.db, f"api/batch/{LIMITED[name]}", limit=limit)
            )
        return self._loaders[key]

    def recent_interactions(self, limit: int) -> DataLoader[str, list[Row]]:
        """Per-record recent interactions; one loader per distinct `limit` in the request."""
        return self.limited("interactions_of_record", limit)

    @property
    def actor(self) -> str:
        """Who a write records as its author: `api:<role>:<key fingerprint>` (`api:admin` in
        development mode without keys), so an audit tells two marketers' keys apart."""
        name = f"api:{self.role.name.lower() if self.role else 'anonymous'}"
        return f"{name}:{self.key_id}" if self.key_id else name

    def require(self, role: Role) -> Role:
        """The caller's role if it is at least `role`; else an auth error."""
        from api.graphql.errors import Forbidden, Unauthenticated

        if self.role is None:
            raise Unauthenticated("Send a valid API key in the X-API-Key header.")
        if self.role < role:
            raise Forbidden(f"This needs the {role.name.lower()} role or higher.")
        return self.role
