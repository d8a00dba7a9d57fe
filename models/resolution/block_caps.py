"""A cap on block sizes: a blocking value shared by too many records pairs nobody.

Why: every blocking rule is an equality join, so a value shared by n records makes n(n-1)/2
candidate pairs. Real exports hold values no person owns: placeholder names ("Unknown
Customer", "Test Test", "N/A"), a generic mailbox or user name shared by thousands, names that
normalise alike (a CRM's "First0 Last0", "First1 Last1", ... all become "first last"). 8,000
such records made tens of millions of pairs and an API process died at 18 GB. A value shared
by more than `BLOCK_CAP` records says nothing about who is who, so the rules that join on it
(``comparisons.BLOCK_VALUES``, ``comparisons.capped``) leave it out; the same records are
still paired by their other values (an e-mail, a phone), and the run reports what was left
out (``KindReport.capped_records``, ``capped_blocks``).

Full runs count the values in the frame they score. Incremental runs count them in the whole
population: the counts a run saves (``frequencies.PopulationCounts``, rows ``block:<name>``
keyed by the 31-bit hash ``blocking_keys`` stores as ``rk_*``) plus the new records; the graph
is then not asked for the records of a too-common key at all (``capped_probes``).
"""

from __future__ import annotations

import pandas as pd

from models.resolution.blocking_keys import KEYS, hashed, joined
from models.resolution.comparisons import (
    BLOCK_CROSSES,
    BLOCK_SELF,
    BLOCK_VALUES,
    EntityKind,
    capped,
)
from models.resolution.frequencies import PopulationCounts

#: Records that may share one blocking value before it stops pairing them (at most ~500k
#: pairs per value). Far above legitimate blocks: the largest on the 100k-person demo is 59
#: of 229,520 person records (first name + surname's first three letters) and 149 of 12,058
#: company records ("van " in NL), on FEBRL 11 of 5,000 (bench/README.md); blocks grow with
#: the population, so a million people stay below it too, and a placeholder shared by
#: thousands is far above it.
BLOCK_CAP = 1_000

#: The pairs a value may make under a rule joining two different values (a user name against
#: names): as many as a value shared by ``BLOCK_CAP`` records makes joined to itself. The
#: largest on the 100k demo is 3,250 (10 "jsmith@" with no name x 325 J. Smiths).
MAX_PAIRS = BLOCK_CAP * (BLOCK_CAP - 1) // 2

#: A full run saves only the counts of values at least this common: the rest are most of the
#: population and cannot reach the cap soon. An incremental run adds every new record, so a
#: value it meets again is undercounted by less than this (the cap acts between 1,000 and
#: 1,100), until the next full run counts everyone afresh.
SAVED_FROM = BLOCK_CAP // 10

_PREFIX = "block:"


def _values(kind: EntityKind, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Each blocking value of each record as text (null: none)."""
    out = {name: joined(frame, parts) for name, parts in BLOCK_VALUES[kind].items()}
    if "email_user_unnamed" in out:  # the rule reads it only for records with no first name
        out["email_user_unnamed"] = out["email_user_unnamed"].where(
            frame["first_name_canon"].isna()
        )
    return out


def _present(kind: EntityKind, frame: pd.DataFrame, name: str) -> pd.Series:
    """Whether each record has blocking value ``name`` (``_values`` not null), cheaply:
    normalised columns hold no empty text, so a value is there when all its parts are."""
    has = pd.Series(True, index=frame.index)
    for part in BLOCK_VALUES[kind][name]:
        has &= frame[part.partition("[:")[0]].notna()
    if name == "email_user_unnamed":
        has &= frame["first_name_canon"].isna()
    return has


def counts(kind: EntityKind, frame: pd.DataFrame, at_least: int = 1) -> PopulationCounts:
    """How many records of ``frame`` hold each blocking value (by the 31-bit hash
    ``blocking_keys`` stores), for the values held ``at_least`` times; a full run saves
    those from `SAVED_FROM` (hashing only the few distinct values it keeps)."""
    parts = []
    for name, values in _values(kind, frame).items():
        n = values.value_counts(sort=False)  # nulls left out
        n = n[n >= at_least]
        by_hash = pd.Series(n.to_numpy(), index=hashed(pd.Series(n.index)).to_numpy("int64"))
        by_hash = by_hash.groupby(level=0).sum()  # two values may share a hash
        parts.append(
            pd.DataFrame({"column": _PREFIX + name, "value": by_hash.index.astype(str),
                          "country": None, "n": by_hash.to_numpy()})
        )  # fmt: skip
    return PopulationCounts(PopulationCounts._tidy(parts))


def _by_name(kind: EntityKind, population: PopulationCounts) -> dict[str, pd.Series]:
    """Each blocking value's counts as a Series indexed by hash (a value not there: 0)."""
    table = population.table
    rows = table[table["column"].str.startswith(_PREFIX)]
    found = {
        str(column)[len(_PREFIX) :]: pd.Series(
            group["n"].to_numpy(), index=group["value"].astype("int64").to_numpy()
        )
        .groupby(level=0)
        .sum()
        for column, group in rows.groupby("column")
    }
    empty = pd.Series([], dtype="int64")
    return {name: found.get(name, empty) for name in BLOCK_VALUES[kind]}


def too_common(kind: EntityKind, population: PopulationCounts) -> dict[str, set[int]]:
    """For each blocking value name, the hashes shared by more than ``BLOCK_CAP`` records."""
    return {
        name: {int(h) for h in n.index[n.to_numpy() > BLOCK_CAP]}
        for name, n in _by_name(kind, population).items()
    }


def _too_many(n: dict[str, pd.Series], one: str, other: str) -> pd.Index:
    """Values of ``one`` that pair too many records: held by more than ``BLOCK_CAP``
    (``one == other``), or making more than ``MAX_PAIRS`` pairs with ``other``'s holders."""
    held: pd.Series = n[one]
    if one == other:
        common: pd.Index = held.index[held.to_numpy() > BLOCK_CAP]
        return common
    # A product above MAX_PAIRS has a factor above its square root: look only at those.
    root = MAX_PAIRS**0.5
    big = held.index[held.to_numpy() > root].union(n[other].index[n[other].to_numpy() > root])
    pairs = held.reindex(big, fill_value=0) * n[other].reindex(big, fill_value=0)
    too_many: pd.Index = big[pairs.to_numpy() > MAX_PAIRS]
    return too_many


def apply(
    kind: EntityKind, frame: pd.DataFrame, population: PopulationCounts | None = None
) -> pd.DataFrame:
    """``frame`` with the cap columns the blocking rules join on, each value checked against
    ``population`` (default: ``frame`` itself, a full run, counted by value: no hashing)."""
    values = _values(kind, frame)
    if population is None:
        keys = values
        n = {name: v.value_counts(sort=False) for name, v in values.items()}
    else:  # an incremental run's few records, looked up by the hashes the counts hold
        keys = {name: hashed(v) for name, v in values.items()}
        n = _by_name(kind, population)
    ok = pd.Series(1, index=frame.index, dtype="Int8")
    columns = {}
    pairs = [(name, name) for name in BLOCK_SELF[kind]]
    pairs += [p for a, b in BLOCK_CROSSES[kind] for p in ((a, b), (b, a))]
    for one, other in pairs:
        bad = keys[one].isin(_too_many(n, one, other)).fillna(False).astype(bool)
        column = capped(one) if one == other else capped(one, other)
        columns[column] = ok.where(keys[one].notna() & ~bad)
    return frame.assign(**columns).astype({c: "Int8" for c in columns})


def _columns(kind: EntityKind) -> dict[str, list[tuple[str, str]]]:
    """Report name → (value, cap column) of the rules it stands for."""
    out = {name: [(name, capped(name))] for name in BLOCK_SELF[kind]}
    for a, b in BLOCK_CROSSES[kind]:
        out[f"{a}~{b}"] = [(a, capped(a, b)), (b, capped(b, a))]
    return out


def ensure(
    kind: EntityKind, frame: pd.DataFrame, population: PopulationCounts | None = None
) -> pd.DataFrame:
    """``frame`` as it is if it has the cap columns, else with them (``apply``)."""
    wanted = [c for cols in _columns(kind).values() for _, c in cols]
    if all(c in frame.columns for c in wanted):
        return frame
    return apply(kind, frame, population)


def ensure_both(
    kind: EntityKind, new: pd.DataFrame, existing: pd.DataFrame, population: PopulationCounts
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``ensure`` for the two sides of an incremental scoring; ``population`` without
    blocking values (a caller's own counts) falls back to counting the records compared."""
    if not population.table["column"].str.startswith(_PREFIX).any():
        population = counts(kind, pd.concat([existing, new], ignore_index=True))
    return ensure(kind, new, population), ensure(kind, existing, population)


def left_out(kind: EntityKind, frame: pd.DataFrame) -> tuple[dict[str, int], int]:
    """Per blocking rule value (``a~b``: a rule joining value a to value b), the records of
    ``frame`` whose value was too common to block on (names with none left out are
    omitted); and the records left out of any rule."""
    out, hit = {}, pd.Series(False, index=frame.index)
    for name, columns in _columns(kind).items():
        left = pd.Series(False, index=frame.index)
        for value, column in columns:
            left |= _present(kind, frame, value) & frame[column].isna()
        if n := int(left.sum()):
            out[name] = n
            hit |= left
    return out, int(hit.sum())


def summary(left: dict[str, int]) -> str:
    """``left_out`` as one line for a run's stats: "first_last=8000, first_last3=8000"."""
    return ", ".join(f"{name}={n}" for name, n in sorted(left.items(), key=lambda x: -x[1]))


def capped_probes(
    kind: EntityKind, probes: dict[str, list[int]], population: PopulationCounts
) -> tuple[dict[str, list[int]], int]:
    """``probes`` (``blocking_keys.probes``) without the hashes of too-common stored keys, so
    an incremental run never reads the thousands of records holding one; and how many hashes
    were dropped."""
    common = too_common(kind, population)
    by_parts: dict[tuple[str, ...], str] = {}
    for name, parts in BLOCK_VALUES[kind].items():
        by_parts.setdefault(parts, name)  # email_user, not its nameless subset
    out, dropped = {}, 0
    for key in KEYS[kind]:
        skip = common.get(by_parts.get(key.parts, ""), set())
        values = probes.get(key.prop, [])
        out[key.prop] = [v for v in values if v not in skip]
        dropped += len(values) - len(out[key.prop])
    return out, dropped
