"""Turning export files into untyped records: the shared pieces, and the Parquet reader.

This is the first half of reading a source file (``csv_records`` and ``jsonl_records`` hold the
text formats): it answers "which rows are there and what text
does each hold?" without judging any value. Rows that cannot be split into the expected
fields (wrong field count, bytes that are not UTF-8, a JSON line that does not parse) are
returned as *structural* rejects with their original text, because the contract check that
follows can only reason about rows that have columns.

Row numbers are what a person needs to find the row again: for CSV and JSON Lines the 1-based
physical line on which the record starts (the CSV header is line 1); for Parquet the 1-based row
position. Raw text of undecodable bytes is shown with ``\\xNN`` escapes so it can be stored and
displayed anywhere.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from graph.errors import ContractError

logger = logging.getLogger(__name__)

SURROGATE = re.compile("[\udc80-\udcff]")
STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _found(present: Sequence[str], expected: Sequence[str]) -> str:
    """The header as found, when it is one: a first line naming none of the contract's columns
    (and no separator problem) is more likely a data row — a person's name and address, which
    must not be copied into logs and run reports."""
    text = " ".join(present)
    looks_like_header = any(name.strip().lower() in expected for name in present) or any(
        separator in text for separator in (";", "\t", "|")
    )
    if not looks_like_header:
        return "; the first line names none of them: is the header line missing?"
    found = ", ".join(present)
    return f"; the header has: {found if len(found) <= 300 else found[:300] + '…'}"


def _header_hint(present: Sequence[str], missing: Sequence[str]) -> str:
    """Why the columns may be missing, when the header shows it."""
    if len(present) == 1:
        for separator, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if separator in present[0]:
                return f" — it looks separated by {name}; save it as comma-separated CSV (UTF-8)"
    loose = {p.strip().lower(): p for p in present}
    near = [f"'{loose[m]}'" for m in missing if m in loose]
    if near:
        return f" — {', '.join(near)} differ(s) only by spaces or case; rename to the exact names"
    return ""


@dataclass(frozen=True)
class StructuralReject:
    """A row that could not be split into the file's columns."""

    row_number: int
    reason: str
    raw: str


@dataclass
class RawRecords:
    """The records of one file, one column per contract column, values not yet typed.

    ``frame`` holds text for CSV (empty string = no value), Python objects for JSON Lines and
    arrow-typed values for Parquet. ``row_numbers[i]`` locates ``frame.iloc[i]`` in the file and
    ``raw_text(i)`` returns its original text, computed only when asked because it is only
    needed for the few rows that fail.
    """

    frame: pd.DataFrame
    row_numbers: np.ndarray
    raw_text: Callable[[int], str]
    rejects: list[StructuralReject] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.rejects)


def printable(text: str) -> str:
    """Replace surrogate-escaped bytes by ``\\xNN`` so the text can be encoded as UTF-8."""
    if not SURROGATE.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def decode(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 (dropping a BOM); undecodable bytes survive as surrogates, flagged True."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), True


def utf8_problem(line: str) -> str | None:
    """Describe the first undecodable byte of a surrogate-escaped line, or None if clean."""
    match = SURROGATE.search(line)
    if match is None:
        return None
    byte = ord(match.group()) - 0xDC00
    return f"not valid UTF-8 (byte 0x{byte:02x} at column {match.start() + 1})"


def check_columns(path: Path, present: Sequence[str], expected: Sequence[str]) -> None:
    """Refuse a header that lacks a contract column or names one twice, saying what was found
    and, where it can tell, why (another separator, spaces or case around a name)."""
    twice = sorted({c for c in expected if list(present).count(c) > 1})
    if twice:
        raise ContractError(
            f"{path}: column(s) {', '.join(twice)} appear more than once in the header; keep "
            "one of each (which one holds the data cannot be guessed)"
        )
    missing = [c for c in expected if c not in present]
    if missing:
        raise ContractError(
            f"{path}: missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(expected)}{_found(present, expected)}{_header_hint(present, missing)}"
        )
    extra = [c for c in present if c not in expected]
    if extra:
        logger.warning("%s: ignoring column(s) not in the contract: %s", path, ", ".join(extra))


@dataclass(frozen=True)
class LineTable:
    """Byte offsets of the physical lines of a file (without their line terminators)."""

    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, data: bytes) -> LineTable:
        buf = np.frombuffer(data, dtype=np.uint8)
        newlines = np.flatnonzero(buf == 0x0A)
        starts = np.concatenate([[0], newlines + 1])
        ends = np.concatenate([newlines, [len(data)]])
        if len(starts) and starts[-1] == len(data):
            starts, ends = starts[:-1], ends[:-1]  # the file ends with a newline
        has_cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 0x0D) if len(buf) else ends > 0
        return cls(starts.astype(np.int64), (ends - has_cr).astype(np.int64))

    @property
    def count(self) -> int:
        return len(self.starts)

    def length(self, i: int) -> int:
        return int(self.ends[i] - self.starts[i])

    def lengths(self, clean_of: dict[int, str] | None = None) -> np.ndarray:
        lengths = self.ends - self.starts
        if clean_of:
            lengths = lengths.copy()
            lengths[list(clean_of)] = 0
        return np.asarray(lengths, dtype=np.int64)

    def longest(self) -> int:
        return int((self.ends - self.starts).max()) if self.count else 0

    def text(self, data: bytes, i: int) -> str:
        return printable(data[self.starts[i] : self.ends[i]].decode("utf-8", "surrogateescape"))

    def has_multiline_records(self, data: bytes) -> bool:
        """True if some line has an odd number of quotes, i.e. a quoted field spans lines."""
        quotes = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x22)
        if not len(quotes):
            return False
        line_of_quote = np.searchsorted(self.starts, quotes, side="right") - 1
        return bool((np.bincount(line_of_quote, minlength=self.count) % 2).any())

    def blank_out(self, data: bytes, indices: list[int]) -> bytes:
        """The file with the given lines emptied, so a parser skips them as blank lines."""
        if not indices:
            return data
        pieces, cursor = [], 0
        for i in indices:
            pieces.append(data[cursor : self.starts[i]])
            cursor = int(self.ends[i])
        pieces.append(data[cursor:])
        return b"".join(pieces)


def bad_utf8_lines(data: bytes, lines: LineTable) -> dict[int, str]:
    """Lines (0-based) holding bytes that are not UTF-8, each with a description of the first."""
    problems: dict[int, str] = {}
    view = memoryview(data)
    try:
        codecs.utf_8_decode(view, "strict", True)
        return problems
    except UnicodeDecodeError:
        pass

    def scan(low: int, high: int) -> None:
        """Bisect the lines [low, high) down to the ones that fail to decode."""
        start, end = int(lines.starts[low]), int(lines.ends[high - 1])
        try:
            codecs.utf_8_decode(view[start:end], "strict", True)
            return
        except UnicodeDecodeError as exc:
            if high - low == 1:
                offset = start + exc.start
                column = len(data[start:offset].decode("utf-8", "surrogateescape")) + 1
                problems[low] = f"not valid UTF-8 (byte 0x{data[offset]:02x} at column {column})"
                return
        middle = (low + high) // 2
        scan(low, middle)
        scan(middle, high)

    # UTF-8 sequences never span a newline, so lines can be checked independently; bisection
    # costs about two decodes of a 4096-line block per bad line instead of one per line.
    for block in range(0, lines.count, 4096):
        scan(block, min(block + 4096, lines.count))
    return dict(sorted(problems.items()))


def _parquet_dtype(arrow_type: pa.DataType) -> Any:
    """pandas dtypes that keep Parquet values as written: text as strings, and integers as
    nullable integers (numpy would turn an integer column with a gap into floats: 250.0)."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    if pa.types.is_unsigned_integer(arrow_type):
        return pd.UInt64Dtype()
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def read_parquet_records(path: Path, data: bytes, columns: Sequence[str]) -> RawRecords:
    """Read a Parquet export; its rows are typed already, so nothing is rejected here."""
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (OSError, pa.ArrowException) as exc:
        raise ContractError(f"{path}: not a readable Parquet file ({exc})") from exc
    check_columns(path, table.column_names, columns)
    table = table.select(list(columns))
    frame = table.to_pandas(types_mapper=_parquet_dtype)
    frame.index = pd.RangeIndex(len(frame))

    def raw_text(i: int) -> str:
        return json.dumps(table.slice(i, 1).to_pylist()[0], default=str, ensure_ascii=False)

    return RawRecords(frame, np.arange(1, len(frame) + 1, dtype=np.int64), raw_text)
