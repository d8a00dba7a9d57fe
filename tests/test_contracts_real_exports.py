"""Exports as real tools write them: a stray quote, a header with a column twice or another
separator, spaces around values, integers written as `250.0`, typed Parquet columns (nullable
integers, dates, decimals), and lists in a CSV cell. Each loads what it can and says plainly
what it cannot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.errors import ContractError
from ingestion.readers import ValidatedFile, read_and_validate

CALLS = "call_id,contact_id,occurred_at,duration_s,outcome,notes\n"


def _call(i: int, notes: str = "fine") -> str:
    return f"K{i},C{i},2024-03-0{i}T10:00:00Z,60,connected,{notes}\n"


def _read(tmp_path: Path, name: str, text: str) -> ValidatedFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = read_and_validate(path)
    assert result.rows_read == len(result.valid) + len(result.quarantined)
    return result


@pytest.mark.parametrize("closed_later", [False, True])
@pytest.mark.parametrize("column", ["notes", "outcome"])
def test_a_stray_quote_costs_its_own_line_not_the_rows_after_it(
    tmp_path: Path, closed_later: bool, column: str
) -> None:
    rows = [_call(i) for i in range(1, 9)]
    if column == "notes":  # the last column: left open, it would swallow the rest of the file
        rows[1] = _call(2, '"Asked about pricing, call back')
    else:
        rows[1] = _call(2).replace(",connected,", ',"connected,')
    if closed_later:  # a later row's quoted note closes it
        rows[6] = _call(7, '"left a message, "')
    result = _read(tmp_path, "crm_calls.csv", CALLS + "".join(rows))

    assert sorted(result.valid["call_id"]) == ["K1", "K3", "K4", "K5", "K6", "K7", "K8"]
    [bad] = result.quarantined
    assert bad.row_number == 3 and "K2" in bad.raw and "K3" not in bad.raw
    assert "quote opened on this line is not closed" in bad.reason


@pytest.mark.parametrize(
    "note",
    ["line one\nline two, with a comma",
     # a line inside the note that splits into as many fields as the header has
     "Agenda:\na, b, c, d, e, f\nfollow up"],
)  # fmt: skip
def test_a_line_break_inside_a_quoted_field_is_still_one_record(tmp_path: Path, note: str) -> None:
    rows = [_call(1), _call(2, f'"{note}"'), _call(3)]
    result = _read(tmp_path, "crm_calls.csv", CALLS + "".join(rows))
    assert list(result.valid["call_id"]) == ["K1", "K2", "K3"] and not result.quarantined
    assert result.valid["notes"].iloc[1] == note


def test_a_narrow_feed_keeps_a_multi_line_reason(tmp_path: Path) -> None:
    text = (
        "source_type,source_id,deleted_at,reason\n"
        'crm_contacts,C1,2024-05-01T00:00:00Z,"Customer wrote:\nplease remove me, my orders, '
        'my reviews, thanks"\n'
        "crm_contacts,C2,2024-05-02T00:00:00Z,\n"
    )
    result = _read(tmp_path, "deleted_records.csv", text)
    assert list(result.valid["source_id"]) == ["C1", "C2"] and not result.quarantined


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("call_id,contact_id,occurred_at,duration_s,outcome,notes,notes",
         "notes appear more than once"),
        ("call_id;contact_id;occurred_at;duration_s;outcome;notes", "separated by semicolons"),
        ("call_id\tcontact_id\toccurred_at\tduration_s\toutcome\tnotes", "separated by tabs"),
        ("call_id, contact_id,occurred_at,duration_s,outcome,notes",
         "' contact_id' differ(s) only by spaces or case"),
        ("Call_ID,contact_id,occurred_at,duration_s,outcome,notes", "the header has: Call_ID"),
    ],
)  # fmt: skip
def test_a_header_the_contract_cannot_use_says_what_it_found(
    tmp_path: Path, header: str, message: str
) -> None:
    path = tmp_path / "crm_calls.csv"
    path.write_text(header + "\n" + _call(1), encoding="utf-8")
    with pytest.raises(ContractError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_and_validate(path)


def test_spaces_around_values_and_integral_floats_are_accepted(tmp_path: Path) -> None:
    text = CALLS + "K1 , C1 ,2024-03-01T10:00:00Z, 60.0 ,connected ,  x  \n"
    result = _read(tmp_path, "crm_calls.csv", text)
    assert not result.quarantined, [q.reason for q in result.quarantined]
    [row] = result.valid.to_dict("records")
    assert (row["call_id"], row["contact_id"], row["duration_s"], row["outcome"], row["notes"]) == (
        "K1", "C1", 60, "connected", "x",
    )  # fmt: skip
    # a fraction is not an integer, and says so
    bad = _read(tmp_path, "crm_calls.csv", CALLS + _call(1).replace(",60,", ",60.5,"))
    assert "duration_s" in bad.quarantined[0].reason


def test_parquet_nullable_integers_dates_and_decimals(tmp_path: Path) -> None:
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    pq.write_table(
        pa.table({
            "account_id": ["A1", "A2"], "name": ["Acme", "Bolt"], "domain": ["acme.example", None],
            "industry": ["retail", "retail"], "employees": pa.array([250, None], pa.int64()),
            "city": ["Leeds", "York"], "country": ["GB", "GB"], "created_at": [when, when],
            "updated_at": [when, when],
        }),
        tmp_path / "crm_accounts.parquet",
    )  # fmt: skip
    accounts = read_and_validate(tmp_path / "crm_accounts.parquet")
    assert not accounts.quarantined, [q.reason for q in accounts.quarantined]
    assert accounts.valid["employees"].tolist()[0] == 250
    assert accounts.valid["employees"].isna().tolist() == [False, True]

    pq.write_table(
        pa.table({
            "campaign_id": ["K1"], "name": ["Spring"], "channel": ["email"],
            "objective": ["awareness"],
            "start_date": pa.array([dt.date(2024, 1, 1)], pa.date32()),
            "end_date": pa.array([dt.date(2024, 2, 1)], pa.date32()),
            "budget": pa.array([Decimal("100.50")], pa.decimal128(10, 2)),
            "spend": pa.array([Decimal("10.00")], pa.decimal128(10, 2)),
            "target_category": ["c1"],
        }),
        tmp_path / "campaigns.parquet",
    )  # fmt: skip
    campaigns = read_and_validate(tmp_path / "campaigns.parquet")
    assert not campaigns.quarantined, [q.reason for q in campaigns.quarantined]
    [row] = campaigns.valid.to_dict("records")
    assert (row["start_date"], row["budget"]) == (dt.date(2024, 1, 1), 100.5)


def test_a_csv_cell_holds_a_list_as_json_or_joined_by_bars(tmp_path: Path) -> None:
    header = (
        "content_id,content_type,title,body,url,campaign_id,product_skus,published_at,updated_at"
    )
    tail = "2024-01-01T00:00:00Z,2024-01-02T00:00:00Z"
    rows = [
        f"M1,post,T,B,https://x.example/a,K1,SKU-1|SKU-2,{tail}",
        f'M2,post,T,B,https://x.example/b,K1,"[""SKU-3""]",{tail}',
        f"M3,post,T,B,https://x.example/c,K1,,{tail}",
        f"M4,post,T,B,https://x.example/d,K1,[not json,{tail}",
    ]
    result = _read(tmp_path, "content.csv", "\n".join([header, *rows]) + "\n")
    lists = dict(zip(result.valid["content_id"], result.valid["product_skus"], strict=True))
    assert lists == {"M1": ["SKU-1", "SKU-2"], "M2": ["SKU-3"], "M3": []}
    [bad] = result.quarantined
    assert "not a list of SKU strings" in bad.reason and "M4" in bad.raw


def test_a_well_formed_record_of_the_wrong_width_is_not_split_into_rows(tmp_path: Path) -> None:
    """A real multi-line note with a line that reads like a record, in a row with one field
    too many: the row is wrong as a whole, and no call is made up from its note."""
    note = f'"Notes:\n{_call(9).strip()}\nend"'
    text = CALLS + _call(1) + _call(2, f"{note},extra") + _call(3)
    result = _read(tmp_path, "crm_calls.csv", text)
    assert sorted(result.valid["call_id"]) == ["K1", "K3"]
    [bad] = result.quarantined
    assert "7 fields, expected 6" in bad.reason


def test_a_missing_header_is_named_without_copying_the_data_row(tmp_path: Path) -> None:
    path = tmp_path / "crm_calls.csv"
    path.write_text("K1,Ann Smith,ann.smith@example.org,60,connected,call back\n", "utf-8")
    with pytest.raises(ContractError, match="is the header line missing") as raised:
        read_and_validate(path)
    assert "ann.smith" not in str(raised.value) and "Ann Smith" not in str(raised.value)


def test_odd_but_valid_numbers_and_lists(tmp_path: Path) -> None:
    result = _read(tmp_path, "crm_calls.csv", CALLS + _call(1).replace(",60,", ",+60,"))
    assert result.valid["duration_s"].tolist() == [60]
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    pq.write_table(
        pa.table({
            "content_id": ["M1", "M2"], "content_type": ["post", "post"], "title": ["T", "T"],
            "body": ["B", "B"], "url": ["https://x.example/a", "https://x.example/b"],
            "campaign_id": ["K1", "K1"],
            "product_skus": pa.array([["SKU-1", "SKU-2"], ["SKU-1,SKU-2"]], pa.list_(pa.string())),
            "published_at": [when, when], "updated_at": [when, when],
        }),
        tmp_path / "content.parquet",
    )  # fmt: skip
    content = read_and_validate(tmp_path / "content.parquet")
    assert content.valid["product_skus"].tolist() == [["SKU-1", "SKU-2"]]
    [bad] = content.quarantined  # a list joined another way is not one SKU
    assert "not a list of SKU strings" in bad.reason


def test_times_without_an_offset_are_read_in_the_given_zone(tmp_path: Path) -> None:
    """Every ISO spelling with an offset stays exact (also the compact `20240601T093000Z` a
    pattern would miss), mixed in one column with wall-clock times; a date alone is midnight
    there; spaces around a time are trimmed; the hour summer time skips moves an hour on."""
    times = [
        ("2024-06-01 09:30", "2024-06-01 07:30:00+00:00"),
        ("20240601T093000Z", "2024-06-01 09:30:00+00:00"),
        ("2024-06-01T09Z", "2024-06-01 09:00:00+00:00"),
        ("2024-06-01T09:30:00.5-0500", "2024-06-01 14:30:00.500000+00:00"),
        ("2024-01-15", "2024-01-14 23:00:00+00:00"),
        (" 2024-06-01T09:30:00 ", "2024-06-01 07:30:00+00:00"),
        ("2024-03-31 02:10", "2024-03-31 01:10:00+00:00"),
        ("2024-03-31 02:50", "2024-03-31 01:50:00+00:00"),
    ]
    path = tmp_path / "crm_calls.csv"
    path.write_text(
        CALLS + "".join(f"K{i},C{i},{t},60,connected,fine\n" for i, (t, _) in enumerate(times)),
        encoding="utf-8",
    )
    berlin = read_and_validate(path, zone="Europe/Berlin")
    assert not berlin.quarantined
    assert [str(t) for t in berlin.valid["occurred_at"]] == [utc for _, utc in times]
    default = read_and_validate(path)  # UTC: a time without an offset is UTC
    assert str(default.valid["occurred_at"][0]) == "2024-06-01 09:30:00+00:00"
