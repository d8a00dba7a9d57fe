"""Reading a source-system export and validating it against its data contract.

``read_and_validate`` is the boundary between the outside world and the graph: it returns the
rows that satisfy the contract as a typed frame and every other row as a ``QuarantinedRow``
that keeps the original text and says, in words, what is wrong with it. Nothing is dropped
silently: ``rows_read == len(valid) + len(quarantined)`` holds for every file.

The work happens in three steps, each in its own module: split the file into records
(``csv_records``, ``jsonl_records``, ``raw_records`` for Parquet and the shared pieces), parse
each value to its contract type (``typed_columns``), then run the pandera contract
(``contracts``) lazily so that all problems of a row are reported at once. Duplicate keys are
resolved last, among otherwise valid rows. Only rows that fail cost per-row Python; a million
rows validate in a few seconds.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from graph.errors import ContractError
from ingestion.contracts import CONTRACTS, PATTERN_DESCRIPTIONS, SourceContract
from ingestion.csv_records import read_csv_records
from ingestion.jsonl_records import read_jsonl_records
from ingestion.packed_files import COMPRESSED_SUFFIXES, format_name, unpacked
from ingestion.raw_records import RawRecords, read_parquet_records
from ingestion.typed_columns import ERROR_COLUMNS, coerce_frame, column_kind, show_value

logger = logging.getLogger(__name__)

_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
#: File extensions the readers understand (what an upload may be called): each format, and
#: the text formats gzip-compressed (`ingestion.packed_files`).
SUPPORTED_SUFFIXES = (
    *_FORMATS,
    *(f"{fmt}{packed}" for fmt in (".csv", ".jsonl", ".ndjson") for packed in COMPRESSED_SUFFIXES),
)


@dataclass(frozen=True)
class QuarantinedRow:
    """A row that broke the contract, kept in full so it can be fixed and re-imported."""

    source_type: str
    file: str
    row_number: int
    reason: str
    raw: str


@dataclass
class ValidatedFile:
    """The outcome of reading one file: typed valid rows plus the quarantined rest."""

    source_type: str
    path: Path
    rows_read: int
    valid: pd.DataFrame
    quarantined: list[QuarantinedRow]
    content_sha256: str
    #: Where each valid row is in the file (as QuarantinedRow.row_number): a row set aside
    #: after validation (it names a person erased on request) is quarantined at its place.
    valid_row_numbers: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


#: What may follow a source type in a file name: `crm_contacts_2024-06.csv`,
#: `crm_contacts-june.csv`, `crm_contacts (1).csv` (a browser's second download).
_NAME_SUFFIX_STARTS = "_- ("


def detect_source_type(path: Path) -> str:
    """The source type a file holds, from its name: ``crm_contacts.csv`` → ``crm_contacts``,
    also with a date or copy number after it (``CRM_Contacts_2024-06.csv``), as exports are
    usually named; the longest type that fits wins (``shop_order_lines_…`` is order lines)."""
    stem = Path(path).name.split(".", 1)[0].lower()
    if stem in CONTRACTS:
        return stem
    for source_type in sorted(CONTRACTS, key=len, reverse=True):
        if stem.startswith(source_type) and stem[len(source_type)] in _NAME_SUFFIX_STARTS:
            return source_type
    known = ", ".join(sorted(CONTRACTS))
    raise ContractError(
        f"{path}: cannot tell which source this file comes from; name it after one of the "
        f"known source types (a date or number may follow: crm_contacts_2024-06.csv): {known}"
    )


@functools.cache
def _validation_schema(source_type: str) -> pa.DataFrameSchema:
    """The contract without its uniqueness rules: duplicates are resolved by the reader."""
    schema = CONTRACTS[source_type].model.to_schema()
    for name, column in schema.columns.items():
        if column.unique:
            schema = schema.update_column(name, unique=False)
    if schema.unique:
        schema = copy.deepcopy(schema)
        schema.unique = None
    return schema


def read_file_bytes(path: Path) -> bytes:
    """The file's bytes, or a ContractError a user can act on."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ContractError(f"{path}: cannot read the file ({exc})") from exc


def read_and_validate(
    path: Path, source_type: str | None = None, data: bytes | None = None, zone: str = "UTC"
) -> ValidatedFile:
    """Read ``path`` and split its rows into contract-valid rows and quarantined rows.

    Raises ContractError only for whole-file problems: unknown source type, unreadable file,
    missing columns. Every row-level problem ends up in ``quarantined`` instead. A caller that
    has already read the file (to hash it, say) passes ``data`` so it is not read twice.
    Times written without an offset are read as wall-clock times in ``zone``, the source's
    time zone (`Settings.timezone_of`).
    """
    path = Path(path)
    source_type = source_type or detect_source_type(path)
    if source_type not in CONTRACTS:
        raise ContractError(
            f"unknown source type {source_type!r}; known types: {', '.join(sorted(CONTRACTS))}"
        )
    contract = CONTRACTS[source_type]
    if data is None:
        data = read_file_bytes(path)

    raw = _read_records(path, unpacked(path, data), contract)
    schema = _validation_schema(source_type)
    kinds = {name: column_kind(col.dtype) for name, col in schema.columns.items()}
    typed, cell_errors = coerce_frame(raw.frame, kinds, zone)
    check_errors = _contract_errors(path, schema, typed)
    reasons = _row_reasons(cell_errors, check_errors, list(schema.columns))

    ok = np.ones(len(typed), dtype=bool)
    ok[reasons.index.to_numpy(dtype=np.int64)] = False
    superseded = _superseded_duplicates(typed, ok, contract, raw.row_numbers)
    ok[superseded.index.to_numpy(dtype=np.int64)] = False

    quarantined = [
        QuarantinedRow(source_type, str(path), r.row_number, r.reason, r.raw) for r in raw.rejects
    ]
    for pos, reason in pd.concat([reasons, superseded]).items():
        quarantined.append(
            QuarantinedRow(
                source_type, str(path), int(raw.row_numbers[pos]), reason, raw.raw_text(int(pos))
            )
        )
    quarantined.sort(key=lambda q: q.row_number)
    valid = typed.loc[ok].reset_index(drop=True)
    result = ValidatedFile(
        source_type=source_type,
        path=path,
        rows_read=raw.rows_read,
        valid=valid,
        quarantined=quarantined,
        content_sha256=hashlib.sha256(data).hexdigest(),
        valid_row_numbers=np.asarray(raw.row_numbers, dtype=np.int64)[ok],
    )
    logger.info(
        "%s: %d rows read, %d valid, %d quarantined",
        path.name,
        result.rows_read,
        len(valid),
        len(quarantined),
    )
    return result


def _read_records(path: Path, data: bytes, contract: SourceContract) -> RawRecords:
    fmt = _FORMATS.get(Path(format_name(path)).suffix.lower(), contract.file_format)
    schema = _validation_schema(contract.source_type)
    columns = list(schema.columns)
    if fmt == "csv":
        return read_csv_records(path, data, columns)
    if fmt == "jsonl":
        lists = [c for c, col in schema.columns.items() if column_kind(col.dtype) == "object"]
        required = [c for c, col in schema.columns.items() if not col.nullable]
        return read_jsonl_records(path, data, columns, lists, required)
    return read_parquet_records(path, data, columns)


def _contract_errors(path: Path, schema: pa.DataFrameSchema, typed: pd.DataFrame) -> pd.DataFrame:
    """Run the contract lazily and turn each failure case into a sentence about one cell."""
    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return pd.DataFrame(columns=ERROR_COLUMNS)
    whole = cases[cases["index"].isna()]
    if len(whole):
        first = whole.iloc[0]
        raise ContractError(
            f"{path}: the column {first['column']!r} fails {first['check']} as a whole; "
            "the file does not match its contract"
        )
    rows: list[tuple[int, str, str]] = []
    seen_frame_checks: set[tuple[int, str]] = set()
    for case in cases.itertuples(index=False):
        row = int(case.index)
        if case.schema_context == "DataFrameSchema":
            if (row, case.check) not in seen_frame_checks:
                seen_frame_checks.add((row, case.check))
                rows.append((row, "", str(case.check)))
            continue
        column = str(case.column)
        message = _cell_message(
            schema, column, str(case.check), case.check_number, case.failure_case
        )
        rows.append((row, column, message))
    return pd.DataFrame(rows, columns=ERROR_COLUMNS)


def _cell_message(
    schema: pa.DataFrameSchema, column: str, check_label: str, number: Any, value: Any
) -> str:
    """One failure case in words, e.g. ``email: 'bob@' is not a valid email``."""
    if check_label == "not_nullable":
        return f"{column}: missing (required)"
    check = schema.columns[column].checks[int(number)] if number is not None else None
    stats: dict[str, Any] = dict(check.statistics) if check is not None else {}
    name = check.name if check is not None else check_label
    shown = show_value(value)
    if name == "str_matches":
        pattern = stats.get("pattern")
        what = PATTERN_DESCRIPTIONS.get(str(pattern), f"matching {pattern}")
        return f"{column}: {shown} is not {what}"
    if name == "isin":
        allowed = ", ".join(str(v) for v in stats.get("allowed_values", []))
        return f"{column}: {shown} is not one of {allowed}"
    if name == "str_length":
        return (
            f"{column}: {len(str(value)):,} characters, more than the "
            f"{stats.get('max_value'):,} allowed"
        )
    if name == "greater_than_or_equal_to":
        low = stats.get("min_value")
        return f"{column}: {shown} is negative" if low == 0 else f"{column}: {shown} is below {low}"
    if name == "less_than_or_equal_to":
        return f"{column}: {shown} is above {stats.get('max_value')}"
    if name == "in_range":
        return f"{column}: {shown} is outside {stats.get('min_value')} .. {stats.get('max_value')}"
    error = check.error if check is not None and check.error else check_label
    return f"{column}: {shown} {error}"


def _row_reasons(
    cell_errors: pd.DataFrame, check_errors: pd.DataFrame, columns: list[str]
) -> pd.Series:
    """Join all problems of each row into one reason, in column order.

    A cell that failed to parse is missing for the contract check; its "missing" complaint
    would only repeat the parse error, so contract failures on such cells are dropped.
    """
    if len(check_errors) and len(cell_errors):
        parsed_bad = pd.MultiIndex.from_frame(cell_errors[["row", "column"]])
        checked = pd.MultiIndex.from_frame(check_errors[["row", "column"]])
        check_errors = check_errors[~checked.isin(parsed_bad)]
    errors = (
        pd.concat([e for e in (cell_errors, check_errors) if len(e)], ignore_index=True)
        if (len(cell_errors) or len(check_errors))
        else None
    )
    if errors is None:
        return pd.Series(dtype=object, index=pd.Index([], dtype="int64"))
    order = {name: i for i, name in enumerate(columns)}
    errors["order"] = errors["column"].map(order).fillna(len(columns))
    errors = errors.sort_values(["row", "order"], kind="stable")
    return errors.groupby("row", sort=True)["message"].agg("; ".join)


def _superseded_duplicates(
    typed: pd.DataFrame, ok: np.ndarray, contract: SourceContract, row_numbers: np.ndarray
) -> pd.Series:
    """Earlier valid rows whose key reappears later in the file, with the row that wins.

    An export that lists a record twice most plausibly appended a newer version, so the last
    occurrence is kept and the earlier ones are quarantined (not dropped) for review.
    """
    keys = list(contract.key_columns)
    positions = np.flatnonzero(ok)
    subset = typed[keys] if len(positions) == len(typed) else typed[keys].iloc[positions]
    # Hash-count the keys in C++ first; only rows whose key repeats need pandas' duplicated().
    parts = [pyarrow.array(subset[k].astype(str), type=pyarrow.string()) for k in keys]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "\x1f")
    counts = pc.value_counts(joined)
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if not len(repeated):
        return pd.Series(dtype=object, index=pd.Index([], dtype="int64"))
    in_repeat = np.asarray(pc.is_in(joined, value_set=repeated).to_numpy(zero_copy_only=False))
    positions, subset = positions[in_repeat], subset.iloc[np.flatnonzero(in_repeat)]
    earlier = subset.duplicated(keep="last").to_numpy()
    winner = (
        pd.Series(positions, index=subset.index)
        .groupby([subset[k] for k in keys], sort=False)
        .transform("last")
        .to_numpy()
    )
    reasons: dict[int, str] = {}
    for pos, win in zip(positions[earlier], winner[earlier], strict=True):
        key = ", ".join(f"{k}={show_value(typed.at[pos, k])}" for k in keys)
        reasons[int(pos)] = f"duplicate key {key} (superseded by row {int(row_numbers[win])})"
    return pd.Series(reasons, dtype=object)
