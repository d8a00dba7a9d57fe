"""Exports that correct or lag behind what the graph holds: an older export must not undo a
newer change, a corrected reference moves the relationship, and every node a load touches
carries its provenance (first and last run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from api import jobs
from graph.db import Database
from graph.errors import ConfigurationError
from graph.settings import Settings
from ingestion.loader import IngestReport, IngestRun

CONTACT_HEADER = (
    "contact_id,account_id,first_name,last_name,email,phone,job_title,city,country,"
    "consent_email,consent_sms,created_at,updated_at\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _ingest(db: Database, settings: Settings, path: Path) -> IngestReport:
    return IngestRun(db, settings).run([path])


def test_older_export_does_not_undo_a_consent_opt_out(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    june = _write(
        tmp_path / "june", "crm_contacts.csv",
        CONTACT_HEADER + "C1,,Ann,Smith,ann.new@example.org,,,Leeds,GB,false,false,"
        "2024-01-10T09:00:00Z,2024-06-01T09:00:00Z\n",
    )  # fmt: skip
    february = _write(
        tmp_path / "february", "crm_contacts.csv",
        CONTACT_HEADER + "C1,,Ann,Smith,ann.old@example.org,,,Leeds,GB,true,false,"
        "2024-01-10T09:00:00Z,2024-02-01T09:00:00Z\n"
        "C2,,Bob,Jones,bob@example.org,,,York,GB,true,false,"
        "2024-01-11T09:00:00Z,2024-02-01T09:00:00Z\n",
    )  # fmt: skip
    _ingest(empty_db, settings, june)
    report = _ingest(empty_db, settings, february)

    (f,) = report.files
    assert (f.created, f.updated, f.unchanged, f.older) == (1, 0, 1, 1)
    assert "1 row(s) not applied" in f.note
    row = empty_db.query(
        "MATCH (n:CustomerRecord {record_id: 'crm:C1'}) "
        "RETURN n.email AS email, n.consent_email AS consent, toString(n.updated_at) AS at"
    )[0]
    assert row == {"email": "ann.new@example.org", "consent": False, "at": "2024-06-01T09:00:00Z"}
    totals = empty_db.query(
        "MATCH (r:IngestRun {run_id: $run}) RETURN r.older AS older", {"run": report.run_id}
    )
    assert totals == [{"older": 1}]

    # The same update time with other content is a correction, and is applied.
    corrected = _write(
        tmp_path / "corrected", "crm_contacts.csv",
        CONTACT_HEADER + "C1,,Ann,Smith,ann.fixed@example.org,,,Leeds,GB,false,false,"
        "2024-01-10T09:00:00Z,2024-06-01T09:00:00Z\n",
    )  # fmt: skip
    (f,) = _ingest(empty_db, settings, corrected).files
    assert (f.updated, f.older) == (1, 0)


def test_corrected_reference_moves_the_relationship(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    header = "event_id,subscriber_id,campaign_id,content_id,event_type,occurred_at,url\n"
    first = _write(
        tmp_path / "first", "email_events.csv",
        header + "E1,S1,K1,M1,click,2024-03-01T10:00:00Z,https://shop.example/a\n",
    )  # fmt: skip
    fixed = _write(
        tmp_path / "fixed", "email_events.csv",
        header + "E1,S2,K2,,click,2024-03-01T10:00:00Z,https://shop.example/a\n",
    )  # fmt: skip
    _ingest(empty_db, settings, first)
    (f,) = _ingest(empty_db, settings, fixed).files
    assert f.updated == 1

    links = empty_db.query(
        "MATCH (i:Interaction {interaction_id: 'email:E1'}) "
        "RETURN [(p)-[:PERFORMED]->(i) | p.record_id] AS performers, "
        "[(i)-[:IN_CAMPAIGN]->(c) | c.campaign_id] AS campaigns, "
        "[(i)-[:ENGAGED_WITH]->(c) | c.content_id] AS content"
    )
    assert links == [{"performers": ["email:S2"], "campaigns": ["K2"], "content": []}]


def test_every_loaded_node_and_line_says_when_it_was_last_seen(
    empty_db: Database, settings: Settings, demo_dir: Path, tmp_path: Path
) -> None:
    IngestRun(empty_db, settings).run([demo_dir])
    missing = empty_db.query(
        "MATCH (n) WHERE n.first_run IS NOT NULL AND NOT n:IngestRun AND NOT n:Migration "
        "AND (n.last_seen IS NULL OR n.last_run IS NULL) "
        "RETURN labels(n) AS labels, count(*) AS n"
    )
    assert {"+".join(r["labels"]): r["n"] for r in missing} == {}

    with (demo_dir / "shop_order_lines.csv").open(encoding="utf-8") as export_file:
        header, first = export_file.readline().strip(), export_file.readline().strip()
    columns = header.split(",")
    values = first.split(",")
    order_id, line_no = values[columns.index("order_id")], values[columns.index("line_no")]
    values[columns.index("quantity")] = str(int(values[columns.index("quantity")]) + 5)
    export = _write(tmp_path, "shop_order_lines.csv", "\n".join([header, ",".join(values)]) + "\n")
    report = IngestRun(empty_db, settings).run([export])
    line = empty_db.query(
        "MATCH (:Order {interaction_id: $order})-[l:CONTAINS {line_no: toInteger($line)}]->() "
        "RETURN l.first_run <> l.last_run AS kept_first, l.last_run AS last_run",
        {"order": f"shop:{order_id}", "line": line_no},
    )
    assert line == [{"kept_first": True, "last_run": report.run_id}]


def test_a_file_refused_as_a_whole_does_not_stop_the_others(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    _write(folder, "campaigns.csv", "campaign_id;name;channel\nK1;Spring;email\n")
    _write(
        folder, "crm_contacts.csv",
        CONTACT_HEADER + "C1,,Ann,Smith,ann@example.org,,,Leeds,GB,true,false,"
        "2024-01-10T09:00:00Z,2024-06-01T09:00:00Z\n",
    )  # fmt: skip
    report = IngestRun(empty_db, settings).run([folder])

    statuses = {f.name: f.status for f in report.files}
    assert statuses == {"campaigns.csv": "rejected", "crm_contacts.csv": "loaded"}
    [rejected] = report.rejected
    assert "separated by semicolons" in rejected.note
    assert empty_db.query("MATCH (n:CustomerRecord) RETURN n.record_id AS id") == [{"id": "crm:C1"}]
    recorded = empty_db.query(
        "MATCH (:IngestRun {run_id: $run})-[p:PROCESSED]->(f:SourceFile {name: 'campaigns.csv'}) "
        "RETURN p.status AS status, f.loaded_at IS NULL AS never_loaded",
        {"run": report.run_id},
    )
    assert recorded == [{"status": "rejected", "never_loaded": True}]

    # fixed, the same folder loads it and skips what loaded before
    _write(
        folder, "campaigns.csv",
        "campaign_id,name,channel,objective,start_date,end_date,budget,spend,target_category\n"
        "K1,Spring,email,,2024-01-01,2024-02-01,100,10,\n",
    )  # fmt: skip
    again = IngestRun(empty_db, settings).run([folder])
    assert {f.name: f.status for f in again.files} == {
        "campaigns.csv": "loaded", "crm_contacts.csv": "skipped",
    }  # fmt: skip


def test_the_refresh_job_names_inbox_files_it_could_not_use(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    _write(inbox, "campaigns.csv", "campaign_id;name;channel\nK1;Spring;email\n")
    _write(inbox, "CRM contacts (1).csv", CONTACT_HEADER)
    _write(inbox, "manifest.json", "{}")  # the demo's bookkeeping: not worth a word
    job_settings = settings.model_copy(update={"jobs_inbox_dir": inbox})
    run = jobs.JobRun(
        empty_db, job_settings, jobs.JobRunReport("job-t", "refresh", "running", "cli", "t", "")
    )
    step = jobs.ingest_inbox(run)
    assert step.counts["rejected_files"] == 1 and step.counts["ignored_files"] == 2
    assert "rejected campaigns.csv" in step.summary and "separated by semicolons" in step.summary
    assert "ignored CRM contacts (1).csv" in step.summary and "manifest" not in step.summary
    assert str(inbox) not in step.summary


def test_times_without_an_offset_are_in_the_sources_time_zone(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    """A CRM report writes `2024-06-01 09:30` in its users' zone. With
    MARKETGRAPH_SOURCE_TIMEZONE naming it, that is 13:30 UTC in New York's summer, and an
    older export written the same way is still recognised as older; a time with `Z` stays."""
    zoned = settings.model_copy(update={"source_timezone": "crm=America/New_York,UTC"})
    path = _write(
        tmp_path / "june", "crm_contacts.csv",
        CONTACT_HEADER + "C1,,Ann,Smith,ann@example.org,,,Leeds,GB,true,false,"
        "2024-01-10,2024-06-01 09:30\n"
        "C2,,Bob,Jones,bob@example.org,,,York,GB,true,false,"
        "2024-01-11T09:00:00Z,2024-06-01T09:30:00Z\n",
    )  # fmt: skip
    IngestRun(empty_db, zoned).run([path])
    rows = empty_db.query(
        "MATCH (n:CustomerRecord) RETURN n.record_id AS id, toString(n.created_at) AS created, "
        "toString(n.updated_at) AS updated ORDER BY id"
    )
    assert rows == [
        {"id": "crm:C1", "created": "2024-01-10T05:00:00Z", "updated": "2024-06-01T13:30:00Z"},
        {"id": "crm:C2", "created": "2024-01-11T09:00:00Z", "updated": "2024-06-01T09:30:00Z"},
    ]
    # the same wall-clock time an hour earlier, read in the same zone: older, not applied
    earlier = _write(
        tmp_path / "may", "crm_contacts.csv",
        CONTACT_HEADER + "C1,,Ann,Smith,ann.old@example.org,,,Leeds,GB,true,false,"
        "2024-01-10,2024-06-01 08:30\n",
    )  # fmt: skip
    (f,) = IngestRun(empty_db, zoned).run([earlier]).files
    assert f.older == 1
    # the shop is in UTC (the rest): the same text is 09:30 UTC there
    assert zoned.timezone_of("shop") == "UTC" and zoned.timezone_of("crm") == "America/New_York"


def test_an_unknown_time_zone_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="'Europe/Lyon' is not a time zone"):
        Settings(source_timezone="crm=Europe/Lyon")


def test_a_time_zone_for_a_system_that_does_not_exist_stops_the_run(
    empty_db: Database, settings: Settings, tmp_path: Path
) -> None:
    """`hubspot=` (a tool, not one of marketgraph's source systems) would silently leave the
    CRM's times in UTC."""
    typo = settings.model_copy(update={"source_timezone": "hubspot=Europe/Berlin"})
    with pytest.raises(ConfigurationError, match=r"names hubspot, which is no source system.*crm"):
        IngestRun(empty_db, typo).run([tmp_path])
