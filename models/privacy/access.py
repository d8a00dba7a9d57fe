"""A person's right of access (GDPR art. 15): everything the graph holds about them, as JSON.

Why beside the erasure: the same people ask both ("what do you hold about me?", then "delete
it"), and an honest answer is the graph's own: each source record as its system exported it
with the link that joined it to the customer (model version, rule, per-field evidence), the
interactions and order lines behind every score, the scores and recommendations with their
model versions and reasons, the copy drafted for them, the history of merges and splits, and
the reviewers' notes on pairs naming their records (`cypher/privacy/personal_data.cypher`).
Provenance properties stay on every part (source system, source id, runs, timestamps): they
say where each fact came from, which article 15 asks for too. Blocking keys (`rk_*`) and row
hashes are internal derivatives and are left out.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from graph.cypher_catalog import load_query
from graph.db import Database
from models.privacy.erasure import check_customer

#: Record properties that are the pipeline's bookkeeping, not facts about the person.
INTERNAL_PREFIXES = ("rk_", "row_hash")
#: Stands for a record of someone else that a reviewer compared with the person's.
OTHER_RECORD = "another person's record"
#: The export format's version, for whoever reads the file later.
FORMAT = "marketgraph.personal-data/1"


def personal_data(db: Database, customer_id: str) -> dict[str, Any]:
    """Everything about ``customer_id`` as plain JSON values (temporals as ISO text).

    Raises ResolutionError for an unknown customer, and for one merged into another (the
    survivor holds the records now: export that one)."""
    check_customer(db, customer_id, "export that customer")
    [row] = db.query(load_query("privacy/personal_data"), {"customer_id": customer_id})
    for record in row["records"]:
        for key in [k for k in record if k.startswith(INTERNAL_PREFIXES)]:
            del record[key]
    own = {str(r["record_id"]) for r in row["records"]}
    for review in row["reviews"]:  # the other side of a pair may be another person (art. 15(4))
        for side in ("record_a", "record_b"):
            if review[side] not in own:
                review[side] = OTHER_RECORD
    answer = {"format": FORMAT, "exported_at": datetime.now(UTC).isoformat(), **row}
    plain: dict[str, Any] = json.loads(json.dumps(answer, default=_plain))
    return plain


def _plain(value: Any) -> Any:
    """Neo4j temporals as ISO text; anything else JSON cannot hold, as text."""
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)
