"""GraphRAG personalized copy (issue #5): graph facts + vector search → cited, guarded drafts.

The public surface is these few names; everything else in the package is internal.

    with CopyService(db, settings) as service:
        [draft] = service.write("cus-…", Channel.EMAIL)

`write_demo_copy` is the demo pipeline's step (embed content, draft one e-mail for a few
customers who consented to e-mail).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ConsentError, CopyError
from graph.settings import Settings
from models.copy.context import Channel, Fact
from models.copy.drafts import export_approved, get_draft, list_drafts, review
from models.copy.embeddings import MiniLMEmbeddings, embedding_status, refresh_embeddings
from models.copy.rails import CopyText, Verdict
from models.copy.rules import CopyRules, load_rules
from models.copy.service import CopyService, DraftResult

log = logging.getLogger(__name__)

__all__ = [
    "Channel",
    "ConsentError",
    "CopyError",
    "CopyRules",
    "CopyService",
    "CopyText",
    "DemoCopySummary",
    "DraftResult",
    "Fact",
    "MiniLMEmbeddings",
    "Verdict",
    "embedding_status",
    "export_approved",
    "get_draft",
    "list_drafts",
    "load_rules",
    "refresh_embeddings",
    "review",
    "write_demo_copy",
]


#: What the demo's drafts record as their origin (`requested_by`): the command that ran them.
DEMO_ORIGIN = "marketgraph demo"


@dataclass
class DemoCopySummary:
    """What the demo's copy step did."""

    embedded: int
    drafts: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    passed: int = 0
    writer: str = "grounded"


def write_demo_copy(db: Database, settings: Settings, customers: int = 3) -> DemoCopySummary:
    """Embed content, then draft one grounded e-mail for a few customers who consented to
    e-mail and have purchase history (so the copy has something personal to cite)."""
    embeddings = MiniLMEmbeddings(settings.copy_embed_batch_size)
    embedded = refresh_embeddings(db, embeddings, batch_size=settings.copy_embed_batch_size)
    summary = DemoCopySummary(embedded=embedded)
    rules = load_rules(settings.copy_rules_path)
    candidates = [
        str(r["customer_id"])
        for r in db.query(
            load_query("copy/demo_customers"),
            {
                "excluded_statuses": rules.excluded_record_statuses,
                "require_order": True,
                "limit": customers,
            },
        )
    ]
    with CopyService(db, settings, embeddings=embeddings, rules=rules) as service:
        for customer_id in candidates:
            try:
                [draft] = service.write(
                    customer_id, Channel.EMAIL, writer="grounded", requested_by=DEMO_ORIGIN
                )
            except CopyError as exc:  # one unusable customer must not stop the demo
                log.warning("demo copy for %s skipped: %s", customer_id, exc)
                continue
            summary.customers.append(customer_id)
            summary.drafts.append(draft.draft_id)
            summary.passed += int(draft.passed)
    return summary
