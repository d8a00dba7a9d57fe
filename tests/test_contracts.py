"""Data contracts and readers: every kind of bad row is quarantined with a clear reason, and
no row is ever lost (rows_read == valid + quarantined)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.errors import ContractError
from ingestion.contracts import CONTRACTS
from ingestion.demo_data import FILE_NAMES, generate
from ingestion.readers import ValidatedFile, detect_source_type, read_and_validate

LINES_HEADER = "order_id,line_no,sku,quantity,unit_price"
SUBSCRIBERS_HEADER = "subscriber_id,email,first_name,last_name,status,subscribed_at"
GOOD_EVENT = {
    "event_id": "EE1",
    "subscriber_id": "E1",
    "campaign_id": "CMP1",
    "content_id": None,
    "event_type": "send",
    "occurred_at": "2026-03-04T10:15:00Z",
    "url": None,
}


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _read(path: Path) -> ValidatedFile:
    result = read_and_validate(path)
    assert result.rows_read == len(result.valid) + len(result.quarantined)
    return result


def _only_reason(result: ValidatedFile) -> str:
    assert len(result.quarantined) == 1, [q.reason for q in result.quarantined]
    return result.quarantined[0].reason


def _lines_file(tmp_path: Path, *rows: str) -> ValidatedFile:
    return _read(_write(tmp_path, "shop_order_lines.csv", "\n".join([LINES_HEADER, *rows]) + "\n"))


# -- registry ------------------------------------------------------------------------------------


def test_registry_covers_every_export_with_key_and_source_system() -> None:
    # Deletion feeds and erasure logs are optional: the demo's snapshot exports delete nothing.
    assert set(CONTRACTS) == set(FILE_NAMES) | {"deleted_records", "erasure_requests"}
    systems = {"crm", "shop", "email", "web", "ads", "catalog", "marketing", "any"}
    for source_type, contract in CONTRACTS.items():
        assert contract.source_type == source_type
        assert contract.source_system in systems
        assert set(contract.key_columns) <= set(contract.columns)
    assert CONTRACTS["shop_order_lines"].key_columns == ("order_id", "line_no")
    assert CONTRACTS["content"].source_system == "marketing"


def test_source_type_is_detected_from_the_file_name() -> None:
    assert detect_source_type(Path("/x/crm_contacts.csv")) == "crm_contacts"
    assert detect_source_type(Path("web_events.parquet")) == "web_events"
    with pytest.raises(ContractError, match="crm_accounts, crm_calls"):
        detect_source_type(Path("contacts_export.csv"))
    # as exports are named: a date or a copy number after the type, any case
    assert detect_source_type(Path("CRM_Contacts_2024-06.csv")) == "crm_contacts"
    assert detect_source_type(Path("crm_contacts (1).csv")) == "crm_contacts"
    assert detect_source_type(Path("shop_order_lines-june.csv")) == "shop_order_lines"
    assert detect_source_type(Path("shop_orders_2024.csv")) == "shop_orders"
    for name in ("contents.csv", "crm_contactsx.csv", "crm contacts.csv"):
        with pytest.raises(ContractError):
            detect_source_type(Path(name))


# -- one test per kind of malformed row ----------------------------------------------------------


def test_wrong_type_is_quarantined(tmp_path: Path) -> None:
    result = _lines_file(tmp_path, "O1,1,SKU-1,2,9.99", "O1,2,SKU-2,abc,5")
    assert _only_reason(result) == "quantity: 'abc' is not an integer"
    assert result.quarantined[0].row_number == 3
    assert result.quarantined[0].raw == "O1,2,SKU-2,abc,5"


def test_missing_key_is_quarantined(tmp_path: Path) -> None:
    result = _lines_file(tmp_path, ",1,SKU-1,2,9.99", "O2,1,SKU-1,1,1")
    assert _only_reason(result) == "order_id: missing (required)"


def test_negative_price_is_quarantined(tmp_path: Path) -> None:
    result = _lines_file(tmp_path, "O1,1,SKU-1,2,-12.50")
    assert _only_reason(result) == "unit_price: -12.5 is negative"


def test_all_problems_of_a_row_are_listed_in_column_order(tmp_path: Path) -> None:
    result = _lines_file(tmp_path, "O1,1,SKU-1,abc,-3")
    assert _only_reason(result) == "quantity: 'abc' is not an integer; unit_price: -3.0 is negative"


def test_wrong_column_count_is_quarantined(tmp_path: Path) -> None:
    result = _lines_file(tmp_path, "O1,1,SKU-1,2,9.99,surplus", "O1,2,SKU-2,1,1")
    assert _only_reason(result) == "line 2: 6 fields, expected 5"
    assert result.quarantined[0].raw == "O1,1,SKU-1,2,9.99,surplus"


def test_broken_utf8_bytes_are_quarantined_with_their_position(tmp_path: Path) -> None:
    data = (LINES_HEADER + "\nO1,1,SKU-1,2,9.99\nO1,2,SK\xffU,1,1\n").encode("latin-1")
    result = _read(_write(tmp_path, "shop_order_lines.csv", data))
    assert _only_reason(result) == "line 3: not valid UTF-8 (byte 0xff at column 8)"
    assert result.quarantined[0].raw == "O1,2,SK\\xffU,1,1"
    assert list(result.valid["sku"]) == ["SKU-1"]


def test_duplicate_keys_keep_the_last_row_and_quarantine_earlier_ones(tmp_path: Path) -> None:
    result = _lines_file(tmp_path, "O1,1,SKU-1,2,9.99", "O2,1,SKU-2,1,1", "O1,1,SKU-3,1,5")
    assert _only_reason(result) == "duplicate key order_id='O1', line_no=1 (superseded by row 4)"
    assert result.quarantined[0].row_number == 2
    assert list(result.valid["sku"]) == ["SKU-2", "SKU-3"]


def test_bad_email_bad_date_and_bad_enum_are_quarantined(tmp_path: Path) -> None:
    rows = [
        "E1,bob@,Bob,Smith,subscribed,2026-03-04T10:15:00Z",
        "E2,ann@mail.example,Ann,Lee,subscribed,31/02/2026",
        "E3,cy@mail.example,Cy,Oh,pending,2026-03-04T10:15:00Z",
        "E4,di@mail.example,Di,Ng,subscribed,2026-02-31T10:00:00Z",
        "E5,ed@mail.example,,,bounced,2026-03-04T10:15:00+02:00",
    ]
    data = "\n".join([SUBSCRIBERS_HEADER, *rows]) + "\n"
    result = _read(_write(tmp_path, "email_subscribers.csv", data))
    reasons = [q.reason for q in result.quarantined]
    assert reasons == [
        "email: 'bob@' is not a valid email",
        "subscribed_at: '31/02/2026' is not an ISO-8601 timestamp",
        "status: 'pending' is not one of subscribed, unsubscribed, bounced",
        "subscribed_at: '2026-02-31T10:00:00Z' is not an ISO-8601 timestamp",
    ]
    assert result.valid["subscribed_at"].iloc[0] == pd.Timestamp("2026-03-04T08:15:00Z")


def test_huge_field_is_quarantined_and_kept_in_full(tmp_path: Path) -> None:
    huge = "x" * 120_000
    header = "call_id,contact_id,occurred_at,duration_s,outcome,notes"
    data = f"{header}\nCL1,C1,2026-03-04T10:15:00Z,30,connected,{huge}\n"
    result = _read(_write(tmp_path, "crm_calls.csv", data))
    assert _only_reason(result) == "notes: 120,000 characters, more than the 10,000 allowed"
    assert len(result.quarantined[0].raw) > 120_000


def test_unparsable_json_line_is_quarantined(tmp_path: Path) -> None:
    good = json.dumps(GOOD_EVENT)
    other = json.dumps(GOOD_EVENT | {"event_id": "EE3"})
    data = "\n".join([good, good[: len(good) // 2], "[1, 2]", "", other]) + "\n"
    result = _read(_write(tmp_path, "email_events.jsonl", data))
    reasons = [q.reason for q in result.quarantined]
    assert reasons[0].startswith("line 2: not valid JSON (")
    assert reasons[1] == "line 3: not a JSON object but list"
    assert list(result.valid["event_id"]) == ["EE1", "EE3"]
    assert result.rows_read == 4  # the blank line holds no record


def test_jsonl_values_of_other_json_types_are_still_judged_per_row(tmp_path: Path) -> None:
    rows = [GOOD_EVENT, GOOD_EVENT | {"event_id": 7}, GOOD_EVENT | {"event_id": "EE9", "url": 5}]
    data = "\n".join(json.dumps(r) for r in rows) + "\n"
    result = _read(_write(tmp_path, "email_events.jsonl", data))
    assert list(result.valid["event_id"]) == ["EE1", "7"]
    assert _only_reason(result) == (
        "url: '5' is not an http(s) URL; url is set on an event that is not a click"
    )


def test_country_and_cross_column_rules(tmp_path: Path) -> None:
    header = "account_id,name,domain,industry,employees,city,country,created_at,updated_at"
    rows = [
        "A1,Acme Ltd,acme.example,retail,12,Leeds,UK,2025-01-01T00:00:00Z,2025-02-01T00:00:00Z",
        "A2,Acme Ltd,acme.example,retail,,Leeds,GB,2025-03-01T00:00:00Z,2025-02-01T00:00:00Z",
        "A3,Acme Ltd,,,,,,2025-01-01T00:00:00Z,2025-02-01T00:00:00Z",
    ]
    result = _read(_write(tmp_path, "crm_accounts.csv", "\n".join([header, *rows]) + "\n"))
    assert [q.reason for q in result.quarantined] == [
        "country: 'UK' is not an ISO 3166-1 alpha-2 country code",
        "updated_at is earlier than created_at",
    ]
    assert result.valid["employees"].isna().all() and result.valid["domain"].isna().all()


# -- typed output and whole-file problems --------------------------------------------------------


def test_valid_frame_has_proper_dtypes(tmp_path: Path) -> None:
    header = (
        "contact_id,account_id,first_name,last_name,email,phone,job_title,city,country,"
        "consent_email,consent_sms,created_at,updated_at"
    )
    row = (
        "C1,,Bob,SMITH,bob@mail.example,+44 20 7946 0018,,,GB,true,FALSE,"
        "2026-03-04T10:15:00Z,2026-03-05T10:15:00Z"
    )
    result = _read(_write(tmp_path, "crm_contacts.csv", f"{header}\n{row}\n"))
    valid = result.valid
    assert str(valid["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(valid["consent_email"].dtype) == "boolean"
    assert valid["consent_email"].tolist() == [True] and valid["consent_sms"].tolist() == [False]
    assert isinstance(valid["last_name"].dtype, pd.StringDtype)
    assert pd.isna(valid["account_id"].iloc[0]) and pd.isna(valid["job_title"].iloc[0])
    assert list(valid.index) == [0]
    assert len(result.content_sha256) == 64

    header = "order_id,line_no,sku,quantity,unit_price"
    lines = _read(_write(tmp_path, "shop_order_lines.csv", f"{header}\nO1,1,S,3,2.5\n")).valid
    assert str(lines["quantity"].dtype) == "Int64" and str(lines["unit_price"].dtype) == "float64"


def test_multiline_quoted_fields_and_crlf_are_read_exactly(tmp_path: Path) -> None:
    header = "call_id,contact_id,occurred_at,duration_s,outcome,notes"
    data = (
        f'{header}\r\nCL1,C1,2026-03-04T10:15:00Z,30,connected,"first line\r\nsecond, line"\r\n'
        "CL2,C1,2026-03-04T11:15:00Z,x,connected,\r\n"
    )
    result = _read(_write(tmp_path, "crm_calls.csv", data))
    assert result.valid["notes"].iloc[0] == "first line\r\nsecond, line"
    assert result.quarantined[0].row_number == 4
    assert result.quarantined[0].reason == "duration_s: 'x' is not an integer"


def test_parquet_is_read_with_its_types(tmp_path: Path) -> None:
    table = pa.table(
        {
            "event_id": ["WE1", None, "WE3"],
            "visitor_id": ["V1", "V1", "V2"],
            "event_type": ["page_view", "page_view", "scroll"],
            "occurred_at": pa.array([1_770_000_000_000_000] * 3, pa.timestamp("us", tz="UTC")),
            "url": ["https://shop.example/"] * 3,
            "content_id": [None, None, None],
            "campaign_id": [None, "CMP1", None],
        }
    )
    pq.write_table(table, tmp_path / "web_events.parquet")
    result = _read(tmp_path / "web_events.parquet")
    assert [q.reason for q in result.quarantined] == [
        "event_id: missing (required)",
        "event_type: 'scroll' is not one of page_view, form_fill",
    ]
    assert json.loads(result.quarantined[0].raw)["visitor_id"] == "V1"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("shop_order_lines.csv", "", "empty"),
        ("shop_order_lines.csv", "order_id,sku\nO1,S\n", "missing column"),
        ("web_events.parquet", "not parquet", "not a readable Parquet file"),
        ("email_events.jsonl", '{"something": "else"}\n', "no record has event_id"),
    ],
)
def test_whole_file_problems_raise_contract_error(
    tmp_path: Path, name: str, data: str, message: str
) -> None:
    with pytest.raises(ContractError, match=message):
        read_and_validate(_write(tmp_path, name, data))


def test_extra_columns_are_ignored(tmp_path: Path) -> None:
    result = _read(
        _write(tmp_path, "shop_order_lines.csv", f"{LINES_HEADER},note\nO1,1,S,1,1,hi\n")
    )
    assert list(result.valid.columns) == CONTRACTS["shop_order_lines"].columns


# -- on generated data ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def messy_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("messy_demo")
    generate(out, customers=1_500, seed=3, bad_row_rate=0.03)
    return out


def test_quarantine_catches_exactly_the_generated_bad_rows(messy_demo: Path) -> None:
    manifest = json.loads((messy_demo / "manifest.json").read_text())
    kinds: set[str] = set()
    for source_type, name in FILE_NAMES.items():
        expected = manifest["files"][name]
        result = _read(messy_demo / name)
        assert result.source_type == source_type
        assert result.rows_read == expected["rows"], name
        assert len(result.quarantined) == expected["bad_rows"], (name, result.quarantined[:3])
        kinds |= set(expected["bad_kinds"])
        for row in result.quarantined:
            assert row.reason and row.raw and row.row_number >= 1
    assert kinds >= {
        "wrong_type", "missing_key", "bad_email", "negative_price", "bad_date", "bad_utf8",
        "huge_field", "wrong_column_count", "bad_json", "duplicate_key", "bad_enum",
    }  # fmt: skip


@pytest.mark.slow
def test_a_million_rows_validate_in_seconds(tmp_path: Path) -> None:
    n = 1_000_000
    frame = pd.DataFrame(
        {
            "order_id": "ORD" + pd.Series(np.arange(n) // 3).astype(str),
            "line_no": (np.arange(n) % 3 + 1).astype(str),
            "sku": "SKU-1",
            "quantity": "2",
            "unit_price": "9.99",
        }
    )
    frame.loc[n // 2, "quantity"] = "abc"
    path = tmp_path / "shop_order_lines.csv"
    frame.to_csv(path, index=False)
    started = time.perf_counter()
    result = _read(path)
    assert time.perf_counter() - started < 15
    assert len(result.quarantined) == 1 and len(result.valid) == n - 1
