"""A right-of-access export does not disclose other people (GDPR art. 15(4)), against the real
Neo4j: a housemate who shares the person's postal address and phone keeps their name, e-mail
and rejected rows out of it — a reviewer's note on a pair with the housemate's record is
withheld, notes about the person lose the housemate's name, the housemate's own rejected row
is left out and a row that may be either's is listed without its text — while the person's
own rows, decisions and notes stay."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from graph.db import Database
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.privacy.access import personal_data
from models.privacy.third_parties import (
    NOTE_WITHHELD,
    OTHER_CUSTOMER,
    OTHER_RECORD,
    REDACTED,
    ROW_WITHHELD,
    others_from,
)
from models.resolution import ResolutionReport, record_decision
from tests.resolution_fixtures import resolved
from tests.test_privacy_erasure_log import _shop_export

__all__ = ["resolved"]  # the fixture, re-exported for pytest


def _person_and_housemate(db: Database) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """A customer with a shop record holding an address and phone and another record, and
    someone else's shop record (a housemate to be) whose names share nothing with theirs."""
    [person] = db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(s:CustomerRecord "
        "{source_system: 'shop'}) WHERE s.street IS NOT NULL AND s.postcode IS NOT NULL "
        "AND s.phone IS NOT NULL MATCH (c)<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, s, collect(r.record_id) AS records WHERE size(records) >= 2 "
        "RETURN c.customer_id AS customer, s.source_id AS shop, s.full_name AS name, "
        "s.street AS street, s.postcode AS postcode, s.phone AS phone, records "
        "ORDER BY customer LIMIT 1"
    )
    parts = {p.lower() for p in str(person["name"]).split()}
    mates = db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(h:CustomerRecord "
        "{source_system: 'shop'}) WHERE c.customer_id <> $c AND h.full_name IS NOT NULL "
        "RETURN h.source_id AS shop, h.full_name AS name, h.email AS email "
        "ORDER BY h.source_id LIMIT 50", {"c": person["customer"]}
    )  # fmt: skip
    mate = next(m for m in mates if not parts & {p.lower() for p in str(m["name"]).split()})
    return person, sorted(person["records"]), mate


def test_the_access_export_keeps_a_housemates_data_out(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    db, _ = resolved
    person, records, mate = _person_and_housemate(db)
    shop = _shop_export(demo_dir).set_index("customer_id")
    # The housemate moves in: same street, postcode and landline (a later export says so).
    moved = shop.loc[[mate["shop"]]].copy()
    moved[["street", "postcode", "phone"]] = [person["street"], person["postcode"], person["phone"]]
    moved["updated_at"] = "2026-10-20T00:00:00Z"
    (tmp_path / "moved").mkdir()
    moved.reset_index().to_csv(tmp_path / "moved" / "shop_customers.csv", index=False)
    assert IngestRun(db, settings).run([tmp_path / "moved"]).files[0].updated == 1
    # Rejected rows carrying the shared phone: the housemate's own row, a row naming nobody
    # the graph knows (either's, or a third person's), and the person's own row.
    bad = pd.concat([moved, shop.loc[[person["shop"]]]])
    stranger = moved.copy()
    stranger.index = pd.Index(["S-NEW-LODGER"], name="customer_id")
    stranger["full_name"] = "Zebedee Lodgerton"
    bad = pd.concat([bad, stranger])
    bad["email"] = "not-an-email"
    (tmp_path / "bad").mkdir()
    bad.reset_index().to_csv(tmp_path / "bad" / "shop_customers.csv", index=False)
    assert IngestRun(db, settings).run([tmp_path / "bad"]).files[0].quarantined == 3

    mate_record = f"shop:{mate['shop']}"
    said = f"Not her: that is {mate['name']} ({mate['email']}), who lives with her"
    record_decision(db, "customer", records[0], mate_record, "rejected", "kim", said)
    own = f"Same person; {mate['name']} shares the flat, see {mate_record}"
    record_decision(db, "customer", records[0], records[1], "accepted", "kim", own)

    answer = personal_data(db, person["customer"], quarantine_dir=settings.quarantine_dir)

    text = json.dumps(answer)
    for secret in (mate["name"], mate["email"], mate["shop"], "Zebedee", "Lodgerton"):
        assert secret.lower() not in text.lower(), secret
    reviews = {r["status"]: r for r in answer["reviews"]}
    crossed, mine = reviews["rejected"], reviews["accepted"]
    assert crossed["note"] == NOTE_WITHHELD and crossed["decided_by"] == "kim"
    assert [d["note"] for d in crossed["decisions"]] == [NOTE_WITHHELD]
    assert mine["note"].startswith(f"Same person; {REDACTED} shares the flat")
    assert [d["note"] for d in mine["decisions"]] == [mine["note"]]
    rows = [q for q in answer["quarantined_rows"] if q["file"].endswith("bad/shop_customers.csv")]
    theirs = [q for q in rows if not q.get("withheld")]
    withheld = [q for q in rows if q.get("withheld")]
    assert len(theirs) == 1 and person["shop"] in theirs[0]["raw"]  # their own row, in full
    assert [(q["withheld"], q["raw"], q["reason"]) for q in withheld] == [
        (ROW_WITHHELD, None, None)
    ]
    assert withheld[0]["matched"] == [str(person["phone"]).lower()]
    # The person's own values stay: the shared phone is theirs too.
    assert person["phone"] in text and person["street"] in text


def test_redaction_takes_other_peoples_names_and_ids_and_leaves_the_persons_own() -> None:
    """No database: a father and son both named John Smith on one landline, and the father's
    wife Anna Smith on the family's e-mail address."""
    mine = [{
        "record_id": "crm:C1", "first_name": "John", "last_name": "Smith",
        "full_name": "John Smith", "email": "john@smith.example", "phone": "0123 456",
    }]  # fmt: skip
    theirs = [
        {"record_id": "shop:S9", "source_system": "shop", "source_id": "S9",
         "full_name": "John Smith", "email": "family@smith.example", "phone": "0123 456"},
        {"record_id": "crm:C2", "source_system": "crm", "source_id": "C2", "first_name": "Anna",
         "last_name": "Smith", "full_name": "Anna Smith", "email": "family@smith.example"},
    ]  # fmt: skip
    others = others_from(theirs, mine)
    note = (
        "John Smith phoned from 0123 456; Anna (family@smith.example, crm:C2, cus-0a1b) "
        "answered, see crm:C1 and cus-ffee"
    )
    assert others.redact(note, {"crm:C1"}, {"cus-ffee"}) == (
        f"John Smith phoned from 0123 456; {REDACTED} ({REDACTED}, {OTHER_RECORD}, "
        f"{OTHER_CUSTOMER}) answered, see crm:C1 and cus-ffee"
    )
    assert others.ids_in == {"shop": {"s9"}, "crm": {"c2"}}
    assert others.contact == {"0123 456", "family@smith.example"}
