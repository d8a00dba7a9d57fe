"""Reading JSON Lines exports into raw records (see ``raw_records`` for what "raw" means).

pyarrow parses well-formed lines in C++; ``json.loads`` per line would cost seconds per million.
Lines that do not look like one JSON object (``{`` … ``}``) or hold invalid UTF-8 are set
aside first and judged one by one with the json module, which gives the precise reason for
rejecting them. If pyarrow still refuses the remaining lines (say a number where text was
expected, or two objects on one line), the whole file is read with the json module instead,
so the fast path never changes what is accepted.

JSON has no header: a field missing from a record is a missing value. Only when a required
field is missing from *every* record is the file taken to be of the wrong type.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson

from graph.errors import ContractError
from ingestion.raw_records import (
    STR,
    LineTable,
    RawRecords,
    StructuralReject,
    bad_utf8_lines,
    decode,
    printable,
    utf8_problem,
)

logger = logging.getLogger(__name__)


def read_jsonl_records(
    path: Path,
    data: bytes,
    columns: Sequence[str],
    list_columns: Sequence[str],
    required: Sequence[str],
) -> RawRecords:
    """Parse JSON Lines, rejecting lines that do not parse or are not JSON objects."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = LineTable.of(data)
    buf = np.frombuffer(data, dtype=np.uint8)
    length = lines.ends - lines.starts
    has_text = length > 0
    first = np.where(
        has_text, buf[np.minimum(lines.starts, max(len(buf) - 1, 0))] if len(buf) else 0, 0
    )
    last = np.where(has_text, buf[np.maximum(lines.ends - 1, 0)] if len(buf) else 0, 0)
    object_shaped = has_text & (first == ord("{")) & (last == ord("}"))
    bad_bytes = bad_utf8_lines(data, lines)
    odd = np.flatnonzero(has_text & ~object_shaped)
    if bad_bytes:
        odd = np.union1d(odd, np.fromiter(bad_bytes, dtype=np.int64))
    fast = np.flatnonzero(object_shaped)
    if len(odd):
        fast = np.setdiff1d(fast, odd, assume_unique=True)

    cleaned = lines.blank_out(data, odd.tolist())
    frame = _parse_with_arrow(cleaned, columns, list_columns, len(fast), lines.longest())
    if frame is None:
        logger.info("%s: pyarrow could not parse every line; using the json module", path)
        return _read_jsonl_python(path, data, lines, np.flatnonzero(has_text), columns, required)

    slow = _read_jsonl_python(path, data, lines, odd, columns, required, check=False)
    numbers = fast + 1
    if len(slow.frame):
        frame = pd.concat([frame.astype(object), slow.frame], ignore_index=True)
        numbers = np.concatenate([numbers, slow.row_numbers])
        order = np.argsort(numbers, kind="stable")
        frame, numbers = frame.iloc[order].reset_index(drop=True), numbers[order]
    _check_required(path, frame, required)

    def raw_text(i: int) -> str:
        return lines.text(data, int(numbers[i]) - 1)

    return RawRecords(frame, numbers, raw_text, slow.rejects)


def _parse_with_arrow(
    data: bytes,
    columns: Sequence[str],
    list_columns: Sequence[str],
    expected_rows: int,
    longest: int,
) -> pd.DataFrame | None:
    """The object lines parsed by pyarrow, or None if pyarrow refuses or miscounts them."""
    schema = pa.schema(
        [(c, pa.list_(pa.string()) if c in list_columns else pa.string()) for c in columns]
    )
    try:
        table = pajson.read_json(
            pa.BufferReader(data),
            read_options=pajson.ReadOptions(block_size=max(1 << 20, 2 * longest + 2)),
            parse_options=pajson.ParseOptions(
                explicit_schema=schema, unexpected_field_behavior="ignore"
            ),
        )
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    if table.num_rows != expected_rows:
        return None
    return pd.DataFrame(
        {
            c: pd.Series(table.column(c).to_pylist(), dtype=object)
            if c in list_columns
            else table.column(c).to_pandas().astype(STR)
            for c in columns
        },
        index=pd.RangeIndex(table.num_rows),
    )


def _read_jsonl_python(
    path: Path,
    data: bytes,
    lines: LineTable,
    which: np.ndarray,
    columns: Sequence[str],
    required: Sequence[str],
    *,
    check: bool = True,
) -> RawRecords:
    """Judge the given (0-based) lines with the json module, one at a time."""
    records: list[dict[str, object]] = []
    numbers: list[int] = []
    rejects: list[StructuralReject] = []
    for index in which.tolist():
        number = index + 1
        line, _ = decode(data[lines.starts[index] : lines.ends[index]])
        if not line.strip():
            continue
        if problem := utf8_problem(line):
            rejects.append(StructuralReject(number, f"line {number}: {problem}", printable(line)))
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            rejects.append(StructuralReject(number, f"line {number}: not valid JSON ({exc})", line))
            continue
        if not isinstance(value, dict):
            reason = f"line {number}: not a JSON object but {type(value).__name__}"
            rejects.append(StructuralReject(number, reason, line))
            continue
        records.append(value)
        numbers.append(number)
    frame = pd.DataFrame(
        {c: pd.Series([r.get(c) for r in records], dtype=object) for c in columns},
        index=pd.RangeIndex(len(records)),
    )
    if check:
        _check_required(path, frame, required)
    numbers_arr = np.asarray(numbers, dtype=np.int64)

    def raw_text(i: int) -> str:
        return lines.text(data, int(numbers_arr[i]) - 1)

    return RawRecords(frame, numbers_arr, raw_text, rejects)


def _check_required(path: Path, frame: pd.DataFrame, required: Sequence[str]) -> None:
    if not len(frame):
        return
    absent = [c for c in required if frame[c].isna().all()]
    if absent:
        raise ContractError(
            f"{path}: no record has {', '.join(absent)}; this does not look like the expected "
            "kind of export"
        )
