"""A person's right of access against the real Neo4j: the export holds every record behind
the customer with the link that joined it, their interactions (call notes, order lines), the
copy drafted for them and their history, each with provenance and nothing internal; unknown and
merged ids are named; the CLI writes a file only its owner can read."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from graph.db import Database
from graph.errors import MergedCustomerError, ResolutionError
from graph.settings import Settings
from models.privacy import erase
from models.privacy.access import FORMAT, OTHER_RECORD, WITHHELD, personal_data
from models.resolution import ResolutionReport, record_decision, resolve
from tests.resolution_fixtures import resolved
from tests.test_cli_resolution import Cli, cli
from tests.test_privacy_erasure import _person_with_call_notes

__all__ = ["cli", "resolved"]  # the fixtures, re-exported for pytest


def test_the_export_holds_every_fact_with_its_provenance_and_nothing_internal(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    customer, records, contact = _person_with_call_notes(db)
    db.query(
        "MATCH (c:Customer {customer_id: $c}) CREATE (d:CopyDraft {draft_id: 'd-access', "
        "customer_id: $c, body: 'Hi Jane'})-[:FOR]->(c) CREATE (s:CopyDraft {draft_id: "
        "'d-stopped', customer_id: $c, body: 'Hi Jane, like John Roe', status: 'rejected', "
        "rail_results: '[{\"rail\": \"pii\", \"detail\": \"name of another customer: "
        "john roe\"}]'})-[:FOR]->(c)", {"c": customer}, write=True
    )  # fmt: skip
    answer = personal_data(db, customer)

    assert answer["format"] == FORMAT and answer["customer"]["customer_id"] == customer
    assert [r["record_id"] for r in answer["records"]] == records
    for record in answer["records"]:
        assert record["source_system"] and record["source_id"] and record["first_run"]
        assert not [k for k in record if k.startswith("rk_") or k == "row_hash"]
        link = record["link"]
        assert link["model_version"] and link["rule"] and "evidence_fields" in link
    noted = [i for i in answer["interactions"] if i.get("notes")]
    assert noted and all(i["record_id"] == f"crm:{contact}" for i in noted)
    assert all(isinstance(i["occurred_at"], str) for i in answer["interactions"])
    assert [d["body"] for d in answer["drafts"]] == ["Hi Jane", WITHHELD]
    assert "john roe" not in json.dumps(answer).lower()
    json.dumps(answer)  # plain JSON throughout

    singles = db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, collect(r.record_id) AS records WHERE size(records) = 1 "
        "RETURN records[0] AS r ORDER BY r LIMIT 2"
    )
    a, b = singles[0]["r"], singles[1]["r"]
    record_decision(db, "customer", a, b, "accepted", "kim", "same person, she phoned")
    resolve(db, settings, incremental=True)
    [merged] = db.query(
        "MATCH (:CustomerRecord {record_id: $r})-[:RESOLVES_TO]->(c) RETURN c.customer_id AS c",
        {"r": a},
    )
    joined = personal_data(db, merged["c"])
    assert sorted(r["record_id"] for r in joined["records"]) == sorted([a, b])
    assert [e["kind"] for e in joined["history"]] == ["merge"]
    assert [(r["status"], r["note"]) for r in joined["reviews"]] == [
        ("accepted", "same person, she phoned")
    ]
    c = db.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c:Customer {status: 'active'}) "
        "WHERE NOT r.record_id IN $ab RETURN r.record_id AS r LIMIT 1", {"ab": [a, b]}
    )[0]["r"]  # fmt: skip
    record_decision(db, "customer", a, c, "rejected", "kim")  # someone else's record
    reviewed = personal_data(db, merged["c"])["reviews"]
    assert sorted(
        r["record_a"] + "|" + r["record_b"] for r in reviewed if r["status"] == "rejected"
    ) in (
        [f"{a}|{OTHER_RECORD}"],
        [f"{OTHER_RECORD}|{a}"],
    )

    with pytest.raises(ResolutionError, match="no customer"):
        personal_data(db, "cus-nobody")
    db.query(
        "CREATE (:Customer {customer_id: 'cus-was', status: 'merged', merged_into: $c})",
        {"c": customer}, write=True,
    )  # fmt: skip
    with pytest.raises(MergedCustomerError, match=f"merged into {customer}"):
        personal_data(db, "cus-was")


def test_personal_data_from_the_command_line_is_a_private_file(
    resolved: tuple[Database, ResolutionReport], cli: Cli, tmp_path: Path
) -> None:
    db, _ = resolved
    customer, records, _ = _person_with_call_notes(db)
    out = tmp_path / "dsar.json"
    out.write_text("an older export\n")
    out.chmod(0o644)  # a file that was readable by others before
    done = cli("personal-data", "--customer", customer, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [r["record_id"] for r in json.loads(out.read_text())["records"]] == records
    shown = cli("personal-data", "--customer", customer)
    assert json.loads(shown.stdout)["customer"]["customer_id"] == customer
    unknown = cli("personal-data", "--customer", "cus-nobody")
    assert unknown.returncode != 0 and "no customer" in unknown.stderr + unknown.stdout


def test_records_that_left_are_shown_and_other_peoples_ids_are_not(
    resolved: tuple[Database, ResolutionReport], settings: Settings
) -> None:
    db, _ = resolved
    [big] = db.query(
        "MATCH (c:Customer {status: 'active'})<-[:RESOLVES_TO]-(r:CustomerRecord) "
        "WITH c, collect(r.record_id) AS records WHERE size(records) >= 3 "
        "RETURN c.customer_id AS c, records ORDER BY c LIMIT 1"
    )
    first, *_, last = sorted(big["records"])
    record_decision(db, "customer", first, last, "rejected", "kim")  # two people: a split
    resolve(db, settings, incremental=True)
    [first_of, last_of] = [
        db.query(
            "MATCH (:CustomerRecord {record_id: $r})-[:RESOLVES_TO]->(c) "
            "RETURN c.customer_id AS c", {"r": r}
        )[0]["c"]
        for r in (first, last)
    ]  # fmt: skip
    assert first_of != last_of
    theirs = db.query(
        "MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(:Customer {customer_id: $c}) "
        "RETURN collect(r.record_id) AS ids", {"c": last_of}
    )[0]["ids"]  # fmt: skip
    mine = personal_data(db, first_of)
    text = json.dumps(mine)
    assert mine["history"] and all(r not in text for r in theirs)
    assert (last_of not in text) or last_of in mine["customer_ids"]

    customer, records, _ = _person_with_call_notes(db)  # two records or more
    report = erase(db, settings, record_ids=[records[-1]], reference="DSR-A", by="dpo")
    after = personal_data(db, customer)
    [gone] = after["removed_records"]
    assert gone["record_id"] == records[-1] and "full_name" not in gone
    assert [e["erasure_id"] for e in gone["erasures"]] == [report.erasure_id]
    assert [r["record_id"] for r in after["records"]] == records[:-1]
