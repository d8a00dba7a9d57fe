"""Exports as they arrive, before the readers see them: gzip-compressed, UTF-16, or not an export.

Why: a CSV, JSON Lines or Parquet reader sees bytes. Tools and people hand over exports in
other wrappers, and reading those bytes as UTF-8 answered "the header line is not valid UTF-8
(byte 0x8b ...)" — true and useless. Here:

- a gzip file (`crm_contacts.csv.gz`, as shop platforms and cron jobs ship exports) is read as
  the file inside, up to MAX_UNPACKED_BYTES (a few megabytes of gzip can unpack to gigabytes:
  past the limit the file is refused, read in chunks so no more is ever held);
- text with a UTF-16 byte-order mark (Excel's "Unicode Text") is re-encoded as UTF-8, so its
  rows are read (a tab-separated one then gets the separator hint of the header check);
- an Excel workbook, a ZIP archive or an old `.xls` is refused as a whole with what to do
  instead (save the sheet as CSV UTF-8; unzip the archive).
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from pathlib import Path

from graph.errors import ContractError

#: The most a compressed export may unpack to (a CSV of ~10M rows), against gzip bombs.
MAX_UNPACKED_BYTES = 2 << 30
_CHUNK = 1 << 20
#: A file name ending in one of these is the compressed form of the name without it.
COMPRESSED_SUFFIXES = (".gz",)

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), old Office files
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAVE_AS_CSV = "open it in the spreadsheet and save the sheet as “CSV UTF-8”, then load that"


def format_name(path: Path) -> str:
    """The name whose extension says the export's format: `x.csv.gz` → `x.csv`."""
    name = path.name
    for suffix in COMPRESSED_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def unpacked(path: Path, data: bytes) -> bytes:
    """The export's own bytes: ``data`` unpacked or re-encoded as above, or ContractError."""
    if data.startswith(_GZIP):
        return _gunzipped(path, data)
    if data.startswith(_ZIP):
        raise ContractError(f"{path}: {_zip_kind(data)}")
    if data.startswith(_OLE2):
        raise ContractError(f"{path}: an Excel 97-2003 workbook (.xls), not an export; "
                            f"{_SAVE_AS_CSV}")  # fmt: skip
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ContractError(
                f"{path}: starts as UTF-16 text but is not valid UTF-16 ({exc.reason} at byte "
                f"{exc.start}); save it as “CSV UTF-8”"
            ) from None
    return data


def _gunzipped(path: Path, data: bytes) -> bytes:
    inner = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
            while chunk := packed.read(_CHUNK):
                inner += chunk
                if len(inner) > MAX_UNPACKED_BYTES:
                    raise ContractError(
                        f"{path}: unpacks to more than {MAX_UNPACKED_BYTES / 2**30:g} GiB; split "
                        "the export into smaller files"
                    )
    except (OSError, EOFError, zlib.error) as exc:  # truncated download, corrupt stream
        raise ContractError(f"{path}: a gzip file that cannot be unpacked ({exc}); "
                            "download or copy it again") from None  # fmt: skip
    return unpacked(path, bytes(inner))  # UTF-16 inside, or a workbook or archive: say so


def _zip_kind(data: bytes) -> str:
    """What a ZIP-format file is, in words a user can act on."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        names = []
    if any(name.startswith("xl/") for name in names):
        return f"an Excel workbook (.xlsx), not an export; {_SAVE_AS_CSV}"
    inside = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return (
        "a ZIP archive" + (f" (holding {inside})" if inside else "") + "; unzip it and load the "
        "export files inside (a single export may also be gzip-compressed: crm_contacts.csv.gz)"
    )
