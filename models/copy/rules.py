"""Brand voice and compliance rules, loaded from data (`rules.json` or MARKETGRAPH_COPY_RULES_PATH).

Why data and not code: banned phrases, required disclaimers, consent flags and length limits
are owned by marketing and legal and change far more often than the writers do. Keeping them
in one reviewed file means a rule change is a one-line diff, and tests run against the same
file production uses.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from graph.errors import ConfigurationError
from models.copy.context import Channel

DEFAULT_RULES = Path(__file__).with_name("rules.json")


class Brand(BaseModel):
    """Who is speaking."""

    name: str
    sign_off: str
    email_domains: list[str] = Field(default_factory=list)
    tone: str = ""


class Limit(BaseModel):
    """Character limits for one channel (0 = that part must be empty)."""

    subject: int
    body: int


class Voice(BaseModel):
    """Measurable parts of the brand voice."""

    max_exclamations: int = 1
    max_all_caps_words: int = 0


class NearDuplicate(BaseModel):
    """When a text repeats what the customer already received or has drafted."""

    shingle_words: int = 3
    max_containment: float = 0.8


class CopyRules(BaseModel):
    """The whole rule set; see rules.json for the meaning of each part."""

    brand: Brand
    limits: dict[Channel, Limit]
    consent: dict[Channel, str]
    public_channels: list[Channel] = Field(default_factory=list)
    excluded_record_statuses: list[str]
    required_disclaimers: dict[Channel, list[str]]
    banned_phrases: list[str]
    claims_needing_proof: list[str]
    feature_phrase_patterns: list[str]
    voice: Voice = Field(default_factory=Voice)
    near_duplicate: NearDuplicate = Field(default_factory=NearDuplicate)

    def consent_flag(self, channel: Channel) -> str:
        """The (:CustomerRecord) property a channel's consent is read from."""
        return self.consent[channel]

    def disclaimers(self, channel: Channel) -> list[str]:
        """Text that must appear verbatim in every copy for a channel."""
        return self.required_disclaimers.get(channel, [])


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a phrase, with word boundaries only where they apply
    (``% off`` must match inside ``10% off``)."""
    start = r"\b" if phrase[:1].isalnum() else ""
    end = r"\b" if phrase[-1:].isalnum() else ""
    return re.compile(start + re.escape(phrase) + end, re.IGNORECASE)


@lru_cache(maxsize=8)
def load_rules(path: Path | None = None) -> CopyRules:
    """The rule set at `path` (default: the packaged rules.json), validated, cached."""
    source = path or DEFAULT_RULES
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"copy rules file {source} cannot be read ({exc.strerror}); "
            "fix MARKETGRAPH_COPY_RULES_PATH or unset it to use the packaged rules"
        ) from exc
    try:
        rules = CopyRules.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigurationError(
            f"copy rules file {source} is invalid at {where!r}: {first['msg']}"
        ) from exc
    for pattern in rules.feature_phrase_patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigurationError(
                f"copy rules file {source}: feature pattern {pattern!r} is not a valid "
                f"regular expression ({exc})"
            ) from exc
    missing = [c.value for c in Channel if c not in rules.limits or c not in rules.consent]
    if missing:
        raise ConfigurationError(
            f"copy rules file {source} has no limits/consent for channel(s) {missing}"
        )
    return rules
