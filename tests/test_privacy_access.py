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
from graph.errors import ResolutionError
from graph.settings import Settings
from models.privacy.access import FORMAT, OTHER_RECORD, personal_data
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
        "customer_id: $c, body: 'Hi Jane'})-[:FOR]->(c)", {"c": customer}, write=True
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
    assert [d["body"] for d in answer["drafts"]] == ["Hi Jane"]
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
    with pytest.raises(ResolutionError, match=f"merged into {customer}"):
        personal_data(db, "cus-was")


def test_personal_data_from_the_command_line_is_a_private_file(
    resolved: tuple[Database, ResolutionReport], cli: Cli, tmp_path: Path
) -> None:
    db, _ = resolved
    customer, records, _ = _person_with_call_notes(db)
    out = tmp_path / "dsar.json"
    done = cli("personal-data", "--customer", customer, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [r["record_id"] for r in json.loads(out.read_text())["records"]] == records
    shown = cli("personal-data", "--customer", customer)
    assert json.loads(shown.stdout)["customer"]["customer_id"] == customer
    unknown = cli("personal-data", "--customer", "cus-nobody")
    assert unknown.returncode != 0 and "no customer" in unknown.stderr + unknown.stdout
