"""A person's right of access against the real Neo4j: the export holds every record behind
the customer with the link that joined it, their interactions (call notes, order lines), the
copy drafted for them and their history, each with provenance and nothing internal; unknown and
merged ids are named; the CLI writes a file only its owner can read."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from graph.db import Database
from graph.errors import MergedCustomerError, ResolutionError
from graph.settings import Settings
from ingestion.loader import IngestRun
from models.privacy import erase
from models.privacy.access import FORMAT, OTHER_RECORD, WITHHELD, personal_data
from models.resolution import ResolutionReport, record_decision, resolve
from tests.resolution_fixtures import resolved
from tests.test_cli_resolution import Cli, cli
from tests.test_privacy_erasure import _bad_rows, _contacts, _person_with_call_notes
from tests.test_privacy_erasure_log import _shop_export

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
    answer = personal_data(db, customer, quarantine_dir=settings.quarantine_dir)

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
    joined = personal_data(db, merged["c"], quarantine_dir=settings.quarantine_dir)
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
    reviewed = personal_data(db, merged["c"], quarantine_dir=settings.quarantine_dir)["reviews"]
    assert sorted(
        r["record_a"] + "|" + r["record_b"] for r in reviewed if r["status"] == "rejected"
    ) in (
        [f"{a}|{OTHER_RECORD}"],
        [f"{OTHER_RECORD}|{a}"],
    )

    with pytest.raises(ResolutionError, match="no customer"):
        personal_data(db, "cus-nobody", quarantine_dir=settings.quarantine_dir)
    db.query(
        "CREATE (:Customer {customer_id: 'cus-was', status: 'merged', merged_into: $c})",
        {"c": customer}, write=True,
    )  # fmt: skip
    with pytest.raises(MergedCustomerError, match=f"merged into {customer}"):
        personal_data(db, "cus-was", quarantine_dir=settings.quarantine_dir)


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
    mine = personal_data(db, first_of, quarantine_dir=settings.quarantine_dir)
    text = json.dumps(mine)
    assert mine["history"] and all(r not in text for r in theirs)
    assert (last_of not in text) or last_of in mine["customer_ids"]

    customer, records, _ = _person_with_call_notes(db)  # two records or more
    report = erase(db, settings, record_ids=[records[-1]], reference="DSR-A", by="dpo")
    after = personal_data(db, customer, quarantine_dir=settings.quarantine_dir)
    [gone] = after["removed_records"]
    assert gone["record_id"] == records[-1] and "full_name" not in gone
    assert [e["erasure_id"] for e in gone["erasures"]] == [report.erasure_id]
    assert [r["record_id"] for r in after["records"]] == records[:-1]


def test_rejected_rows_that_carry_the_person_are_in_their_export(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Rows a load quarantined are data held about the person: the export lists those carrying
    their ids, e-mail or phone, in full from the quarantine file — or the graph's preview when
    the file is gone — and none of anyone else's; an erasure takes them out of it."""
    db, _ = resolved
    customer, _, contact = _person_with_call_notes(db)
    contacts = _contacts(demo_dir)
    other = str(contacts[contacts["contact_id"] != contact]["contact_id"].iloc[0])
    bad = _bad_rows(tmp_path / "bad", contacts, [contact, other])
    loaded = IngestRun(db, settings).run([bad])
    email = str(contacts.loc[contacts["contact_id"] == contact, "email"].iloc[0])

    def rejected() -> list[dict[str, object]]:
        rows = personal_data(db, customer, quarantine_dir=settings.quarantine_dir)
        return [q for q in rows["quarantined_rows"] if q["file"] == str(bad / "crm_contacts.csv")]

    # The CRM contact's id in another system's export says nothing about them: not theirs.
    stranger = _shop_export(demo_dir).iloc[[0]].copy()
    stranger["customer_id"], stranger["email"] = contact, "not-an-email"
    (tmp_path / "shop").mkdir()
    stranger.to_csv(tmp_path / "shop" / "shop_customers.csv", index=False)
    assert IngestRun(db, settings).run([tmp_path / "shop"]).files[0].quarantined == 1

    # A deletion feed names records of any system: its rejected row naming them is theirs.
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "deleted_records.csv").write_text(
        f"source_type,source_id,deleted_at,reason\ncrm_contacts,{contact},not-a-time,gone\n"
    )
    IngestRun(db, settings).run([tmp_path / "feed"])
    everything = personal_data(db, customer, quarantine_dir=settings.quarantine_dir)
    feed = str(tmp_path / "feed" / "deleted_records.csv")
    [fed] = [q for q in everything["quarantined_rows"] if q["file"] == feed]
    assert fed["matched"] == [contact.lower()]

    [row] = rejected()
    assert email in str(row["raw"]) and "not-a-phone" in str(row["reason"])
    assert row["quarantine_file"] == Path(str(loaded.quarantine_file)).name
    assert email.lower() in row["matched"] and contact.lower() in row["matched"]
    everything = personal_data(db, customer, quarantine_dir=settings.quarantine_dir)
    assert other not in json.dumps(rejected())
    assert "shop/shop_customers.csv" not in json.dumps(everything["quarantined_rows"])
    kept = tmp_path / "kept.jsonl"
    shutil.move(str(loaded.quarantine_file), kept)  # the file is gone: the graph's copy shows
    try:
        [preview] = rejected()
    finally:
        shutil.move(kept, str(loaded.quarantine_file))
    assert preview["preview_only"] and email in str(preview["raw"])
    assert preview["runs"] == [loaded.run_id]

    erase(db, settings, record_ids=[f"crm:{contact}"], reference="DSR-Q", by="dpo")
    assert rejected() == []
