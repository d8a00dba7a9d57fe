"""Blocking keys stored on the source records, so an incremental run finds its candidates in
the graph instead of reading the whole population.

Why: an incremental run must compare each new record with every existing record that one of
the model's blocking rules (``comparisons.blocking``) would pair it with, and with no others.
Each rule is an equality join on normalised values, so each existing record carries, as
indexed ``rk_*`` properties, the values it would be joined on; a new record *probes* those
properties with its own values, and the records found are exactly the ones the rules would
block it with (a rule such as ``l.email_user = r.name_key`` is probed in both directions).
Splink then applies the real rules to the new records and these candidates, so a candidate
that no rule pairs costs a comparison, never a wrong match.

The keys are computed by the same normaliser the model sees; a full run rewrites the keys of
records whose values changed (``rk_digest``), and each run writes the keys of its new records.
They are stored as 31-bit hashes of the joined values, not as text: at 1M records writing 14
text keys per record cost ~40% more than integers (bench/README.md), and a collision can only
add a candidate that Splink's real rules then leave unpaired, never lose one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.resolution.comparisons import EntityKind

#: Separates the parts of a composite key (a character no normalised value contains).
_SEPARATOR = "|"

#: Bits of pandas' 64-bit hash dropped to get a 31-bit key (``hashed``).
_DROPPED_BITS = 33

#: None as ``to_numpy``'s missing value (pandas takes it; pandas-stubs do not admit it).
_MISSING: Any = None

#: Part of every record's digest: bump when the keys below change, so a full run rewrites them.
KEYS_VERSION = "3"


@dataclass(frozen=True)
class Key:
    """One stored key: ``parts`` of the record, joined, become property ``rk_<name>``.

    A part is a column of the normalised frame, or ``column[:n]`` for its first n letters.
    ``probes`` are the parts of a *new* record to look the key up with (default: ``parts``).
    """

    name: str
    parts: tuple[str, ...]
    probes: tuple[tuple[str, ...], ...] = ()

    @property
    def prop(self) -> str:
        return f"rk_{self.name}"

    def probe_parts(self) -> tuple[tuple[str, ...], ...]:
        return self.probes or (self.parts,)


#: The keys behind the blocking rules of ``comparisons.blocking``, in the same order; a rule
#: whose pairs another key already finds (same names: ``first_last3``) has none of its own.
KEYS: dict[EntityKind, tuple[Key, ...]] = {
    "customer": (
        Key("email", ("email",)),
        Key("phone", ("phone",)),
        Key("email_local", ("email_local",)),
        Key("last_postcode", ("last_name", "postcode")),
        Key("last_employer", ("last_name", "employer")),
        # Also the same-names and swapped-names rules (first + last; a new record's last +
        # first against first + last): equal names share their first three letters too.
        Key(
            "first_last3",
            ("first_name_canon", "last_name[:3]"),
            (("first_name_canon", "last_name[:3]"), ("last_name", "first_name_canon[:3]")),
        ),
        Key("first_employer", ("first_name_canon", "employer")),
        Key("initial_last_city", ("first_name_canon[:1]", "last_name", "city")),
        # User names against names, in both directions.
        Key("email_user", ("email_user",), (("name_key",), ("name_key_canon",), ("initial_key",))),
        Key("name_key", ("name_key",), (("email_user",),)),
        Key("name_key_canon", ("name_key_canon",), (("email_user",),)),
        Key("initial_key", ("initial_key",), (("email_user",),)),
    ),
    "account": (
        Key("name", ("name",)),
        Key("domain", ("domain",)),
        Key("name4_country", ("name[:4]", "country")),
    ),
}


def _part(frame: pd.DataFrame, part: str) -> pd.Series:
    column, _, prefix = part.partition("[:")
    values = frame[column].astype("string")
    if prefix:
        values = values.str.slice(0, int(prefix.rstrip("]")))
    return values.where(values.str.len() > 0)


def joined(frame: pd.DataFrame, parts: tuple[str, ...]) -> pd.Series:
    """The parts joined; null when any part is null (an equality join never matches null)."""
    out = _part(frame, parts[0])
    for part in parts[1:]:
        out = out + _SEPARATOR + _part(frame, part)
    return out


def hashed(values: pd.Series) -> pd.Series:
    """Text as non-negative 31-bit hashes, null kept null; stable across runs.

    Why 31 bits: Neo4j keeps an integer that small in one block of the node's property
    record, where a 64-bit one takes two (replaying a first run's link write at 100k records
    was 5–15% faster, bench/README.md). Two values share a hash about once per 2^31 pairs;
    that adds a candidate, never loses one.
    """
    missing = values.isna().to_numpy()
    codes = pd.util.hash_pandas_object(values.astype("string").fillna(""), index=False)
    small = (codes.to_numpy() >> np.uint64(_DROPPED_BITS)).astype(np.int64)
    return pd.Series(pd.arrays.IntegerArray(small, mask=missing), index=values.index)  # no floats


def key_frame(kind: EntityKind, frame: pd.DataFrame) -> pd.DataFrame:
    """Each record's ``rk_*`` hashes and their ``rk_digest``, indexed like ``frame``."""
    keys = pd.DataFrame({key.prop: hashed(joined(frame, key.parts)) for key in KEYS[kind]})
    digest = pd.util.hash_pandas_object(keys.fillna(0).astype("int64"), index=False)
    keys["rk_digest"] = [f"{KEYS_VERSION}-{h:016x}" for h in digest.to_numpy()]
    return keys


def key_rows(
    kind: EntityKind, frame: pd.DataFrame, stored: pd.Series | None = None
) -> list[dict[str, Any]]:
    """Rows for ``store.write_keys``: records whose keys differ from ``stored`` digests (all
    records when None). A null key is written as null, which removes a stale property."""
    keys = key_frame(kind, frame)
    changed = (
        pd.Series(True, index=frame.index)
        if stored is None
        else keys["rk_digest"].ne(stored.astype("string").reindex(frame.index)).fillna(True)
    )
    ids = frame.loc[changed, "unique_id"].astype(str).tolist()
    part = keys.loc[changed]
    names = list(part.columns)
    # Python ints / strings with None for missing, as the driver sends them.
    columns = [part[c].to_numpy(dtype=object, na_value=_MISSING).tolist() for c in names]
    return [
        {"record_id": record, "keys": dict(zip(names, values, strict=True))}
        for record, values in zip(ids, zip(*columns, strict=True), strict=True)
    ]


def probes(kind: EntityKind, frame: pd.DataFrame) -> dict[str, list[int]]:
    """For each key property, the distinct hashes the records of ``frame`` look it up with."""
    out: dict[str, list[int]] = {}
    for key in KEYS[kind]:
        values = pd.concat([hashed(joined(frame, parts)) for parts in key.probe_parts()])
        out[key.prop] = sorted(int(v) for v in values.dropna().unique())
    return out


def name_hashes(company_names: pd.Series) -> list[int]:
    """Distinct ``rk_name`` hashes of normalised company names (to find accounts by name)."""
    return sorted(int(v) for v in hashed(company_names).dropna().unique())


def matches(kind: EntityKind, existing: pd.DataFrame, wanted: dict[str, list[int]]) -> pd.Series:
    """Which ``existing`` records a lookup with ``wanted`` (``probes``) finds: the graph's
    candidate query, in pandas, for tests and benchmarks without Neo4j."""
    keys = key_frame(kind, existing)
    found = pd.Series(False, index=existing.index)
    for prop, values in wanted.items():
        found |= keys[prop].isin(values).fillna(False).astype(bool)
    return found
