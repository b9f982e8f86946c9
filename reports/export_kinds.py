"""Export TLS reports and failure reports (issue 14) as CSV, JSON or Parquet.

The rows are plain values: text, integers or lists of text (failure reports' DKIM signatures,
SPF-DNS and Authentication-Results). As for records, CSV cells a spreadsheet would run as a
formula get an apostrophe, lists are one :func:`~reports.export.list_cell`, and the file appears
complete or not at all. Failure reports are exported redacted: what the store may have kept
besides never leaves it.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from .errors import ExportNeedsFile, ParquetUnavailable
from .export import Format, _atomic, list_cell, neutralise

Row = dict[str, object]


def export_rows(
    rows: Sequence[Row],
    columns: Sequence[str],
    integers: frozenset[str],
    fmt: Format,
    target: Path | None,
) -> int:
    """Write *rows* with *columns* to *target* (stdout when None); the number of rows."""
    if fmt == "parquet":
        if target is None:
            raise ExportNeedsFile("Parquet is binary: give a file with -o")
        return _atomic(target, "wb", lambda out: _parquet(rows, columns, integers, out))
    write = _csv if fmt == "csv" else _json
    if target is None:
        return write(rows, columns, sys.stdout)
    return _atomic(target, "w", lambda out: write(rows, columns, out))


def _csv(rows: Sequence[Row], columns: Sequence[str], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return len(rows)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return neutralise(list_cell([str(item)] for item in value))
    return neutralise(value)


def _json(rows: Sequence[Row], columns: Sequence[str], out: IO[str]) -> int:
    out.write("[")
    for index, row in enumerate(rows):
        out.write(",\n" if index else "\n")
        out.write(json.dumps({c: _plain(row.get(c)) for c in columns}, ensure_ascii=False))
    out.write("\n]\n" if rows else "]\n")
    return len(rows)


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _parquet(
    rows: Sequence[Row], columns: Sequence[str], integers: frozenset[str], out: IO[bytes]
) -> int:
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional extra
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as exc:
        raise ParquetUnavailable(
            "Parquet needs pyarrow: install dmarcwatch with its parquet extra (or pyarrow into its "
            "environment)"
        ) from exc
    lists = {c for c in columns if any(isinstance(r.get(c), list | tuple) for r in rows)}
    fields = [pa.field(c, _type(pa, c, integers, lists)) for c in columns]
    schema = pa.schema(fields)
    data: dict[str, Any] = {c: [_plain(r.get(c)) for r in rows] for c in columns}
    pq.write_table(pa.Table.from_pydict(data, schema=schema), out, compression="zstd")
    return len(rows)


def _type(pa: Any, column: str, integers: frozenset[str], lists: set[str]) -> Any:
    if column in integers:
        return pa.int64()
    if column in lists:
        return pa.list_(pa.string())
    return pa.string()
