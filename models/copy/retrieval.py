"""GraphRAG retrieval: one customer's facts by graph traversal, related content by vector search.

Why both: the graph answers "who is this person, what do they own, what does the model
recommend" exactly (no similarity guessing about facts), while the vector index finds the
published content that reads closest to the chosen product — the part where similarity is
the right tool. Vector search goes through langchain-neo4j's `Neo4jVector` over the existing
`content_embedding` index, with our own retrieval query (cypher/copy/content_search.cypher).

People who are erased, opted out or merged are filtered inside the context query itself, so
no code path downstream ever holds their data.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from typing import Any

from langchain_core.embeddings import Embeddings

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ConfigurationError, CopyError
from graph.settings import Settings
from models.copy.context import (
    CampaignBrief,
    Channel,
    ContentHit,
    CustomerContext,
    Fact,
    ProductChoice,
    ProductInfo,
    Retrieved,
    already_owned,
)
from models.copy.rules import CopyRules

log = logging.getLogger(__name__)

LINKABLE_CONTENT = ["post", "landing_page"]
BEST_SELLER_POOL = 50
_SOURCE_PREFERENCE = {"crm": 0, "shop": 1, "email": 2, "web": 3}


def retrieval_tail(name: str) -> str:
    """The part of a .cypher file after its `// RETRIEVAL` marker: the retrieval query
    Neo4jVector appends to its own vector-index call (the file as a whole stays runnable)."""
    text = load_query(name)
    marker = "// RETRIEVAL\n"
    if marker not in text:
        raise ConfigurationError(f"cypher/{name}.cypher has no '// RETRIEVAL' marker line")
    return text.split(marker, 1)[1]


def _norm_name(name: str) -> str:
    """'CHRISTINE' / 'christine' → 'Christine'; mixed case is kept as the source wrote it."""
    name = name.strip()
    return name.title() if name.isupper() or name.islower() else name


def consent_for(records: list[dict[str, Any]], flag: str) -> bool:
    """Most restrictive wins: one record must grant the flag and none may deny it."""
    values = [r.get(flag) for r in records]
    return any(v is True for v in values) and not any(v is False for v in values)


def _first_name(records: list[dict[str, Any]]) -> Fact | None:
    named = [r for r in records if r.get("first_name")]
    if not named:
        return None
    counts = Counter(_norm_name(str(r["first_name"])) for r in named)
    best = max(counts.values())
    named.sort(key=lambda r: (_SOURCE_PREFERENCE.get(str(r.get("source_system")), 9),
                              str(r["record_id"])))  # fmt: skip
    chosen = next(r for r in named if counts[_norm_name(str(r["first_name"]))] == best)
    return Fact(
        label="CustomerRecord", id=chosen["record_id"], property="first_name",
        value=_norm_name(str(chosen["first_name"])),
    )  # fmt: skip


class Retriever:
    """Reads what a writer may know. One per writing session: it caches the catalog, the
    best-seller lists used by the fallback product rule, and the vector store."""

    def __init__(
        self, db: Database, settings: Settings, rules: CopyRules, embeddings: Embeddings
    ) -> None:
        self.db = db
        self.settings = settings
        self.rules = rules
        self.embeddings = embeddings
        self._store: Any = None
        self._by_category: dict[str, list[dict[str, Any]]] | None = None
        self._by_industry: dict[str, list[dict[str, Any]]] | None = None
        self._products: dict[str, ProductInfo] = {}

    # --- the customer -----------------------------------------------------------------------
    def customer(self, customer_id: str) -> CustomerContext:
        """The customer's facts, or CopyError if unknown, merged, erased or opted out."""
        rows = self.db.query(
            load_query("copy/customer_context"),
            {"customer_id": customer_id, "excluded_statuses": self.rules.excluded_record_statuses,
             "interactions": 5, "received": 20},
        )  # fmt: skip
        if not rows:
            raise CopyError(self._not_contactable(customer_id))
        row = rows[0]
        records = row["records"]
        consent = {c.value: consent_for(records, self.rules.consent_flag(c)) for c in Channel}
        # what the customer received or may still receive: a draft rejected (by a reviewer or
        # a guardrail) and never exported was never sent, so something like it is no repeat
        previous = [
            "\n".join(x for x in (d.get("subject"), d.get("body")) if x)
            for d in row["previous_drafts"]
            if d.get("draft_id") and (d.get("status") != "rejected" or d.get("exported"))
        ] + [str(c["body"]) for c in row["received"] if c.get("body")]
        return CustomerContext(
            customer_id=row["customer_id"], first_name=_first_name(records), records=records,
            consent=consent, account=row["account"], owned=row["owned"], recent=row["recent"],
            recommendations=row["recommendations"], propensity=row["propensity"],
            previous_texts=previous,
            previous_templates=[str(d["template"]) for d in row["previous_drafts"]
                                if d.get("template")],
        )  # fmt: skip

    def _not_contactable(self, customer_id: str) -> str:
        """Why no copy can be written for this id, naming the customer to write for instead
        when the id was merged into another (a front end or an old export still shows it)."""
        found = self.db.query(load_query("linkpred/retired_customer"), {"customer_id": customer_id})
        fate = found[0] if found else None
        if fate is None:
            return f"unknown customer {customer_id!r} (unified ids look like cus-…)"
        survivor, into = fate["survivor"], fate["merged_into"]
        if fate["status"] == "merged" and survivor:
            when = f" on {str(fate['retired_at'])[:10]}" if fate["retired_at"] else ""
            since = "" if survivor == into else f" (and {into} into {survivor} since)"
            return (f"customer {customer_id} was merged into {into}{when}{since}; use "
                    f"{survivor}, which holds the person's records now")  # fmt: skip
        if fate["status"] != "active":
            return (f"customer {customer_id} is {fate['status']}: no source record resolves to "
                    f"it any more (`marketgraph history {customer_id}` says why)")  # fmt: skip
        return (f"no contactable customer {customer_id!r}: the person is erased or opted out of "
                "all contact (see `marketgraph explain`)")  # fmt: skip

    # --- products ---------------------------------------------------------------------------
    def products(self, skus: list[str]) -> dict[str, ProductInfo]:
        """Catalog facts for the given skus (cached for the session)."""
        missing = [s for s in skus if s not in self._products]
        if missing:
            for row in self.db.query(load_query("copy/products"), {"skus": missing}):
                self._products[row["sku"]] = ProductInfo.from_row(row)
        return {s: self._products[s] for s in skus if s in self._products}

    def _best_sellers(self, categories: list[str] | None) -> list[dict[str, Any]]:
        """Best sellers in some categories (None = the whole shop), best first."""
        if self._by_category is None:
            self._by_category = {
                str(r["category"]): list(r["top"])
                for r in self.db.query(load_query("copy/best_sellers"), {"limit": BEST_SELLER_POOL})
            }
        pools = self._by_category.values() if categories is None else (
            self._by_category.get(c, []) for c in categories)  # fmt: skip
        rows = [row for pool in pools for row in pool]
        return sorted(rows, key=lambda r: (-int(r["buyers"]), -int(r["units"]), str(r["sku"])))

    def _industry_best_sellers(self, industry: str) -> list[dict[str, Any]]:
        """Best sellers among customers at accounts in one industry, best first."""
        if self._by_industry is None:
            self._by_industry = {
                str(r["industry"]): list(r["top"])
                for r in self.db.query(
                    load_query("copy/industry_best_sellers"), {"limit": BEST_SELLER_POOL}
                )
            }
        return self._by_industry.get(industry, [])

    def _first_available(
        self, rows: list[dict[str, Any]], owned: set[str]
    ) -> tuple[ProductInfo, dict[str, Any]] | None:
        candidates = [r for r in rows if r["sku"] not in owned]
        found = self.products([r["sku"] for r in candidates])
        for r in candidates:
            product = found.get(r["sku"])
            if product is not None and not product.discontinued:
                return product, r
        return None

    def choose_product(self, ctx: CustomerContext, sku: str | None = None) -> ProductChoice:
        """The product to promote: the one asked for, else the serving model's top
        recommendation, else a stated best-seller rule (industry → own categories → shop)."""
        owned = ctx.owned_skus()
        if sku is not None:
            product = self.products([sku]).get(sku)
            if product is None:
                raise CopyError(f"unknown product {sku!r}: no (:Product {{sku}}) in the catalog")
            if sku in owned:
                raise CopyError(already_owned(ctx, product))
            return ProductChoice(
                product=product, rule="requested",
                explanation=f"{product.name} was chosen by the user (--product {sku}).",
            )  # fmt: skip
        recs = [r for r in ctx.recommendations if r["sku"] not in owned]
        found = self.products([r["sku"] for r in recs])
        for rec in recs:
            product = found.get(rec["sku"])
            if product is None or product.discontinued:
                continue
            return self._recommended(ctx, product, rec)
        if ctx.industry:
            hit = self._first_available(self._industry_best_sellers(ctx.industry), owned)
            if hit:
                product, row = hit
                buyers = int(row["buyers"])
                return ProductChoice(
                    product=product, rule="industry_best_seller",
                    explanation=(
                        f"No serving cross-sell recommendation for this customer, so the rule "
                        f"'best seller among customers at {ctx.industry} accounts, not already "
                        f"owned, not discontinued' chose it: {buyers} customer(s) at "
                        f"{ctx.industry} accounts bought it."
                    ),
                    facts=[Fact(label="Industry", id=ctx.industry,
                                property=f"customers_who_bought[{product.sku}]", value=buyers,
                                derived_by="copy/industry_best_sellers")],
                    reason_phrase=f"it is a favourite with our customers in {ctx.industry}",
                )  # fmt: skip
        categories = sorted({str(o["category"]) for o in ctx.owned if o.get("category")})
        if categories:
            hit = self._first_available(self._best_sellers(categories), owned)
            if hit:
                product, row = hit
                return ProductChoice(
                    product=product, rule="category_best_seller",
                    explanation=(
                        "No serving cross-sell recommendation and no known industry, so the rule "
                        "'best seller in the categories this customer already buys from, not "
                        f"already owned, not discontinued' chose it ({product.category}): "
                        f"{int(row['buyers'])} customer(s) bought it."
                    ),
                    facts=[Fact(label="Category", id=str(product.category),
                                property=f"customers_who_bought[{product.sku}]",
                                value=int(row["buyers"]), derived_by="copy/best_sellers")],
                    reason_phrase=f"you have shopped our {str(product.category).lower()} range",
                )  # fmt: skip
        hit = self._first_available(self._best_sellers(None), owned)
        if hit is None:
            raise CopyError(
                f"nothing to promote to {ctx.customer_id}: no recommendation, and no best seller "
                "that is in stock and not already owned (has any order been ingested?)"
            )
        product, row = hit
        return ProductChoice(
            product=product, rule="shop_best_seller",
            explanation=(
                "No serving cross-sell recommendation, no known industry and no purchase history, "
                "so the rule 'best seller across the shop, not discontinued' chose it: "
                f"{int(row['buyers'])} customer(s) bought it."
            ),
            facts=[Fact(label="Product", id=product.sku, property="customers_who_bought",
                        value=int(row["buyers"]), derived_by="copy/best_sellers")],
        )  # fmt: skip

    def _recommended(
        self, ctx: CustomerContext, product: ProductInfo, rec: dict[str, Any]
    ) -> ProductChoice:
        reasons = [str(r) for r in rec.get("reasons") or []]
        rel = f"RECOMMENDED[{product.sku}]"
        facts = [
            Fact(label="Customer", id=ctx.customer_id, property=f"{rel}.{key}", value=rec[key])
            for key in ("model_version", "rank", "score", "confidence")
            if rec.get(key) is not None
        ]
        facts += [Fact(label="Customer", id=ctx.customer_id, property=f"{rel}.reasons[{i}]",
                       value=r) for i, r in enumerate(reasons)]  # fmt: skip
        score = rec.get("score")
        why = "; ".join(reasons) or "no reasons recorded by the model"
        return ProductChoice(
            product=product, rule="recommendation", model_version=rec.get("model_version"),
            explanation=(
                f"Top cross-sell recommendation of serving model {rec.get('model_version')} "
                f"(rank {rec.get('rank')}, score {score if score is None else f'{score:.3f}'}, "
                f"confidence {rec.get('confidence')}): {why}."
            ),
            facts=facts, reason_phrase=None,
        )  # fmt: skip

    # --- content ----------------------------------------------------------------------------
    def _vector_store(self) -> Any:
        if self._store is None:
            from langchain_neo4j import Neo4jVector

            from graph.local_server import connection

            info = connection(self.settings)
            self._store = Neo4jVector.from_existing_index(
                self.embeddings, index_name="content_embedding", url=info.uri,
                username=info.user, password=info.password, database=info.database,
                embedding_dimension=384, retrieval_query=retrieval_tail("copy/content_search"),
            )  # fmt: skip
        return self._store

    def related_content(self, text: str, k: int = 3) -> list[ContentHit]:
        """Published content closest to `text` by vector similarity (landing pages, posts)."""
        vector = self.embeddings.embed_query(text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # neo4j-graphrag's 'id' notice
            hits = self._vector_store().similarity_search_with_score_by_vector(
                vector, k=k * 4, params={"content_types": LINKABLE_CONTENT}
            )
        out = [
            ContentHit(
                content_id=doc.metadata["content_id"],
                title=doc.metadata.get("title") or "",
                url=doc.metadata.get("url"),
                content_type=doc.metadata.get("content_type"),
                skus=list(doc.metadata.get("skus") or []),
                score=float(score),
            )
            for doc, score in hits
        ]
        return out[:k]

    def campaign(self, campaign_id: str) -> CampaignBrief:
        """A campaign's brief, or CopyError if the id is unknown."""
        rows = self.db.query(load_query("copy/campaign_brief"), {"campaign_id": campaign_id})
        if not rows:
            raise CopyError(f"unknown campaign {campaign_id!r}")
        return CampaignBrief(**rows[0])

    def close(self) -> None:
        """Close the vector store's own driver (langchain-neo4j opens one)."""
        if self._store is not None:
            self._store._driver.close()
            self._store = None

    # --- everything for one request -----------------------------------------------------------
    def retrieve(
        self, customer_id: str, channel: Channel, *, sku: str | None = None,
        campaign_id: str | None = None,
    ) -> Retrieved:  # fmt: skip
        """Customer facts + chosen product + related content + campaign, as one fact set."""
        return self.complete(self.customer(customer_id), channel, sku=sku, campaign_id=campaign_id)

    def complete(
        self, ctx: CustomerContext, channel: Channel, *, sku: str | None = None,
        campaign_id: str | None = None,
    ) -> Retrieved:  # fmt: skip
        """The rest of a request once the customer is known (and their consent checked)."""
        choice = self.choose_product(ctx, sku)
        product = choice.product
        query = ". ".join(
            x for x in (product.name, product.subcategory, product.category, ctx.industry) if x
        )
        content = self.related_content(query)
        campaign = self.campaign(campaign_id) if campaign_id else None
        return Retrieved(
            customer=ctx, channel=channel, choice=choice, content=content, campaign=campaign,
            facts=collect_facts(ctx, choice, content, campaign),
        )  # fmt: skip


def collect_facts(
    ctx: CustomerContext,
    choice: ProductChoice,
    content: list[ContentHit],
    campaign: CampaignBrief | None,
) -> list[Fact]:
    """Every fact a writer may state, in one list (the citation step's search space)."""
    facts: list[Fact] = []
    if ctx.first_name:
        facts.append(ctx.first_name)
    if ctx.account:
        if ctx.account.get("name"):
            facts.append(Fact(label="AccountRecord", id=str(ctx.account["record_id"]),
                              property="name", value=ctx.account["name"]))  # fmt: skip
        if ctx.industry:
            facts.append(Fact(label="Industry", id=ctx.industry, property="name",
                              value=ctx.industry))  # fmt: skip
    for owned in ctx.owned[:10]:
        facts.append(Fact(label="Product", id=owned["sku"], property="name", value=owned["name"]))
        facts.append(Fact(label="Order", id=str(owned["order_id"]), property="occurred_at",
                          value=owned["ordered_at"]))  # fmt: skip
    for item in ctx.recent:
        if item.get("content_id") and item.get("content_title"):
            facts.append(Fact(label="Content", id=item["content_id"], property="title",
                              value=item["content_title"]))  # fmt: skip
    product = choice.product
    for prop in ("name", "price", "currency", "category", "subcategory", "description",
                 "discontinued"):  # fmt: skip
        if getattr(product, prop) is not None:
            facts.append(product.fact(prop))
    facts += [product.fact(f"attributes.{k}") for k in product.attributes]
    facts += choice.facts
    for hit in content:
        facts.append(Fact(label="Content", id=hit.content_id, property="title", value=hit.title))
        if hit.url:
            facts.append(Fact(label="Content", id=hit.content_id, property="url", value=hit.url))
    if campaign:
        for prop in ("name", "objective", "end_date", "target_category"):
            value = getattr(campaign, prop)
            if value is not None:
                facts.append(Fact(label="Campaign", id=campaign.campaign_id, property=prop,
                                  value=value))  # fmt: skip
    return facts
