"""Writing the export files byte-for-byte reproducibly, line-level damage included.

CSV is written by pandas (minimal quoting, ``\\n`` line ends, UTF-8) and JSON Lines by pandas'
C encoder, both fast enough for millions of rows. Every generated CSV record sits on one
line, which is what lets line-level damage (an extra field, raw invalid UTF-8 bytes) target an
exact record. Parquet is written without pandas metadata so its bytes do not depend on the
pandas version's bookkeeping.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.demo_data.malformed import Damage

#: Stands in for an invalid byte until the text is encoded (a private-use character).
_PLACEHOLDER = "\ue000"
_INVALID_BYTES = b"\xff\xfe"


def _apply_line_ops(lines: list[str], damage: Damage, first_data_line: int) -> None:
    for row, op in damage.line_ops.items():
        i = row + first_data_line
        if op == "wrong_column_count":
            lines[i] = lines[i] + ",surplus"
        elif op == "bad_utf8":
            lines[i] = lines[i] + _PLACEHOLDER
        elif op == "bad_json":
            lines[i] = lines[i][: max(1, len(lines[i]) // 2)]


def _encode(lines: list[str]) -> bytes:
    data = "\n".join(lines).encode("utf-8")
    return data.replace(_PLACEHOLDER.encode("utf-8"), _INVALID_BYTES)


def write_csv(path: Path, frame: pd.DataFrame, damage: Damage) -> bytes:
    """Write ``frame`` (string cells, missing = empty field); returns the bytes written."""
    body = frame.to_csv(index=False, lineterminator="\n")
    lines = body.split("\n")
    if len(lines) != len(frame) + 2:  # header + rows + the empty piece after the last newline
        raise RuntimeError(
            f"{path.name}: a field contains a line break; CSV rows must be single lines"
        )
    _apply_line_ops(lines, damage, first_data_line=1)
    data = _encode(lines)
    path.write_bytes(data)
    return data


def write_jsonl(path: Path, frame: pd.DataFrame, damage: Damage) -> bytes:
    """Write one JSON object per line; missing values become ``null``."""
    if any(pd.api.types.is_object_dtype(t) for t in frame.dtypes):  # lists: json module
        records = frame.to_dict("records")
        lines = [json.dumps(_clean(r), ensure_ascii=False, separators=(",", ":")) for r in records]
    else:
        body = frame.to_json(orient="records", lines=True, force_ascii=False)
        lines = body.replace("\\/", "/").rstrip("\n").split("\n")
    lines.append("")
    _apply_line_ops(lines, damage, first_data_line=0)
    data = _encode(lines)
    path.write_bytes(data)
    return data


def _clean(record: Mapping[Hashable, object]) -> dict[str, object]:
    return {
        str(k): (None if isinstance(v, float) and np.isnan(v) else v) for k, v in record.items()
    }


def write_parquet(path: Path, frame: pd.DataFrame, schema: pa.Schema) -> bytes:
    table = pa.Table.from_pandas(
        frame, schema=schema, preserve_index=False
    ).replace_schema_metadata(None)
    pq.write_table(table, path, compression="snappy")
    return path.read_bytes()


def write_json(path: Path, value: object) -> bytes:
    data = (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    path.write_bytes(data)
    return data
