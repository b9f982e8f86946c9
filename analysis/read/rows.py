"""The analysis rows: records grouped by the database on everything the analysis looks at.

One row is a group of records that agree on the policy domain, day, receiver, published
policy, source IP, identifiers, policy_evaluated, the DKIM/SPF results and the override
reasons, with their message counts summed. For a month of one domain this is far fewer rows
than records. The results are aggregated per record as JSON (:mod:`ingest.jsonrows`), decoded once
per distinct text into sorted tuples (:mod:`.results`), and groups whose results differ only
in order are merged in pandas. SQLAlchemy Core only; the same statement runs on SQLite and
PostgreSQL.

Memory is bounded: anyone can mail reports, and 200,000 records from as many addresses make
as many rows. A policy domain holds at most :data:`ROW_BUDGET` rows; past it the rows are read
again with the smallest groups (fewest messages) folded per report day, receiver, published
policy and the receiver's own verdict, their sources, identifiers and results no longer told
apart (:func:`folded_statement`). :class:`Folded` says how much was folded, for a finding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Result

from ...ingest import groups, schema
from ...ingest.jsonrows import json_rows
from .. import columns as c
from . import results
from .decode import decode_column
from .selection import (
    SECONDS_PER_DAY,
    Selection,
    group_filter,
    record_filter,
    report_filter,
)


def per_record(
    table: sa.Table, fields: list[sa.ColumnElement[str]], rec: sa.FromClause
) -> sa.ScalarSelect[str]:
    """A correlated sub-select: the rows of *table* that belong to one record, as JSON."""
    return (
        sa.select(json_rows(*fields))
        .where(table.c.report_pk == rec.c.report_pk, table.c.record_seq == rec.c.seq)
        .scalar_subquery()
    )


_NAMES = (c.SOURCE_IP, c.HEADER_FROM, c.ENVELOPE_FROM, c.DISPOSITION, c.PE_DKIM, c.PE_SPF,
          c.DKIM_RESULTS, c.SPF_RESULTS, c.REASONS)  # fmt: skip


class Statement(Protocol):
    """Builds the rows of a selection: grouped by the database, or as stored (*grouped* off)."""

    def __call__(self, sel: Selection, grouped: bool = True) -> sa.Select[tuple[object, ...]]: ...


def _report_keys() -> list[sa.Label[Any]]:
    r = schema.reports
    return [
        r.c.policy_domain.label(c.DOMAIN),
        (r.c.begin_ts // SECONDS_PER_DAY).label(c.DAY),
        r.c.org_name.label(c.RECEIVER),
        r.c.adkim.label(c.ADKIM),
        r.c.aspf.label(c.ASPF),
        r.c.p.label(c.P),
        r.c.sp.label(c.SP),
        sa.func.coalesce(r.c.pct, 100).label(c.PCT),
    ]


def rows_statement(sel: Selection, grouped: bool = True) -> sa.Select[tuple[object, ...]]:
    """The aggregation statement behind :func:`load_rows` (exposed for EXPLAIN/benchmarks).

    It reads the record groups each report keeps (:mod:`ingest.groups`): the same sums as
    grouping the records themselves (:func:`records_statement`), without a sub-select per
    record, and still there for periods whose records were pruned. With *grouped* off, each
    report's groups as stored (the same columns), for pandas to sum.
    """
    r, g = schema.reports, schema.record_groups
    columns = ("source_ip", "header_from", "envelope_from", "disposition", "dkim", "spf",
               "dkim_results", "spf_results", "reasons")  # fmt: skip
    keys = [*_report_keys(), *(g.c[col].label(n) for col, n in zip(columns, _NAMES, strict=True))]
    inner = sa.select(
        *keys,
        g.c.messages.label(c.MESSAGES),
        g.c.records.label(c.RECORDS),
        r.c.end_ts.label(c.REPORT_END),
    ).select_from(g.join(r, r.c.id == g.c.report_pk))
    inner = inner.where(*report_filter(sel), *group_filter(sel))
    return _summed(inner) if grouped else inner


def records_statement(sel: Selection, grouped: bool = True) -> sa.Select[tuple[object, ...]]:
    """The same rows as :func:`rows_statement`, grouped from the stored records themselves.

    The way rows were read before record groups existed; kept as the reference the tests
    compare :func:`rows_statement` with. Pruned records are missing from it.
    """
    r, rec = schema.reports, schema.records
    labelled = zip(groups.record_keys(), _NAMES, strict=True)
    keys: list[sa.Label[Any]] = [*_report_keys(), *(k.label(n) for k, n in labelled)]
    inner = sa.select(
        *keys,
        rec.c["count"].label(c.MESSAGES),
        sa.literal(1).label(c.RECORDS),
        r.c.end_ts.label(c.REPORT_END),
    ).select_from(rec.join(r, r.c.id == rec.c.report_pk))
    inner = inner.where(*report_filter(sel), *record_filter(sel))
    return _summed(inner) if grouped else inner


_VERDICT_KEYS = (c.DOMAIN, c.DAY, c.ADKIM, c.ASPF, c.HEADER_FROM, c.PE_DKIM, c.PE_SPF,
                 c.DKIM_RESULTS, c.SPF_RESULTS)  # fmt: skip
"""What DMARC's verdict on a row depends on (with its day, to count days)."""


def verdict_statement(sel: Selection) -> sa.Select[tuple[object, ...]]:
    """Rows shaped as :func:`rows_statement`'s, summed over all but :data:`_VERDICT_KEYS`.

    Enough to count messages and those passing DMARC, per day: far fewer rows than the
    sources and receivers make. The other keys hold empty values.
    """
    stored = rows_statement(sel, grouped=False).subquery("stored")
    columns = [stored.c[k] if k in _VERDICT_KEYS else _blank(k) for k in _GROUP_KEYS]
    return sa.select(*columns, *_sums(stored)).group_by(*(stored.c[k] for k in _VERDICT_KEYS))


def load_verdicts(conn: Connection, sel: Selection) -> pd.DataFrame:
    """The rows of :func:`verdict_statement`, normalised as :func:`load_rows`'s."""
    data: list[tuple[object, ...]] = [tuple(row) for row in conn.execute(verdict_statement(sel))]
    return _frame(data, [False] * len(data), in_key_order=True)


def _summed(inner: sa.Select[tuple[object, ...]]) -> sa.Select[tuple[object, ...]]:
    """*inner*'s rows grouped on every key, their messages and records summed."""
    sub = inner.subquery("grouped")
    group = [sub.c[k] for k in _GROUP_KEYS]
    return sa.select(*group, *_sums(sub)).group_by(*group)


def _sums(rows: sa.Subquery) -> list[sa.Label[Any]]:
    """The summed columns of groups of *rows*: messages, records, the latest report end."""
    return [
        sa.func.sum(rows.c[c.MESSAGES]).label(c.MESSAGES),
        sa.func.sum(rows.c[c.RECORDS]).label(c.RECORDS),
        sa.func.max(rows.c[c.REPORT_END]).label(c.REPORT_END),
    ]


def _blank(name: str) -> sa.Label[Any]:
    """The value of a key that rows summed over it no longer tell apart: no results (NULL),
    the default ``pct``, or empty text."""
    if name in _NO_RESULTS:
        return sa.cast(sa.null(), sa.Text).label(name)
    if name == c.PCT:
        return sa.literal(100).label(name)
    return sa.literal_column("''", sa.Text).label(name)


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


ROW_BUDGET = 100_000
"""Rows one policy domain may take in an analysis (a few hundred MB); see the module docstring."""
_STREAM = 10_000  # rows fetched at a time while counting them against the budget


@dataclass(frozen=True, slots=True)
class Folded:
    """What the analysis of one policy domain folded to stay within :data:`ROW_BUDGET`."""

    groups: int  # rows (distinct groups of records) folded together
    records: int
    messages: int
    budget: int
    reporters: tuple[str, ...] = ()  # whose records were folded, most records first


@dataclass(frozen=True)
class Loaded:
    frame: pd.DataFrame
    folded: dict[str, Folded]  # by policy domain; empty when nothing was folded


def load_rows(conn: Connection, sel: Selection, statement: Statement | None = None) -> pd.DataFrame:
    """Aggregated records for *sel* (see the module docstring); empty frame if none.

    *statement* builds the query (default :func:`rows_statement`).
    """
    return read_rows(conn, sel, statement).frame


def read_rows(
    conn: Connection,
    sel: Selection,
    statement: Statement | None = None,
    budget: int = ROW_BUDGET,
) -> Loaded:
    """:func:`load_rows`, saying which domains were folded to stay within *budget* rows."""
    build = statement or rows_statement
    streamed = conn.execution_options(stream_results=True, yield_per=_STREAM)
    # Rows as stored, summed by pandas (normalise_rows groups them anyway): sorting them for
    # a GROUP BY was most of the statement's time. Only if they exceed the budget does the
    # database sum them, and fold the rows that still do.
    data = _within(streamed.execute(build(sel, grouped=False)), budget)
    if data is not None:
        return Loaded(_frame(data, [False] * len(data), in_key_order=True), {})
    data = _within(streamed.execute(build(sel)), budget)
    if data is not None:
        return Loaded(_frame(data, [False] * len(data), in_key_order=True), {})
    counted: list[tuple[Any, ...]] = [
        tuple(row) for row in conn.execute(folded_statement(sel, budget, build))
    ]
    flags = [bool(row[-1]) for row in counted]
    return Loaded(_frame([row[:-1] for row in counted], flags), _folds(counted, budget))


def no_rows() -> pd.DataFrame:
    """The frame :func:`read_rows` returns for a selection without records."""
    return _frame([], [], in_key_order=True)


def _within(result: Result[Any], budget: int) -> list[tuple[object, ...]] | None:
    """Every row of *result* as plain tuples, or ``None`` once a domain has over *budget*."""
    data: list[tuple[object, ...]] = []
    per_domain: Counter[object] = Counter()
    for chunk in result.partitions(_STREAM):
        rows = [tuple(row) for row in chunk]  # plain tuples: faster
        per_domain.update(row[0] for row in rows)
        if any(count > budget for count in per_domain.values()):
            result.close()
            return None
        data.extend(rows)
    return data


def _folds(counted: list[tuple[Any, ...]], budget: int) -> dict[str, Folded]:
    """Per domain, the groups, records and messages the folded rows (last column > 0) hold."""
    sums: dict[str, list[int]] = {}
    by_reporter: dict[str, Counter[str]] = {}
    messages, records = ROW_COLUMNS.index(c.MESSAGES), ROW_COLUMNS.index(c.RECORDS)
    receiver = ROW_COLUMNS.index(c.RECEIVER)
    for row in counted:
        groups = int(row[-1])
        if groups:
            total = sums.setdefault(str(row[0]), [0, 0, 0])
            total[0] += groups
            total[1] += int(row[records])
            total[2] += int(row[messages])
            by_reporter.setdefault(str(row[0]), Counter())[str(row[receiver])] += int(row[records])
    return {
        d: Folded(g, r, m, budget, _most_first(by_reporter[d])) for d, (g, r, m) in sums.items()
    }


def _most_first(counts: Counter[str]) -> tuple[str, ...]:
    """The keys of *counts*, largest first, ties by name (the same on both backends)."""
    return tuple(k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


_FOLD_KEYS = (c.DOMAIN, c.DAY, c.RECEIVER, c.ADKIM, c.ASPF, c.P, c.SP, c.PCT, c.DISPOSITION,
              c.PE_DKIM, c.PE_SPF)  # fmt: skip
_LOST = (c.SOURCE_IP, c.HEADER_FROM, c.ENVELOPE_FROM)  # folded rows keep "" for these
_NO_RESULTS = (c.DKIM_RESULTS, c.SPF_RESULTS, c.REASONS)  # and no results (NULL)
_GROUP_KEYS = ROW_COLUMNS[:-3]  # all but the sums (messages, records, latest end)


def folded_statement(
    sel: Selection, budget: int, statement: Statement | None = None
) -> sa.CompoundSelect[Any]:
    """The rows of *statement* (default :func:`rows_statement`), at most *budget* per domain
    kept whole (most messages first), the rest summed per :data:`_FOLD_KEYS`.

    The last column counts the groups each row folds (0 for a row kept whole).
    """
    grouped = (statement or rows_statement)(sel).subquery("grouped")
    order = [grouped.c[c.MESSAGES].desc(), *(grouped.c[k] for k in _GROUP_KEYS)]
    rank = sa.func.row_number().over(partition_by=grouped.c[c.DOMAIN], order_by=order)
    ranked = sa.select(*grouped.c, rank.label("rank")).subquery("ranked")
    kept = sa.select(*(ranked.c[k] for k in ROW_COLUMNS), sa.literal(0).label("folded"))
    kept = kept.where(ranked.c.rank <= budget)
    lost = (*_LOST, *_NO_RESULTS)
    columns = [_blank(k) if k in lost else ranked.c[k] for k in _GROUP_KEYS]
    folded = sa.select(*columns, *_sums(ranked), sa.func.count().label("folded"))
    folded = folded.where(ranked.c.rank > budget).group_by(*(ranked.c[k] for k in _FOLD_KEYS))
    return sa.union_all(kept, folded)


def _frame(
    data: list[tuple[object, ...]], folded: list[bool], in_key_order: bool = False
) -> pd.DataFrame:
    """The rows as a frame, sorted on their keys when *in_key_order* is asked for.

    Rows met first come first in every later tie (the sources named in a finding, say), so
    the order is fixed whichever way the rows were summed (PostgreSQL's GROUP BY has none):
    keys ascending, NULL first, text by code point, as SQLite's GROUP BY returns them.
    """
    frame = pd.DataFrame.from_records(data, columns=ROW_COLUMNS, nrows=len(data))
    if in_key_order:
        frame = frame.sort_values(
            _GROUP_KEYS, na_position="first", kind="stable", ignore_index=True
        )
    frame[c.FOLDED] = pd.Series(folded, index=frame.index, dtype=bool)
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
    keys = [k for k in frame.columns if k not in (c.MESSAGES, c.RECORDS, c.REPORT_END)]
    return (
        frame.groupby(keys, dropna=False, sort=False)
        .agg({c.MESSAGES: "sum", c.RECORDS: "sum", c.REPORT_END: "max"})
        .reset_index()
    )
