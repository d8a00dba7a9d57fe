"""Erasure tickets and suppression against the real Neo4j: a later export that still carries an
erased person's row is set aside as quarantined with a reason (no text kept), not loaded nor
silently counted; a request sent again scrubs rows about the person loaded since and is
recorded; and every ticket naming a record is honoured and recorded — two in one erasure log,
two from logs loaded while a resolution run held the lock, and a new one for a record erased
before — while loading a log again adds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.cypher_catalog import load_query
from graph.db import Database
from graph.settings import Settings
from ingestion import loader
from ingestion.loader import IngestRun
from models.privacy import erase
from models.privacy.requested import erase_requested, waiting
from models.resolution import ResolutionReport
from models.resolution.run import resolution_lock
from tests.resolution_fixtures import resolved
from tests.test_cli_resolution import Cli, cli
from tests.test_privacy_erasure import KEPT, _contacts, _person_with_call_notes
from tests.test_privacy_erasure_log import _erased, _log, _two_people

__all__ = ["cli", "resolved"]  # the fixtures, re-exported for pytest


def _proofs(db: Database, record_id: str) -> list[tuple[str, str | None]]:
    """(reference, erasure that erased the record when it was erased before) per request
    recorded for ``record_id``, by reference."""
    rows = db.query(
        "MATCH (q:ErasureRequest)-[e:ERASED]->(:CustomerRecord {record_id: $id}) "
        "RETURN q.reference AS ref, e.erased_by AS before", {"id": record_id}
    )  # fmt: skip
    return sorted(((r["ref"], r["before"]) for r in rows), key=lambda p: (p[0], p[1] or ""))


def test_a_later_export_of_an_erased_person_is_set_aside_and_a_resent_request_scrubs_it(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db, _ = resolved
    customer, records, contact = _person_with_call_notes(db)
    first = erase(db, settings, customer_id=customer, reference="DSR-S1", by="dpo")
    contacts = _contacts(demo_dir)
    row = contacts[contacts["contact_id"] == contact].copy()
    email = str(row["email"].iloc[0])

    # The CRM has not erased the person yet: its next export still carries their row.
    row["updated_at"] = "2026-10-15T00:00:00Z"
    (tmp_path / "later").mkdir()
    row.to_csv(tmp_path / "later" / "crm_contacts.csv", index=False)
    later = IngestRun(db, settings).run([tmp_path / "later"])
    [file] = later.files
    assert (file.rows_read, file.loaded, file.quarantined) == (1, 0, 1), file
    assert "erased on request" in file.note and "ask it to erase them" in file.note
    [kept] = db.query(
        "MATCH (:IngestRun {run_id: $run})-[:QUARANTINED]->(q) RETURN q.raw AS raw, "
        "q.reason AS reason", {"run": later.run_id}
    )  # fmt: skip
    assert kept["raw"] == "" and f"crm:{contact}" in kept["reason"]
    assert first.erasure_id in kept["reason"]
    assert email not in Path(str(later.quarantine_file)).read_text()
    assert all(keys <= KEPT for keys, _ in _erased(db, records).values())

    # A load that read the erased ids just before the erasure kept a rejected row's text
    # (simulated): sending the same request again scrubs it, and is recorded for doing so.
    row["phone"] = "not-a-phone"
    (tmp_path / "raced").mkdir()
    row.to_csv(tmp_path / "raced" / "crm_contacts.csv", index=False)
    monkeypatch.setattr(loader, "without_erased", lambda rows, erased: rows)
    raced = IngestRun(db, settings).run([tmp_path / "raced"])
    monkeypatch.undo()
    assert email in Path(str(raced.quarantine_file)).read_text()

    again = erase(db, settings, customer_id=customer, reference="DSR-S1", by="dpo")

    assert again.erasure_id and again.records == [] and again.already_erased == records
    assert (again.quarantined_rows, again.quarantine_lines) == (1, 1)
    assert email not in Path(str(raced.quarantine_file)).read_text()
    [scrubbed] = db.query(
        "MATCH (:IngestRun {run_id: $run})-[:QUARANTINED]->(q) RETURN q.raw AS raw, "
        "q.erasure_id AS e", {"run": raced.run_id}
    )  # fmt: skip
    assert scrubbed == {"raw": None, "e": again.erasure_id}
    assert _proofs(db, f"crm:{contact}") == [("DSR-S1", None), ("DSR-S1", first.erasure_id)]
    # Nothing left to do: a retry records nothing more.
    idle = erase(db, settings, customer_id=customer, reference="DSR-S1", by="dpo")
    assert idle.erasure_id is None and idle.already_erased == records


def test_every_ticket_naming_a_record_is_honoured_and_recorded(
    resolved: tuple[Database, ResolutionReport], settings: Settings, tmp_path: Path, cli: Cli
) -> None:
    db, _ = resolved
    crm, shop = _two_people(db)
    twice = _log(tmp_path / "twice", [
        f"crm_contacts,{crm['source_id']},2026-01-05T10:00:00Z,DSR-T1",
        f"crm_contacts,{crm['source_id']},2026-01-09T10:00:00Z,DSR-T2",
    ])  # fmt: skip
    [file] = IngestRun(db, settings).run([twice]).files
    assert (file.loaded, file.updated, file.quarantined, file.unchanged) == (2, 2, 0, 0), file
    # Two logs loaded while a resolution run holds the lock: both tickets wait.
    with resolution_lock(db, settings, "a long resolution run"):
        for n, reference in enumerate(("DSR-T3", "DSR-T4")):
            IngestRun(db, settings).run([_log(tmp_path / reference, [
                f"shop_customers,{shop['source_id']},2026-01-0{n + 5}T10:00:00Z,{reference}"
            ])])  # fmt: skip
    assert waiting(db) == 2

    done = erase_requested(db, settings)

    assert not done.failed and waiting(db) == 0 and done.honoured == 4
    assert sorted((e.records, e.already_erased) for e in done.erasures) == sorted(
        [([crm["id"]], []), ([], [crm["id"]]), ([shop["id"]], []), ([], [shop["id"]])]
    )  # each record erased by one ticket and covered by the other
    first_of = {r["reference"]: r["erasure_id"] for r in _listed(db)}
    assert _proofs(db, crm["id"]) == [("DSR-T1", None), ("DSR-T2", first_of["DSR-T1"])]
    assert _proofs(db, shop["id"]) == [("DSR-T3", None), ("DSR-T4", first_of["DSR-T3"])]
    assert all(keys <= KEPT for keys, _ in _erased(db, [crm["id"], shop["id"]]).values())
    listed = cli("erasures")
    assert listed.returncode == 0, listed.stderr
    assert all(f"DSR-T{n}" in listed.stdout for n in range(1, 5))

    # The same log again adds nothing; a new ticket for the erased record is recorded.
    assert IngestRun(db, settings, force=True).run([twice]).files[0].updated == 0
    assert waiting(db) == 0
    IngestRun(db, settings).run([_log(tmp_path / "third", [
        f"crm_contacts,{crm['source_id']},2026-02-01T10:00:00Z,DSR-T5"
    ])])  # fmt: skip
    [covered] = erase_requested(db, settings).erasures
    assert covered.erasure_id and covered.records == [] and covered.already_erased == [crm["id"]]
    assert [ref for ref, _ in _proofs(db, crm["id"])] == ["DSR-T1", "DSR-T2", "DSR-T5"]
    assert len(_listed(db)) == 5


def _listed(db: Database) -> list[dict[str, Any]]:
    return db.query(
        load_query("privacy/list_erasures"), {"reference": None, "after": None, "limit": 50}
    )


def test_a_row_created_after_the_erasure_still_loads_as_a_new_sign_up(
    resolved: tuple[Database, ResolutionReport], settings: Settings, demo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    db, _ = resolved
    customer, _, contact = _person_with_call_notes(db)
    erase(db, settings, customer_id=customer, reference="DSR-S2", by="dpo")
    contacts = _contacts(demo_dir)
    row = contacts[contacts["contact_id"] == contact].copy()
    row["created_at"] = row["updated_at"] = "2099-01-01T00:00:00Z"
    (tmp_path / "back").mkdir()
    row.to_csv(tmp_path / "back" / "crm_contacts.csv", index=False)
    [file] = IngestRun(db, settings).run([tmp_path / "back"]).files
    assert (file.loaded, file.quarantined) == (1, 0) and "new sign-ups" in file.note
    assert db.query(
        "MATCH (r:CustomerRecord {record_id: $id}) RETURN r.erased_at AS erased",
        {"id": f"crm:{contact}"},
    ) == [{"erased": None}]
