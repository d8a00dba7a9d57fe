"""Reviewers' decisions as labels: exported in Splink's labels format, and used to measure how
far the current model agrees with the people who reviewed its uncertain pairs.

Why measure against them: the demo's ground truth exists only for generated data; on a real
customer base the reviewers' accepts and rejects are the only truth there is. Every run obeys
them as must-link / cannot-link, so the clusters always agree; the model's own scores need
not, and how often they disagree (at the match threshold) says whether it is time to retrain
or move the threshold. Splink's `accuracy_analysis_from_labels_table` scores each labelled pair
with the saved model (no blocking: every label is scored), with the same term frequencies an
incremental run uses.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from models.resolution import scoring, store
from models.resolution import splink_model as sm
from models.resolution.frequencies import PopulationCounts

log = logging.getLogger(__name__)

#: The columns of Splink's labels table for a dedupe model (no source_dataset columns).
SPLINK_COLUMNS = ["unique_id_l", "unique_id_r", "clerical_match_score"]


def read_labels(db: Database, kind: sm.EntityKind) -> pd.DataFrame:
    """Every decided pair of ``kind``: Splink's label columns, then who decided, when, why."""
    rows = db.query(load_query("resolution/read_labels"), {"kind": kind})
    frame = pd.DataFrame(
        rows,
        columns=["review_id", "record_a", "record_b", "clerical_match_score", "decided_by",
                 "decided_at", "note", "model_version", "match_probability", "entity_a",
                 "entity_b", "origin"],
    )  # fmt: skip
    return frame.rename(columns={"record_a": "unique_id_l", "record_b": "unique_id_r"})[
        [*SPLINK_COLUMNS, "review_id", "decided_by", "decided_at", "note", "origin",
         "model_version", "match_probability", "entity_a", "entity_b"]
    ]  # fmt: skip


@dataclass(frozen=True)
class LabelAgreement:
    """The saved model's calls at the match threshold against reviewers' labels."""

    kind: str
    model_version: str
    threshold: float
    labels: int
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int
    #: Decisions an unmerge or a rejoin pinned, left out: they hold an operation's result in
    #: place, they are no one's judgement of that pair.
    pinned: int = 0

    @property
    def precision(self) -> float | None:
        called = self.true_positives + self.false_positives
        return self.true_positives / called if called else None

    @property
    def recall(self) -> float | None:
        matches = self.true_positives + self.false_negatives
        return self.true_positives / matches if matches else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def agreement(db: Database, settings: Settings, kind: sm.EntityKind) -> LabelAgreement | None:
    """How the saved model scores the pairs people judged; None with no saved model or no
    such labels whose records both still resolve (a deleted record's labels drop out)."""
    saved = scoring.saved_state(db, settings, kind)
    labels = read_labels(db, kind).dropna(subset=["entity_a", "entity_b"])
    judged = labels["origin"] == "review"
    pinned, labels = int((~judged).sum()), labels[judged]
    if saved is None or labels.empty:
        return None
    model, counts = saved
    entities = sorted(set(labels["entity_a"]) | set(labels["entity_b"]))
    members = store.read_members(db, kind, entities)
    wanted = set(labels["unique_id_l"]) | set(labels["unique_id_r"])
    raw = members[members["record_id"].isin(wanted)].reset_index(drop=True)
    frame = scoring.frame_for(kind, raw, counts)
    scores = _threshold_table(frame, labels[SPLINK_COLUMNS], model, settings, counts)
    measured = _agreement(kind, model.version, settings.resolution_threshold, labels, scores)
    return dataclasses.replace(measured, pinned=pinned)


def _agreement(
    kind: str, version: str, threshold: float, labels: pd.DataFrame, scores: pd.DataFrame
) -> LabelAgreement:
    """Count the confusion matrix at ``threshold`` from Splink's per-threshold table."""
    weight = math.log2(threshold / (1 - threshold))
    positives = int((labels["clerical_match_score"] >= 0.5).sum())
    negatives = len(labels) - positives
    # Rows are Splink's candidate thresholds; a pair is called a match when its weight is at
    # or above one, so the first row at or above ours classifies as ours does.
    above = scores[scores["truth_threshold"] >= weight - 1e-9].sort_values("truth_threshold")
    row = {str(k): v for k, v in above.iloc[0].to_dict().items()} if len(above) else {}
    tp = int(row.get("tp", 0))
    fp = int(row.get("fp", 0))
    return LabelAgreement(
        kind, version, threshold, len(labels), tp, fp, negatives - fp, positives - tp
    )


def _threshold_table(
    frame: pd.DataFrame, labels: pd.DataFrame, model: sm.TrainedModel, settings: Settings,
    counts: PopulationCounts,
) -> pd.DataFrame:  # fmt: skip
    """Splink's accuracy table (tp, fp, ... per candidate match-weight threshold) of the
    labelled pairs of ``frame``, scored by ``model`` with the population's term frequencies."""
    from splink import Linker

    with sm._released(sm.db_api(settings.resolution_backend)) as api:
        table = sm._register(api, frame, f"{model.kind}_labelled")
        settings_dict = dict(sm._in_dialect(model, settings.resolution_backend))
        # Every label is scored: with the blocking rules in place, Splink scores a labelled
        # pair no rule would generate as a certain non-match, whatever its fields say.
        settings_dict["blocking_rules_to_generate_predictions"] = []
        linker: Any = Linker(table, settings_dict, log_level=logging.WARNING)
        sm._register_term_frequencies(linker, api, frame, model, counts)
        labels_table = sm._register(
            api,
            labels.astype({"unique_id_l": "string", "unique_id_r": "string"}),
            f"{model.kind}_labels",
        )
        result = linker.evaluation.accuracy_analysis_from_labels_table(
            labels_table, output_type="table", match_weight_round_to_nearest=None
        )
        try:
            return result.as_pandas_dataframe()  # type: ignore[no-any-return]
        finally:
            result.drop_table_from_database_and_remove_from_cache()
