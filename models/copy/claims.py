"""Find the factual claims in a text and the graph facts each one rests on.

Why an extractor rather than trusting the writer's own citations: copy can come from a
template, a small local model, a hosted model or a human editing a draft; only an
independent reading of the final text can say which claims it makes. The grounded writer's
output goes through the very same extractor, so "every claim cited" is checked the same way
for every writer.

What counts as a claim here (the kinds a marketing text can get wrong about a product or a
person): product names (and product-like names the catalog lacks), prices, any other number
(features, statistics, dates), percentages, catalog feature words and "feature phrases"
('comes with …', '…-proof'), phrases that need proof (rules.json), the customer's name, their
industry, their purchases, content titles and links. A claim is *supported* when a retrieved
fact states it; otherwise it carries the problem found. What is not detected: free-form
statements outside these kinds (a limit stated in the README).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from models.copy.context import Fact, Retrieved
from models.copy.rules import CopyRules, phrase_pattern

MONEY = re.compile(
    r"(?:[£$€]\s?\d[\d,]*(?:\.\d{1,2})?|\b\d[\d,]*(?:\.\d{1,2})?\s?(?:GBP|EUR|USD)\b)"
)
PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?%")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
URL = re.compile(r"https?://\S+|www\.\S+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?$")
_WORD = re.compile(r"[a-z][a-z-]{2,}")
_STOP = frozenset(
    ("the", "and", "for", "with", "from", "that", "this", "your", "you", "our", "are", "its",
     "into", "has", "have", "more", "one", "all", "any", "use", "used", "easy", "great", "new",
     "range", "set")
)  # fmt: skip
_DESCRIPTION_ADJECTIVE = re.compile(r"\bis an? ([\w-]+) choice\b", re.IGNORECASE)


@dataclass
class Claim:
    """One claim found in a text: where, what kind, which facts support it, or the problem."""

    text: str
    kind: str
    start: int
    facts: list[Fact] = field(default_factory=list)
    problem: str | None = None
    rail: str = "citations"

    def as_json(self) -> dict[str, Any]:
        """The stored form (CopyDraft.citations)."""
        return {
            "claim": self.text, "kind": self.kind, "supported": self.problem is None,
            "problem": self.problem,
            "facts": [f.model_dump(exclude_none=True) for f in self.facts],
        }  # fmt: skip


class CatalogIndex:
    """The catalog's product names and feature vocabulary, to recognise claims about products."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.by_name: dict[str, dict[str, Any]] = {}
        self.brand_tokens: set[str] = set()
        terms: set[str] = set()
        for row in rows:
            name = str(row["name"]).strip()
            self.by_name[name.lower()] = row
            first = name.split()[0]
            if len(first) >= 3 and first[0].isupper():
                self.brand_tokens.add(first)
            try:
                attributes = json.loads(row.get("attributes") or "{}")
            except json.JSONDecodeError:
                attributes = {}
            for key, value in attributes.items():
                if str(value).lower() in ("yes", "no"):
                    terms.add(str(key).replace("_", " ").lower())
            for match in _DESCRIPTION_ADJECTIVE.finditer(str(row.get("description") or "")):
                terms.add(match.group(1).lower())
        self.feature_terms = sorted(terms)
        self._feature_patterns = [(t, phrase_pattern(t)) for t in self.feature_terms]
        self._names = sorted(self.by_name, key=len, reverse=True)
        self._brand = (
            re.compile(
                r"\b(" + "|".join(re.escape(b) for b in sorted(self.brand_tokens)) + r")"
                r"((?:\s+[A-Z0-9][\w&-]*){1,4})"
            )
            if self.brand_tokens
            else None
        )

    def mentions(self, text: str) -> list[tuple[int, int, dict[str, Any]]]:
        """Catalog products named in `text`: (start, end, row), longest names first, no overlap."""
        lower = text.lower()
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, int, dict[str, Any]]] = []
        for name in self._names:
            if name not in lower:
                continue
            start = lower.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                    found.append((start, end, self.by_name[name]))
                start = lower.find(name, end)
        return sorted(found, key=lambda f: f[0])

    def unknown_products(self, text: str, known: list[tuple[int, int]]) -> list[tuple[int, str]]:
        """Product-like names (a catalog brand followed by capitalised words) that are not
        catalog products, e.g. an invented 'Trailhead Pro 3000 Tent'."""
        if self._brand is None:
            return []
        out: list[tuple[int, str]] = []
        for m in self._brand.finditer(text):
            if not any(s <= m.start() < e for s, e in known):
                out.append((m.start(), m.group(0).strip()))
        return out

    def feature_mentions(self, text: str) -> list[tuple[int, str]]:
        """Catalog feature words (yes/no attributes, description adjectives) in `text`."""
        return [(m.start(), t) for t, p in self._feature_patterns for m in p.finditer(text)]


_NEGATED = re.compile(r"\b[\w ]{1,30}:\s*no\b", re.IGNORECASE)


def affirmative(text: str) -> str:
    """`text` without 'key: no' pairs, so 'recycled: no' never proves 'recycled'."""
    return _NEGATED.sub(" ", text)


def _numbers_in(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    text = str(value)
    if ISO_TIME.match(text):
        return [float(text[:4])]
    return [float(n) for n in NUMBER.findall(text)]


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)


class ClaimExtractor:
    """Finds and cites the claims in one text against one request's retrieved facts."""

    def __init__(self, rules: CopyRules, catalog: CatalogIndex) -> None:
        self.rules = rules
        self.catalog = catalog
        self._proof = [(p, phrase_pattern(p)) for p in rules.claims_needing_proof]
        self._feature_phrases = [re.compile(p, re.IGNORECASE) for p in
                                 rules.feature_phrase_patterns]  # fmt: skip

    def boilerplate_spans(self, text: str, retrieved: Retrieved) -> list[tuple[int, int]]:
        """Disclaimers and the sign-off: required text, not claims."""
        spans: list[tuple[int, int]] = []
        for fixed in [*self.rules.disclaimers(retrieved.channel), self.rules.brand.sign_off,
                      self.rules.brand.name]:  # fmt: skip
            start = text.find(fixed)
            while fixed and start >= 0:
                spans.append((start, start + len(fixed)))
                start = text.find(fixed, start + len(fixed))
        return spans

    def extract(self, text: str, retrieved: Retrieved) -> list[Claim]:
        """Every claim in `text`, each with its supporting facts or its problem."""
        facts = retrieved.facts
        claims: list[Claim] = []
        spans = self.boilerplate_spans(text, retrieved)
        known_products = {f.id for f in facts if f.label == "Product" and f.property == "name"}
        product_text = {retrieved.choice.product.sku: retrieved.choice.product.catalog_text()}
        # product names
        name_spans: list[tuple[int, int]] = []
        for start, end, row in self.catalog.mentions(text):
            name_spans.append((start, end))
            sku = str(row["sku"])
            cited = [f for f in facts if f.label == "Product" and f.id == sku
                     and f.property == "name"]  # fmt: skip
            cited += self._orders_of(sku, retrieved)
            claim = Claim(text[start:end], "product", start, cited)
            if row.get("discontinued"):
                claim.problem, claim.rail = f"{row['name']} is discontinued", "fact_check"
            elif sku not in known_products:
                claim.problem = f"{row['name']} is not among the facts retrieved for this customer"
            claims.append(claim)
        spans += name_spans
        for start, phrase in self.catalog.unknown_products(text, name_spans):
            claims.append(Claim(phrase, "product", start, [], f"'{phrase}' is not a catalog "
                                "product", "fact_check"))  # fmt: skip
        # links, e-mail addresses, content titles, campaign names: cited as whole strings
        for fact in facts:
            if fact.property in ("title", "url", "name") and fact.label in (
                "Content",
                "Campaign",
                "AccountRecord",
            ):
                value = str(fact.value)
                start = text.find(value) if len(value) >= 4 else -1
                if start >= 0:
                    claims.append(Claim(value, fact.label.lower(), start, [fact]))
                    spans.append((start, start + len(value)))
        for m in URL.finditer(text):
            if not any(s <= m.start() < e for s, e in spans):
                claims.append(Claim(m.group(0), "link", m.start(), [],
                                    "link not among the retrieved facts"))  # fmt: skip
            spans.append((m.start(), m.end()))
        spans += [(m.start(), m.end()) for m in EMAIL.finditer(text)]  # the PII rail's job
        claims += self._money(text, retrieved, spans)
        masked = _mask(text, spans)
        claims += self._percent_and_numbers(masked, facts)
        claims += self._people(masked, retrieved)
        claims += self._features(masked, retrieved, product_text)
        claims += self._proof_phrases(masked, retrieved)
        unique: dict[tuple[int, str], Claim] = {}
        for claim in sorted(claims, key=lambda c: (c.start, c.problem is None)):
            unique.setdefault((claim.start, claim.text.lower()), claim)
        return list(unique.values())

    @staticmethod
    def _orders_of(sku: str, retrieved: Retrieved) -> list[Fact]:
        orders = {str(o["order_id"]) for o in retrieved.customer.owned if o["sku"] == sku}
        return [f for f in retrieved.facts if f.label == "Order" and f.id in orders]

    def _money(self, text: str, retrieved: Retrieved, spans: list[tuple[int, int]]) -> list[Claim]:
        prices = [f for f in retrieved.facts if f.property == "price" and f.value is not None]
        out: list[Claim] = []
        for m in MONEY.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            amount = float(re.sub(r"[^\d.]", "", m.group(0).replace(",", "")) or "nan")
            cited = [f for f in prices if abs(float(f.value) - amount) < 0.005]
            claim = Claim(m.group(0), "price", m.start(), cited)
            if not cited:
                catalog = ", ".join(f"{f.id} {f.value}" for f in prices) or "none retrieved"
                claim.problem = f"price {m.group(0)} is not a catalog price (catalog: {catalog})"
                claim.rail = "fact_check"
            out.append(claim)
        return out

    @staticmethod
    def _percent_and_numbers(masked: str, facts: list[Fact]) -> list[Claim]:
        out: list[Claim] = []
        for m in PERCENT.finditer(masked):
            out.append(
                Claim(
                    m.group(0),
                    "percent",
                    m.start(),
                    [],
                    f"'{m.group(0)}' has no fact behind it (discounts and statistics need proof)",
                    "fact_check",
                )
            )
        masked = PERCENT.sub(lambda m: " " * len(m.group(0)), masked)
        by_number: dict[float, list[Fact]] = {}
        for fact in facts:
            if fact.property in ("description",):
                continue
            for n in _numbers_in(fact.value):
                by_number.setdefault(n, []).append(fact)
        for m in NUMBER.finditer(masked):
            cited = by_number.get(float(m.group(0)), [])
            claim = Claim(m.group(0), "number", m.start(), cited[:3])
            if not cited:
                claim.problem = f"the figure {m.group(0)} is not in any retrieved fact"
                claim.rail = "fact_check"
            out.append(claim)
        return out

    @staticmethod
    def _people(masked: str, retrieved: Retrieved) -> list[Claim]:
        out: list[Claim] = []
        ctx = retrieved.customer
        if ctx.first_name is not None:
            # case-sensitive: short names ('In', 'May', 'Will') are also common words
            name = re.compile(r"\b" + re.escape(str(ctx.first_name.value)) + r"\b")
            for m in name.finditer(masked):
                out.append(Claim(m.group(0), "name", m.start(), [ctx.first_name]))
        if ctx.industry:
            fact = next(f for f in retrieved.facts if f.label == "Industry")
            for m in phrase_pattern(ctx.industry).finditer(masked):
                out.append(Claim(m.group(0), "industry", m.start(), [fact]))
        return out

    def _features(
        self, masked: str, retrieved: Retrieved, product_text: dict[str, str]
    ) -> list[Claim]:
        """Feature words must be backed by the catalog text of the product being promoted."""
        proof = affirmative(" ".join(product_text.values()))
        product = retrieved.choice.product
        out: list[Claim] = []
        for start, term in self.catalog.feature_mentions(masked):
            out.append(self._feature_claim(term, start, proof, product.sku, retrieved))
        for pattern in self._feature_phrases:
            for m in pattern.finditer(masked):
                phrase = (m.group(1) if m.groups() else m.group(0)).strip()
                words = [w for w in _WORD.findall(phrase.lower()) if w not in _STOP]
                if not words:
                    continue
                unsupported = [w for w in words if w not in proof]
                claim = self._feature_claim(phrase, m.start(), proof if not unsupported else "",
                                            product.sku, retrieved)  # fmt: skip
                out.append(claim)
        return out

    @staticmethod
    def _feature_claim(term: str, start: int, proof: str, sku: str, retrieved: Retrieved) -> Claim:
        key = term.split()[0].lower() if term.split() else term
        facts = [
            f for f in retrieved.facts
            if f.label == "Product" and f.id == sku
            and (f.property == "description" or f.property.startswith(f"attributes.{key}"))
        ]  # fmt: skip
        if supported_attr := [f for f in facts if f.property.startswith("attributes.")]:
            facts = supported_attr
        supported = bool(proof) and phrase_pattern(term).search(proof) is not None
        claim = Claim(term, "feature", start, facts if supported else [])
        if not supported:
            claim.problem = f"feature '{term}' is not in the catalog entry of {sku}"
            claim.rail = "fact_check"
        return claim

    def _proof_phrases(self, masked: str, retrieved: Retrieved) -> list[Claim]:
        corpus = affirmative(retrieved.fact_text())
        out: list[Claim] = []
        for phrase, pattern in self._proof:
            for m in pattern.finditer(masked):
                facts = [f for f in retrieved.facts if pattern.search(str(f.value))]
                claim = Claim(m.group(0), "needs_proof", m.start(), facts[:2])
                if not pattern.search(corpus):
                    claim.problem = f"'{phrase}' needs proof and no retrieved fact states it"
                    claim.rail = "fact_check"
                out.append(claim)
        return out


def coverage(claims: list[Claim]) -> float:
    """Share of claims that are cited (1.0 for a text with no claims)."""
    return 1.0 if not claims else sum(c.problem is None for c in claims) / len(claims)
