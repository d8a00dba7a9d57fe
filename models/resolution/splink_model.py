"""The Splink models: comparisons, blocking, training, scoring, saved models and charts.

Why Splink's Fellegi-Sunter model: it trains without labels (u from random pairs, m by EM),
every score decomposes into per-field match weights a reviewer can read, and the same model
runs on DuckDB (one machine, up to a few million records) or Spark (a cluster), chosen by
`Settings.resolution_backend`. Blocking rules are equality joins only, so comparisons grow with
block sizes rather than with the square of the population.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from graph.errors import ResolutionError

log = logging.getLogger(__name__)

EntityKind = Literal["customer", "account"]
Backend = Literal["duckdb", "spark"]

#: Fixed seed for u sampling: the same data gives the same model, so re-runs change nothing.
_SEED = 42


@dataclass(frozen=True)
class TrainedModel:
    """A trained model as Splink's JSON, with a version that is a digest of its parameters."""

    kind: EntityKind
    settings: dict[str, Any]
    version: str

    def save(self, folder: Path) -> Path:
        """Write the model to ``folder/<kind>-<version>.json`` and ``<kind>-latest.json``."""
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.settings, indent=2, sort_keys=True, default=str)
        path = folder / f"{self.kind}-{self.version}.json"
        path.write_text(text, encoding="utf-8")
        (folder / f"{self.kind}-latest.json").write_text(text, encoding="utf-8")
        return path

    @classmethod
    def load_latest(cls, folder: Path, kind: EntityKind) -> TrainedModel | None:
        """The last saved model of this kind, or None if resolution never ran here."""
        path = folder / f"{kind}-latest.json"
        if not path.is_file():
            return None
        settings = json.loads(path.read_text(encoding="utf-8"))
        return cls(kind, settings, _digest(settings))


def _digest(settings: dict[str, Any]) -> str:
    text = json.dumps(settings, sort_keys=True, default=str)
    return "m-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _settings(kind: EntityKind) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if kind == "customer":
        return SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            probability_two_random_records_match=1e-4,
            comparisons=[
                cl.ForenameSurnameComparison(
                    "first_name_canon",
                    "last_name",
                    forename_surname_concat_col_name="full_name_canon",
                ),
                # Starting m (EM refines it): people keep several addresses, so about half
                # of a person's record pairs share one; a different address is weak evidence.
                cl.ExactMatch("email").configure(
                    term_frequency_adjustments=True, m_probabilities=[0.5, 0.5]
                ),
                cl.ExactMatch("phone"),
                cl.ExactMatch("postcode"),
                cl.JaroWinklerAtThresholds("city", [0.9]),
                cl.JaroWinklerAtThresholds("company", [0.9]),
                cl.ExactMatch("country"),
            ],
            blocking_rules_to_generate_predictions=_blocking("customer"),
            retain_intermediate_calculation_columns=True,
            additional_columns_to_retain=["source_system"],
        )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1e-3,
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88]),
            cl.ExactMatch("domain"),
            cl.JaroWinklerAtThresholds("city", [0.9]),
            cl.ExactMatch("country"),
            cl.ExactMatch("industry"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name"),
            block_on("domain"),
            block_on("substr(name, 1, 4)", "country"),
        ],
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source_system"],
    )


def _blocking(kind: EntityKind) -> list[Any]:
    """Equality-join blocking rules; each keeps blocks small even at a million records."""
    from splink import block_on

    if kind == "account":
        return [block_on("name"), block_on("domain"), block_on("substr(name, 1, 4)", "country")]
    return [
        block_on("email"),
        block_on("phone"),
        block_on("first_name_canon", "last_name"),
        block_on("email_local"),
        "l.first_name_canon = r.last_name AND l.last_name = r.first_name_canon",
        block_on("last_name", "postcode"),
        block_on("last_name", "company"),
        block_on("substr(first_name_canon, 1, 1)", "last_name", "city"),
    ]


def _training_rules(kind: EntityKind) -> list[Any]:
    from splink import block_on

    if kind == "account":
        return [block_on("name"), block_on("domain")]
    return [block_on("email"), block_on("first_name_canon", "last_name")]


def db_api(backend: Backend) -> Any:
    """A Splink database API for the configured backend (Spark imported only when chosen)."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    try:
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise ResolutionError(
            "MARKETGRAPH_RESOLUTION_BACKEND=spark needs pyspark and Java 17: "
            "`pip install pyspark`, or set MARKETGRAPH_RESOLUTION_BACKEND=duckdb"
        ) from exc
    spark = (
        SparkSession.builder.appName("marketgraph-resolution")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    api: Any = SparkAPI  # untyped in Splink
    return api(spark_session=spark, break_lineage_method="persist")


def _register(api: Any, frame: pd.DataFrame, name: str) -> Any:
    return api.register(frame, dataset_display_name=name)


#: Share of all true duplicate pairs that also share an exact identifier (e-mail or phone for
#: people, domain for companies). People keep several addresses (personal, work, an old one),
#: so only about half of a person's record pairs share one.
_DETERMINISTIC_RECALL: dict[EntityKind, float] = {"customer": 0.6, "account": 0.6}


def _estimate_prior(linker: Any, kind: EntityKind) -> None:
    """Estimate the prior that two random records match from exact-identifier pairs.

    Why not a constant: each person has a handful of records whatever the population, so the
    prior falls as 1/N. A constant tuned at 10k records is ~10x too generous at 100k, and
    then a shared common name alone is enough to link two people (and chain their clusters).
    Keeps the settings' constant when the data has no exact-identifier pairs (a tiny CRM).
    """
    from splink import block_on

    rules = [block_on("email"), block_on("phone")] if kind == "customer" else [block_on("domain")]
    try:
        linker.training.estimate_probability_two_random_records_match(
            rules, recall=_DETERMINISTIC_RECALL[kind]
        )
    except Exception as exc:  # no pairs at all: Splink refuses a zero prior
        log.warning("prior for %s kept at its default: %s", kind, exc)


def train(frame: pd.DataFrame, kind: EntityKind, backend: Backend) -> TrainedModel:
    """Train unsupervised: u by random sampling, then m by EM on two blocking rules.

    With too few records for EM (a tiny CRM), the model keeps Splink's default m values
    rather than failing: they still rank exact agreements far above disagreements.
    """
    from splink import Linker

    table = _register(db_api(backend), frame, f"{kind}_train")
    linker: Any = Linker(table, _settings(kind), log_level=logging.WARNING)
    _estimate_prior(linker, kind)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=_SEED)
    for rule in _training_rules(kind):
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except Exception as exc:  # Splink raises plain exceptions when a block is empty
            log.warning("EM on %s skipped for %s records: %s", rule, kind, exc)
            # A failed session leaves the linker mid-training (the blocked comparison removed,
            # the session's prior in place); carry on from the model as it was before it.
            linker = Linker(table, before, log_level=logging.WARNING)
    settings = _clamp_disagreement(linker.misc.save_model_to_json())
    return TrainedModel(kind, settings, _digest(settings))


#: Lowest m probability a field's disagreement level may have. EM on blocks where matches never
#: disagree drives it towards 0 (a -100 weight), so one typo in a postcode would veto a match.
_MIN_DISAGREEMENT_M = 0.01


def _clamp_disagreement(settings: dict[str, Any]) -> dict[str, Any]:
    for comparison in settings.get("comparisons", []):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if levels and levels[-1].get("m_probability") is not None:
            levels[-1]["m_probability"] = max(levels[-1]["m_probability"], _MIN_DISAGREEMENT_M)
        for level in levels:
            if level.get("m_probability") is None:  # level never seen in training
                level["m_probability"] = _MIN_DISAGREEMENT_M
    return settings


def predict(
    frame: pd.DataFrame, model: TrainedModel, backend: Backend, floor: float
) -> pd.DataFrame:
    """Score every blocked pair within ``frame``; pairs below ``floor`` are dropped."""
    from splink import Linker

    api = db_api(backend)
    linker: Any = Linker(
        _register(api, frame, f"{model.kind}_all"), model.settings, log_level=logging.WARNING
    )
    _register_name_frequencies(linker, api, frame, model)
    scored = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
    return _tidy(scored.as_pandas_dataframe())


def predict_new(
    new: pd.DataFrame, existing: pd.DataFrame, model: TrainedModel, backend: Backend, floor: float
) -> pd.DataFrame:
    """Score new records against existing ones and among themselves, with the saved model.

    Existing-vs-existing pairs are never formed, so an incremental run costs in proportion to
    the new records and their blocks, not to the population.
    """
    from splink import Linker

    api = db_api(backend)
    new_sdf = _register(api, new, f"{model.kind}_new")
    parts = []
    # Term frequencies come from the whole population, as they did when the model was trained.
    population = pd.concat([existing, new], ignore_index=True)
    everyone = _register(api, population, f"{model.kind}_tf")
    linker: Any = Linker(everyone, model.settings, log_level=logging.WARNING)
    named = _register_name_frequencies(linker, api, population, model)
    for column in _tf_columns(model.settings):
        if column != named:
            linker.table_management.compute_tf_table(column)
    if len(new) > 1:
        within = linker.inference.predict_within(
            new_sdf, threshold_match_probability=floor, warning_mode="never"
        )
        parts.append(_tidy(within.as_pandas_dataframe()))
    if len(existing):
        old_sdf = _register(api, existing, f"{model.kind}_existing")
        between = linker.inference.predict_between(
            new_sdf, old_sdf, threshold_match_probability=floor, warning_mode="never"
        )
        parts.append(_tidy(between.as_pandas_dataframe()))
    return pd.concat(parts, ignore_index=True) if parts else _tidy(pd.DataFrame())


#: Smallest count of *other people* a full name is assumed to be shared with (see below).
_MIN_NAME_SHARERS = 0.1


def _register_name_frequencies(
    linker: Any, api: Any, population: pd.DataFrame, model: TrainedModel
) -> str | None:
    """Give the linker full-name term frequencies net of each person's own records.

    Why not Splink's own: it divides a name's record count by the population, counting the
    person's own records too. A name on exactly two records, which are nearly always one
    person, then looks as common as one shared by two strangers, and a rare full name alone
    never reaches the threshold. Here a name's frequency counts only the records expected to
    belong to other people: its count minus the record itself and the expected number of its
    duplicates (prior x population), floored at ``_MIN_NAME_SHARERS``. Returns the column
    name, or None when the model has no full-name term frequencies (accounts, older models).
    """
    column = "full_name_canon"
    if column not in _tf_columns(model.settings) or population.empty:
        return None
    counts = population[column].dropna().value_counts()
    n = len(population)
    prior = float(model.settings.get("probability_two_random_records_match", 0.0))
    others = (counts.astype("float64") - 1.0 - prior * (n - 1)).clip(lower=_MIN_NAME_SHARERS)
    table = pd.DataFrame({column: counts.index.astype("string"), f"tf_{column}": others / n})
    lookup = _register(api, table, f"{model.kind}_tf_{column}")
    linker.table_management.register_term_frequency_lookup(lookup, column)
    return column


def _tf_columns(settings: dict[str, Any]) -> list[str]:
    columns = {
        str(level["tf_adjustment_column"])
        for comparison in settings.get("comparisons", [])
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    return sorted(columns)


def _tidy(scored: pd.DataFrame) -> pd.DataFrame:
    """Pairs as (left, right, probability, weight, rule, gamma_*/bf_* columns)."""
    if scored.empty:
        return pd.DataFrame(
            columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight", "rule"]
        )
    keep = [c for c in scored.columns if c.startswith(("gamma_", "bf_"))]
    out = scored[["unique_id_l", "unique_id_r", "match_probability", "match_weight", *keep]].copy()
    out["rule"] = scored["match_key"].astype(str) if "match_key" in scored else ""
    return out


def level_labels(model: TrainedModel) -> dict[str, dict[int, tuple[str, float]]]:
    """For each compared field: gamma value → (level label, match weight log2(m/u))."""
    labels: dict[str, dict[int, tuple[str, float]]] = {}
    for comparison in model.settings.get("comparisons", []):
        name = comparison.get("output_column_name", "")
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        n = len(levels)
        by_gamma: dict[int, tuple[str, float]] = {-1: ("missing", 0.0)}
        for i, level in enumerate(levels):
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else 0.0
            by_gamma[n - 1 - i] = (str(level.get("label_for_charts", "")), round(weight, 3))
        labels[name] = by_gamma
    return labels


def save_charts(
    frame: pd.DataFrame, model: TrainedModel, backend: Backend, folder: Path
) -> list[Path]:
    """Match-weight and m/u charts as HTML (always) and PNG (when vl-convert is installed)."""
    from splink import Linker

    folder.mkdir(parents=True, exist_ok=True)
    linker: Any = Linker(
        _register(db_api(backend), frame.head(1000), f"{model.kind}_charts"), model.settings,
        log_level=logging.WARNING,
    )  # fmt: skip
    charts: dict[str, Any] = {
        "match_weights": linker.visualisations.match_weights_chart(),
        "m_u_parameters": linker.visualisations.m_u_parameters_chart(),
    }
    written: list[Path] = []
    for name, chart in charts.items():
        stem = folder / f"{model.kind}-{name}-{model.version}"
        chart.save(str(stem.with_suffix(".html")))
        written.append(stem.with_suffix(".html"))
        try:
            chart.save(str(stem.with_suffix(".png")))
            written.append(stem.with_suffix(".png"))
        except Exception as exc:  # no vl-convert: HTML is enough, PNG is a convenience
            log.info("PNG export of %s skipped: %s", name, exc)
    return written
