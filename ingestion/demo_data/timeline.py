"""The demo's fixed calendar, as integer seconds since the Unix epoch (UTC).

Everything is anchored to a fixed reference date instead of "now" so that the same seed gives
the same bytes on any day; vectorised arithmetic on int64 seconds keeps million-row timelines
cheap.
"""

from __future__ import annotations

from typing import Final

import numpy as np

DAY: Final = 86_400
HOUR: Final = 3_600

REFERENCE_DATE: Final = "2026-09-30"
#: Exclusive end of all activity: midnight after the reference date.
END: Final = int(np.datetime64("2026-10-01T00:00:00", "s").astype(np.int64))
#: Orders, campaigns and events span the two years before the reference date.
ACTIVITY_START: Final = int(np.datetime64("2024-10-01T00:00:00", "s").astype(np.int64))
#: Customer records may be older than the activity window.
HISTORY_START: Final = int(np.datetime64("2019-01-01T00:00:00", "s").astype(np.int64))


def month_index(seconds: np.ndarray) -> np.ndarray:
    """Calendar month 0..11 of each timestamp."""
    months = seconds.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return np.asarray(months % 12, dtype=np.int64)


def weekday(seconds: np.ndarray) -> np.ndarray:
    """Day of week, Monday = 0 (1970-01-01 was a Thursday)."""
    return np.asarray((seconds // DAY + 3) % 7, dtype=np.int64)


def between(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, n: int
) -> np.ndarray:
    """Uniform integer seconds in [low, high) (high is raised to low + 1 where needed)."""
    low_arr = np.broadcast_to(np.asarray(low, dtype=np.int64), (n,))
    high_arr = np.maximum(np.broadcast_to(np.asarray(high, dtype=np.int64), (n,)), low_arr + 1)
    return low_arr + (rng.random(n) * (high_arr - low_arr)).astype(np.int64)


def business_hours(rng: np.random.Generator, seconds: np.ndarray) -> np.ndarray:
    """Move timestamps to 08:30-17:30 on a weekday, as sales calls and B2B orders happen."""
    day = seconds - seconds % DAY
    dow = weekday(seconds)
    day = day + np.where(dow == 5, 2 * DAY, np.where(dow == 6, DAY, 0))
    minutes = (rng.random(len(seconds)) * 9 * HOUR).astype(np.int64)
    return np.asarray(day + 8 * HOUR + 1_800 + minutes, dtype=np.int64)


def seasonal_times(
    rng: np.random.Generator, low: np.ndarray, high: np.ndarray, month_weight: np.ndarray
) -> np.ndarray:
    """Timestamps in [low, high) whose months follow ``month_weight`` (rejection sampling).

    Vectorised: each round redraws only the rejected rows, so a handful of rounds suffice.
    """
    n = len(low)
    out = between(rng, low, high, n)
    accept_p = month_weight / month_weight.max()
    pending = np.flatnonzero(rng.random(n) >= accept_p[month_index(out)])
    for _ in range(30):
        if not len(pending):
            break
        redraw = between(rng, low[pending], high[pending], len(pending))
        out[pending] = redraw
        keep = rng.random(len(pending)) >= accept_p[month_index(redraw)]
        pending = pending[keep]
    return out
