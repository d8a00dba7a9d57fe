"""A person's right of access (GDPR art. 15): everything the graph holds about them, as JSON.

Why beside the erasure: the same people ask both ("what do you hold about me?", then "delete
it"), and an honest answer is the graph's own: each source record as its system exported it
with the link that joined it to the customer (model version, rule, per-field evidence), the
records that left it (deleted at their source, or erased, with the request that covered them),
the interactions and order lines behind every score, the scores and recommendations with their
model versions and reasons, the copy drafted for them, the history of merges and splits, and
the review items naming their records with every decision (`cypher/privacy/personal_data.cypher`).
Scores, drafts and history written under an id later merged into the customer are theirs too.
Provenance properties stay on every part (source system, source id, runs, timestamps): they
say where each fact came from, which article 15 asks for too.

What is left out or masked, and why: blocking keys (`rk_*`) and row hashes are the pipeline's
bookkeeping; and a copy must not disclose other people (art. 15(4)), so a record or customer id
that is not this person's — the other side of a reviewed pair, a record a split sent to someone
else, a link's `matched_with` naming such a record — reads "another person's record" /
"another customer", and a draft the PII guardrail stopped for quoting another customer is
withheld. Reviewers' notes on a pair with someone else's record are withheld, and notes about
the person (their own pairs, their calls) lose the names, e-mails and phones of the people who
share an address, phone or e-mail with them (a household): `third_parties` says why.

Rows a load rejected (quarantined) are data held about the person too, until fixed or erased:
those carrying one of their source ids, e-mail addresses or phones as a whole field — the rule
an erasure scrubs them by — are listed in full from the quarantine files; a row found only by
a value someone else holds too is left out when it names that person's record, and listed
without its text when it names nobody (`third_parties`).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.errors import ResolutionError
from ingestion.contracts import CONTRACTS
from ingestion.quarantine_text import fields
from models.privacy import quarantine, third_parties
from models.privacy.erasure import check_customer, customers_and_merged_in
from models.privacy.third_parties import OTHER_CUSTOMER, OTHER_RECORD, Others

log = logging.getLogger(__name__)

#: Property names that are the pipeline's bookkeeping, not facts about the person.
INTERNAL_PREFIXES = ("rk_", "row_hash")
#: Stands for a draft's text that quoted another customer (its PII rail stopped it).
WITHHELD = "withheld: this draft quoted another customer"
#: Exports whose rows name person records of other systems by source id (ad clicks name web
#: visitors; deletion feeds and erasure logs any record, with its source type); None: any.
NAMES_RECORDS_OF: dict[str, set[str] | None] = {"ads": {"ads", "web"}, "any": None}
#: The export format's version, for whoever reads the file later.
FORMAT = "marketgraph.personal-data/4"


def personal_data(
    db: Database, customer_id: str, *, quarantine_dir: Path, by: str = "marketgraph"
) -> dict[str, Any]:
    """Everything about ``customer_id`` as plain JSON values (temporals as ISO text).

    ``quarantine_dir`` holds the rejected rows of every load (Settings.quarantine_dir): those
    that carry one of the person's source ids, e-mail addresses or phones are theirs too.
    Raises ResolutionError for an unknown customer, MergedCustomerError for one merged into
    another (the survivor holds the records now: export that one)."""
    check_customer(db, customer_id, "export that customer")
    ids = customers_and_merged_in(db, [customer_id])
    rows = db.query(
        load_query("privacy/personal_data"), {"customer_id": customer_id, "customer_ids": ids}
    )
    if not rows:  # merged between the check and the read
        check_customer(db, customer_id, "export that customer")
        raise ResolutionError(f"customer {customer_id} changed during the export; ask again")
    row = _without_internal(rows[0])
    _mask_others(row, set(ids))
    records = [*row["records"], *row["removed_records"]]
    others = third_parties.household(db, records)
    own = {str(r["record_id"]) for r in records}
    third_parties.redact_notes(row, others, own, set(ids))
    row["quarantined_rows"] = _quarantined(db, quarantine_dir, row, others)
    log.info("personal data of customer %s exported by %s", customer_id, by)
    answer = {
        "format": FORMAT, "exported_at": datetime.now(UTC).isoformat(), "exported_by": by,
        "customer_ids": ids, **row,
    }  # fmt: skip
    plain: dict[str, Any] = json.loads(json.dumps(answer, default=_plain))
    return plain


def _without_internal(value: Any) -> Any:
    """``value`` with every map's internal keys dropped, at any depth."""
    if isinstance(value, dict):
        return {
            k: _without_internal(v) for k, v in value.items() if not k.startswith(INTERNAL_PREFIXES)
        }
    if isinstance(value, list):
        return [_without_internal(v) for v in value]
    return value


def _mask_others(row: dict[str, Any], customers: set[str]) -> None:
    """Replace, in place, the ids of records and customers that are not this person's."""
    own = {str(r["record_id"]) for r in (*row["records"], *row["removed_records"])}

    def record(value: Any) -> Any:
        return value if value is None or str(value) in own else OTHER_RECORD

    def customer(value: Any) -> Any:
        return value if value is None or str(value) in customers else OTHER_CUSTOMER

    for linked in row["records"]:
        if linked.get("link"):
            linked["link"]["matched_with"] = record(linked["link"].get("matched_with"))
    for review in row["reviews"]:
        for item in (review, *review.get("decisions", [])):
            for side in ("record_a", "record_b"):
                if side in item:
                    item[side] = record(item[side])
    for event in row["history"]:
        event["record_ids"] = [record(r) for r in event.get("record_ids") or []]
        event["previous_ids"] = [customer(c) if c else c for c in event.get("previous_ids") or []]
        event["other_ids"] = [customer(c) for c in event.get("other_ids") or []]
        event["entity_id"] = customer(event.get("entity_id"))
    for draft in row["drafts"]:
        if "another customer" in str(draft.get("rail_results") or ""):
            for key in ("subject", "body", "rail_results", "explanation", "citations"):
                if key in draft:
                    draft[key] = WITHHELD


def _quarantined(
    db: Database, folder: Path, row: dict[str, Any], others: Others
) -> list[dict[str, Any]]:
    """The rejected rows that carry the person's e-mail addresses or phones, or the source id
    of one of their records in a row of that record's own system or of an export that names
    that system's records (NAMES_RECORDS_OF; an id alone says nothing in another system's
    export), as whole fields: in full from the quarantine files, plus any
    the graph still holds whose file is gone (its 2,000-character preview, marked so). Each
    says which of the person's values it matched. A row found only by an e-mail or phone
    ``others`` hold too is someone else's when it names their record (left out), and may be
    when it names nobody (its text and reason withheld): `third_parties`."""
    records = [*row["records"], *row["removed_records"]]
    contact = quarantine.needles(
        {"email": r.get("email"), "phone": r.get("phone")} for r in records
    )
    ids_in: dict[str, set[str]] = defaultdict(set)
    for record in records:
        ids_in[str(record.get("source_system"))] |= quarantine.needles([record]) - contact

    def judged(q: dict[str, Any], raw: str | None) -> dict[str, Any] | None:
        """``q`` as the export lists it, or None when it is not the person's."""
        contract = CONTRACTS.get(str(q.get("source_type")))
        system = contract.source_system if contract else ""
        systems = NAMES_RECORDS_OF.get(system, {system})
        named = systems if systems is not None else set(ids_in)
        matched = set(q["matched"])
        if matched & set().union(*(ids_in.get(s, set()) for s in named)):
            return q  # names one of their records: theirs, whoever shares its phone
        if not matched & contact:
            return None
        if third_parties.names_someone_else(fields(raw or ""), systems, others):
            return None  # a housemate's own row, found by the phone they share
        if matched & others.contact:
            return {**q, "raw": None, "reason": None, "withheld": third_parties.ROW_WITHHELD}
        return q

    wanted = contact.union(*ids_in.values())
    carrying = quarantine.rows_carrying(folder, wanted)
    in_files = {
        (q["source_type"], q["file"], q["row_number"], q["quarantine_file"]) for q in carrying
    }
    found = [j for q in carrying if (j := judged(q, q.get("raw"))) is not None]
    if wanted:
        nodes = db.query(load_query("privacy/quarantined_rows_naming"), {"needles": sorted(wanted)})
        for node in nodes:
            place = (node.pop("source_type"), node["file"], node["row_number"])
            if any((*place, f"{run}.jsonl") in in_files for run in node["runs"]):
                continue
            matched = quarantine.carried(node["raw"], node["reason"], wanted)
            node.pop("row_id")
            preview = {"source_type": place[0], **node, "matched": sorted(matched)}
            listed = judged(preview, node["raw"])
            if listed is not None:
                found.append({**listed, "preview_only": True})
    return sorted(found, key=lambda q: (str(q.get("file")), int(q.get("row_number") or 0)))


def _plain(value: Any) -> Any:
    """Neo4j temporals as ISO text; anything else JSON cannot hold, as text."""
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)
