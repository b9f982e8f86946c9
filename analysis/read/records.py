"""Stored records one by one, with their report's metadata, shaped like the analysis rows.

For exports: each record as the receiver reported it, read a few hundred reports at a time
(so memory stays bounded however large the store). The DKIM/SPF results and reasons come as
the same tuples as in :mod:`.rows` (lower-cased here in Python, as exports always did), plus
the reasons with their comments (:data:`analysis.columns.REASON_DETAILS`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ...ingest import schema
from .. import columns as c
from . import results
from .decode import decode_column
from .rows import per_record
from .selection import (
    SECONDS_PER_DAY,
    Selection,
    record_filter,
    report_filter,
)

T = TypeVar("T")
REPORT_PK = "report_pk"
SEQ = "seq"
REPORT_COLUMNS = ("id", "org_name", "email", "report_id", "policy_domain", "begin_ts",
                  "end_ts", "adkim", "aspf", "p", "sp", "pct")  # fmt: skip
_RECORD_COLUMNS = [REPORT_PK, SEQ, c.SOURCE_IP, c.MESSAGES, c.DISPOSITION, c.PE_DKIM, c.PE_SPF,
                   c.HEADER_FROM, c.ENVELOPE_FROM, "envelope_to", c.DKIM_RESULTS,
                   c.SPF_RESULTS, c.REASON_DETAILS]  # fmt: skip


def chunks(engine: Engine, sel: Selection, reports_per_chunk: int) -> Iterator[pd.DataFrame]:
    """Frames of records in store order (report, then record), *reports_per_chunk* each."""
    last = 0
    while True:
        with engine.connect() as conn:
            reports = _reports(conn, sel, last, reports_per_chunk)
            if reports.empty:
                return
            last = int(reports["id"].max())
            rows = _records(conn, reports, sel)
        if not rows.empty:
            yield rows


def _reports(conn: Connection, sel: Selection, after: int, limit: int) -> pd.DataFrame:
    r = schema.reports
    cols = [r.c[name] for name in REPORT_COLUMNS]
    stmt = sa.select(*cols).where(r.c.id > after, *report_filter(sel)).order_by(r.c.id).limit(limit)
    return pd.DataFrame(conn.execute(stmt).all(), columns=list(REPORT_COLUMNS))


def _records(conn: Connection, reports: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """The records of *reports*, with the columns :func:`analysis.api.prepare` expects."""
    ids = [int(i) for i in reports["id"]]
    stmt = _records_statement().where(schema.records.c.report_pk.in_(ids), *record_filter(sel))
    rows = pd.DataFrame(conn.execute(stmt).all(), columns=_RECORD_COLUMNS)
    if rows.empty:
        return rows
    rows = rows.merge(reports, left_on=REPORT_PK, right_on="id", how="left", validate="m:1")
    return _as_analysis_rows(rows)


@functools.cache
def _records_statement() -> sa.Select[tuple[object, ...]]:
    rec = schema.records
    d, s, x = schema.dkim_results, schema.spf_results, schema.reasons

    def text(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
        return sa.func.coalesce(column, "")

    return sa.select(
        rec.c.report_pk, rec.c.seq, rec.c.source_ip, rec.c["count"], rec.c.disposition,
        rec.c.dkim, rec.c.spf, rec.c.header_from, rec.c.envelope_from, rec.c.envelope_to,
        per_record(d, [text(d.c.domain), text(d.c.selector), text(d.c.result)], rec),
        per_record(s, [text(s.c.domain), text(s.c.scope), text(s.c.result)], rec),
        per_record(x, [text(x.c.type), text(x.c.comment)], rec),
    ).order_by(rec.c.report_pk, rec.c.seq)  # fmt: skip


def _lower(
    decode: Callable[[list[results.Fields], bool], tuple[T, ...]],
) -> Callable[[list[results.Fields]], tuple[T, ...]]:
    """*decode*, lower-casing every value (in Python, as exports always did)."""
    return lambda items: decode(items, True)


def _as_analysis_rows(rows: pd.DataFrame) -> pd.DataFrame:
    decode = decode_column
    rows[c.DKIM_RESULTS] = decode(rows[c.DKIM_RESULTS], _lower(results.dkim_results))
    rows[c.SPF_RESULTS] = decode(rows[c.SPF_RESULTS], _lower(results.spf_results))
    details = rows[c.REASON_DETAILS]
    rows[c.REASON_DETAILS] = decode(details, results.reasons)
    rows[c.REASONS] = decode(details, _lower(results.reason_types))
    for col in (c.HEADER_FROM, c.ENVELOPE_FROM):
        rows[col] = rows[col].fillna("").astype(str).str.lower().astype(object)
    rows[c.SOURCE_IP] = rows[c.SOURCE_IP].fillna("").astype(object)
    rows[c.DOMAIN] = rows["policy_domain"]
    rows[c.RECEIVER] = rows["org_name"]
    rows[c.DAY] = pd.to_datetime(rows["begin_ts"] // SECONDS_PER_DAY * SECONDS_PER_DAY, unit="s")
    rows[c.MESSAGES] = rows[c.MESSAGES].astype("int64")
    rows[c.RECORDS] = 1
    rows[c.REPORT_END] = rows["end_ts"].astype("int64")
    return rows
