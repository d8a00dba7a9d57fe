"""Guardrails: the checks every text must pass before it can become a reviewable draft.

Why rails run on the final text for every writer (templates included): the promise is about
what is sent, not about how it was made. Each rail returns a verdict with its reasons, the
whole set is stored on the draft (`rail_results`) and logged, and a text with any failing
rail can never be approved.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from graph.cypher_catalog import load_query
from graph.db import Database
from models.copy.claims import EMAIL, CatalogIndex, Claim, ClaimExtractor, coverage
from models.copy.context import Channel, Retrieved
from models.copy.rules import CopyRules, phrase_pattern

log = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]|\{\{[^}]*\}\}|<[A-Za-z _]{2,30}>")
# Letters are `[^\W\d_]` (any script), never `[A-Z]`: names like Étienne Lejeune, Priska Müller
# or Daniel Noël must reach the PII checks (an ASCII class let them through unseen).
GREETING = re.compile(
    r"^[ \t]*(?:hi|hello|dear|hey)[ \t]+([^\W\d_][\w'-]+)", re.IGNORECASE | re.MULTILINE
)
GENERIC_GREETINGS = frozenset({"there", "all", "friend", "friends", "team", "customer"})
NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*")
ALL_CAPS = re.compile(r"\b[A-Z]{4,}\b")
WORD = re.compile(r"\w+")
ALLOWED_CAPS = frozenset({"GBP", "EUR", "USD", "RFID", "STOP", "USB", "LED"})


@dataclass
class CopyText:
    """A text to check: what a writer produced for one channel."""

    channel: Channel
    subject: str
    body: str

    @property
    def full(self) -> str:
        """Subject and body as one text (claims can sit in either)."""
        return f"{self.subject}\n{self.body}" if self.subject else self.body


@dataclass
class RailResult:
    """One rail's decision about one text."""

    rail: str
    passed: bool
    details: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The stored form (part of CopyDraft.rail_results)."""
        return {"rail": self.rail, "passed": self.passed, "details": self.details}


@dataclass
class Verdict:
    """All rails' decisions on one text, plus its claims and citation coverage."""

    results: list[RailResult]
    claims: list[Claim]

    @property
    def passed(self) -> bool:
        """True when every rail passed: only then may a human approve the text."""
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list[RailResult]:
        """The rails that blocked the text."""
        return [r for r in self.results if not r.passed]

    @property
    def coverage(self) -> float:
        """Share of factual claims with a supporting fact."""
        return coverage(self.claims)

    def feedback(self) -> str:
        """The failures as instructions, for regenerating with a chat model."""
        lines = [f"- {r.rail}: {'; '.join(r.details[:4])}" for r in self.failed]
        return "\n".join(lines)


def shingles(text: str, size: int) -> set[tuple[str, ...]]:
    """Word n-grams of a lower-cased text (the unit of near-duplicate comparison)."""
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


class Guardrails:
    """Runs every rail from the rule set over a text for one retrieved customer context."""

    def __init__(self, db: Database, rules: CopyRules, catalog: CatalogIndex) -> None:
        self.db = db
        self.rules = rules
        self.extractor = ClaimExtractor(rules, catalog)
        self._banned = [(p, phrase_pattern(p)) for p in rules.banned_phrases]

    def check(self, copy: CopyText, retrieved: Retrieved) -> Verdict:
        """Every rail's verdict on `copy` (nothing is short-circuited: all reasons are kept)."""
        claims = self.extractor.extract(copy.full, retrieved)
        results = [
            self._consent(copy, retrieved),
            self._fact_check(claims, retrieved),
            self._citations(claims),
            self._promotes(copy, retrieved),
            self._banned_phrases(copy),
            self._disclaimers(copy),
            self._length(copy),
            self._voice(copy, retrieved),
            self._placeholders(copy),
            self._pii(copy, retrieved, claims),
            self._near_duplicate(copy, retrieved),
        ]
        verdict = Verdict(results, claims)
        log.info(
            "rails for %s/%s: %s%s", retrieved.customer.customer_id, copy.channel.value,
            "passed" if verdict.passed else "BLOCKED",
            "" if verdict.passed else " (" + ", ".join(r.rail for r in verdict.failed) + ")",
        )  # fmt: skip
        return verdict

    # --- the rails --------------------------------------------------------------------------
    def _consent(self, copy: CopyText, retrieved: Retrieved) -> RailResult:
        flag = self.rules.consent_flag(copy.channel)
        ok = retrieved.customer.consent.get(copy.channel.value, False)
        detail = f"{flag} is {'granted' if ok else 'not granted (or denied by a record)'}"
        return RailResult("consent", ok, [detail])

    @staticmethod
    def _fact_check(claims: list[Claim], retrieved: Retrieved) -> RailResult:
        problems = [c.problem for c in claims if c.problem and c.rail == "fact_check"]
        product = retrieved.choice.product
        if product.discontinued:
            problems.insert(0, f"promoted product {product.name} ({product.sku}) is discontinued")
        return RailResult("catalog_fact_check", not problems, [p for p in problems if p])

    @staticmethod
    def _citations(claims: list[Claim]) -> RailResult:
        uncited = [c for c in claims if c.problem]
        share = coverage(claims)
        details = [f"{len(claims) - len(uncited)}/{len(claims)} claims cited ({share:.0%})"]
        details += [f"uncited: '{c.text}' — {c.problem}" for c in uncited]
        return RailResult("citations", not uncited, details)

    @staticmethod
    def _promotes(copy: CopyText, retrieved: Retrieved) -> RailResult:
        name = retrieved.choice.product.name
        ok = name.lower() in copy.full.lower()
        return RailResult("promotes_product", ok, [] if ok else [f"does not name {name}"])

    def _banned_phrases(self, copy: CopyText) -> RailResult:
        hits = [p for p, pattern in self._banned if pattern.search(copy.full)]
        return RailResult("banned_phrases", not hits, [f"banned phrase '{h}'" for h in hits])

    def _disclaimers(self, copy: CopyText) -> RailResult:
        missing = [d for d in self.rules.disclaimers(copy.channel) if d not in copy.body]
        return RailResult("disclaimers", not missing, [f"missing: '{d}'" for d in missing])

    def _length(self, copy: CopyText) -> RailResult:
        limit = self.rules.limits[copy.channel]
        problems = []
        if len(copy.subject) > limit.subject:
            problems.append(f"subject {len(copy.subject)} > {limit.subject} characters")
        if len(copy.body) > limit.body:
            problems.append(f"body {len(copy.body)} > {limit.body} characters")
        if not copy.body.strip():
            problems.append("empty body")
        return RailResult("length", not problems, problems)

    def _voice(self, copy: CopyText, retrieved: Retrieved) -> RailResult:
        voice = self.rules.voice
        problems = []
        bangs = copy.full.count("!")
        if bangs > voice.max_exclamations:
            problems.append(f"{bangs} exclamation marks (at most {voice.max_exclamations})")
        # capitals the catalog itself uses (HDMI, RFID, TSA) are names, not shouting
        named = " ".join(str(f.value) for f in retrieved.facts if isinstance(f.value, str))
        caps = [w for w in ALL_CAPS.findall(copy.full)
                if w not in ALLOWED_CAPS and not re.search(rf"\b{w}\b", named)]  # fmt: skip
        if len(caps) > voice.max_all_caps_words:
            problems.append(f"shouting: {', '.join(caps[:5])}")
        return RailResult("brand_voice", not problems, problems)

    @staticmethod
    def _placeholders(copy: CopyText) -> RailResult:
        found = PLACEHOLDER.findall(copy.full)
        return RailResult("placeholders", not found, [f"unfilled '{f}'" for f in found])

    def _pii(self, copy: CopyText, retrieved: Retrieved, claims: list[Claim]) -> RailResult:
        """No other person's name or e-mail; greetings address this customer only; public
        channels carry no personal fact at all."""
        ctx = retrieved.customer
        problems: list[str] = []
        if copy.channel in self.rules.public_channels:
            owned = {str(o["name"]).lower() for o in ctx.owned}
            personal = [c.text for c in claims if c.kind in ("name", "industry", "accountrecord")
                        or (c.kind == "product" and c.text.lower() in owned)]  # fmt: skip
            problems += [f"personal fact '{p}' in a public {copy.channel.value} text"
                         for p in personal]  # fmt: skip
        text = copy.full
        own_first = str(ctx.first_name.value).lower() if ctx.first_name else None
        for m in GREETING.finditer(text):
            greeted = text[m.start(1) :].lower()
            if m.group(1).lower() in GENERIC_GREETINGS:
                continue
            if own_first is None or not re.match(re.escape(own_first) + r"\b", greeted):
                problems.append(f"greets '{m.group(1)}', who is not this customer")
        brand_domains = tuple(d.lower() for d in self.rules.brand.email_domains)
        emails = {e.lower().rstrip(".") for e in EMAIL.findall(text)}
        foreign = sorted(e for e in emails if e not in ctx.own_emails
                         and not e.endswith(brand_domains))  # fmt: skip
        if foreign:
            rows = self.db.query(
                load_query("copy/others_emailed"),
                {"customer_id": ctx.customer_id,
                 "emails": sorted({*foreign, *(e for e in EMAIL.findall(text))})},
            )  # fmt: skip
            leaked = {str(r["value"]) for r in rows}
            problems += [f"e-mail address of another customer: {e}" for e in sorted(leaked)]
            problems += [f"e-mail address not belonging to this customer: {e}"
                         for e in foreign if e not in leaked]  # fmt: skip
        candidates = self._name_candidates(text, retrieved)
        if candidates:
            lucene = " OR ".join(f'"{c}"' for c in candidates)
            rows = self.db.query(
                load_query("copy/others_named"),
                {"customer_id": ctx.customer_id, "lucene": lucene, "names": candidates},
            )
            problems += [f"name of another customer: {r['value']} ({r['record_id']})"
                         for r in rows]  # fmt: skip
        return RailResult("pii", not problems, problems)

    def _name_candidates(self, text: str, retrieved: Retrieved) -> list[str]:
        """Runs of 2-3 capitalised words that are not this customer, a product or the brand."""
        skip = [self.rules.brand.name.lower(), *(str(f.value).lower() for f in retrieved.facts
                if isinstance(f.value, str))]  # fmt: skip
        own = retrieved.customer.own_names
        out: set[str] = set()
        for run in _capitalised_runs(text):
            for size in (2, 3):
                for i in range(len(run) - size + 1):
                    phrase = " ".join(run[i : i + size]).lower()
                    if phrase in own or any(phrase in s for s in skip):
                        continue
                    out.add(phrase)
        return sorted(out)[:50]

    def _near_duplicate(self, copy: CopyText, retrieved: Retrieved) -> RailResult:
        cfg = self.rules.near_duplicate
        body = copy.full
        for fixed in [*self.rules.disclaimers(copy.channel), self.rules.brand.sign_off]:
            body = body.replace(fixed, " ")
        mine = shingles(body, cfg.shingle_words)
        if len(mine) < 5:
            return RailResult("near_duplicate", True, ["too short to compare"])
        worst = 0.0
        for previous in retrieved.customer.previous_texts:
            share = len(mine & shingles(previous, cfg.shingle_words)) / len(mine)
            worst = max(worst, share)
        ok = worst < cfg.max_containment
        detail = (
            f"{worst:.0%} of its word {cfg.shingle_words}-grams already in copy this customer "
            f"received or has drafted (limit {cfg.max_containment:.0%})"
        )
        return RailResult("near_duplicate", ok, [detail])


def _capitalised_runs(text: str) -> list[list[str]]:
    """Maximal runs of capitalised words (2+ letters, any script) separated only by whitespace."""
    runs: list[list[str]] = []
    current: list[str] = []
    end = -1
    for m in NAME_WORD.finditer(text):
        word = m.group(0)
        joined = end >= 0 and text[end : m.start()].strip() == "" and m.start() > end
        if len(word) < 2 or not word[0].isupper():
            current, end = [], -1
            continue
        if current and joined:
            current.append(word)
        else:
            current = [word]
            runs.append(current)
        end = m.end()
    return [run for run in runs if len(run) >= 2]
