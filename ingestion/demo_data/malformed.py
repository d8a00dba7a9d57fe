"""Deliberately broken rows, so quarantine has something real to show.

Each file gets about ``rate × rows`` bad rows, of the kinds that plausibly occur in that file
(a CSV can have a wrong field count, a JSON Lines file an unparsable line, a Parquet file only
value-level problems). Every injected row breaks the file's data contract in a way the reader
must catch, and exactly one reader row is affected per injected row, so the counts reported
here equal the number of rows quarantined for the file.

Cell-level damage is applied to the frame before it is written; line-level damage (extra field,
invalid UTF-8 bytes, truncated JSON) is applied by the writer to the serialised line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

BAD_DATES = ("31/02/2026", "2026-02-31T10:00:00Z", "2026-13-01", "yesterday", "03/04/2026 10:15")
WRONG_INTS = ("abc", "12x", "3.5", "ten")
WRONG_FLOATS = ("n/a", "12,50", "£9.99", "-")
WRONG_BOOLS = ("maybe", "unknown", "opted in")
BAD_ENUMS = {
    "industry": "IT services",
    "outcome": "busy",
    "status": "pending",
    "event_type": "bounce",
}
HUGE_FIELD_CHARS = 120_000
_SENTENCE = "This cell was pasted from a spreadsheet by mistake and never cleaned up. "
LINE_KINDS = frozenset({"wrong_column_count", "bad_utf8", "bad_json"})

#: Which kinds of damage each file can get, and the column each kind affects.
PLANS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "crm_accounts": (
        ("wrong_type", "employees"),
        ("missing_key", "account_id"),
        ("bad_date", "created_at"),
        ("huge_field", "name"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
        ("duplicate_key", "account_id"),
        ("bad_enum", "industry"),
    ),
    "crm_contacts": (
        ("missing_key", "contact_id"),
        ("bad_email", "email"),
        ("bad_date", "updated_at"),
        ("huge_field", "job_title"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
        ("duplicate_key", "contact_id"),
        ("wrong_type", "consent_email"),
    ),
    "crm_calls": (
        ("wrong_type", "duration_s"),
        ("missing_key", "call_id"),
        ("bad_date", "occurred_at"),
        ("huge_field", "notes"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
        ("bad_enum", "outcome"),
    ),
    "shop_customers": (
        ("missing_key", "customer_id"),
        ("bad_email", "email"),
        ("bad_date", "created_at"),
        ("huge_field", "street"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
        ("duplicate_key", "customer_id"),
    ),
    "shop_orders": (
        ("wrong_type", "total"),
        ("missing_key", "order_id"),
        ("negative_price", "total"),
        ("bad_date", "ordered_at"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
        ("bad_enum", "status"),
    ),
    "shop_order_lines": (
        ("wrong_type", "quantity"),
        ("missing_key", "order_id"),
        ("negative_price", "unit_price"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
        ("duplicate_key", "order_id+line_no"),
    ),
    "catalog_products": (
        ("negative_price", "price"),
        ("wrong_type", "price"),
        ("bad_date", "launched_at"),
        ("huge_field", "description"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
    ),
    "email_subscribers": (
        ("bad_email", "email"),
        ("missing_key", "subscriber_id"),
        ("bad_date", "subscribed_at"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
        ("bad_enum", "status"),
    ),
    "email_events": (
        ("missing_key", "event_id"),
        ("bad_date", "occurred_at"),
        ("bad_json", None),
        ("bad_enum", "event_type"),
        ("duplicate_key", "event_id"),
    ),
    "web_visitors": (
        ("bad_email", "email"),
        ("missing_key", "visitor_id"),
        ("bad_date", "first_seen_at"),
        ("huge_field", "company"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
    ),
    "web_events": (
        ("missing_key", "event_id"),
        ("bad_enum", "event_type"),
        ("duplicate_key", "event_id"),
        ("huge_field", "url"),
    ),
    "ads_clicks": (
        ("wrong_type", "cost"),
        ("negative_price", "cost"),
        ("missing_key", "click_id"),
        ("bad_date", "clicked_at"),
        ("wrong_column_count", None),
        ("bad_utf8", None),
    ),
    "campaigns": (
        ("negative_price", "budget"),
        ("bad_date", "start_date"),
        ("wrong_column_count", None),
    ),
    "content": (("bad_json", None), ("huge_field", "body"), ("missing_key", "content_id")),
}


@dataclass
class Damage:
    """What was broken in one file: line-level operations for the writer, counts per kind."""

    line_ops: dict[int, str] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.kinds.values())


def _bad_value(kind: str, column: str, value: object, i: int) -> object:
    if kind == "missing_key":
        return None
    if kind == "bad_date":
        return BAD_DATES[i % len(BAD_DATES)]
    if kind == "bad_enum":
        return BAD_ENUMS.get(column, "unknown") if column != "event_type" or i % 2 else "scroll"
    if kind == "huge_field":
        huge = (_SENTENCE * (HUGE_FIELD_CHARS // len(_SENTENCE) + 2))[: HUGE_FIELD_CHARS + i]
        return (
            f"https://www.fieldstone.example/{huge.replace(' ', '-')}" if column == "url" else huge
        )
    if kind == "negative_price":
        amount = (
            abs(float(str(value))) if value is not None and str(value) not in ("", "nan") else 0.0
        )
        return f"-{max(amount, 0.01):.2f}"
    if kind == "bad_email":
        email = str(value)
        local = email.split("@")[0] or "bob"
        return (f"{local}@", email.replace("@", " at "), f"{local}@@example", f"{local}@localhost")[
            i % 4
        ]
    if kind == "wrong_type":
        if column in ("total", "cost", "price", "unit_price"):
            return WRONG_FLOATS[i % len(WRONG_FLOATS)]
        if column.startswith("consent"):
            return WRONG_BOOLS[i % len(WRONG_BOOLS)]
        return WRONG_INTS[i % len(WRONG_INTS)]
    raise ValueError(f"no cell value for damage kind {kind!r}")


def damage(
    rng: np.random.Generator, source_type: str, frame: pd.DataFrame, rate: float
) -> tuple[pd.DataFrame, Damage]:
    """Break about ``rate × len(frame)`` rows of ``frame``; returns the new frame and a record."""
    result = Damage()
    n = len(frame)
    plan = PLANS[source_type]
    if rate <= 0 or n < 2:
        return frame, result
    expected = n * rate
    count = min(int(expected) + int(rng.random() < expected - int(expected)), n // 3)
    if count == 0:
        return frame, result
    rows = np.sort(rng.choice(n, size=count, replace=False))
    offset = int(rng.integers(len(plan)))
    bad = set(rows.tolist())
    targets: set[int] = set()
    edits: dict[str, dict[int, object]] = {}
    for i, row in enumerate(rows.tolist()):
        kind, column = plan[(offset + i) % len(plan)]
        if kind == "bad_email":
            row = _row_with_value(frame, "email", row, bad, targets)
        if kind == "duplicate_key":
            target = next((j for j in range(row + 1, n) if j not in bad), None)
            if target is None:
                kind, column = "missing_key", column.split("+")[0] if column else column
            else:
                targets.add(target)
                for key in str(column).split("+"):
                    edits.setdefault(key, {})[row] = frame[key].iloc[target]
        if kind in LINE_KINDS:
            result.line_ops[row] = kind
        elif kind != "duplicate_key":
            assert column is not None
            original = frame[column].iloc[row]
            variant = result.kinds.get(kind, 0) + offset
            edits.setdefault(column, {})[row] = _bad_value(kind, column, original, variant)
        result.kinds[kind] = result.kinds.get(kind, 0) + 1
    frame = frame.copy()
    for column, changes in edits.items():
        values = frame[column].to_numpy(dtype=object).copy()
        positions = np.fromiter(changes.keys(), dtype=np.int64)
        values[positions] = np.asarray([*changes.values(), None], dtype=object)[:-1]
        frame[column] = pd.Series(values, dtype=frame[column].dtype, index=frame.index)
    return frame, result


def _row_with_value(
    frame: pd.DataFrame, column: str, row: int, bad: set[int], taken: set[int]
) -> int:
    """The row itself if it has a value in ``column``, else another such row still intact."""
    has_value = frame[column].notna().to_numpy()
    if has_value[row]:
        return row
    for candidate in np.flatnonzero(has_value):
        if int(candidate) not in bad and int(candidate) not in taken:
            bad.discard(row)
            bad.add(int(candidate))
            return int(candidate)
    return row
