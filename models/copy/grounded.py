"""The grounded writer: copy composed only from retrieved facts and fixed templates.

Why it exists beside an LLM: it is fast (no model), deterministic (tests and A/B variants
are reproducible), cannot invent anything (every slot is a fact), and it is the fallback
when a chat model's text fails the rails. Each channel has a few templates that differ in
hook, order and subject, so N variants give A/B tests something to compare; templates a
customer already has drafts from are skipped first, so re-running does not repeat itself.

Public channels (social, ad) never use personal facts (name, purchases, employer).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from models.copy.context import Channel, ContentHit, ProductInfo, Retrieved
from models.copy.rails import CopyText
from models.copy.rules import CopyRules

WRITER = "grounded"
WRITER_VERSION = "grounded-templates-1"
#: Neo4j cosine scores are (1 + cos) / 2; below this a post is not about the same thing.
MIN_CONTENT_SCORE = 0.7
#: Distinct templates per channel: the most variants one request can get from this writer.
TEMPLATES = {Channel.EMAIL: 4, Channel.SMS: 3, Channel.SOCIAL: 3, Channel.AD: 3}
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
_UNITS = {"kg": "kg", "gb": "GB", "h": "h", "l": "l", "cm": "cm", "mm": "mm", "m": "m",
          "in": "in", "k": "K", "c": "°C", "years": "years", "gsm": "gsm", "w": "W"}  # fmt: skip


@dataclass
class Written:
    """One variant as a writer produced it."""

    copy: CopyText
    template: str
    writer: str = WRITER
    writer_version: str = WRITER_VERSION


def money(product: ProductInfo) -> str | None:
    """The catalog price as customers read it (£89.99)."""
    if product.price is None:
        return None
    symbol = _SYMBOLS.get(product.currency or "GBP")
    return f"{symbol}{product.price:,.2f}" if symbol else f"{product.price:,.2f} {product.currency}"


def attribute_phrase(key: str, value: str) -> str | None:
    """'weight_kg'/'2.4' → 'weight 2.4 kg'; 'waterproof'/'yes' → 'waterproof'; 'no' → None."""
    if value.lower() == "no":
        return None
    words = key.split("_")
    if value.lower() == "yes":
        return " ".join(words)
    if len(words) > 1 and words[-1] in _UNITS:
        return f"{' '.join(words[:-1])} {value} {_UNITS[words[-1]]}"
    return f"{' '.join(words)} {value}"


def details(product: ProductInfo, limit: int = 3) -> str | None:
    """Up to `limit` catalog attributes as one phrase."""
    parts = [p for k, v in product.attributes.items() if (p := attribute_phrase(k, v))]
    return ", ".join(parts[:limit]) if parts else None


def description_sentence(product: ProductInfo) -> str | None:
    """The catalog description's first sentence, verbatim ('The X is a packable choice …')."""
    if not product.description:
        return None
    first = re.split(r"(?<=\.)\s", product.description.strip())[0]
    return first if first.endswith(".") else first + "."


def _link(content: list[ContentHit], product: ProductInfo) -> ContentHit | None:
    featuring = [c for c in content if product.sku in c.skus and c.url]
    good = featuring or [c for c in content if c.url and c.score >= MIN_CONTENT_SCORE]
    return good[0] if good else None


def _fit(parts: list[str | None], limit: int, required_tail: str = "") -> str:
    """Join parts in order, skipping any optional part (after the first) that would overflow."""
    out = ""
    for i, part in enumerate(p for p in parts if p):
        candidate = f"{out} {part}".strip()
        if len(f"{candidate} {required_tail}".strip()) <= limit or i == 0:
            out = candidate
    return f"{out} {required_tail}".strip()


class GroundedWriter:
    """Fills channel templates with facts; never states anything that is not a fact."""

    def __init__(self, rules: CopyRules) -> None:
        self.rules = rules
        self._templates: dict[Channel, list[Callable[[Retrieved], CopyText]]] = {
            Channel.EMAIL: [self._email(i) for i in range(TEMPLATES[Channel.EMAIL])],
            Channel.SMS: [self._sms(i) for i in range(TEMPLATES[Channel.SMS])],
            Channel.SOCIAL: [self._social(i) for i in range(TEMPLATES[Channel.SOCIAL])],
            Channel.AD: [self._ad(i) for i in range(TEMPLATES[Channel.AD])],
        }

    def template_count(self, channel: Channel) -> int:
        """How many distinct variants a channel can have."""
        return len(self._templates[channel])

    def write(self, retrieved: Retrieved, variants: int = 1) -> list[Written]:
        """`variants` texts from distinct templates, unused ones (for this customer) first."""
        channel = retrieved.channel
        templates = self._templates[channel]
        used = set(retrieved.customer.previous_templates)
        order = [i for i in range(len(templates)) if f"{channel.value}/{i}" not in used]
        order += [i for i in range(len(templates)) if i not in order]
        return [
            Written(templates[i](retrieved), f"{channel.value}/{i}")
            for i in order[: max(1, variants)]
        ]

    # --- shared pieces ----------------------------------------------------------------------
    @staticmethod
    def _hook(r: Retrieved, style: int) -> str | None:
        """A personal, cited opening: their last purchase or why the product fits them."""
        last = r.customer.last_purchase()
        if style % 2 == 0 and last:
            return f"Thank you for choosing the {last['name']}."
        if r.choice.reason_phrase:
            return f"We picked this because {r.choice.reason_phrase}."
        if last:
            return f"Thank you for choosing the {last['name']}."
        return None

    def _greeting(self, r: Retrieved) -> str:
        first = r.customer.first_name
        return f"Hi {first.value}," if first else "Hello,"

    # --- channels ---------------------------------------------------------------------------
    def _email(self, style: int) -> Callable[[Retrieved], CopyText]:
        def write(r: Retrieved) -> CopyText:
            p = r.choice.product
            price = money(p)
            first = r.customer.first_name
            subjects = [
                f"{first.value}, meet the {p.name}" if first else f"Meet the {p.name}",
                f"Picked for you: the {p.name}",
                f"The {p.name}, {price}" if price else f"The {p.name}",
                f"From our {p.category} range: the {p.name}" if p.category else f"The {p.name}",
            ]
            limit = self.rules.limits[Channel.EMAIL].subject
            subject = next((s for s in subjects[style:] + subjects if len(s) <= limit), p.name)
            offer = f"We think you will like the {p.name}" + (f", at {price}." if price else ".")
            facts = details(p)
            lines = [
                self._hook(r, style), offer, description_sentence(p) if style != 3 else None,
                f"Key details: {facts}." if facts else None,
            ]  # fmt: skip
            if style == 1:
                lines = [offer, self._hook(r, style), *lines[2:]]
            link = _link(r.content, p)
            if link:
                lines.append(f"Read more in '{link.title}': {link.url}")
            paragraph = " ".join(x for x in lines if x)
            body = "\n\n".join([self._greeting(r), paragraph, self.rules.brand.sign_off,
                                *self.rules.disclaimers(Channel.EMAIL)])  # fmt: skip
            return CopyText(Channel.EMAIL, subject, body)

        return write

    def _sms(self, style: int) -> Callable[[Retrieved], CopyText]:
        def write(r: Retrieved) -> CopyText:
            p = r.choice.product
            price = money(p)
            first = r.customer.first_name
            who = f"{first.value}, " if first else ""
            cores = [
                f"{who}the {p.name} is {price} at {self.rules.brand.name}."
                if price
                else f"{who}meet the {p.name} from {self.rules.brand.name}.",
                f"{who}picked for you: the {p.name}" + (f", {price}." if price else "."),
                f"{self.rules.brand.name}: the {p.name}" + (f" is {price}." if price else "."),
            ]
            core = cores[style][0].upper() + cores[style][1:]
            facts = details(p, 2)
            optional = [f"Key details: {facts}." if facts else None]
            if style == 1 and r.choice.reason_phrase:
                optional.insert(0, f"Because {r.choice.reason_phrase}.")
            tail = " ".join(self.rules.disclaimers(Channel.SMS))
            return CopyText(
                Channel.SMS, "", _fit([core, *optional], self.rules.limits[Channel.SMS].body, tail)
            )

        return write

    def _social(self, style: int) -> Callable[[Retrieved], CopyText]:
        def write(r: Retrieved) -> CopyText:
            p = r.choice.product
            price = money(p)
            link = _link(r.content, p)
            openers = [
                f"Meet the {p.name}" + (f", {price}." if price else "."),
                f"From our {p.category} range: the {p.name}" + (f" ({price})." if price else ".")
                if p.category
                else f"The {p.name}" + (f" ({price})." if price else "."),
                f"The {p.name}" + (f" is {price}." if price else "."),
            ]
            facts = details(p)
            parts = [openers[style], description_sentence(p) if style != 2 else None,
                     f"Key details: {facts}." if facts else None,
                     f"More in '{link.title}': {link.url}" if link else None]  # fmt: skip
            limit = self.rules.limits[Channel.SOCIAL].body
            tail = " ".join(self.rules.disclaimers(Channel.SOCIAL))
            return CopyText(Channel.SOCIAL, "", _fit(parts, limit, tail))

        return write

    def _ad(self, style: int) -> Callable[[Retrieved], CopyText]:
        def write(r: Retrieved) -> CopyText:
            p = r.choice.product
            price = money(p)
            limits = self.rules.limits[Channel.AD]
            heads = [p.name, p.subcategory, p.category]
            heads = heads[style:] + heads[:style]
            headline = next((h for h in heads if h and len(h) <= limits.subject), "")
            if not headline:
                headline = self.rules.brand.name[: limits.subject]
            facts = details(p, 2)
            parts = [f"{p.name}" + (f", {price}." if price else "."),
                     f"Key details: {facts}." if facts else None]  # fmt: skip
            if style == 1 and facts:
                parts = [f"{p.name}: {facts}.", f"Price: {price}." if price else None]
            elif style == 2:
                parts = [f"The {p.name}" + (f" at {price}" if price else "") + " from "
                         f"{self.rules.brand.name}.", *parts[1:]]  # fmt: skip
            tail = " ".join(self.rules.disclaimers(Channel.AD))
            return CopyText(Channel.AD, headline, _fit(parts, limits.body, tail))

        return write
