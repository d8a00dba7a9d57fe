"""Exports in the wrappers people send them in: gzip-compressed, UTF-16 text, an Excel
workbook, a ZIP archive. The first two are read; the rest are refused with what to do."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from api.graphql.mutation import upload_name
from graph.errors import ContractError
from ingestion import packed_files
from ingestion.readers import read_and_validate

CALLS = (
    "call_id,contact_id,occurred_at,duration_s,outcome,notes\n"
    "K1,C1,2024-03-01T10:00:00Z,60,connected,Zoë called back\n"
    "K2,C2,not a time,60,connected,fine\n"
)


@pytest.mark.parametrize("name", ["crm_calls.csv.gz", "CRM_Calls_2024-06.csv.GZ"])
def test_a_gzip_compressed_export_is_read_as_the_file_inside(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(CALLS.encode()))
    result = read_and_validate(path)
    assert result.source_type == "crm_calls"
    assert list(result.valid["call_id"]) == ["K1"] and result.valid["notes"][0] == "Zoë called back"
    assert [q.row_number for q in result.quarantined] == [3]
    assert "not a time" in result.quarantined[0].raw  # the row as the export wrote it


def test_jsonl_inside_gzip_keeps_its_format(tmp_path: Path) -> None:
    path = tmp_path / "crm_calls.jsonl.gz"
    line = (
        '{"call_id": "K1", "contact_id": "C1", "occurred_at": "2024-03-01T10:00:00Z", '
        '"duration_s": 60, "outcome": "connected", "notes": null}\n'
    )
    path.write_bytes(gzip.compress(line.encode()))
    assert list(read_and_validate(path).valid["call_id"]) == ["K1"]


def test_utf16_text_is_read_and_a_tab_separated_one_is_named(tmp_path: Path) -> None:
    comma = tmp_path / "crm_calls.csv"
    comma.write_bytes(CALLS.encode("utf-16"))  # with its byte-order mark, as Excel writes it
    result = read_and_validate(comma)
    assert list(result.valid["call_id"]) == ["K1"] and result.valid["notes"][0] == "Zoë called back"
    tabbed = tmp_path / "crm_calls_tabs.csv"
    tabbed.write_bytes(CALLS.replace(",", "\t").encode("utf-16"))
    with pytest.raises(ContractError, match="separated by tabs"):
        read_and_validate(tabbed)


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("crm_calls.xlsx", _zip({"xl/workbook.xml": "<workbook/>"}), "Excel workbook .*CSV UTF-8"),
        ("crm_calls.csv", _zip({"xl/workbook.xml": "<workbook/>"}), "Excel workbook"),
        ("crm_calls.zip", _zip({"crm_calls.csv": CALLS}), r"ZIP archive \(holding crm_calls.csv"),
        ("crm_calls.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "Excel 97-2003"),
        ("crm_calls.csv.gz", gzip.compress(CALLS.encode())[:40], "cannot be unpacked.*again"),
        ("crm_calls.csv.gz", gzip.compress(_zip({"xl/a.xml": "x"})), "Excel workbook"),
    ],
)
def test_a_workbook_archive_or_broken_download_says_what_to_do(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    """Before: 'the header line is not valid UTF-8 (byte 0x8b at column 2)'."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ContractError, match=message):
        read_and_validate(path)


def test_a_small_file_cannot_unpack_to_unbounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packed_files, "MAX_UNPACKED_BYTES", 10_000)
    path = tmp_path / "crm_calls.csv.gz"
    path.write_bytes(gzip.compress(CALLS.encode() + b"K9,C9,2024-03-01T10:00:00Z,1,x,y\n" * 1000))
    assert path.stat().st_size < 2_000
    with pytest.raises(ContractError, match="unpacks to more than"):
        read_and_validate(path)


def test_uploads_may_be_gzip_compressed() -> None:
    assert upload_name("crm_calls.csv.gz") == "crm_calls.csv.gz"
    assert upload_name("C:\\exports\\shop_orders.jsonl.gz") == "shop_orders.jsonl.gz"
