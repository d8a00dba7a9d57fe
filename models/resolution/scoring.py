"""Which records a run reads and compares, and the pairs it scores: everyone (a full run) or
the new records against the existing ones they could match (an incremental run).

Why an incremental run reads so little: the existing records a new one could be paired with
are those sharing one of its blocking keys, which the graph finds by index lookups on the
``rk_*`` keys every run stores (``blocking_keys``); the clusters those belong to come along
whole, held together as must-links. Term frequencies come from the population counts the
previous run saved plus the new records, so scores are those a read of everyone would give.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from graph.db import Database
from graph.settings import Settings
from models.resolution import block_caps, blocking_keys, normalise, store
from models.resolution import splink_model as sm
from models.resolution.frequencies import PopulationCounts

log = logging.getLogger(__name__)


@dataclass
class Scored:
    """What a run scored, and what it must write besides the links."""

    model: sm.TrainedModel
    pairs: pd.DataFrame
    #: The records clustering assigns (all of them, or the new ones and the touched clusters).
    involved: list[str]
    #: Pairs held together: the existing clusters an incremental run's new records touch.
    must: list[tuple[str, str]]
    #: The raw records read for ``involved`` (with their current entity ids).
    records: pd.DataFrame
    #: Each involved record's entity before this run (None: never resolved).
    prior: dict[str, str | None]
    #: The population's counts after this run, saved for the next incremental run.
    counts: PopulationCounts
    #: Blocking keys to store (records that are new or whose keys changed).
    key_rows: list[dict[str, Any]] = field(default_factory=list)
    #: The normalised frame of a full run (for the charts); None for an incremental run.
    frame: pd.DataFrame | None = None
    #: Records read: the whole population, or the new ones, their candidates and clusters.
    read: int = 0
    #: Per blocking value, the records (of everyone, or of the new ones) whose value was too
    #: common to block on (``block_caps``); and how many records that left out of any rule.
    capped: dict[str, int] = field(default_factory=dict)
    capped_records: int = 0


def frame_for(
    kind: sm.EntityKind, raw: pd.DataFrame, counts: PopulationCounts | None = None
) -> pd.DataFrame:
    """The model's normalised view of raw records of this kind; ``counts`` describe the whole
    population when ``raw`` is only part of it (what is a mail provider depends on it, and
    which blocking values are too common to block on: ``block_caps``)."""
    if kind == "account":
        frame = normalise.company_frame(raw)
    else:
        frame = normalise.people_frame(raw, counts.address_shares() if counts is not None else None)
    return block_caps.apply(kind, frame, counts)


def counts_path(settings: Settings, kind: sm.EntityKind) -> Path:
    """Where a run saves the population counts (named for the blocking keys it stored, and
    ``-blocks``: counts saved before they held blocking values are not read; a full run)."""
    version = blocking_keys.KEYS_VERSION
    return settings.resolution_dir / f"{kind}-population-keys{version}-blocks.parquet"


def _prior(raw: pd.DataFrame) -> dict[str, str | None]:
    return {
        str(r): (str(e) if isinstance(e, str) else None)
        for r, e in zip(raw["record_id"].tolist(), raw["entity_id"].tolist(), strict=True)
    }


def saved_state(
    db: Database, settings: Settings, kind: sm.EntityKind
) -> tuple[sm.TrainedModel, PopulationCounts] | None:
    """The saved model and population counts an incremental run needs, or None when it must
    run in full: no model yet, a model of older fields, no counts (the keys were never
    stored: resolution ran before they existed), or no resolved records to join."""
    model = sm.TrainedModel.load_latest(settings.resolution_dir, kind)
    if model is None:
        return None
    if not sm.is_current(model):
        log.info("saved %s model %s compares other fields: retraining", kind, model.version)
        return None
    counts = PopulationCounts.load(counts_path(settings, kind))
    if counts is None:
        log.info("no saved %s population counts (keys not stored yet): a full run", kind)
        return None
    if store.count_resolved(db, kind) == 0:
        return None
    return model, counts


def score_everyone(
    db: Database, settings: Settings, kind: sm.EntityKind, floor: float
) -> Scored | None:
    """Read every record, train, and score every blocked pair; None when there are none."""
    raw = store.read_records(db, kind)
    if raw.empty:
        return None
    frame = frame_for(kind, raw)
    backend = settings.resolution_backend
    model = sm.train(frame, kind, backend)
    model.save(settings.resolution_dir)
    pairs = sm.predict(frame, model, backend, floor, settings.resolution_veto_below)
    stored = raw.get("keys_digest")
    counts = sm.population_counts(frame, model, block_caps.SAVED_FROM)
    return Scored(
        model, pairs, frame["unique_id"].tolist(), [], raw, _prior(raw), counts,
        blocking_keys.key_rows(kind, frame, stored), frame, len(raw),
        *block_caps.left_out(kind, frame),
    )  # fmt: skip


def score_new(
    db: Database, settings: Settings, kind: sm.EntityKind, floor: float,
    model: sm.TrainedModel, counts: PopulationCounts,
) -> Scored | None:  # fmt: skip
    """Score the records with no entity yet (and those an ingest changed that the last
    completed run may not have read) against the existing records their blocking keys find
    in the graph, and among themselves; None when there are no such records and no
    reviewer's decision waiting to be applied. (A changed record's old values stay in the
    population counts until the next full run: term frequencies drift by one record per
    change read, which a full run resets.)

    Entities holding a decision the graph does not reflect yet come along whole too, so an
    accept or reject made since the last run binds now (clustering applies it).
    """
    late = store.late_ingest_runs(db)
    raw_new = store.read_records(db, kind, only_unresolved=True, changed_by=late)
    decided = store.read_decided_entities(db, kind)
    # Records an ingest changed since the last run are scored again as if new; their own
    # entities come along whole, so a record that no longer matches its mates can leave.
    changed = raw_new["entity_id"].dropna().astype(str) if not raw_new.empty else pd.Series()
    decided = sorted(set(decided) | set(changed))
    if raw_new.empty:
        return _rescore_decided(db, settings, kind, floor, model, counts, decided)
    new = frame_for(kind, raw_new)
    if kind == "customer":
        # Which domains are mail providers depends on everyone's addresses, the new ones
        # included (an address does not depend on the population; an employer does).
        new = frame_for(kind, raw_new, counts.plus(PopulationCounts.of(new, ["email"])))
    counts = counts.plus(sm.population_counts(new, model))
    new = block_caps.apply(kind, new, counts)
    # A key thousands of records share is not looked up: it would read them all, to pair none.
    probes, dropped = block_caps.capped_probes(kind, blocking_keys.probes(kind, new), counts)
    candidates_raw = store.read_candidates(db, kind, probes)
    if candidates_raw.empty:
        candidates_raw = raw_new.iloc[:0]
    reread = set(raw_new["record_id"].astype(str))
    candidates_raw = candidates_raw[~candidates_raw["record_id"].astype(str).isin(reread)]
    candidates = frame_for(kind, candidates_raw, counts)
    pairs = sm.predict_new(
        new, candidates, model, settings.resolution_backend, floor,
        settings.resolution_veto_below, counts,
    )  # fmt: skip
    entity_of = _prior(candidates_raw)
    # A cluster comes along when a pair could join it (or open a review); a pair the model
    # all but rules out (a veto) only binds inside a cluster that something else joins.
    vetoed = (pairs["match_probability"] < settings.resolution_veto_below) & ~pairs[
        "same_identifier"
    ].fillna(False).astype(bool)
    joinable = pairs[~vetoed]
    ends = pd.concat([joinable["unique_id_l"], joinable["unique_id_r"]]).astype(str).unique()
    touched = sorted({e for r in ends if (e := entity_of.get(r)) is not None} | set(decided))
    members = store.read_members(db, kind, touched) if touched else raw_new.iloc[:0]
    if not members.empty:
        members = members[~members["record_id"].astype(str).isin(reread)]
    records = pd.concat([raw_new, members], ignore_index=True)
    if len(touched) > 1 and not members.empty:
        pairs = pd.concat([pairs, _across(settings, kind, floor, model, counts, members)],
                          ignore_index=True)  # fmt: skip
    must, held = _held_together(members)
    involved = new["unique_id"].astype(str).tolist() + held
    log.info(
        "%s: %d new records (%d of them changed since resolved), %d candidates found by "
        "their keys (%d too common keys not looked up), %d records in %d touched entities",
        kind, len(new), len(changed), len(candidates), dropped, len(members), len(touched),
    )  # fmt: skip
    return Scored(
        model, pairs, involved, must, records, _prior(records), counts,
        blocking_keys.key_rows(kind, new), None,
        len(raw_new) + len(candidates_raw) + len(members), *block_caps.left_out(kind, new),
    )  # fmt: skip


def _across(
    settings: Settings, kind: sm.EntityKind, floor: float, model: sm.TrainedModel,
    counts: PopulationCounts, members: pd.DataFrame,
) -> pd.DataFrame:  # fmt: skip
    """The touched entities' records scored among themselves: when new records could join two
    existing customers, a full run would also see whether those two are all but surely
    different people (a veto between them stops the chain); an incremental run must too."""
    existing = frame_for(kind, members, counts)
    return sm.predict_new(
        existing, existing.iloc[:0], model, settings.resolution_backend, floor,
        settings.resolution_veto_below, counts,
    )  # fmt: skip


def _held_together(members: pd.DataFrame) -> tuple[list[tuple[str, str]], list[str]]:
    """Must-links holding each existing cluster among ``members`` together, and its records.
    (A reviewer's reject inside one still splits it: cannot-links bind must-links.)"""
    by_entity: dict[str, list[str]] = {}
    for record, entity in zip(
        members["record_id"].tolist(), members["entity_id"].tolist(), strict=True
    ):
        by_entity.setdefault(str(entity), []).append(str(record))
    must = [(recs[0], other) for recs in by_entity.values() for other in recs[1:]]
    return must, [r for recs in by_entity.values() for r in recs]


def _rescore_decided(
    db: Database, settings: Settings, kind: sm.EntityKind, floor: float,
    model: sm.TrainedModel, counts: PopulationCounts, decided: list[str],
) -> Scored | None:  # fmt: skip
    """No new records: re-cluster only the entities holding a decision not applied yet,
    their records scored among themselves (None when there are none)."""
    if not decided:
        return None
    members = store.read_members(db, kind, decided)
    if members.empty:
        return None
    frame = frame_for(kind, members, counts)
    pairs = sm.predict_new(
        frame, frame.iloc[:0], model, settings.resolution_backend, floor,
        settings.resolution_veto_below, counts,
    )  # fmt: skip
    must, held = _held_together(members)
    log.info("%s: no new records; %d records of %d entities re-clustered under reviewers' "
             "decisions", kind, len(members), len(decided))  # fmt: skip
    return Scored(model, pairs, held, must, members, _prior(members), counts, [], None,
                  len(members))  # fmt: skip
