"""What a copy writer is allowed to know: graph facts, each one traceable to a node property.

Why a `Fact` type: the issue's promise is that every factual claim in generated copy can be
traced back to the graph. Writers receive only `Fact`s (and the plain structures built from
them), the citation step maps claims in a text back to those facts, and the stored draft
carries them — so "where did this sentence come from?" is always answerable with a node
label, its id and the property that holds the value.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Channel(StrEnum):
    """Where the copy goes; each has its own format, length limits and consent flag."""

    EMAIL = "email"
    SMS = "sms"
    SOCIAL = "social"
    AD = "ad"


class Fact(BaseModel):
    """One property of one node (or a figure derived by a named query over nodes)."""

    label: str
    id: str
    property: str
    value: Any
    derived_by: str | None = Field(
        default=None, description="The cypher/ query that computed a derived figure."
    )

    def ref(self) -> str:
        """A short human-readable reference, e.g. ``Product[SP-0100012].price = 89.99``."""
        return f"{self.label}[{self.id}].{self.property} = {self.value!r}"


class ProductInfo(BaseModel):
    """A catalog product as the graph holds it."""

    sku: str
    name: str
    price: float | None = None
    currency: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    description: str | None = None
    discontinued: bool = False
    category: str | None = None
    subcategory: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ProductInfo:
        """Build from a `copy/products` row; `attributes` arrives as JSON text."""
        raw = row.get("attributes")
        try:
            attributes = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            attributes = {}
        return cls(
            sku=row["sku"], name=row["name"] or row["sku"], price=row.get("price"),
            currency=row.get("currency"),
            attributes={str(k): str(v) for k, v in attributes.items()},
            description=row.get("description"), discontinued=bool(row.get("discontinued")),
            category=row.get("category"), subcategory=row.get("subcategory"),
        )  # fmt: skip

    def fact(self, prop: str) -> Fact:
        """The fact behind one property (``attributes.<key>`` for one catalog attribute)."""
        if prop.startswith("attributes."):
            value: Any = self.attributes[prop.split(".", 1)[1]]
        else:
            value = getattr(self, prop)
        return Fact(label="Product", id=self.sku, property=prop, value=value)

    def catalog_text(self) -> str:
        """Everything the catalog says about the product, lower-cased: proof for claims."""
        attrs = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in self.attributes.items())
        parts = [self.name, self.description or "", attrs, self.category or "",
                 self.subcategory or ""]  # fmt: skip
        return " ".join(parts).lower()


class ContentHit(BaseModel):
    """A published content item found by vector similarity."""

    content_id: str
    title: str
    url: str | None = None
    content_type: str | None = None
    skus: list[str] = Field(default_factory=list)
    score: float = 0.0


class ProductChoice(BaseModel):
    """The product a copy promotes, and why it was chosen for this person."""

    product: ProductInfo
    rule: str = Field(description="recommendation | requested | industry_best_seller | ...")
    explanation: str
    facts: list[Fact] = Field(default_factory=list)
    model_version: str | None = None
    reason_phrase: str | None = Field(
        default=None, description="A short, cited clause a writer may use ('because ...')."
    )


class CampaignBrief(BaseModel):
    """The campaign a draft belongs to, as the graph describes it."""

    campaign_id: str
    name: str | None = None
    objective: str | None = None
    channel: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    target_category: str | None = None


class CustomerContext(BaseModel):
    """One customer's retrieved facts: the whole world a writer may draw on."""

    customer_id: str
    first_name: Fact | None = None
    records: list[dict[str, Any]] = Field(default_factory=list)
    consent: dict[str, bool] = Field(default_factory=dict)
    account: dict[str, Any] | None = None
    owned: list[dict[str, Any]] = Field(default_factory=list)
    recent: list[dict[str, Any]] = Field(default_factory=list)
    recommendations: list[dict[str, Any]] = Field(default_factory=list)
    propensity: dict[str, Any] | None = None
    previous_texts: list[str] = Field(default_factory=list)
    previous_templates: list[str] = Field(default_factory=list)

    @property
    def own_names(self) -> set[str]:
        """This person's own names (lower case), which the PII rail must not flag."""
        names: set[str] = set()
        for r in self.records:
            for key in ("full_name", "first_name", "last_name"):
                if r.get(key):
                    names.add(str(r[key]).strip().lower())
        return names

    @property
    def own_emails(self) -> set[str]:
        """This person's own e-mail addresses (lower case)."""
        return {str(r["email"]).lower() for r in self.records if r.get("email")}

    @property
    def industry(self) -> str | None:
        """The industry of the customer's employer, if known."""
        return None if self.account is None else self.account.get("industry")

    def last_purchase(self) -> dict[str, Any] | None:
        """The most recent purchase still in the catalog (copy never names discontinued
        products, even ones the person bought)."""
        return next((o for o in self.owned if not o.get("discontinued")), None)

    def owned_skus(self) -> set[str]:
        """Products this customer already bought (never recommended again)."""
        return {str(o["sku"]) for o in self.owned}


def already_owned(ctx: CustomerContext, product: ProductInfo) -> str:
    """Why copy is not written to sell a person what they already bought. Every template
    introduces the product ("we think you will like…", some thank them for their last purchase
    in the same text), so for a product they own it reads as if we did not know them; a refill
    or an upgrade needs other words than these templates have."""
    last = next(o for o in ctx.owned if o["sku"] == product.sku)
    when = str(last["ordered_at"])[:10] if last["ordered_at"] else "an unknown date"
    return (
        f"{ctx.customer_id} already bought {product.name} ({product.sku}) — last on "
        f"{when}, order {last['order_id']}; copy introduces a product "
        "the person does not own: leave the product out to promote their top recommendation, "
        "or choose one they have not bought"
    )


class Retrieved(BaseModel):
    """Everything retrieved for one (customer, channel) request."""

    customer: CustomerContext
    channel: Channel
    choice: ProductChoice
    content: list[ContentHit] = Field(default_factory=list)
    campaign: CampaignBrief | None = None
    facts: list[Fact] = Field(default_factory=list)

    def fact_text(self) -> str:
        """All fact values as one lower-case text: the proof corpus for 'claims needing proof'."""
        return " ".join(str(f.value) for f in self.facts).lower()
