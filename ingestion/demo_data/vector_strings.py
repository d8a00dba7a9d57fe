"""Vectorised string building for million-row columns (arrow-backed pandas strings).

A Python loop or f-string per row costs ~1 µs; the generator builds tens of millions of cells,
so ids, emails, timestamps and money amounts are assembled column-wise here instead.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

STR = pd.StringDtype("pyarrow", na_value=np.nan)

Part = pd.Series | str


def text(values: Sequence[str] | np.ndarray | pd.Series) -> pd.Series:
    """Any sequence of str as an arrow-backed string Series with a fresh RangeIndex."""
    series = pd.Series(values, dtype=STR)
    return series.reset_index(drop=True)


def cat(*parts: Part) -> pd.Series:
    """Concatenate string Series (aligned by position) and literals."""
    series = [p for p in parts if isinstance(p, pd.Series)]
    if not series:
        raise ValueError("cat() needs at least one Series")
    n = len(series[0])
    out = text(np.full(n, "", dtype=object))
    for part in parts:
        if isinstance(part, pd.Series):
            out = out + part.reset_index(drop=True).astype(STR)
        else:
            out = out + part
    return out


def pick(pool: np.ndarray, index: np.ndarray) -> pd.Series:
    """``pool[index]`` as a string Series: the way names are drawn for a million people."""
    return text(pool[index])


def ids(prefix: str, n: int, width: int, start: int = 1) -> pd.Series:
    """``prefix`` + zero-padded sequence numbers: ``ids("C", 3, 7)`` → C0000001.."""
    numbers = text(np.arange(start, start + n).astype(str))
    return prefix + numbers.str.pad(width, side="left", fillchar="0")


def iso_utc(seconds: np.ndarray) -> pd.Series:
    """Seconds since the epoch as ``2026-03-04T10:15:00Z``."""
    stamps = np.datetime_as_string(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"))
    return text(stamps) + "Z"


def iso_utc_one(seconds: int) -> str:
    """One timestamp as ``2026-03-04T10:15:00Z`` (for the few hundred content items)."""
    return str(np.datetime_as_string(np.datetime64(int(seconds), "s"))) + "Z"


def iso_date_one(seconds: int) -> str:
    """One timestamp's date as ``2026-03-04``."""
    return str(np.datetime64(int(seconds), "s").astype("datetime64[D]"))


def iso_date(seconds: np.ndarray) -> pd.Series:
    """Seconds since the epoch as ``2026-03-04``."""
    days = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]").astype("datetime64[D]")
    return text(np.datetime_as_string(days))


def money(amounts: np.ndarray) -> pd.Series:
    """Non-negative amounts with two decimals, without a per-row format call."""
    cents = np.round(np.asarray(amounts, dtype=np.float64) * 100).astype(np.int64)
    whole = text((cents // 100).astype(str))
    frac = text((cents % 100).astype(str)).str.pad(2, side="left", fillchar="0")
    return whole + "." + frac


def bools(values: np.ndarray) -> pd.Series:
    """Booleans as ``true``/``false``, the way most exports spell them."""
    return text(np.where(np.asarray(values, dtype=bool), "true", "false"))


def ascii_lower(values: np.ndarray) -> np.ndarray:
    """Lowercase ASCII letters only (``Zoë O'Brien-Smith`` → ``zoeobriensmith``), for emails.

    Runs per distinct value, so it is meant for name pools rather than per-person columns.
    """
    out = []
    for value in values:
        folded = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
        letters = "".join(ch for ch in folded.lower() if ch.isalnum())
        out.append(letters or "x")
    return np.asarray(out, dtype=object)


def blank_where(series: pd.Series, mask: np.ndarray) -> pd.Series:
    """Set cells to missing (written as an empty field) where ``mask`` is true."""
    return series.reset_index(drop=True).mask(pd.Series(mask))


def choose_where(mask: np.ndarray, when_true: pd.Series, when_false: pd.Series) -> pd.Series:
    """Row-wise choice between two string Series of equal length."""
    a, b = when_true.reset_index(drop=True), when_false.reset_index(drop=True)
    return a.where(pd.Series(np.asarray(mask, dtype=bool)), b)
