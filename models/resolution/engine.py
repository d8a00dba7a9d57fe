"""One resolution pass for one kind of entity: read, score, cluster, assign ids, write back.

Why full and incremental share this code: an incremental run is a full run restricted to the
new records, the existing records they were scored against and the rest of the clusters those
belong to, with the existing clusters held together as must-links. Clustering and golden-id
assignment are then identical, so both modes keep ids stable in the same way.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from graph import locks
from graph.db import Database
from graph.errors import ResolutionError
from graph.settings import Settings
from models.collector import collector_paused
from models.resolution import block_caps, normalise, removals, scoring, store
from models.resolution import splink_model as sm
from models.resolution.clustering import Clustering, IdChange, assign_ids, cluster
from models.resolution.comparisons import IDENTIFIER

log = logging.getLogger(__name__)

_ID_PREFIX: dict[sm.EntityKind, str] = {"customer": "cus", "account": "acc"}


@dataclass
class KindReport:
    """What one pass did for one kind of entity."""

    kind: str
    mode: str
    #: Records read: all of them in a full run; the new ones, the existing records their
    #: blocking keys found and the clusters those belong to in an incremental run.
    records: int = 0
    new_records: int = 0
    pairs_scored: int = 0
    entities: int = 0
    links_written: int = 0
    created: int = 0
    merges: int = 0
    splits: int = 0
    retired: int = 0
    #: Records their source deleted, detached from their entities by this run.
    removed: int = 0
    reviews_opened: int = 0
    #: Records (all, or the new ones) whose value of some blocking rule was shared by too many
    #: records to block on (``block_caps``), and per value "first_last=8000, ...": they were
    #: paired only by their other values, which a user should know.
    capped_records: int = 0
    capped_blocks: str = ""
    model_version: str = ""
    seconds: float = 0.0
    charts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunContext:
    """What every write of one run shares."""

    db: Database
    settings: Settings
    run_id: str
    at: datetime
    by: str
    #: Each kind's records with the entity ids this run left them on, so that deriving
    #: WORKS_AT does not read every record from Neo4j a second time.
    records: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Each kind's entities whose records this run read, by their ids before and after it
    #: (merged, split, retired, grown or kept): whose dependants may need deriving again.
    touched: dict[str, set[str]] = field(default_factory=dict)

    def keep_lock(self) -> None:
        """Renew this run's hold on the resolution lock before it writes, or stop it.

        A run whose lease lapsed (its process stalled past `locks.LEASE_MINUTES`, or the
        database was unreachable for that long) may have lost the lock to another writer — an
        erasure above all, whose records this run still holds in memory with their names,
        e-mails and employers — even if that writer is done and the lock is free again. Its
        results are then not written: it raises ResolutionError, and the next run starts from
        what is in the graph."""
        if not locks.renew(self.db, RESOLUTION_LOCK, self.run_id, locks.LEASE_MINUTES):
            raise ResolutionError(
                f"resolution run {self.run_id} ran past its lock lease "
                f"({locks.LEASE_MINUTES:g} min, renewed while it runs) and another writer had "
                "the lock meanwhile; nothing more of this run is written. Resolve again."
            )


#: The lock every writer of resolution results holds (runs, unmerges, erasures).
RESOLUTION_LOCK = "resolution"


def _with_rules(pairs: pd.DataFrame, kind: sm.EntityKind) -> pd.DataFrame:
    """Mark exact-identifier pairs; clustering joins them even below the threshold.

    The database compared the identifiers while scoring (``same_identifier``), which costs
    nothing there; looking 8M pairs' records up again in pandas took ~30 s at 1M records.
    """
    pairs = pairs.reset_index(drop=True)
    exact = pairs["same_identifier"].fillna(False).astype(bool).to_numpy()
    pairs["rule"] = np.where(exact, f"exact_{IDENTIFIER[kind]}", "model")
    pairs["cluster_score"] = np.where(exact, 1.0, pairs["match_probability"])
    return pairs


def _vetoes(pairs: pd.DataFrame, below: float) -> pd.DataFrame:
    """Pairs the model all but rules out; clustering never joins them through other pairs.

    Why: single linkage lets one name-only edge join two people's clusters even when other
    pairs across them disagree on phone, postcode or employer. A shared address with nothing
    else in common (a family's or a team's mailbox) is vetoed too.
    """
    return pairs.loc[pairs["match_probability"] < below, ["unique_id_l", "unique_id_r"]]


def _exclusive_values(kind: sm.EntityKind, records: pd.DataFrame) -> dict[str, str]:
    """Record → a value no entity may hold two of: a company record's web domain.

    Why a rule beside the model: two company records at different domains are two companies
    (the account model fixes that m at 0.01), yet a record with no domain can join a namesake
    at each of two domains and single linkage then merges all three; at 52k demo company
    records such clusters held three quarters of the wrongly joined pairs. People are not
    restricted: a person keeps several e-mail addresses.
    """
    if kind != "account" or "domain" not in records.columns:
        return {}
    domains = normalise.domain(records["domain"])
    held = domains.notna().to_numpy()
    return dict(
        zip(
            records["record_id"].astype(str)[held].tolist(),
            domains[held].astype(str).tolist(),
            strict=True,
        )
    )


class _Evidence:
    """Per-field comparison levels and match weights of scored pairs, looked up by pair index.

    Why lazy: a run scores millions of pairs (8M at 1M records) but needs evidence only for
    the pairs that joined a changed link or open a review item. Each field's gamma column is
    kept as an integer array and turned into a level label and weight only when a pair is
    looked up; mapping every pair up front cost ~66 s of a 1M-record run.
    """

    def __init__(
        self, pairs: pd.DataFrame, labels: dict[str, dict[int, tuple[str, float]]]
    ) -> None:
        self.columns: list[tuple[str, np.ndarray, np.ndarray, dict[int, tuple[str, float]]]] = []
        for name, by_gamma in labels.items():
            column = f"gamma_{name}"
            if column not in pairs.columns:
                continue
            gamma = pairs[column]
            known = gamma.notna().to_numpy()
            codes = gamma.where(known, 0).astype("int64").to_numpy()
            self.columns.append((name, known, codes, by_gamma))

    def __call__(self, idx: int) -> tuple[list[str], list[str], list[float]]:
        if idx < 0:
            return [], [], []
        fields, levels, weights = [], [], []
        for name, known, codes, by_gamma in self.columns:
            if known[idx]:
                code = int(codes[idx])
                label, weight = by_gamma.get(code, (str(code), 0.0))
                fields.append(name)
                levels.append(label)
                weights.append(weight)
        return fields, levels, weights


def _link_rows(
    records: list[str], ids: dict[str, str], prior: dict[str, str | None], result: Clustering,
    evidence: _Evidence,
) -> list[dict[str, Any]]:  # fmt: skip
    """Rows for records whose entity is new or changed; untouched links are not rewritten."""
    rows = []
    for record in records:
        if prior.get(record) == ids[record]:
            continue
        joined = result.joined_by.get(record)
        row: dict[str, Any] = {"record_id": record, "entity_id": ids[record], "rule": "singleton",
                               "fresh": prior.get(record) is None,
                               "match_probability": None, "match_weight": None,
                               "matched_with": None, "evidence_fields": [],
                               "evidence_levels": [], "evidence_weights": []}  # fmt: skip
        if joined is not None:
            partner, prob, weight, rule, idx = joined
            fields, levels, weights = evidence(idx)
            row.update(
                rule=rule, matched_with=partner, match_probability=prob,
                match_weight=None if math.isinf(weight) else weight,
                evidence_fields=fields, evidence_levels=levels, evidence_weights=weights,
            )  # fmt: skip
        rows.append(row)
    return rows


def _event_rows(changes: list[IdChange], kind: str, run_id: str) -> list[dict[str, Any]]:
    """Merges and splits one event each; creations one summary event per run."""
    rows = []
    for change in changes:
        if change.kind == "create":
            continue
        digest = hashlib.sha256(f"{run_id}|{change.kind}|{change.entity_id}".encode()).hexdigest()
        rows.append({
            "event_id": f"ev-{digest[:16]}", "kind": change.kind, "entity_type": kind,
            "entity_id": change.entity_id, "other_ids": change.other_ids,
            "record_ids": change.record_ids,
            "previous_ids": [p or "" for p in change.previous_ids],
            "count": len(change.record_ids), "reverses": None,
        })  # fmt: skip
    created = [c for c in changes if c.kind == "create"]
    if created:
        rows.append({
            "event_id": f"ev-{run_id}-{kind}-create", "kind": "create", "entity_type": kind,
            "entity_id": None, "other_ids": [], "record_ids": [], "previous_ids": [],
            "count": len(created), "reverses": None,
        })  # fmt: skip
    return rows


def _review_rows(
    pairs: pd.DataFrame, label: dict[str, str], kind: str, floor: float, threshold: float,
    decided: set[frozenset[str]], evidence: _Evidence,
) -> list[dict[str, Any]]:  # fmt: skip
    """Uncertain model pairs left in different clusters, not yet decided by a reviewer."""
    band = pairs[(pairs["cluster_score"] >= floor) & (pairs["cluster_score"] < threshold)]
    rows = []
    for idx, a, b, p, w in zip(
        band.index.tolist(), band["unique_id_l"].tolist(), band["unique_id_r"].tolist(),
        band["match_probability"].tolist(), band["match_weight"].tolist(), strict=True,
    ):  # fmt: skip
        if a not in label or b not in label or label[a] == label[b]:
            continue
        if frozenset((a, b)) in decided:
            continue
        first, second = sorted((str(a), str(b)))
        fields, levels, weights = evidence(int(idx))
        digest = hashlib.sha256(f"{kind}|{first}|{second}".encode()).hexdigest()[:16]
        rows.append({
            "review_id": f"rev-{digest}", "kind": kind, "record_a": first, "record_b": second,
            "match_probability": float(p), "match_weight": float(w),
            "evidence_fields": fields, "evidence_levels": levels, "evidence_weights": weights,
        })  # fmt: skip
    return rows


def _bulk_keys(
    ctx: RunContext, report: KindReport, rows: list[dict[str, Any]], keys: dict[str, Any]
) -> bool:
    """Whether this write sets so many keys that rebuilding their indexes after it is cheaper:
    a full run writing the keys of at least half of its records, and of enough of them."""
    at_least = ctx.settings.resolution_key_index_rebuild_at
    writing = len(keys) + sum(row["keys"] is not None for row in rows)
    return bool(at_least) and report.mode == "full" and writing >= max(at_least, report.records / 2)


def resolve_kind(ctx: RunContext, kind: sm.EntityKind, *, incremental: bool) -> KindReport:
    """Resolve every record of ``kind`` (or only the new ones) and write the result back."""
    started = time.perf_counter()
    report = KindReport(kind, "incremental" if incremental else "full")
    # Before anything is read: a record its source deleted no longer makes up its entity.
    detached = removals.detach_deleted(ctx.db, kind, run_id=ctx.run_id, at=ctx.at, by=ctx.by)
    report.removed, report.retired = detached.records, detached.retired
    ctx.touched[kind] = set(detached.entities)
    floor = ctx.settings.resolution_review_floor * 0.5
    saved = scoring.saved_state(ctx.db, ctx.settings, kind) if incremental else None
    if saved is None:
        report.mode = "full"
        scored = scoring.score_everyone(ctx.db, ctx.settings, kind, floor)
    else:
        scored = scoring.score_new(ctx.db, ctx.settings, kind, floor, *saved)
    if scored is None:
        report.seconds = time.perf_counter() - started
        return report
    model, pairs, involved, prior = scored.model, scored.pairs, scored.involved, scored.prior
    report.records, report.pairs_scored = scored.read, len(pairs)
    report.capped_records = scored.capped_records
    report.capped_blocks = block_caps.summary(scored.capped)
    if scored.capped:
        log.warning(
            "%s: %d records share a blocking value with more than %d others and were not "
            "paired on it (by rule value: %s)",
            kind, report.capped_records, block_caps.BLOCK_CAP, report.capped_blocks,
        )  # fmt: skip
    report.model_version = model.version
    report.new_records = sum(e is None for e in prior.values())
    pairs = _with_rules(pairs, kind)
    accepted, rejected = store.read_decisions(ctx.db, kind)
    threshold = ctx.settings.resolution_threshold
    vetoes = _vetoes(pairs, ctx.settings.resolution_veto_below)
    result = cluster(
        involved, pairs, threshold, [*accepted, *scored.must], rejected, vetoes,
        _exclusive_values(kind, scored.records),
    )  # fmt: skip
    involved_prior = {r: prior.get(r) for r in involved}

    def issued(wanted: list[str]) -> Container[str]:
        if report.mode == "incremental":  # look up only the ids it would mint
            return store.IssuedAmong(ctx.db, kind, wanted)
        return store.read_issued_ids(ctx.db, kind)

    ids, changes = assign_ids(result.label, involved_prior, _ID_PREFIX[kind], issued)
    ctx.touched[kind] |= set(ids.values()) | {p for p in involved_prior.values() if p is not None}
    raw = scored.records
    ctx.records[kind] = raw.assign(
        entity_id=[
            ids.get(r, e)
            for r, e in zip(raw["record_id"].tolist(), raw["entity_id"].tolist(), strict=True)
        ]
    )
    evidence = _Evidence(pairs, sm.level_labels(model))
    batch = ctx.settings.batch_size
    # Only around building rows (dicts by the million, none cyclic): pausing the collector
    # for the whole run kept Splink's and pandas' cyclic garbage alive (+25% peak at 100k).
    with collector_paused():
        rows = _link_rows(involved, ids, prior, result, evidence)
        # A record's keys travel with its link when it gets one (one write, not two).
        keys = {row["record_id"]: row["keys"] for row in scored.key_rows}
        for row in rows:
            row["keys"] = keys.pop(row["record_id"], None)
    ctx.keep_lock()
    with store.key_indexes_dropped(ctx.db, kind, drop=_bulk_keys(ctx, report, rows, keys)):
        report.links_written = store.write_links(
            ctx.db, kind, rows, batch, run_id=ctx.run_id, at=ctx.at, model_version=model.version
        )
        keys_only = [{"record_id": r, "keys": k} for r, k in keys.items()]
        store.write_keys(ctx.db, kind, keys_only, batch)
    redirect = {old: c.entity_id for c in changes if c.kind == "merge" for old in c.other_ids}
    vacated = sorted({p for p in involved_prior.values() if p is not None} - set(ids.values()))
    report.retired += store.retire_entities(
        ctx.db, kind, vacated, redirect, run_id=ctx.run_id, at=ctx.at
    )
    store.write_events(
        ctx.db, _event_rows(changes, kind, ctx.run_id), batch,
        run_id=ctx.run_id, at=ctx.at, model_version=model.version, by=ctx.by,
    )  # fmt: skip
    report.created = sum(c.kind == "create" for c in changes)
    report.merges = sum(c.kind == "merge" for c in changes)
    report.splits = sum(c.kind == "split" for c in changes)
    decided = {frozenset(p) for p in (*accepted, *rejected)}
    with collector_paused():
        reviews = _review_rows(
            pairs, result.label, kind, ctx.settings.resolution_review_floor, threshold, decided,
            evidence,
        )  # fmt: skip
    ctx.keep_lock()
    report.reviews_opened = store.write_reviews(
        ctx.db, reviews, batch, run_id=ctx.run_id, at=ctx.at, model_version=model.version
    )
    # Saved last: the next incremental run counts this run's records only once they are in.
    ctx.keep_lock()  # an erasure meanwhile took its person's values out of the counts
    scored.counts.save(scoring.counts_path(ctx.settings, kind))
    report.entities = len(set(ids.values()))
    if scored.frame is not None:
        report.charts = _charts(ctx, scored.frame, model)
    report.seconds = time.perf_counter() - started
    log.info("resolved %s: %s", kind, report)
    return report


def _charts(ctx: RunContext, frame: pd.DataFrame, model: sm.TrainedModel) -> list[str]:
    """Save the model's charts; a chart failure never fails the run."""
    try:
        paths = sm.save_charts(
            frame, model, ctx.settings.resolution_backend, ctx.settings.resolution_dir / "charts"
        )
    except Exception as exc:  # charts are a convenience, resolution results are already saved
        log.warning("could not save resolution charts: %s", exc)
        return []
    return [str(p) for p in paths]
