"""The fields of a rejected row's raw text, and rows that must not keep theirs.

Why here: a rejected row is kept whole (its (:QuarantinedRow) node holds a preview, the run's
quarantine file all of it) so it can be fixed and loaded again — unless it names a person whose
data was erased on request (`marketgraph erase`): an export loaded after the erasure may still
carry them, and its rejected row must not bring their data back. The erasure itself scrubs
the rows already kept (models/privacy/quarantine.py) with the same reading of fields.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from ingestion.readers import QuarantinedRow

#: A JSON string's content (escapes kept: ids, e-mails and phones hold none).
JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def fields(raw: str) -> set[str]:
    """Every value of a raw row, lower-cased: the values of a JSON object (nested ones too; the
    quoted strings of one that does not parse), or the cells of a CSV line (either may be
    broken: that is why it was quarantined)."""
    text = raw.strip()
    if text.startswith("{"):
        try:
            return {str(v).strip().lower() for v in _json_values(json.loads(text))}
        except ValueError:  # cut short on its graph node (a 2,000-character preview)
            return {m.strip().lower() for m in JSON_STRING.findall(text)}
    try:
        cells = [cell for line in csv.reader(text.split("\n")) for cell in line]
    except csv.Error:
        cells = text.split(",")
    return {cell.strip().lower() for cell in cells}


def _json_values(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_values(item)
    elif value is not None:
        yield value


def without_erased(rows: list[QuarantinedRow], erased: Mapping[str, str]) -> list[QuarantinedRow]:
    """``rows`` with the raw text and reason of those naming an erased record's source id
    (``erased``: lower-cased source id → erasure id) replaced by a note saying so; the row is
    still counted and kept, as every rejected row is."""
    if not erased:
        return rows
    out = []
    for row in rows:
        hit = next((erased[value] for value in fields(row.raw) if value in erased), None)
        if hit is None:
            out.append(row)
        else:
            reason = f"names a person whose data was erased ({hit}): its text is not kept"
            out.append(replace(row, raw="", reason=reason))
    return out
