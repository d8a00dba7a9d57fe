"""Reading CSV exports into raw records (see ``raw_records`` for what "raw" means).

Files where every record sits on one line (the normal case) are parsed by pyarrow, about ten
times faster than the csv module; files with line breaks inside quoted fields or bare carriage
returns take the csv-module path, which tracks multi-line records exactly. Both reject rows
with a wrong field count or bytes that are not UTF-8, with the same reasons.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from graph.errors import ContractError
from ingestion.raw_records import (
    STR,
    SURROGATE,
    LineTable,
    RawRecords,
    StructuralReject,
    bad_utf8_lines,
    check_columns,
    decode,
    printable,
    utf8_problem,
)

logger = logging.getLogger(__name__)

#: Fields beyond this many characters cannot come from a sane export; the csv module's default
#: (128 KiB) would abort the whole file instead, so it is raised to this for our reads.
CSV_FIELD_LIMIT = 64 * 1024 * 1024
#: Stray quotes set aside per file before the reader gives up on telling them apart (each pass
#: re-reads the file); a file with more is quarantined as the reader splits it.
MAX_RUNAWAY_QUOTES = 20


def read_csv_records(path: Path, data: bytes, columns: Sequence[str]) -> RawRecords:
    """Split a CSV export into records, rejecting rows with the wrong field count or bad bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = LineTable.of(data)
    if lines.count == 0 or lines.length(0) == 0:
        raise ContractError(f"{path}: the file is empty; expected a header line")
    if lines.has_multiline_records(data) or data.count(b"\r") != data.count(b"\r\n"):
        return _read_csv_python(path, data, columns)

    bad_utf8 = bad_utf8_lines(data, lines)
    if 0 in bad_utf8:
        raise ContractError(f"{path}: the header line is {bad_utf8[0]}")
    header = next(csv.reader([lines.text(data, 0)]))
    check_columns(path, header, columns)
    rejects = [
        StructuralReject(i + 1, f"line {i + 1}: {problem}", lines.text(data, i))
        for i, problem in bad_utf8.items()
    ]
    clean = lines.blank_out(data, sorted(bad_utf8))
    invalid: list[tuple[int, int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number or 0, row.expected_columns, row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(clean),
            read_options=pacsv.ReadOptions(
                use_threads=False, block_size=max(1 << 20, 2 * lines.longest() + 2)
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                include_columns=list(columns),
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowException as exc:
        logger.info("%s: pyarrow could not parse (%s); using the csv module", path, exc)
        return _read_csv_python(path, data, columns)

    non_empty = np.flatnonzero(lines.lengths(clean_of=bad_utf8) > 0) + 1  # 1-based line numbers
    invalid_positions = [number - 1 for number, _, _ in invalid]  # index into non_empty
    for number, expected, actual in invalid:
        line = int(non_empty[number - 1])
        reason = f"line {line}: {actual} fields, expected {expected}"
        rejects.append(StructuralReject(line, reason, lines.text(data, line - 1)))
    record_lines = np.delete(non_empty, [0, *invalid_positions])
    if len(record_lines) != table.num_rows:
        logger.info("%s: row bookkeeping differs from pyarrow; using the csv module", path)
        return _read_csv_python(path, data, columns)

    frame = pd.DataFrame(
        {name: table.column(name).to_pandas().astype(STR) for name in columns},
        index=pd.RangeIndex(table.num_rows),
    )

    def raw_text(i: int) -> str:
        return lines.text(data, int(record_lines[i]) - 1)

    rejects.sort(key=lambda r: r.row_number)
    return RawRecords(frame, record_lines.astype(np.int64), raw_text, rejects)


def _read_csv_python(path: Path, data: bytes, columns: Sequence[str]) -> RawRecords:
    """The csv-module reader: slower, but exact about records that span several lines."""
    text, has_bad_bytes = decode(data)
    lines = list(io.StringIO(text, newline=""))
    if not lines or not lines[0].strip():
        raise ContractError(f"{path}: the file is empty; expected a header line")
    if has_bad_bytes and (problem := utf8_problem(lines[0])):
        raise ContractError(f"{path}: the header line is {problem}")
    header = next(csv.reader(lines[:1]))
    check_columns(path, header, columns)
    width = len(header)

    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    set_aside: list[StructuralReject] = []
    for attempt in range(MAX_RUNAWAY_QUOTES + 1):
        records, starts, ends, rejects, spans = _parse(lines, width)
        runaway = _runaway_quotes(lines, spans, width)
        if not runaway or attempt == MAX_RUNAWAY_QUOTES:
            break
        for start, end in runaway:  # set the opening line aside, read the lines after it
            reason = (
                f"line {start}: a quote opened on this line is not closed until line {end}, "
                "and the lines between read as records of their own — most likely a missing "
                "closing quote; this line is set aside, the lines after it are read as records"
            )
            raw = printable(lines[start - 1].rstrip("\r\n"))
            set_aside.append(StructuralReject(start, reason, raw))
            line = lines[start - 1]
            lines[start - 1] = line[len(line.rstrip("\r\n")) :]  # keeps its line break
    rejects += set_aside

    starts_arr = np.asarray(starts, dtype=np.int64)
    ends_arr = np.asarray(ends, dtype=np.int64)
    keep = np.ones(len(records), dtype=bool)
    if has_bad_bytes:
        bad_lines = [i + 1 for i, line in enumerate(lines) if SURROGATE.search(line)]
        for line_no in bad_lines:
            pos = int(np.searchsorted(starts_arr, line_no, side="right")) - 1
            if pos < 0 or ends_arr[pos] < line_no or not keep[pos]:
                continue  # the line belongs to a header or an already rejected row
            keep[pos] = False
            problem = utf8_problem(lines[line_no - 1])
            raw = "".join(lines[starts_arr[pos] - 1 : ends_arr[pos]]).rstrip("\r\n")
            rejects.append(
                StructuralReject(int(starts_arr[pos]), f"line {line_no}: {problem}", printable(raw))
            )

    kept = [r for r, k in zip(records, keep, strict=True) if k] if not keep.all() else records
    starts_arr, ends_arr = starts_arr[keep], ends_arr[keep]
    frame = _text_frame(kept, header, columns)

    def raw_text(i: int) -> str:
        raw = "".join(lines[starts_arr[i] - 1 : ends_arr[i]]).rstrip("\r\n")
        return printable(raw)

    return RawRecords(frame, starts_arr, raw_text, sorted(rejects, key=lambda r: r.row_number))


def _parse(
    lines: list[str], width: int
) -> tuple[list[list[str]], list[int], list[int], list[StructuralReject], list[tuple[int, int]]]:
    """Records after the header: (records, their first and last lines, rejects, and the line
    span of every record read, kept or rejected)."""
    reader = csv.reader(lines)
    next(reader)
    records: list[list[str]] = []
    starts: list[int] = []
    ends: list[int] = []
    rejects: list[StructuralReject] = []
    spans: list[tuple[int, int]] = []
    previous_end = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start, previous_end = previous_end + 1, reader.line_num
            raw = "".join(lines[start - 1 : previous_end])
            rejects.append(StructuralReject(start, f"line {start}: {exc}", printable(raw)))
            spans.append((start, previous_end))
            continue
        start, previous_end = previous_end + 1, reader.line_num
        if not record:
            continue  # a blank line holds no record
        spans.append((start, previous_end))
        if len(record) != width:
            raw = "".join(lines[start - 1 : previous_end]).rstrip("\r\n")
            reason = f"line {start}: {len(record)} fields, expected {width}"
            rejects.append(StructuralReject(start, reason, printable(raw)))
            continue
        records.append(record)
        starts.append(start)
        ends.append(previous_end)
    return records, starts, ends, rejects, spans


def _runaway_quotes(
    lines: list[str], spans: list[tuple[int, int]], width: int
) -> list[tuple[int, int]]:
    """Records whose quoted field runs over lines that are whole records by themselves.

    Why: one stray quote (`"Asked about pricing, call back` with no closing quote) makes a CSV
    reader pour every following line into that field until some later quote closes it (or the
    file ends), so good rows vanish inside one bad one. Such a record is malformed as CSV (a
    later field's opening quote closed it, followed by more text, or its quote never closes),
    and the lines it swallowed split into the header's number of fields each. A real
    multi-line field (a note with a line break) is well-formed CSV and is left alone, whatever
    its lines look like."""
    runaway = []
    for start, end in spans:
        if end == start:
            continue
        if _quotes_close(lines[start - 1 : end]):
            continue  # well formed, whatever its width: another rule judges the width
        if any(
            len(next(csv.reader([lines[i - 1]]), [])) == width for i in range(start + 1, end + 1)
        ):
            runaway.append((start, end))
    return runaway


def _quotes_close(record_lines: list[str]) -> bool:
    """Whether a record's quoted fields all close (the csv module, unless strict, lets a quote
    left open run to the end of the file)."""
    try:
        for _ in csv.reader(record_lines, strict=True):
            pass
    except csv.Error:
        return False
    return True


def _text_frame(
    records: list[list[str]], header: list[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Columns as pandas strings, built through arrow because that is ~10x faster than pandas."""
    position = {name: i for i, name in enumerate(header)}
    data: dict[str, pd.Series] = {}
    for name in columns:
        values = [r[position[name]] for r in records]
        data[name] = pd.Series(pa.array(values, type=pa.string()).to_pandas(), dtype="str")
    return pd.DataFrame(data, index=pd.RangeIndex(len(records)))
