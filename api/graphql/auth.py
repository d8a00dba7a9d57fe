"""API keys, roles and PII masking.

Why masking happens when a record is turned into a GraphQL object (not in a field resolver):
the unmasked value then never exists in the response tree at all, whichever field, alias or
fragment asks for it. Roles are ordered — each one can do everything the one before it can.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any

from graph.errors import ConfigurationError
from graph.settings import Settings

log = logging.getLogger(__name__)

MASK = "***"
_FINGERPRINT_SALT = b"marketgraph api key fingerprint v1"
#: Person-record properties a viewer never sees.
PII_FIELDS = (
    "email", "phone", "street", "first_name", "last_name", "full_name",
    "deletion_reason",  # free text from a deletion feed ("erasure request from J. Smith")
)  # fmt: skip


class Role(enum.IntEnum):
    """What a key may do; a higher role includes every lower one."""

    VIEWER = 1  # read the graph, personal data masked
    MARKETER = 2  # + personal data, except e-mails / phones of records refusing email / SMS
    ANALYST = 3  # + every email, quarantined raw rows
    ADMIN = 4  # + mutations (ingest)


@functools.lru_cache(maxsize=256)
def key_fingerprint(key: str) -> str:
    """A short, stable name for an API key that does not reveal it: writes record it so an
    audit can tell which key acted, not only its role; `marketgraph serve` logs each
    configured key's fingerprint and role at start-up.

    Why scrypt and not a plain hash: fingerprints are shown to analysts (`jobRuns.by`,
    `resolutionHistory.by`); a fast hash would let one test guesses at a weak admin key
    offline by the billion. scrypt makes each guess cost ~40 ms and 16 MiB; the server pays
    that once per key (cached; only keys that passed `role_for` get here)."""
    derived = hashlib.scrypt(key.encode(), salt=_FINGERPRINT_SALT, n=2**14, r=8, p=1, dklen=16)
    return derived.hex()[:8]


def parse_api_keys(raw: str) -> dict[str, Role]:
    """`key:role,key:role` into a key → role map; refuses unknown roles and short keys."""
    keys: dict[str, Role] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key, sep, role = item.rpartition(":")
        if not sep or not key:
            raise ConfigurationError("MARKETGRAPH_API_KEYS must look like `key:role,key:role`")
        try:
            keys[key] = Role[role.strip().upper()]
        except KeyError:
            raise ConfigurationError(
                f"MARKETGRAPH_API_KEYS: unknown role {role!r}; use viewer, marketer, analyst "
                "or admin"
            ) from None
        if len(key) < 16:
            raise ConfigurationError("MARKETGRAPH_API_KEYS: every key needs ≥ 16 characters")
    return keys


class KeyRing:
    """The configured keys; `None` keys means open development mode (every caller is admin)."""

    def __init__(self, keys: Mapping[str, Role] | None) -> None:
        self._keys = dict(keys) if keys is not None else None

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        """Keys from settings; refuses to run without keys outside development."""
        raw = settings.api_keys.get_secret_value() if settings.api_keys else ""
        keys = parse_api_keys(raw)
        if keys:
            return cls(keys)
        if settings.environment != "development":
            raise ConfigurationError(
                f"environment={settings.environment} needs MARKETGRAPH_API_KEYS "
                "(`key:role,...`); only development may run without API keys"
            )
        log.warning(
            "No MARKETGRAPH_API_KEYS configured: development mode, EVERY request is admin. "
            "Never expose this server beyond localhost."
        )
        return cls(None)

    @property
    def open_mode(self) -> bool:
        """True when no keys are configured (development only)."""
        return self._keys is None

    def role_for(self, key: str | None) -> Role | None:
        """The role a presented key grants; compares in constant time to not leak keys."""
        if self._keys is None:
            return Role.ADMIN
        if not key:
            return None
        found: Role | None = None
        for known, role in self._keys.items():
            if hmac.compare_digest(known.encode(), key.encode()):
                found = role
        return found

    def fingerprints(self) -> list[tuple[str, Role]]:
        """(fingerprint, role) of every configured key, for the start-up log."""
        return sorted((key_fingerprint(k), r) for k, r in (self._keys or {}).items())


def mask_customer_record(props: dict[str, Any], role: Role) -> dict[str, Any]:
    """A copy of a person record's properties with what `role` may not see replaced by MASK.

    A record its source deleted (often at the person's request) shows its personal data to
    analysts only: no one below may act on it any more.
    """
    out = dict(props)
    if role <= Role.VIEWER or (role < Role.ANALYST and props.get("deleted_at") is not None):
        for name in PII_FIELDS:
            if out.get(name) is not None:
                out[name] = MASK
    elif role == Role.MARKETER:
        # A marketer contacts people: no address for a channel the person refused — on this
        # record or on any other of the same customer's records (the queries say so): a
        # refusal in the CRM holds for the shop's copy too, as copy generation's "most
        # restrictive wins" does. (Records not resolved yet carry only their own refusal.)
        if out.get("email") and (
            out.get("consent_email") is False or out.get("email_refused_elsewhere")
        ):
            out["email"] = MASK
        if out.get("phone") and (
            out.get("consent_sms") is False or out.get("phone_refused_elsewhere")
        ):
            out["phone"] = MASK
    return out
