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
    "draft_id", "customer_id", "channel", "variant", "to", "subject", "body", "sku", "writer",
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


def approved_for_export(
    db: Database, rules: CopyRules, *, again: bool = False
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Approved drafts that may be sent now, one per customer and channel, and the others by
    id with why they are held back (consent withdrawn, customer merged or erased, no address,
    product discontinued or changed since approval, another variant in this export). Drafts
    exported before are left out unless `again`."""
    rows = db.query(
        load_query("copy/approved_drafts"),
        {"excluded_statuses": rules.excluded_record_statuses, "again": again},
    )
    ready: list[dict[str, Any]] = []
    held: dict[str, str] = {}
    taken: set[tuple[str, str]] = set()
    for row in rows:
        to = row["email"] if row["channel"] == "email" else (
            row["phone"] if row["channel"] == "sms" else None)  # fmt: skip
        why = _held_back(row, rules, to)
        if why is None and (row["customer_id"], row["channel"]) in taken:
            why = (
                "another approved variant for this customer and channel is in this export (one "
                "message per person; the next export can send this one)"
            )
        if why is not None:
            held[str(row["draft_id"])] = why
            continue
        taken.add((row["customer_id"], row["channel"]))
        ready.append({**{k: row.get(k) for k in EXPORT_FIELDS if k != "to"}, "to": to})
    return ready, held


def _held_back(row: dict[str, Any], rules: CopyRules, to: str | None) -> str | None:
    """Why an approved draft must not be sent now, or None."""
    channel, sku = row["channel"], row["sku"]
    if row["customer_status"] == "merged" and row["merged_into"]:
        return f"its customer was merged into {row['merged_into']}: write it again for them"
    if not row["contactable"]:
        return "the customer was erased, retired or opted out of contact since approval"
    if not row[rules.consent[channel]]:
        return f"the customer withdrew {channel} consent since approval"
    if channel in ("email", "sms") and not to:
        return f"no {'e-mail address' if channel == 'email' else 'phone'} on a consenting record"
    if row["discontinued"]:
        return f"its product {sku} is discontinued"
    if row["product_changed"]:
        return f"its product {sku} changed since approval (price, name): write and review it again"
    return None


def export_approved(
    db: Database, rules: CopyRules, path: Path, *, again: bool = False
) -> tuple[int, dict[str, str]]:
    """Write approved copy to `path` (.csv or .jsonl) and remember it was exported; returns
    (rows written, held-back draft ids with why). `again` includes drafts exported before."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise CopyError(f"export path must end in .csv or .jsonl, not {path.name!r}")
    ready, held = approved_for_export(db, rules, again=again)
    partial = path.with_name(f".{path.name}.part")
    try:  # whole or not at all: a failed write leaves no half file and no earlier one lost
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as out:
            if suffix == ".csv":
                writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
                writer.writeheader()
                writer.writerows(ready)
            else:
                for row in ready:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CopyError(f"cannot write {path}: {exc.strerror or exc}") from None
    db.query(
        load_query("copy/mark_exported"),
        {"draft_ids": [r["draft_id"] for r in ready], "at": datetime.now(UTC), "file": path.name},
        write=True,
    )
    log.info("exported %d approved drafts to %s (%d held back)", len(ready), path, len(held))
    for draft_id, why in held.items():
        log.info("held back %s: %s", draft_id, why)
    return len(ready), held
