"""Take erased records out of the population counts an incremental resolution run keeps.

Why: `models/resolution/frequencies.PopulationCounts` saves, between runs, how often each
e-mail, full name and name part occurs among all person records (a Parquet file under the
resolution dir) — values, not hashes, so an erased person's e-mail and name would stay on disk
until the next full run. Each erased record's values are counted again, the same way a run
counted them, and subtracted; a value no record holds any more disappears from the file.
(A value a changed record left in the counts before — the drift `scoring.score_new` notes —
goes at the next full run.)
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from graph.db import Database
from graph.settings import Settings
from models.resolution import scoring, store
from models.resolution import splink_model as sm
from models.resolution.frequencies import PopulationCounts

log = logging.getLogger(__name__)
#: Stands for "no country" while matching rows (a null key matches nothing in some dtypes).
NO_COUNTRY = "~no country~"  # countries are ISO codes: no clash


def forget(db: Database, settings: Settings, targets: list[dict[str, Any]]) -> int:
    """Subtract the values of ``targets`` (person records linked to a customer, before their
    erasure) from the saved counts; returns the values that left the file entirely."""
    path = scoring.counts_path(settings, "customer")
    counts = PopulationCounts.load(path)
    model = sm.TrainedModel.load_latest(settings.resolution_dir, "customer")
    if counts is None or model is None or not targets:
        return 0
    customers = sorted({str(t["customer_id"]) for t in targets})
    wanted = {str(t["record_id"]) for t in targets}
    members = store.read_members(db, "customer", customers)
    raw = members[members["record_id"].astype(str).isin(wanted)]
    if raw.empty:
        return 0
    erased = sm.population_counts(scoring.frame_for("customer", raw, counts), model)
    left = minus(counts, erased)
    left.save(path)
    gone = len(counts.table) - len(left.table)
    log.info("population counts: %d records' values subtracted, %d values gone", len(raw), gone)
    return gone


def minus(counts: PopulationCounts, erased: PopulationCounts) -> PopulationCounts:
    """``counts`` less ``erased`` (never below zero); values counted zero times are dropped."""
    keys = ["column", "value", "country"]

    def keyed(table: pd.DataFrame) -> pd.DataFrame:  # no country: one key, whatever its dtype
        return table.assign(country=table["country"].astype(object).fillna(NO_COUNTRY))

    less = keyed(erased.table).groupby(keys, sort=False)["n"].sum().rename("less")
    both = keyed(counts.table).merge(less.reset_index(), on=keys, how="left")
    both["n"] = both["n"] - both["less"].fillna(0).astype("int64")
    kept = both.loc[both["n"] > 0, [*keys, "n"]]
    kept = kept.assign(country=kept["country"].where(kept["country"] != NO_COUNTRY, None))
    return PopulationCounts(PopulationCounts._tidy([pd.DataFrame(kept)]))
