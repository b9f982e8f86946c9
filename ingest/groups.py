"""A report's records grouped on everything the analysis reads: the ``record_groups`` rows.

The analysis looks at a record's source IP, identifiers, policy_evaluated, its DKIM/SPF results
and override reasons, never at its position or ``envelope_to``. Records of one report that agree
on all of these become one group row with their message and record counts summed. The rows are
written by the database itself (``INSERT … SELECT … GROUP BY``) when a report is stored, in the
same transaction as its records (:meth:`ingest.writer.Writer.end_report`); the schema migration
fills them for stored reports, and ``prune`` keeps them when it deletes old records, so the
analysis reads the same totals for every period.

Groups are kept per report, not folded across reports: everything known of a report (its
period, receiver, policy, and any verdict given to it later) still selects or sets aside its
groups, and nothing has to be recomputed when a report-level mark changes.
"""

from __future__ import annotations

import sqlalchemy as sa

from . import schema
from .jsonrows import json_rows


def _low(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.lower(sa.func.coalesce(column, ""))


def _per_record(table: sa.Table, fields: list[sa.ColumnElement[str]]) -> sa.ScalarSelect[str]:
    rec = schema.records
    return (
        sa.select(json_rows(*fields))
        .where(table.c.report_pk == rec.c.report_pk, table.c.record_seq == rec.c.seq)
        .scalar_subquery()
    )


def record_keys() -> list[sa.ColumnElement[str]]:
    """What a record is grouped on, named like the ``record_groups`` columns."""
    rec = schema.records
    d, s, x = schema.dkim_results, schema.spf_results, schema.reasons
    return [
        rec.c.source_ip.label("source_ip"),
        sa.func.lower(rec.c.header_from).label("header_from"),
        _low(rec.c.envelope_from).label("envelope_from"),
        rec.c.disposition.label("disposition"),
        rec.c.dkim.label("dkim"),
        rec.c.spf.label("spf"),
        _per_record(d, [_low(d.c.domain), _low(d.c.selector), _low(d.c.result)]).label(
            "dkim_results"
        ),
        _per_record(s, [_low(s.c.domain), _low(s.c.scope), _low(s.c.result)]).label("spf_results"),
        _per_record(x, [_low(x.c.type)]).label("reasons"),
    ]


def fill(where: sa.ColumnElement[bool]) -> sa.Insert:
    """The statement writing the groups of the reports whose records match *where*."""
    rec = schema.records
    keys = record_keys()
    inner = sa.select(rec.c.report_pk, rec.c.seq, rec.c["count"], *keys).where(where)
    sub = inner.subquery("grouped")
    group = [sub.c[k.name] for k in keys]
    rows = sa.select(
        sub.c.report_pk,
        sa.func.min(sub.c.seq),
        *group,
        sa.func.sum(sub.c["count"]),
        sa.func.count(),
    ).group_by(sub.c.report_pk, *group)
    names = ["report_pk", "seq", *(k.name for k in keys), "messages", "records"]
    return sa.insert(schema.record_groups).from_select(names, rows)


def fill_report() -> sa.Insert:
    """:func:`fill` for one report, its key the parameter ``g_pk``."""
    return fill(schema.records.c.report_pk == sa.bindparam("g_pk", type_=sa.Integer))


def missing_reports() -> sa.ColumnElement[bool]:
    """Reports that have records but no groups (stored before groups existed)."""
    g = schema.record_groups
    has_groups = sa.exists().where(g.c.report_pk == schema.records.c.report_pk)
    return ~has_groups
