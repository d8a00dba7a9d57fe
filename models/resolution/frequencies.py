"""How common each full name is among *other* people: the term frequencies the name levels use.

Why not Splink's own term frequencies (records with the name / all records): a person's own
records dominate the count of all but the commonest names. One person with four records makes
a rare name look as common as four strangers sharing it, so a rare full name alone never
reached the threshold, while the correction tried before (subtracting the expected number of a
person's own records) still left a name on three or four records looking common.

Here the frequency of "f l" is built from the first-name and surname frequencies, which a
person's own records barely move: P(f) x P(l) if names paired at random. They do not: first
names and surnames come from the same language, so "hans müller" is far commoner than
P(hans) x P(müller) says, and "hans smith" far rarer. Where records carry a country, the
pairing is modelled within each country, sum over c of P(c) P(f | c) P(l | c), with each name's
country shares P(c | name) shrunk towards the overall shares by one pseudo-record (a name seen
once does not belong to one country for sure). On the 100k-person demo a full name predicted to
be shared with x other people is shared with 0.7x-1.4x as many across the whole range, where
the plain product was up to ten times too low for rare pairings (bench/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Pseudo-records pulling a name's country shares towards the population's.
_COUNTRY_PRIOR_RECORDS = 1.0

#: The person columns the full-name frequency is built from.
_NAME_PARTS = {"first": "first_name_canon", "last": "last_name"}


def full_name_frequencies(
    people: pd.DataFrame, counts: PopulationCounts | None = None
) -> pd.DataFrame:
    """One row per distinct ``full_name_canon`` with ``tf_full_name_canon`` (a share of records).

    ``people`` is a normalised person frame (``normalise.people_frame``); records without both
    names are left out. The name statistics come from ``counts`` (the whole population, when
    ``people`` is only the records a run compares) or else from ``people`` themselves. An
    empty frame comes back when nobody has both names.
    """
    named = _named(people)
    if named.empty:
        return pd.DataFrame({"full_name_canon": [], "tf_full_name_canon": []})
    counts = counts if counts is not None else PopulationCounts.of(people, [])
    distinct = named.drop_duplicates("full_name_canon")
    first, last = distinct["first_name_canon"], distinct["last_name"]
    by_first, by_last = counts.name_table("first"), counts.name_table("last")
    p_first = by_first.groupby("value")["n"].sum() / by_first["n"].sum()
    p_last = by_last.groupby("value")["n"].sum() / by_last["n"].sum()
    tf = p_first.reindex(first).to_numpy() * p_last.reindex(last).to_numpy()
    tf = tf * _country_pairing(by_first, by_last, first, last)
    return pd.DataFrame(
        {"full_name_canon": distinct["full_name_canon"].to_numpy(), "tf_full_name_canon": tf}
    )


def _named(people: pd.DataFrame) -> pd.DataFrame:
    named = people.dropna(subset=["first_name_canon", "last_name", "full_name_canon"])
    return named.astype({"first_name_canon": str, "last_name": str, "full_name_canon": str})


def _country_pairing(
    by_first: pd.DataFrame, by_last: pd.DataFrame, first: pd.Series, last: pd.Series
) -> np.ndarray:
    """How much likelier the pairing (f, l) is than chance: sum of P(c|f) P(c|l) / P(c)."""
    located_first = by_first.dropna(subset=["country"])
    if located_first.empty:
        return np.ones(len(first))
    share = located_first.groupby("country")["n"].sum()
    share = (share / share.sum()).sort_values(ascending=False, kind="stable")

    def given(table: pd.DataFrame, values: pd.Series) -> np.ndarray:
        located = table.dropna(subset=["country"])
        counts = located.pivot_table(
            index="value", columns="country", values="n", aggfunc="sum", fill_value=0
        ).reindex(columns=share.index, fill_value=0)
        smoothed = counts.add(share * _COUNTRY_PRIOR_RECORDS, axis=1)
        shares = smoothed.div(smoothed.sum(axis=1), axis=0)
        # Names never seen with a country take the population's shares (no pairing signal).
        return shares.reindex(values).fillna(share).to_numpy()

    return np.asarray(
        (given(by_first, first) * given(by_last, last) / share.to_numpy()).sum(axis=1),
        dtype=np.float64,
    )


@dataclass(frozen=True)
class PopulationCounts:
    """How often each value occurs among *all* records of a kind, kept between runs.

    Why: an incremental run compares the new records with only the existing records that
    share a blocking key with them (``blocking_keys``), yet term frequencies (how common a
    surname, an e-mail, a full name is) must be shares of the whole population, as they were
    when the model was trained. A run saves these counts; the next incremental run adds its
    new records to them instead of reading every record back from the graph.

    ``table`` has one row per (``column``, ``value``, ``country``) with a count ``n``: for
    Splink's term-frequency columns ``country`` is null; the full-name statistics
    (``name:first``, ``name:last``) count names by country among records with both names.
    """

    table: pd.DataFrame

    @classmethod
    def of(cls, frame: pd.DataFrame, tf_columns: list[str]) -> PopulationCounts:
        """Count ``tf_columns`` (and, for people, the name statistics) in ``frame``."""
        parts = []
        for column in tf_columns:
            if column in frame.columns:
                counts = frame[column].dropna().astype(str).value_counts(sort=False)
                parts.append(pd.DataFrame({"column": column, "value": counts.index,
                                           "country": None, "n": counts.to_numpy()}))  # fmt: skip
        if {"first_name_canon", "last_name", "full_name_canon", "country"} <= set(frame.columns):
            named = _named(frame)
            for part, column in _NAME_PARTS.items():
                counts = named.groupby([column, "country"], dropna=False, sort=False).size()
                values = counts.index.to_frame(index=False)
                parts.append(pd.DataFrame({"column": f"name:{part}", "value": values[column],
                                           "country": values["country"].astype(object),
                                           "n": counts.to_numpy()}))  # fmt: skip
        return cls(cls._tidy(parts))

    @staticmethod
    def _tidy(parts: list[pd.DataFrame]) -> pd.DataFrame:
        columns = ["column", "value", "country", "n"]
        parts = [p for p in parts if not p.empty]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        table = pd.concat(parts, ignore_index=True)[columns]
        table["country"] = table["country"].astype(object).where(table["country"].notna(), None)
        return table.astype({"column": str, "value": str, "n": "int64"})

    def plus(self, other: PopulationCounts) -> PopulationCounts:
        """These counts with ``other``'s added (a run's new records joining the population)."""
        both = pd.concat([self.table, other.table], ignore_index=True)
        keys = ["column", "value", "country"]
        summed = both.groupby(keys, sort=False, dropna=False)["n"].sum()
        return PopulationCounts(self._tidy([summed.reset_index()]))

    def name_table(self, part: str) -> pd.DataFrame:
        """(value, country, n) of first names (``part="first"``) or surnames among records
        with both names."""
        rows = self.table[self.table["column"] == f"name:{part}"]
        return rows[["value", "country", "n"]].reset_index(drop=True)

    def term_frequencies(self, column: str, values: pd.Series) -> pd.DataFrame:
        """Splink's term-frequency lookup (``column``, ``tf_<column>``) for ``values``: each
        value's share of the population's non-null values in ``column``."""
        rows = self.table[self.table["column"] == column]
        share = rows.set_index("value")["n"] / max(int(rows["n"].sum()), 1)
        wanted = pd.Series(values.dropna().astype(str).unique())
        tf = share.reindex(wanted)
        known = tf.notna().to_numpy()
        tf_column = f"tf_{column}"
        return pd.DataFrame({column: wanted[known].to_numpy(), tf_column: tf[known].to_numpy()})

    def address_shares(self) -> pd.Series | None:
        """Each e-mail domain's share of the population's distinct addresses (what
        ``normalise.employer_key`` tells mail providers from employers by), or None when
        e-mail is not counted (companies)."""
        emails = self.table.loc[self.table["column"] == "email", "value"]
        if emails.empty:
            return None
        return emails.str.replace(r"^[^@]*@", "", regex=True).value_counts(normalize=True)

    def save(self, path: Path) -> Path:
        """Write the counts as Parquet (atomically: a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        self.table.to_parquet(partial, index=False)
        partial.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> PopulationCounts | None:
        """Counts a run saved, or None when there are none."""
        if not path.is_file():
            return None
        table = pd.read_parquet(path)
        return cls(cls._tidy([table]))
