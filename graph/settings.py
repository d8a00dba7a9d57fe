"""The one settings object, read from `MARKETGRAPH_*` environment variables (and `.env`).

Why one object: every entry point (CLI, tests, API, jobs) must agree on where the database is,
where local state lives and how big batches are; scattering `os.environ` reads makes that drift.
`NEO4J_URI`/`NEO4J_USERNAME`/`NEO4J_PASSWORD` are also honoured because Aura, Docker and every
Neo4j tool use those names.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration for every marketgraph component; see README for the variables."""

    model_config = SettingsConfigDict(
        env_prefix="MARKETGRAPH_", env_file=".env", extra="ignore", populate_by_name=True
    )

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    log_format: Literal["console", "json"] = "console"

    # --- where things live -------------------------------------------------------------
    state_dir: Path = Field(
        default=Path(".marketgraph"),
        description="Project-local state: Neo4j data, logs, password file, quarantine.",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "marketgraph",
        description="Downloaded Neo4j jars, shared by every project on this machine.",
    )
    cypher_dir: Path = REPO_ROOT / "cypher"

    # --- an external Neo4j (Aura, Docker, a cluster): when set, no local server is used ---
    neo4j_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("MARKETGRAPH_NEO4J_URI", "NEO4J_URI")
    )
    neo4j_user: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("MARKETGRAPH_NEO4J_USER", "NEO4J_USERNAME", "NEO4J_USER"),
    )
    neo4j_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("MARKETGRAPH_NEO4J_PASSWORD", "NEO4J_PASSWORD"),
    )
    neo4j_database: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("MARKETGRAPH_NEO4J_DATABASE", "NEO4J_DATABASE"),
    )

    # --- the local Neo4j Community server marketgraph runs itself ------------------------
    neo4j_version: str = "5.26.19"
    neo4j_browser_version: str = "5.24.0"
    neo4j_bolt_port: int = 7687
    neo4j_http_port: int = 7474
    neo4j_heap: str = "1g"
    neo4j_pagecache: str = "512m"
    neo4j_start_timeout_s: float = 120.0
    java_home: Path | None = Field(
        default=None, validation_alias=AliasChoices("MARKETGRAPH_JAVA_HOME", "JAVA_HOME")
    )

    # --- ingestion -----------------------------------------------------------------------
    batch_size: int = Field(default=10_000, ge=1, le=100_000)
    source_timezone: str = Field(
        default="UTC",
        description="Time zone of the times an export writes without an offset (`2024-06-01 "
        "09:30`, as CRM reports often do): an IANA zone for every source (`Europe/Berlin`), or "
        "per source system, `crm=America/New_York,shop=Europe/Berlin,UTC` (an entry without "
        "`=` is every other system; deletion feeds and erasure logs are system `any`). Times "
        "with `Z` or an offset, and Parquet's typed timestamps, are exact whatever this says. "
        "Set it before a source's first load: a row re-read later with earlier times counts "
        "as an older export and is not applied.",
    )

    # --- entity resolution ---------------------------------------------------------------
    resolution_backend: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Splink backend: DuckDB on this machine, or Spark (needs pyspark + Java 17).",
    )
    spark_driver_memory: str = Field(
        default="4g",
        pattern=r"^[1-9][0-9]*[mg]$",
        description="Driver memory of the local Spark session (resolution_backend=spark).",
    )
    resolution_threshold: float = Field(
        default=0.7,
        gt=0,
        lt=1,
        description="Match probability at which two records are joined. 0.7 maximises pairwise "
        "F1 on the demo ground truth within 0.001 at 10k people (chosen on seed 7, confirmed on "
        "seed 13 and FEBRL; bench/README.md); raise it to trade recall for precision.",
    )
    resolution_review_floor: float = Field(
        default=0.3,
        gt=0,
        lt=1,
        description="Pairs from here up to the threshold become (:MatchReview) items.",
    )
    resolution_veto_below: float = Field(
        default=1e-3,
        ge=0,
        lt=1,
        description="Pairs the model scores below this are never put in one entity, whatever "
        "chain of other matches connects them (reviewers' accepts still do); 0 turns this off.",
    )

    resolution_key_index_rebuild_at: int = Field(
        default=500_000,
        ge=0,
        description="A full resolution run that writes the blocking keys of at least this many "
        "records (and of at least half of those it read) drops the key indexes for the write "
        "and rebuilds them in one scan after it (cheaper for 1M records, no gain at 100k: "
        "bench/README.md); 0 never drops them.",
    )

    # --- GraphQL API (api/graphql) -------------------------------------------------------
    api_keys: SecretStr | None = Field(
        default=None,
        description="`key:role,key:role` (roles viewer, marketer, analyst, admin). Required "
        "outside development; in development without keys every request is admin.",
    )
    api_cursor_secret: SecretStr | None = Field(
        default=None,
        description="Seals the API's pagination cursors (api/graphql/cursor_seal.py). Unset: "
        "a random key kept in <state dir>/api/cursor.key; set it (32+ random characters) when "
        "several hosts serve one API. Changing it invalidates outstanding cursors.",
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65_535)
    api_max_depth: int = Field(default=8, ge=2, le=50, description="GraphQL query depth limit.")
    api_max_tokens: int = Field(default=2_000, ge=50, description="Tokens per GraphQL document.")
    api_max_aliases: int = Field(default=15, ge=1, description="Aliases per GraphQL document.")
    api_max_page_size: int = Field(default=100, ge=1, le=1_000, description="Largest `first`.")
    api_max_cost: int = Field(
        default=50_000, ge=100,
        description="GraphQL query cost limit: objects a document may fetch, each field once "
        "times the page sizes of the lists above it (api/graphql/cost.py).",
    )  # fmt: skip
    api_gc_gen0: int = Field(
        default=50_000,
        ge=0,
        description="Allocations between young garbage collections in each API worker, whose "
        "start-up objects are also frozen out of collection; 0 keeps Python's defaults.",
    )
    api_ingest_dir: Path | None = Field(
        default=None,
        description="Server folder `ingestFile` may read from; unset disables the mutation.",
    )
    api_max_upload_mb: float = Field(
        default=100, gt=0, description="Largest file `uploadFile` accepts, in MB (MiB)."
    )
    graphiql_assets_dir: Path | None = Field(
        default=None,
        description="Local copy of GraphiQL's JS/CSS (scripts/graphiql_assets.py) served so "
        "GraphiQL works offline; unset = <state>/graphiql; incomplete = load from the CDN.",
    )

    # --- link prediction: cross-sell and propensity (models/linkpred) ---
    linkpred_horizon_days: int = Field(
        default=60,
        ge=7,
        le=365,
        description="Length of the 'next period' a model predicts, and of each temporal window.",
    )
    linkpred_top_k: int = Field(default=10, ge=1, le=100, description="Recommendations kept.")
    linkpred_epochs: int = Field(default=60, ge=1, le=2_000, description="GNN training epochs.")
    linkpred_hidden: int = Field(default=64, ge=8, le=512, description="GNN hidden width.")
    linkpred_seed: int = Field(default=7, description="Seed for every random choice in training.")
    linkpred_keep_versions: int = Field(
        default=3, ge=2, le=50, description="Model versions whose scores stay in the graph."
    )
    linkpred_max_psi: float = Field(
        default=0.25, ge=0.0, description="Population stability index above which promote refuses."
    )

    # --- GraphRAG copy (models/copy) -------------------------------------------------------
    copy_writer: Literal["grounded", "llm"] = Field(
        default="grounded",
        description="Default writer for `copy write`: templates over graph facts, or a chat model.",
    )
    copy_rules_path: Path | None = Field(
        default=None, description="Brand/compliance rules JSON; unset = models/copy/rules.json."
    )
    copy_embed_batch_size: int = Field(default=64, ge=1, le=4_096)
    llm_model: str | None = Field(
        default=None,
        description="Chat model for the LLM writer: 'llamacpp' (offline SmolLM2-135M), "
        "'llamacpp:/path.gguf', or a LangChain 'provider:model' (e.g. 'ollama:llama3.1').",
    )
    llm_temperature: float = Field(default=0.3, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=200, ge=16, le=4_096)
    llm_seed: int = Field(default=7, description="Sampling seed for local models (repeatable).")
    llm_threads: int | None = Field(default=None, ge=1, description="CPU threads for llama.cpp.")

    # --- refresh jobs (api/jobs.py, APScheduler) ------------------------------------------
    jobs_inbox_dir: Path | None = Field(
        default=None,
        description="Folder the refresh job loads new export files from; unset = <state>/inbox.",
    )
    jobs_refresh_cron: str | None = Field(
        default="*/30 * * * *",
        description="When `jobs schedule` / `serve --scheduler` runs refresh (crontab, UTC); "
        "empty = never.",
    )
    jobs_retrain_cron: str | None = Field(
        default="0 3 * * 0",
        description="When the scheduler retrains the models (crontab, UTC); empty = never.",
    )

    @field_validator("state_dir", "cache_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("jobs_refresh_cron", "jobs_retrain_cron")
    @classmethod
    def _crontab(cls, value: str | None) -> str | None:
        """Refuse a bad schedule at start-up rather than when the scheduler first fires."""
        if value is None or not value.strip():
            return None
        from graph.crontab import cron_trigger

        try:
            cron_trigger(value)
        except ValueError as exc:
            raise ValueError(f"not a crontab expression like '*/30 * * * *': {exc}") from exc
        return value.strip()

    @field_validator("source_timezone")
    @classmethod
    def _time_zones(cls, value: str) -> str:
        """Refuse an unknown zone at start-up, not on the first load that needs it."""
        _zones(value)
        return value.strip()

    def timezone_of(self, source_system: str) -> str:
        """The zone that `source_system`'s times without an offset are in."""
        zones = _zones(self.source_timezone)
        return zones.get(source_system, zones.get("", "UTC"))

    def timezone_systems(self) -> set[str]:
        """The source systems `source_timezone` names (ingestion checks they exist)."""
        return set(_zones(self.source_timezone)) - {""}

    @property
    def uses_external_neo4j(self) -> bool:
        """True when the user pointed marketgraph at a server it does not manage."""
        return bool(self.neo4j_uri)

    @property
    def local_neo4j_dir(self) -> Path:
        """Data, logs, config and password of the local server (git-ignored)."""
        return self.state_dir / "neo4j"

    @property
    def resolution_dir(self) -> Path:
        """Saved match models and their charts, one file per model version."""
        return self.state_dir / "resolution"

    @property
    def models_dir(self) -> Path:
        """Trained link-prediction model artifacts, one folder per model version."""
        return self.state_dir / "models"

    @property
    def inbox_dir(self) -> Path:
        """Where the refresh job looks for new export files."""
        return self.jobs_inbox_dir or self.state_dir / "inbox"

    @property
    def quarantine_dir(self) -> Path:
        """Where rejected rows are kept in full, one JSON Lines file per ingest run."""
        return self.state_dir / "quarantine"


@lru_cache(maxsize=8)
def _zones(value: str) -> dict[str, str]:
    """`crm=America/New_York,UTC` as {"crm": "America/New_York", "": "UTC"}; ValueError
    naming an entry that is not an IANA time zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zones: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        system, _, zone = entry.rpartition("=")
        try:
            ZoneInfo(zone.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{zone.strip()!r} is not a time zone; use an IANA name such as UTC or "
                "Europe/Berlin, or per source system crm=America/New_York,UTC"
            ) from None
        zones[system.strip().lower()] = zone.strip()
    return zones


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` after changing env."""
    return Settings()
