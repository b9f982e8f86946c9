"""Export one row per record as CSV, JSON or Parquet, written chunk by chunk.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return; OWASP "CSV injection") get a leading apostrophe: a reporter name or
domain is attacker-controlled. The DKIM and SPF results and the override reasons are lists of
objects; a CSV cell holds them as :func:`list_cell` text. JSON is one array of objects; Parquet
(pyarrow, the ``parquet`` extra) keeps the column types, the lists as lists of structs. The
file appears complete or not at all: it is written under a temporary name and renamed.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

import pandas as pd

from ..analysis.records import BOOLEAN_COLUMNS, COLUMNS, INTEGER_COLUMNS, LIST_COLUMNS
from .errors import ExportError as ExportError
from .errors import ExportNeedsFile, ExportNotWritable, ParquetUnavailable
from .filemode import mode_for

Format = Literal["csv", "json", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "json", "parquet")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SEPARATORS = frozenset("%| ")


def list_cell(values: Iterable[Iterable[str]]) -> str:
    """A list of objects as one CSV cell: ``field|field|field`` each, separated by spaces.

    In each field ``%``, ``|``, spaces and other unprintable characters are percent-encoded
    (UTF-8, like a URL), so a selector or comment cannot fake a separator.
    """
    return " ".join("|".join(_encode(field) for field in value) for value in values)


def _encode(field: str) -> str:
    return "".join(
        ch if ch not in _SEPARATORS and ch.isprintable() else _percent(ch) for ch in field
    )


def _percent(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))


def neutralise(value: object) -> object:
    """A text cell that starts like a formula, prefixed with ``'`` so it stays text."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


def export_records(frames: Iterable[pd.DataFrame], fmt: Format, target: Path | None) -> int:
    """Write *frames* (of :data:`analysis.records.COLUMNS`) to *target* (stdout when None).

    Returns the number of rows written.
    """
    if fmt == "parquet":
        if target is None:
            raise ExportNeedsFile("Parquet is binary: give a file with -o")
        return _atomic(target, "wb", lambda out: _write_parquet(frames, out))
    writer = _write_csv if fmt == "csv" else _write_json
    if target is None:
        import sys  # noqa: PLC0415 - stdout only for this case

        return writer(frames, sys.stdout)
    return _atomic(target, "w", lambda out: writer(frames, out))


def _atomic(target: Path, mode: Literal["w", "wb"], write: Callable[[Any], int]) -> int:
    directory = target.parent
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as exc:
        raise ExportNotWritable(f"cannot write in {directory}: {exc.strerror}") from exc
    try:
        out: IO[Any]
        if mode == "wb":
            out = os.fdopen(handle, "wb")
        else:
            out = os.fdopen(handle, "w", encoding="utf-8", newline="")
        with out:
            rows = write(out)
        os.chmod(temp, mode_for(target))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return rows


def _write_csv(frames: Iterable[pd.DataFrame], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(COLUMNS)
    rows = 0
    for frame in frames:
        for record in _records(frame):
            writer.writerow([_csv_cell(record[col]) for col in COLUMNS])
            rows += 1
    return rows


def _csv_cell(value: object) -> object:
    if isinstance(value, list):
        return neutralise(list_cell(item.values() for item in value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def _write_json(frames: Iterable[pd.DataFrame], out: IO[str]) -> int:
    """A JSON array, one object per line, streamed (never the whole export in memory)."""
    rows = 0
    out.write("[")
    for frame in frames:
        for record in _records(frame):
            out.write(",\n" if rows else "\n")
            out.write(json.dumps(record, ensure_ascii=False, allow_nan=False))
            rows += 1
    out.write("\n]\n" if rows else "]\n")
    return rows


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as plain Python values (no numpy or pandas scalars, missing as None)."""
    for record in frame.to_dict("records"):
        yield {col: _plain(col, record[col]) for col in COLUMNS}


def _plain(column: str, value: Any) -> Any:
    if column in LIST_COLUMNS:
        return [{key: str(v) for key, v in item.items()} for item in value]
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if column in BOOLEAN_COLUMNS:
        return bool(value)
    if column in INTEGER_COLUMNS:
        return int(value)
    return str(value)


def _write_parquet(frames: Iterable[pd.DataFrame], out: IO[bytes]) -> int:
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional extra
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as exc:
        raise ParquetUnavailable(
            "Parquet needs pyarrow: install dmarcwatch with its parquet extra (or pyarrow into its "
            "environment)"
        ) from exc
    schema = pa.schema([pa.field(col, _arrow_type(pa, col)) for col in COLUMNS])
    rows = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for frame in frames:
            table = pa.Table.from_pandas(_typed(frame), schema=schema, preserve_index=False)
            writer.write_table(table)
            rows += table.num_rows
        if not rows:
            writer.write_table(schema.empty_table())
    return rows


def _arrow_type(pa: Any, column: str) -> Any:
    if column in LIST_COLUMNS:
        return pa.list_(pa.struct([(name, pa.string()) for name in LIST_COLUMNS[column]]))
    if column in BOOLEAN_COLUMNS:
        return pa.bool_()
    return pa.int64() if column in INTEGER_COLUMNS else pa.string()


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(COLUMNS)].copy()
    for col in COLUMNS:
        if col in BOOLEAN_COLUMNS:
            out[col] = out[col].astype(bool)
        elif col in INTEGER_COLUMNS:
            out[col] = out[col].astype("Int64")
        elif col not in LIST_COLUMNS:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out
