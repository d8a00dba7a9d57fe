"""The Splink models: training, scoring, saved models and charts (what they compare and which
pairs they look at: ``comparisons``; how common a name is: ``frequencies``).

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
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from graph.errors import ResolutionError
from models.resolution import block_caps, comparisons, spark_session
from models.resolution.comparisons import IDENTIFIER
from models.resolution.comparisons import EntityKind as EntityKind
from models.resolution.frequencies import PopulationCounts, full_name_frequencies

log = logging.getLogger(__name__)

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


def is_current(model: TrainedModel) -> bool:
    """True when a saved model compares the fields this code prepares (older ones may not)."""
    saved = [c.get("output_column_name") for c in model.settings.get("comparisons", [])]
    return saved == comparisons.compared_fields(model.kind)


def _digest(settings: dict[str, Any]) -> str:
    text = json.dumps(settings, sort_keys=True, default=str)
    return "m-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def db_api(backend: Backend) -> Any:
    """A Splink database API for the configured backend (Spark imported only when chosen)."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    try:
        from splink import SparkAPI
    except ImportError as exc:
        raise ResolutionError(
            "MARKETGRAPH_RESOLUTION_BACKEND=spark needs pyspark and Java 17: "
            "`pip install 'marketgraph[spark]'`, or set MARKETGRAPH_RESOLUTION_BACKEND=duckdb"
        ) from exc
    spark = spark_session.session()
    api: Any = SparkAPI  # untyped in Splink
    # Splink's jar functions (jaro_winkler, ...) once per session: re-registering only warns.
    fresh = not spark.catalog.functionExists("jaro_winkler")
    return api(
        spark_session=spark, break_lineage_method="persist", register_udfs_automatically=fresh
    )


def _register(api: Any, frame: pd.DataFrame, name: str) -> Any:
    """Register ``frame`` under ``name``; on Spark under a unique name, since Spark's tables
    live in the process-wide session and a second run (or ``predict_new`` after ``predict``)
    would find the first run's table there."""
    if api.sql_dialect.sql_dialect_str == "spark":
        name = f"{name}_{uuid.uuid4().hex[:8]}"
        getattr(api, "_marketgraph_views", []).append(name)
    return api.register(frame, dataset_display_name=name)


@contextmanager
def _released(api: Any) -> Iterator[Any]:
    """Yield ``api``; afterwards, on Spark, drop the tables it registered and the ones Splink
    persisted, which would otherwise stay cached in the long-lived session run after run."""
    api._marketgraph_views = []
    try:
        yield api
    finally:
        if api.sql_dialect.sql_dialect_str == "spark":
            # Every table this API's queries made (Splink's own clean-up forgets some on
            # Spark), and the frames registered; dropTempView also uncaches each one.
            made = {df.physical_name for df in api._intermediate_table_cache.executed_queries}
            for view in {*made, *api._created_tables, *api._marketgraph_views}:
                api.spark.catalog.dropTempView(view)
            api._created_tables.clear()


#: Share of all true duplicate pairs that also share an exact identifier (e-mail or phone for
#: people, domain for companies). People keep several addresses (personal, work, an old one),
#: so only about half of a person's record pairs share one.
_DETERMINISTIC_RECALL: dict[EntityKind, float] = {"customer": 0.6, "account": 0.6}


def _estimate_prior(linker: Any, table: Any, kind: EntityKind) -> Any:
    """Estimate the prior that two random records match from exact-identifier pairs.

    Why not a constant: each person has a handful of records whatever the population, so the
    prior falls as 1/N. A constant tuned at 10k records is ~10x too generous at 100k, and
    then a shared common name alone is enough to link two people (and chain their clusters).
    Keeps the settings' constant when the data has no exact-identifier pairs (a tiny CRM, or
    a clean export where no two records share an e-mail or phone): Splink then either raises
    or sets a prior of 0, with which every later match weight is log(0). Returns the linker
    to carry on with (a new one from the settings before, if the estimate was unusable).
    """
    from splink import Linker

    rules = comparisons.identifier_rules(kind)
    before = linker.misc.save_model_to_json()
    try:
        linker.training.estimate_probability_two_random_records_match(
            rules, recall=_DETERMINISTIC_RECALL[kind]
        )
    except Exception as exc:  # no pairs at all: Splink refuses a zero prior
        log.warning("prior for %s kept at its default: %s", kind, exc)
        return linker
    prior = linker.misc.save_model_to_json().get("probability_two_random_records_match")
    if isinstance(prior, float | int) and 0.0 < prior < 1.0 and math.isfinite(prior):
        return linker
    log.warning("prior for %s kept at its default: no exact-identifier pairs", kind)
    return Linker(table, before, log_level=logging.WARNING)


def train(frame: pd.DataFrame, kind: EntityKind, backend: Backend) -> TrainedModel:
    """Train unsupervised: u by random sampling, then m by EM on two blocking rules.

    With too few records for EM (a tiny CRM), the model keeps Splink's default m values
    rather than failing: they still rank exact agreements far above disagreements.
    """
    from splink import Linker

    frame = block_caps.ensure(kind, frame)
    with _released(db_api(backend)) as api:
        table = _register(api, frame, f"{kind}_train")
        linker: Any = Linker(table, comparisons.settings(kind), log_level=logging.WARNING)
        linker = _estimate_prior(linker, table, kind)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=_SEED)
        for rule in comparisons.training_rules(kind):
            before = linker.misc.save_model_to_json()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except Exception as exc:  # Splink raises plain exceptions when a block is empty
                log.warning("EM on %s skipped for %s records: %s", rule, kind, exc)
                # A failed session leaves the linker mid-training (the blocked comparison
                # removed, the session's prior in place); carry on from the model before it.
                linker = Linker(table, before, log_level=logging.WARNING)
        settings = _clamp_m(linker.misc.save_model_to_json())
    return TrainedModel(kind, settings, _digest(settings))


#: Lowest m probability any level may have. EM on blocks where matches never disagree drives a
#: disagreement towards 0 (a -100 weight), so one typo in a postcode, or a second address at the
#: same provider, would veto a match.
_MIN_LEVEL_M = 0.01


def _clamp_m(settings: dict[str, Any]) -> dict[str, Any]:
    for comparison in settings.get("comparisons", []):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for level in levels:  # None: a level never seen in training
            level["m_probability"] = max(level.get("m_probability") or 0.0, _MIN_LEVEL_M)
    return settings


#: Records per predict chunk. Splink materialises every blocked pair with both records'
#: columns before ``_kept`` filters them: at 1.3M records one piece peaked at 11.8 GiB in 80 s,
#: three pieces at 5.1 GiB in 97 s, with the same pairs.
PREDICT_CHUNK_RECORDS = 500_000


def predict(
    frame: pd.DataFrame, model: TrainedModel, backend: Backend, floor: float, veto: float = 0.0,
    chunk_records: int = PREDICT_CHUNK_RECORDS,
) -> pd.DataFrame:  # fmt: skip
    """Score every blocked pair within ``frame``; keep those from ``floor`` up, and those
    below ``veto`` (the model's confident non-matches, which clustering keeps apart).

    Large frames are scored in chunks of left-hand records (Splink's ``predict_chunk``: each
    pair falls in exactly one chunk), each filtered and dropped before the next, so memory
    holds one chunk's blocked pairs rather than all of them.
    """
    from splink import Linker

    frame = block_caps.ensure(model.kind, frame)  # a caller's own frame (tests, benchmarks)
    with _released(db_api(backend)) as api:
        table = _register(api, frame, f"{model.kind}_all")
        linker: Any = Linker(table, _in_dialect(model, backend), log_level=logging.WARNING)
        tf_counts = PopulationCounts.of(frame, _tf_columns(model.settings))
        _register_term_frequencies(linker, api, frame, model, tf_counts)
        chunks = max(1, math.ceil(len(frame) / chunk_records))
        parts = []
        for chunk in range(1, chunks + 1):
            scored = linker.inference.predict_chunk(
                left_chunk=(chunk, chunks), right_chunk=(1, 1),
                threshold_match_probability=None, warning_mode="never",
            )  # fmt: skip
            parts.append(_tidy(_kept(linker, scored, model, floor, veto)))
            scored.drop_table_from_database_and_remove_from_cache()
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _in_dialect(model: TrainedModel, backend: Backend) -> dict[str, Any]:
    """The model's settings with its SQL in ``backend``'s dialect.

    Why: a saved model is Splink SQL for the backend that trained it (DuckDB's ``"col_l"`` is
    an identifier, Spark reads it as a string literal; ``jaro_winkler_similarity`` is
    ``jaro_winkler`` on Spark), so after switching backends an incremental run would load
    SQL the other engine misreads. The comparisons are rendered afresh for ``backend`` and
    the trained parameters kept, level by level (``is_current`` guarantees the same levels).
    The blocking rules are always this code's: a model saved before the block-size cap
    (``block_caps``) would otherwise pair everyone sharing a placeholder name.
    """
    fresh = comparisons.settings(model.kind).get_settings(backend).as_dict()
    rules = "blocking_rules_to_generate_predictions"
    if model.settings.get("sql_dialect", backend) == backend:
        return model.settings | {rules: fresh[rules]}
    out = json.loads(json.dumps(model.settings))
    for key in ("sql_dialect", rules):
        out[key] = fresh[key]
    for saved, new in zip(out["comparisons"], fresh["comparisons"], strict=True):
        levels = zip(saved["comparison_levels"], new["comparison_levels"], strict=True)
        for level, rendered in levels:
            level["sql_condition"] = rendered["sql_condition"]
    return out  # type: ignore[no-any-return]


def _kept(linker: Any, scored: Any, model: TrainedModel, floor: float, veto: float) -> pd.DataFrame:
    """Scored pairs from ``floor`` up, below ``veto`` or agreeing on the identifier, with only
    the columns resolution reads (filtered and projected in the database). ``same_identifier``
    marks pairs whose identifier (e-mail, domain) agrees exactly: the deterministic rule."""
    gammas = [f"gamma_{c['output_column_name']}" for c in model.settings.get("comparisons", [])]
    same = f"{IDENTIFIER[model.kind]}_l = {IDENTIFIER[model.kind]}_r"
    sql = (
        "SELECT unique_id_l, unique_id_r, match_probability, match_weight, match_key, "
        f"{', '.join(gammas)}, coalesce({same}, false) AS same_identifier "
        f"FROM {scored.physical_name} "
        f"WHERE match_probability >= {float(floor)!r} OR match_probability < {float(veto)!r} "
        f"OR {same}"
    )
    kept = linker.misc.query_sql(sql)
    try:
        if kept.db_api.sql_dialect.sql_dialect_str == "duckdb":  # Arrow: no Python strings
            return kept.as_pyarrow_table().to_pandas()  # type: ignore[no-any-return]
        return kept.as_pandas_dataframe()  # type: ignore[no-any-return]
    finally:
        kept.drop_table_from_database_and_remove_from_cache()


def predict_new(
    new: pd.DataFrame, existing: pd.DataFrame, model: TrainedModel, backend: Backend,
    floor: float, veto: float = 0.0, counts: PopulationCounts | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Score new records against existing ones and among themselves, with the saved model.

    Existing-vs-existing pairs are never formed, so an incremental run costs in proportion to
    the new records and their blocks, not to the population. ``existing`` may be only the
    records the blocking rules pair the new ones with (``blocking_keys``); term frequencies
    then come from ``counts``, the whole population's (default: ``existing`` and ``new``).
    """
    from splink import Linker

    population = pd.concat([existing, new], ignore_index=True)
    counts = counts if counts is not None else population_counts(population, model)
    new, existing = block_caps.ensure_both(model.kind, new, existing, counts)
    with _released(db_api(backend)) as api:
        new_sdf = _register(api, new, f"{model.kind}_new")
        parts = []
        linker: Any = Linker(new_sdf, _in_dialect(model, backend), log_level=logging.WARNING)
        _register_term_frequencies(linker, api, population, model, counts)
        if len(new) > 1:
            within = linker.inference.predict_within(
                new_sdf, threshold_match_probability=None, warning_mode="never"
            )
            parts.append(_tidy(_kept(linker, within, model, floor, veto)))
        if len(existing):
            old_sdf = _register(api, existing, f"{model.kind}_existing")
            between = linker.inference.predict_between(
                new_sdf, old_sdf, threshold_match_probability=None, warning_mode="never"
            )
            parts.append(_tidy(_kept(linker, between, model, floor, veto)))
        return pd.concat(parts, ignore_index=True) if parts else _tidy(pd.DataFrame())


def population_counts(
    frame: pd.DataFrame, model: TrainedModel, blocks_from: int = 1
) -> PopulationCounts:
    """The counts ``predict_new`` needs for the term frequencies of ``model`` and the block
    caps (``block_caps``: blocking values held ``blocks_from`` times or more), over ``frame``."""
    tf = PopulationCounts.of(frame, _tf_columns(model.settings))
    blocks = block_caps.counts(model.kind, frame, blocks_from)
    return PopulationCounts(PopulationCounts._tidy([tf.table, blocks.table]))  # no overlap


def _register_term_frequencies(
    linker: Any, api: Any, compared: pd.DataFrame, model: TrainedModel, counts: PopulationCounts
) -> None:
    """Register each term-frequency lookup for the values of ``compared``, as shares of the
    population ``counts`` describes (full names: ``frequencies``, not Splink's counts)."""
    for column in _tf_columns(model.settings):
        if column == "full_name_canon":
            table = full_name_frequencies(compared, counts)
        else:
            table = counts.term_frequencies(column, compared[column])
        lookup = _register(api, table.astype({column: "string"}), f"{model.kind}_tf_{column}")
        linker.table_management.register_term_frequency_lookup(lookup, column)


def _tf_columns(settings: dict[str, Any]) -> list[str]:
    columns = {
        str(level["tf_adjustment_column"])
        for comparison in settings.get("comparisons", [])
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    return sorted(columns)


def _tidy(scored: pd.DataFrame) -> pd.DataFrame:
    """Pairs as (left, right, probability, weight, rule, gamma_* columns)."""
    if scored.empty:
        return pd.DataFrame(
            columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight", "rule",
                     "same_identifier"]
        )  # fmt: skip
    keep = [c for c in scored.columns if c.startswith("gamma_") or c == "same_identifier"]
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
    """Match-weight and m/u charts as PNG images and as HTML with Vega inlined.

    Why inlined: Splink's HTML loads Vega from a CDN, so an analyst on a machine without
    internet (or behind a proxy) opened a blank page; vl-convert bundles Vega and renders the
    PNG without a browser.
    """
    from splink import Linker

    folder.mkdir(parents=True, exist_ok=True)
    with _released(db_api(backend)) as api:
        sample = block_caps.ensure(model.kind, frame.head(1000))
        table = _register(api, sample, f"{model.kind}_charts")
        linker: Any = Linker(table, _in_dialect(model, backend), log_level=logging.WARNING)
        charts: dict[str, Any] = {
            "match_weights": linker.visualisations.match_weights_chart(),
            "m_u_parameters": linker.visualisations.m_u_parameters_chart(),
        }
    written: list[Path] = []
    for name, chart in charts.items():
        stem = folder / f"{model.kind}-{name}-{model.version}"
        chart.save(str(stem.with_suffix(".html")), inline=True)
        written.append(stem.with_suffix(".html"))
        try:
            chart.save(str(stem.with_suffix(".png")))
            written.append(stem.with_suffix(".png"))
        except Exception as exc:  # a broken vl-convert install: the HTML still shows it
            log.warning("PNG export of %s skipped: %s", name, exc)
    return written
