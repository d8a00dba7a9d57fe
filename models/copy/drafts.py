"""Drafts in the graph: stored with their citations and rail results, reviewed by a human,
exported for sending only once approved.

Why the graph: a draft is linked to the customer, the product, the campaign and the model
version it came from, so "what did we say to this person, why, and who approved it" is one
traversal — the same place the facts behind it live. Review decisions are guarded in Cypher
(a draft that failed the rails, or was rejected, can never become approved).
"""

from __future__ import annotations

import csv
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import CopyError
from models.copy.rules import CopyRules

log = logging.getLogger(__name__)

EXPORT_FIELDS = [
    "draft_id", "customer_id", "channel", "to", "subject", "body", "sku", "writer",
    "writer_version", "approved_by", "approved_at", "reason",
]  # fmt: skip
_ALLOWED_FROM = {"approved": ["draft"], "rejected": ["draft", "approved"]}


def now_iso() -> str:
    """UTC now as ISO text (timestamps travel as text; Cypher makes them datetimes)."""
    return datetime.now(UTC).isoformat()


def store_drafts(
    db: Database, rows: list[dict[str, Any]], run_id: str, by: str = "marketgraph"
) -> int:
    """Write drafts (one transaction; idempotent per draft_id), recording who asked for them
    (`by`). Returns how many exist after."""
    if not rows:
        return 0
    result = db.query(
        load_query("copy/create_drafts"),
        {"rows": rows, "run_id": run_id, "now": now_iso(), "by": by},
        write=True,
    )
    return int(result[0]["created"]) if result else 0


def list_drafts(
    db: Database, *, status: str | None = None, customer_id: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Drafts, newest first, optionally filtered by status and/or customer."""
    return db.query(
        load_query("copy/list_drafts"),
        {"status": status, "customer_id": customer_id, "limit": limit},
    )


def get_draft(db: Database, draft_id: str) -> dict[str, Any]:
    """One draft with its citations and rail results decoded; CopyError if unknown."""
    rows = db.query(load_query("copy/get_draft"), {"draft_id": draft_id})
    if not rows:
        raise CopyError(f"unknown draft {draft_id!r} (see `marketgraph copy list`)")
    draft = dict(rows[0]["draft"])
    for key in ("citations", "rail_results"):
        if isinstance(draft.get(key), str):
            draft[key] = json.loads(draft[key])
    draft["product_name"] = rows[0]["product_name"]
    draft["price"] = rows[0]["price"]
    return draft


def review(
    db: Database, draft_id: str, decision: str, reviewer: str, reason: str | None
) -> dict[str, Any]:
    """Approve or reject a draft as `reviewer`; CopyError when the decision is not allowed."""
    if decision not in _ALLOWED_FROM:
        raise CopyError(f"decision must be 'approved' or 'rejected', not {decision!r}")
    if not reviewer.strip():
        raise CopyError("a review needs the reviewer's name (--reviewer)")
    rows = db.query(
        load_query("copy/review_draft"),
        {"draft_id": draft_id, "status": decision, "from": _ALLOWED_FROM[decision],
         "reviewer": reviewer, "reason": reason, "now": now_iso(),
         "run_id": f"review-{now_iso()}"},
        write=True,
    )  # fmt: skip
    if not rows:
        raise CopyError(f"unknown draft {draft_id!r} (see `marketgraph copy list`)")
    row = rows[0]
    if not row["changed"]:
        draft = get_draft(db, draft_id)
        why = (
            "it failed the guardrails (see `marketgraph copy show`)"
            if not draft.get("rails_passed")
            else f"it is {row['previous']}"
        )
        raise CopyError(f"draft {draft_id} cannot be {decision}: {why}")
    log.info("draft %s %s by %s (%s)", draft_id, decision, reviewer, reason or "no reason given")
    return dict(row)


def approved_for_export(db: Database, rules: CopyRules) -> tuple[list[dict[str, Any]], list[str]]:
    """Approved drafts whose customer may still be contacted on the draft's channel, and
    the ids skipped because consent was withdrawn (or the person erased) since approval."""
    rows = db.query(
        load_query("copy/approved_drafts"), {"excluded_statuses": rules.excluded_record_statuses}
    )
    ready: list[dict[str, Any]] = []
    skipped: list[str] = []
    for row in rows:
        flag = rules.consent[row["channel"]]
        if not row["contactable"] or not row[flag]:
            skipped.append(str(row["draft_id"]))
            continue
        to = row["email"] if row["channel"] == "email" else (
            row["phone"] if row["channel"] == "sms" else None)  # fmt: skip
        ready.append({**{k: row.get(k) for k in EXPORT_FIELDS if k != "to"}, "to": to})
    return ready, skipped


def export_approved(db: Database, rules: CopyRules, path: Path) -> tuple[int, list[str]]:
    """Write approved copy to `path` (.csv or .jsonl); returns (rows written, skipped ids)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise CopyError(f"export path must end in .csv or .jsonl, not {path.name!r}")
    ready, skipped = approved_for_export(db, rules)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        if suffix == ".csv":
            writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
            writer.writeheader()
            writer.writerows(ready)
        else:
            for row in ready:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("exported %d approved drafts to %s (%d skipped)", len(ready), path, len(skipped))
    return len(ready), skipped
