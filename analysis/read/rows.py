"""The analysis rows: records grouped by the database on everything the analysis looks at.

One row is a group of records that agree on the policy domain, day, receiver, published
policy, source IP, identifiers, policy_evaluated, the DKIM/SPF results and the override
reasons, with their message counts summed. For a month of one domain this is far fewer rows
than records. The results are aggregated per record as JSON (:mod:`.jsonrows`), decoded once
per distinct text into sorted tuples (:mod:`.results`), and groups whose results differ only
in order are merged in pandas. SQLAlchemy Core only; the same statement runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.read import results
from dmarcwatch.analysis.read.decode import decode_column
from dmarcwatch.analysis.read.jsonrows import json_rows
from dmarcwatch.analysis.read.selection import (
    SECONDS_PER_DAY,
    Selection,
    record_filter,
    report_filter,
)
from dmarcwatch.ingest import schema


def per_record(
    table: sa.Table, fields: list[sa.ColumnElement[str]], rec: sa.FromClause
) -> sa.ScalarSelect[str]:
    """A correlated sub-select: the rows of *table* that belong to one record, as JSON."""
    return (
        sa.select(json_rows(*fields))
        .where(table.c.report_pk == rec.c.report_pk, table.c.record_seq == rec.c.seq)
        .scalar_subquery()
    )


def _low(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.lower(sa.func.coalesce(column, ""))


def rows_statement(sel: Selection) -> sa.Select[tuple[object, ...]]:
    """The aggregation statement behind :func:`load_rows` (exposed for EXPLAIN/benchmarks)."""
    r, rec = schema.reports, schema.records
    d, s, x = schema.dkim_results, schema.spf_results, schema.reasons
    dkim = per_record(d, [_low(d.c.domain), _low(d.c.selector), _low(d.c.result)], rec)
    spf = per_record(s, [_low(s.c.domain), _low(s.c.scope), _low(s.c.result)], rec)
    reasons = per_record(x, [_low(x.c.type)], rec)
    day = (r.c.begin_ts // SECONDS_PER_DAY).label(c.DAY)
    keys = [
        r.c.policy_domain.label(c.DOMAIN),
        day,
        r.c.org_name.label(c.RECEIVER),
        r.c.adkim.label(c.ADKIM),
        r.c.aspf.label(c.ASPF),
        r.c.p.label(c.P),
        r.c.sp.label(c.SP),
        sa.func.coalesce(r.c.pct, 100).label(c.PCT),
        rec.c.source_ip.label(c.SOURCE_IP),
        sa.func.lower(rec.c.header_from).label(c.HEADER_FROM),
        sa.func.lower(sa.func.coalesce(rec.c.envelope_from, "")).label(c.ENVELOPE_FROM),
        rec.c.disposition.label(c.DISPOSITION),
        rec.c.dkim.label(c.PE_DKIM),
        rec.c.spf.label(c.PE_SPF),
        dkim.label(c.DKIM_RESULTS),
        spf.label(c.SPF_RESULTS),
        reasons.label(c.REASONS),
    ]
    inner = sa.select(*keys, rec.c["count"], r.c.end_ts).select_from(
        rec.join(r, r.c.id == rec.c.report_pk)
    )
    inner = inner.where(*report_filter(sel), *record_filter(sel))
    sub = inner.subquery("grouped")
    group = [sub.c[k.name] for k in keys]
    return sa.select(
        *group,
        sa.func.sum(sub.c["count"]).label(c.MESSAGES),
        sa.func.count().label(c.RECORDS),
        sa.func.max(sub.c.end_ts).label(c.REPORT_END),
    ).group_by(*group)


ROW_COLUMNS = [
    c.DOMAIN,
    c.DAY,
    c.RECEIVER,
    c.ADKIM,
    c.ASPF,
    c.P,
    c.SP,
    c.PCT,
    c.SOURCE_IP,
    c.HEADER_FROM,
    c.ENVELOPE_FROM,
    c.DISPOSITION,
    c.PE_DKIM,
    c.PE_SPF,
    c.DKIM_RESULTS,
    c.SPF_RESULTS,
    c.REASONS,
    c.MESSAGES,
    c.RECORDS,
    c.REPORT_END,
]


def load_rows(conn: Connection, sel: Selection) -> pd.DataFrame:
    """Aggregated records for *sel* (see the module docstring); empty frame if none."""
    data = [tuple(row) for row in conn.execute(rows_statement(sel))]  # plain tuples: faster
    frame = pd.DataFrame.from_records(data, columns=ROW_COLUMNS, nrows=len(data))
    frame[c.DKIM_RESULTS] = decode_column(frame[c.DKIM_RESULTS], results.dkim_results)
    frame[c.SPF_RESULTS] = decode_column(frame[c.SPF_RESULTS], results.spf_results)
    frame[c.REASONS] = decode_column(frame[c.REASONS], results.reason_types)
    return normalise_rows(frame)


def normalise_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Types, days as dates, and groups that differ only in the order of results merged.

    The result columns hold the canonical tuples of :mod:`.results` already.
    """
    frame = frame.copy()
    for col in (c.ENVELOPE_FROM, c.HEADER_FROM, c.SOURCE_IP):
        frame[col] = frame[col].fillna("").astype(object)
    frame[c.DAY] = pd.to_datetime(frame[c.DAY].astype("int64") * SECONDS_PER_DAY, unit="s")
    frame[c.PCT] = frame[c.PCT].fillna(100).astype("int64")
    frame[c.MESSAGES] = frame[c.MESSAGES].astype("int64")
    frame[c.RECORDS] = frame[c.RECORDS].astype("int64")
    frame[c.REPORT_END] = frame[c.REPORT_END].astype("int64")
    if frame.empty:
        return frame
    keys = [k for k in ROW_COLUMNS if k not in (c.MESSAGES, c.RECORDS, c.REPORT_END)]
    return (
        frame.groupby(keys, dropna=False, sort=False)
        .agg({c.MESSAGES: "sum", c.RECORDS: "sum", c.REPORT_END: "max"})
        .reset_index()
    )
