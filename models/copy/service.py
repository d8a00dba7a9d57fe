"""Writing copy end to end: retrieve → write → rails → (regenerate | fall back) → store.

Why one service object: a writing session shares expensive things — the embedding model, the
vector store's connection, the catalog index the fact-check reads, the best-seller lists of
the fallback product rule and (for the LLM writer) the loaded chat model — across many
customers. The CLI writes for one customer, the demo for a few, the benchmark for thousands,
all through `CopyService.write`.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from langchain_core.embeddings import Embeddings

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ConsentError, CopyError
from graph.settings import Settings
from models.copy.claims import CatalogIndex
from models.copy.context import Channel, Retrieved
from models.copy.drafts import now_iso, store_drafts
from models.copy.embeddings import MiniLMEmbeddings, embedding_status
from models.copy.grounded import GroundedWriter, Written
from models.copy.llm import LLMWriter
from models.copy.rails import Guardrails, Verdict
from models.copy.retrieval import Retriever
from models.copy.rules import CopyRules, load_rules

log = logging.getLogger(__name__)


@dataclass
class Attempt:
    """One text a writer produced and what the rails said about it."""

    written: Written
    verdict: Verdict

    def as_json(self) -> dict[str, Any]:
        """The stored form: who wrote it, which rails failed, and the text itself."""
        return {
            "writer": self.written.writer, "writer_version": self.written.writer_version,
            "template": self.written.template, "passed": self.verdict.passed,
            "failed_rails": [r.as_json() for r in self.verdict.failed],
            "subject": self.written.copy.subject, "body": self.written.copy.body,
        }  # fmt: skip


@dataclass
class BatchReport:
    """What `write_batch` did: drafts stored, and customers skipped with the reason."""

    drafts: list[str] = field(default_factory=list)
    passed: int = 0
    blocked: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class DraftResult:
    """One variant's final text, its verdict and provenance (stored as a CopyDraft)."""

    draft_id: str
    retrieved: Retrieved
    final: Attempt
    requested_writer: str
    variant: int
    attempts: list[Attempt] = field(default_factory=list)
    stored: bool = False

    @property
    def passed(self) -> bool:
        """True when the final text passed every rail (it is a reviewable draft)."""
        return self.final.verdict.passed

    @property
    def fell_back(self) -> bool:
        """True when an LLM was asked but the grounded writer produced the final text."""
        return self.requested_writer != self.final.written.writer

    def citations(self) -> list[dict[str, Any]]:
        """Each claim with the facts it rests on (CopyDraft.citations)."""
        return [c.as_json() for c in self.final.verdict.claims]

    def row(self, campaign_id: str | None) -> dict[str, Any]:
        """The parameters of `copy/create_drafts` for this draft."""
        choice = self.retrieved.choice
        w = self.final.written
        rails = {
            "passed": self.passed,
            "coverage": round(self.final.verdict.coverage, 4),
            "final": [r.as_json() for r in self.final.verdict.results],
            "attempts": [a.as_json() for a in self.attempts],
            "fell_back_to_grounded": self.fell_back,
        }
        return {
            "draft_id": self.draft_id, "customer_id": self.retrieved.customer.customer_id,
            "sku": choice.product.sku, "campaign_id": campaign_id,
            "model_version": choice.model_version, "channel": self.retrieved.channel.value,
            "variant": self.variant, "template": w.template, "subject": w.copy.subject,
            "body": w.copy.body, "writer": w.writer, "writer_version": w.writer_version,
            "requested_writer": self.requested_writer,
            "citations": json.dumps(self.citations(), ensure_ascii=False, default=str),
            "rail_results": json.dumps(rails, ensure_ascii=False, default=str),
            "explanation": choice.explanation, "product_rule": choice.rule,
            "passed": self.passed,
        }  # fmt: skip


class CopyService:
    """A writing session over one database; close it (or use `with`) when done."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        embeddings: Embeddings | None = None,
        chat_model: Any = None,
        rules: CopyRules | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.rules = rules or load_rules(settings.copy_rules_path)
        self.embeddings = embeddings or MiniLMEmbeddings(settings.copy_embed_batch_size)
        self.retriever = Retriever(db, settings, self.rules, self.embeddings)
        self.grounded = GroundedWriter(self.rules)
        self.run_id = f"copy-{now_iso()}-{uuid.uuid4().hex[:6]}"
        self._chat_model = chat_model
        self._llm: LLMWriter | None = None
        self._rails: Guardrails | None = None
        self._warned_embeddings = False

    def __enter__(self) -> CopyService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the vector store's connection."""
        self.retriever.close()

    @property
    def rails(self) -> Guardrails:
        """The guardrails, with the catalog index loaded once per session."""
        if self._rails is None:
            catalog = CatalogIndex(self.db.query(load_query("copy/catalog")))
            self._rails = Guardrails(self.db, self.rules, catalog)
        return self._rails

    @property
    def llm(self) -> LLMWriter:
        """The LLM writer (ConfigurationError with what to set when no model is configured)."""
        if self._llm is None:
            self._llm = LLMWriter(self.settings, self.rules, self._chat_model)
        return self._llm

    def retrieve(
        self, customer_id: str, channel: Channel, *, sku: str | None = None,
        campaign_id: str | None = None,
    ) -> Retrieved:  # fmt: skip
        """The customer's facts for a channel; ConsentError if they have not consented to it."""
        if not self._warned_embeddings:
            self._warned_embeddings = True
            missing = embedding_status(self.db)["missing"]
            if missing:
                log.warning("%d content items have no embedding: run `marketgraph copy embed` "
                            "so copy can link related content", missing)  # fmt: skip
        ctx = self.retriever.customer(customer_id)
        if not ctx.consent.get(channel.value, False):
            log.info("no %s copy for %s: %s not granted", channel.value, customer_id,
                     self.rules.consent_flag(channel))  # fmt: skip
            raise ConsentError(
                f"{customer_id} has not consented to {channel.value} "
                f"({self.rules.consent_flag(channel)} is not granted by their records, or one "
                "record denies it); no copy was written"
            )
        return self.retriever.complete(ctx, channel, sku=sku, campaign_id=campaign_id)

    def write(
        self,
        customer_id: str,
        channel: Channel,
        *,
        sku: str | None = None,
        variants: int = 1,
        writer: str | None = None,
        campaign_id: str | None = None,
        store: bool = True,
        requested_by: str = "marketgraph",
    ) -> list[DraftResult]:
        """Write `variants` texts for one customer; each passes the rails or is stored as
        rejected by the guardrails with its reasons. LLM texts that fail are regenerated once
        with the failures as feedback, then replaced by the grounded writer's text. The drafts
        record `requested_by` (who asked)."""
        writer = writer or self.settings.copy_writer
        most = self.grounded.template_count(channel)
        if writer == "grounded" and variants > most:
            raise CopyError(
                f"the grounded writer has {most} distinct {channel.value} templates; "
                f"ask for at most {most} variants"
            )
        llm = self.llm if writer == "llm" else None  # fail fast on a missing model
        retrieved = self.retrieve(customer_id, channel, sku=sku, campaign_id=campaign_id)
        grounded = self.grounded.write(retrieved, variants)
        results: list[DraftResult] = []
        for i in range(max(1, variants)):
            fallback = grounded[i % len(grounded)]
            attempts: list[Attempt] = []
            if llm is not None:
                feedback = None
                for _ in range(2):
                    text = llm.write(retrieved, i, feedback)
                    attempts.append(Attempt(text, self.rails.check(text.copy, retrieved)))
                    if attempts[-1].verdict.passed:
                        break
                    feedback = attempts[-1].verdict.feedback()
                    log.info("llm text for %s failed rails (%s)", customer_id,
                             ", ".join(r.rail for r in attempts[-1].verdict.failed))  # fmt: skip
            if not attempts or not attempts[-1].verdict.passed:
                attempts.append(Attempt(fallback, self.rails.check(fallback.copy, retrieved)))
            results.append(DraftResult(
                draft_id=f"cd-{uuid.uuid4().hex[:16]}", retrieved=retrieved, final=attempts[-1],
                requested_writer=writer, variant=i, attempts=attempts,
            ))  # fmt: skip
        if store:
            rows = [r.row(campaign_id) for r in results]
            store_drafts(self.db, rows, self.run_id, by=requested_by)
            for r in results:
                r.stored = True
        return results

    def write_batch(
        self,
        customer_ids: list[str],
        channel: Channel,
        *,
        requested_by: str,
        writer: str | None = None,
        flush_every: int = 500,
    ) -> BatchReport:
        """One variant each for many customers, stored in batched transactions. Customers who
        cannot get copy (no consent, erased, nothing to promote) are counted, not raised.
        `requested_by` is what the drafts record as their origin (the job, command or script
        that ran the batch): no default, since only the caller knows it."""
        report = BatchReport()
        pending: list[dict[str, Any]] = []
        for customer_id in customer_ids:
            try:
                [result] = self.write(customer_id, channel, writer=writer, store=False)
            except ConsentError:
                report.skipped["no consent"] = report.skipped.get("no consent", 0) + 1
                continue
            except CopyError as exc:
                head = str(exc).split(":")[0]  # the reason without ids or dates, to count
                reason = re.sub(r"'[^']*'|cus-\w+|\d{4}-\d\d-\d\d", "…", head)
                report.skipped[reason] = report.skipped.get(reason, 0) + 1
                continue
            pending.append(result.row(None))
            report.drafts.append(result.draft_id)
            report.passed += int(result.passed)
            report.blocked += int(not result.passed)
            if len(pending) >= flush_every:
                store_drafts(self.db, pending, self.run_id, by=requested_by)
                pending = []
        store_drafts(self.db, pending, self.run_id, by=requested_by)
        return report
