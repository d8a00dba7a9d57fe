"""Turning raw column values into the typed columns a contract describes, cell by cell.

Exports carry text; contracts speak of integers, booleans and UTC timestamps. Casting a whole
column at once would either fail on the first bad value or silently turn it into a missing
value; here every value that does not parse is reported with its column and position, so the
row can be quarantined with a precise reason while every other cell keeps its type.

Parsing runs on pyarrow compute kernels (or pandas' vectorised datetime parser): a million
values per column take a fraction of a second. Empty or whitespace-only text means "no value".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: An integer, also as a spreadsheet or pandas writes one from a column with gaps ("250.0").
_INT_PATTERN: Final = r"^[+-]?[0-9]{1,18}(\.0*)?$"
_FLOAT_PATTERN: Final = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_TRUE: Final = pa.array(["true", "t", "yes", "y", "1"])
_FALSE: Final = pa.array(["false", "f", "no", "n", "0"])
_NULL_TEXT: Final = pa.scalar(None, pa.string())
_STR_DTYPE: Final = pd.StringDtype("pyarrow", na_value=np.nan)

#: What a value that fails to parse "is not", by column kind.
_NOT_A: Final[dict[str, str]] = {
    "int": "is not an integer",
    "float": "is not a number",
    "bool": "is not true or false",
    "timestamp": "is not an ISO-8601 timestamp",
    "date": "is not a date (YYYY-MM-DD)",
}

ERROR_COLUMNS: Final = ["row", "column", "message"]


def column_kind(dtype: object) -> str:
    """Map a pandera column dtype to the parser that produces it."""
    name = str(dtype)
    if name == "Int64":
        return "int"
    if name == "float64":
        return "float"
    if name == "boolean":
        return "bool"
    if name.startswith("datetime64") and "UTC" in name:
        return "timestamp"
    if name == "date":
        return "date"
    if name == "object":
        return "object"
    return "text"


def show_value(value: object, limit: int = 60) -> str:
    """A value as quoted in a reason: repr-like, and shortened so reasons stay readable."""
    if not isinstance(value, str):
        return str(value)
    if len(value) > limit:
        return repr(value[: limit - 20]) + f"… ({len(value):,} characters)"
    return repr(value)


def _as_text(series: pd.Series) -> pa.Array:
    """Values as an arrow string array with empty/blank text turned into nulls."""
    if isinstance(series.dtype, pd.StringDtype):
        arr = pa.array(series, type=pa.string(), from_pandas=True)
    else:
        values = series.tolist()
        try:
            arr = pa.array(values, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = pa.array([_json_text(v) for v in values], type=pa.string())
    blank = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(arr)), 0)
    return pc.if_else(blank, _NULL_TEXT, arr)


def _json_text(value: object) -> str | None:
    """A typed value (a Parquet or JSON cell) as the text a CSV would hold for it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, list | dict | tuple | bool):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)  # numbers (Decimal too) as written


def _mask(arr: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _parse_int(text: pa.Array) -> tuple[pd.Series, np.ndarray]:
    trimmed = pc.utf8_trim_whitespace(text)
    ok = pc.match_substring_regex(trimmed, _INT_PATTERN)
    whole = pc.replace_substring_regex(trimmed, pattern=r"^\+|\.0*$", replacement="")
    values = pc.cast(pc.if_else(ok, whole, _NULL_TEXT), pa.int64())
    series = pd.Series(values.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
    return series.astype("Int64"), _mask(pc.is_valid(text)) & ~_mask(ok)


def _parse_float(text: pa.Array) -> tuple[pd.Series, np.ndarray]:
    trimmed = pc.utf8_trim_whitespace(text)
    ok = pc.match_substring_regex(trimmed, _FLOAT_PATTERN)
    values = pc.cast(pc.if_else(ok, trimmed, _NULL_TEXT), pa.float64())
    series = pd.Series(values.to_numpy(zero_copy_only=False), dtype="float64")
    return series, _mask(pc.is_valid(text)) & ~_mask(ok)


def _parse_bool(text: pa.Array) -> tuple[pd.Series, np.ndarray]:
    lower = pc.utf8_lower(pc.utf8_trim_whitespace(text))
    is_true, is_false = pc.is_in(lower, value_set=_TRUE), pc.is_in(lower, value_set=_FALSE)
    values = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    series = pd.Series(values.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get))
    failed = _mask(pc.is_valid(text)) & ~(_mask(is_true) | _mask(is_false))
    return series.astype("boolean"), failed


def _parse_timestamp(
    series: pd.Series, text: pa.Array | None, zone: str = "UTC"
) -> tuple[pd.Series, np.ndarray]:
    """UTC timestamps. A text value with `Z` or an offset is exact; one without (`2024-06-01
    09:30`) is a wall-clock time in `zone`, the source's time zone (`Settings.source_timezone`):
    of a time the clock shows twice when summer time ends, the first (summer) one; a time in
    the hour it skips, an hour later. A Parquet timestamp without a zone is UTC (what Spark's
    and pandas' UTC times look like there)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = pd.Series(series)
        if getattr(parsed.dt, "tz", None) is None:
            parsed = parsed.dt.tz_localize("UTC")
        return parsed.dt.tz_convert("UTC").dt.as_unit("us"), np.zeros(len(series), dtype=bool)
    assert text is not None
    parsed, done = _parse_canonical_timestamps(text)
    present = _mask(pc.is_valid(text))
    rest = np.flatnonzero(present & ~done)
    failed = np.zeros(len(series), dtype=bool)
    if len(rest):  # other ISO-8601 spellings (offsets, fractions, dates) and invalid values
        strings = pd.Series(text.take(pa.array(rest)).to_pandas(), dtype=_STR_DTYPE).str.strip()
        other = pd.to_datetime(strings, format="ISO8601", utc=True, errors="coerce")
        if zone != "UTC":
            other = _in_zone(strings, other, zone)
        other = other.dt.as_unit("us")
        parsed.iloc[rest] = other.to_numpy()
        failed[rest] = other.isna().to_numpy()
    return parsed, failed


def _in_zone(strings: pd.Series, utc: pd.Series, zone: str) -> pd.Series:
    """`utc` (the values read as UTC) with each value written without an offset read again as
    a wall-clock time in `zone`. Which those are, Python's ISO reader tells (a pattern would
    miss `20240601T093000Z` or take the `-15` of `2024-01-15` for an offset)."""
    wall: list[datetime | None] = []
    for value in strings.astype(object).tolist():
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) and value else None
        except ValueError:  # not ISO 8601 to Python: left as pandas read it (or a failed cell)
            moment = None
        wall.append(moment if moment is not None and moment.tzinfo is None else None)
    naive = np.asarray([moment is not None for moment in wall], dtype=bool)
    if not naive.any():
        return utc
    local = pd.Series(pd.to_datetime([m for m in wall if m is not None]))
    summer = np.ones(len(local), dtype=bool)
    moved = local.dt.tz_localize(zone, ambiguous=summer, nonexistent=pd.Timedelta(hours=1))
    result = utc.copy()
    result.iloc[np.flatnonzero(naive)] = moved.dt.tz_convert("UTC").to_numpy()
    return result


_CANONICAL_TS: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"


def _parse_canonical_timestamps(text: pa.Array) -> tuple[pd.Series, np.ndarray]:
    """Parse ``YYYY-MM-DDTHH:MM:SSZ`` in C++; returns values and which rows were parsed.

    ``strptime`` rejects out-of-range months, hours and minutes but rolls impossible days and
    leap seconds over (Feb 31 → Mar 3), so parsed day and second are compared with the digits
    they came from; rows that differ are left for the strict pandas parser.
    """
    canonical = pc.fill_null(pc.match_substring_regex(text, _CANONICAL_TS), False)
    candidates = pc.if_else(canonical, text, _NULL_TEXT)
    parsed = pc.strptime(candidates, format="%Y-%m-%dT%H:%M:%SZ", unit="us", error_is_null=True)
    same = pc.fill_null(pc.is_valid(parsed), False)
    for start, part in ((8, pc.day), (17, pc.second)):
        digits = pc.cast(pc.utf8_slice_codeunits(candidates, start, start + 2), pa.int64())
        same = pc.and_kleene(same, pc.fill_null(pc.equal(part(parsed), digits), False))
    parsed = pc.if_else(same, parsed, pa.scalar(None, pa.timestamp("us")))
    values = pc.cast(parsed, pa.timestamp("us", tz="UTC")).to_pandas()
    return pd.Series(values).dt.as_unit("us"), _mask(same)


def _parse_date(text: pa.Array) -> tuple[pd.Series, np.ndarray]:
    strings = pd.Series(text.to_pandas(), dtype=_STR_DTYPE).str.strip()
    parsed = pd.to_datetime(strings, format="%Y-%m-%d", errors="coerce")
    missing = parsed.isna().to_numpy()
    dates = np.empty(len(parsed), dtype=object)
    dates[~missing] = parsed[~missing].dt.date.to_numpy()
    dates[missing] = None
    return pd.Series(dates, dtype=object), strings.notna().to_numpy() & missing


def _list_from_text(value: object) -> object:
    """A list cell as CSV can hold one: a JSON list (`["SKU-1", "SKU-2"]`) or values joined by
    `|` (`SKU-1|SKU-2`; empty text is an empty list); other values (JSON lists) unchanged."""
    if isinstance(value, np.ndarray):  # a Parquet list column
        return value.tolist()
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            return value  # the contract reports it: "is not a list of ..."
    return [part.strip() for part in text.split("|") if part.strip()]


def coerce_column(series: pd.Series, kind: str, zone: str = "UTC") -> tuple[pd.Series, np.ndarray]:
    """Parse one column to ``kind``; returns the typed values and a mask of unparsable cells.
    Timestamps without an offset are wall-clock times in ``zone``."""
    if kind == "object":
        return series.astype(object).map(_list_from_text), np.zeros(len(series), dtype=bool)
    if kind == "timestamp":
        already_typed = pd.api.types.is_datetime64_any_dtype(series.dtype)
        return _parse_timestamp(series, None if already_typed else _as_text(series), zone)
    if kind == "int" and pd.api.types.is_integer_dtype(series.dtype):
        return series.astype("Int64"), np.zeros(len(series), dtype=bool)
    if kind == "float" and pd.api.types.is_numeric_dtype(series.dtype):
        return series.astype("float64"), np.zeros(len(series), dtype=bool)
    if kind == "bool" and pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), np.zeros(len(series), dtype=bool)
    text = _as_text(series)
    if kind == "int":
        return _parse_int(text)
    if kind == "float":
        return _parse_float(text)
    if kind == "bool":
        return _parse_bool(text)
    if kind == "date":
        return _parse_date(text)
    # Spaces around a value are an export's noise, not data: `ann@x.org ` is a valid address
    # and `C1 ` the id C1, so text is trimmed before the contract's patterns and lists see it.
    trimmed = pc.utf8_trim_whitespace(text)
    return pd.Series(trimmed.to_pandas(), dtype=_STR_DTYPE), np.zeros(len(series), dtype=bool)


def coerce_frame(
    raw: pd.DataFrame, kinds: dict[str, str], zone: str = "UTC"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type every contract column; returns the typed frame and one error row per bad cell.
    Timestamps without an offset are wall-clock times in ``zone`` (the source's time zone).

    The error frame has columns ``row`` (position in ``raw``), ``column`` and ``message``.
    """
    typed: dict[str, pd.Series] = {}
    errors: list[tuple[int, str, str]] = []
    for name, kind in kinds.items():
        values, failed = coerce_column(raw[name].reset_index(drop=True), kind, zone)
        typed[name] = values
        for pos in np.flatnonzero(failed):
            shown = show_value(raw[name].iloc[pos])
            errors.append((int(pos), name, f"{name}: {shown} {_NOT_A[kind]}"))
    frame = pd.DataFrame(typed, index=pd.RangeIndex(len(raw)))
    return frame, pd.DataFrame(errors, columns=ERROR_COLUMNS)


def empty_errors() -> pd.DataFrame:
    """An error frame with no rows, for callers that merge error frames."""
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "column": [], "message": []})


def columns_in_order(names: Sequence[str]) -> dict[str, int]:
    """Position of each column, used to list a row's problems in column order."""
    return {name: i for i, name in enumerate(names)}
