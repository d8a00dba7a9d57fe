"""The fields of a rejected row's raw text, and rows that must not keep theirs.

Why here: a rejected row is kept whole (its (:QuarantinedRow) node holds a preview, the run's
quarantine file all of it) so it can be fixed and loaded again — unless it names a person whose
data was erased on request (`marketgraph erase`): an export loaded after the erasure may still
carry them, and its rejected row must not bring their data back. The erasure itself scrubs
the rows already kept (models/privacy/quarantine.py) with the same reading of fields.

The same holds for a valid row of a person export whose record was erased on request: the
source still holds the person (it has not erased them yet), and the row is set aside as a
quarantined row with that reason and no text (``set_aside_erased``) rather than loaded — or
counted "unchanged", which said nothing — so the load reports it and nothing is dropped
silently. Only a row created after the erasure (the person signed up again, as a new
sign-up) loads, and revives the record (cypher/ingest/customer_records.cypher).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from graph.cypher_catalog import load_query
from graph.db import Database
from ingestion.mapping import GraphMapping
from ingestion.readers import QuarantinedRow, ValidatedFile

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


@dataclass(frozen=True)
class Erased:
    """A person record erased on request: the erasure and when (its ``deleted_at``, the time
    a row's ``created_at`` must pass to be a new sign-up)."""

    erasure_id: str
    at: datetime


def erased_people_set_aside(
    db: Database, vf: ValidatedFile, mapping: GraphMapping
) -> tuple[ValidatedFile, int, int]:
    """A person export's rows for records erased on request, quarantined with a reason and no
    text instead of loaded (``set_aside_erased``); with how many, and how many revive one
    (created since: a new sign-up). Other exports are returned as they are."""
    if mapping.query != "ingest/customer_records" or vf.valid.empty:
        return vf, 0, 0
    erased = {
        str(r["record_id"]): Erased(str(r["erasure_id"]), r["deleted_at"].to_native())
        for r in db.query(load_query("ingest/erased_source_ids"))
    }
    return set_aside_erased(vf, mapping.build(vf.valid), erased)


def set_aside_erased(
    vf: ValidatedFile, frame: pd.DataFrame, erased: Mapping[str, Erased]
) -> tuple[ValidatedFile, int, int]:
    """``vf`` without the valid rows of records erased on request, which join its quarantined
    rows with a reason and no text; also how many were set aside and how many rows revive an
    erased record (created after its erasure: a new sign-up, loaded). ``frame`` is the person
    export's rows as mapped for the graph (``record_id``, ``created_at``), in ``vf.valid``'s
    order."""
    if not erased or vf.valid.empty:
        return vf, 0, 0
    ids = frame["record_id"].astype("string")
    named = ids.isin(list(erased)).fillna(False).to_numpy(dtype=bool)
    if not named.any():
        return vf, 0, 0
    created = pd.to_datetime(frame["created_at"], utc=True)
    erased_at = pd.to_datetime(
        ids.map(lambda r: erased[r].at if r in erased else None), utc=True
    )  # fmt: skip
    signed_up = (created > erased_at).fillna(False).to_numpy(dtype=bool)
    aside = named & ~signed_up
    rows = [
        QuarantinedRow(
            vf.source_type, str(vf.path), int(vf.valid_row_numbers[pos]),
            f"{ids.iloc[pos]} was erased on request ({erased[str(ids.iloc[pos])].erasure_id}): "
            "the source still holds the person, so its row is not loaded and its text not kept "
            "(ask the source to erase them too)",
            "",
        )
        for pos in np.flatnonzero(aside)
    ]  # fmt: skip
    kept = ~aside
    trimmed = replace(
        vf, valid=vf.valid.loc[kept].reset_index(drop=True),
        quarantined=sorted([*vf.quarantined, *rows], key=lambda q: q.row_number),
        valid_row_numbers=vf.valid_row_numbers[kept],
    )  # fmt: skip
    return trimmed, len(rows), int((named & signed_up).sum())


def erased_note(set_aside: int, revived: int) -> str:
    """What a file's report says about rows of people erased on request."""
    said = []
    if set_aside:
        said.append(
            f"{set_aside} row(s) of people erased on request set aside (quarantined, no text "
            "kept): the source still holds them; ask it to erase them too"
        )
    if revived:
        said.append(f"{revived} erased record(s) revived by rows created since (new sign-ups)")
    return "; ".join(said)
