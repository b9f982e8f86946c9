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

Most reports are small (issue 17: one to thirty records), and for them the ``INSERT … SELECT``
cost more than writing the records. So while a batch's rows are built, :class:`Counter`
counts the same groups in Python; a report whose records fit in one batch has its groups
written from that count (:func:`rows`), a larger one by the database. Both spell every value
alike: identifiers fold ASCII letters only (as DNS names compare, RFC 4343; SQLite's
``lower()`` does no more, and PostgreSQL is told the same), and the result lists are the JSON
text each backend's ``json_rows`` gives. A test compares the two on both backends.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from . import schema
from .jsonrows import json_rows
from .model import DkimAuthResult, PolicyOverrideReason, Record, SpfAuthResult


class ascii_lower(FunctionElement[str]):  # noqa: N801 - used like the SQL functions
    """``lower()`` of ASCII letters only, on every backend (see the module docstring)."""

    type = sa.Text()
    name = "ascii_lower"
    inherit_cache = True


@compiles(ascii_lower)
def _lower(element: ascii_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"  # SQLite's folds ASCII only


@compiles(ascii_lower, "postgresql")
def _translate(element: ascii_lower, compiler: SQLCompiler, **kw: Any) -> str:
    upper, lower = string.ascii_uppercase, string.ascii_lowercase
    return f"translate({compiler.process(element.clauses, **kw)}, '{upper}', '{lower}')"


def _low(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return ascii_lower(sa.func.coalesce(column, ""))


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
        ascii_lower(rec.c.header_from).label("header_from"),
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


# The same groups, counted in Python --------------------------------------------------------

Results = tuple[tuple[str, ...], ...]
GroupKey = tuple[str, str, str, str, str, str, Results, Results, Results]
"""What :func:`record_keys` groups on, in its order, the result lists as tuples."""
Totals = list[int]
"""A group's smallest ``seq``, its messages and its records."""

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def fold(text: str | None) -> str:
    """``ascii_lower(coalesce(text, ''))``, as the database computes it."""
    if not text:
        return ""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _dkim(r: DkimAuthResult) -> tuple[str, ...]:
    return fold(r.domain), fold(r.selector), fold(r.result)


def _spf(r: SpfAuthResult) -> tuple[str, ...]:
    return fold(r.domain), fold(r.scope), fold(r.result)


def _reason(r: PolicyOverrideReason) -> tuple[str, ...]:
    return (fold(r.type),)


class Counter:
    """The groups of records added in ``seq`` order (one batch of one report).

    The parser's fast path shares one results tuple among records of the same text, so each
    tuple is folded once; the cache keeps its keys alive, so an ``id`` is never reused.
    """

    __slots__ = ("_folded", "groups")

    def __init__(self) -> None:
        self.groups: dict[GroupKey, Totals] = {}
        self._folded: dict[int, tuple[object, Results]] = {}

    def add(self, seq: int, r: Record) -> None:
        key = (
            r.source_ip, fold(r.header_from), fold(r.envelope_from), r.disposition, r.dkim,
            r.spf, self._results(r.dkim_results, _dkim), self._results(r.spf_results, _spf),
            self._results(r.reasons, _reason),
        )  # fmt: skip
        totals = self.groups.get(key)
        if totals is None:
            self.groups[key] = [seq, r.count, 1]
        else:
            totals[1] += r.count
            totals[2] += 1

    def _results(self, results: tuple[Any, ...], one: Callable[[Any], tuple[str, ...]]) -> Results:
        if not results:
            return ()
        hit = self._folded.get(id(results))
        if hit is None:
            hit = self._folded[id(results)] = (results, tuple(map(one, results)))
        return hit[1]


def rows(groups: dict[GroupKey, Totals], dialect: str) -> Iterator[tuple[Any, ...]]:
    """One report's ``record_groups`` rows for *dialect*, in the columns' order after the
    report's key (which the writer adds, as for the records' rows)."""
    spell = _spell_postgresql if dialect == "postgresql" else _spell_sqlite
    spelt: dict[Results, str | None] = {}  # a report's groups share few result lists
    for (ip, header, envelope, disposition, dkim, spf, *lists), totals in groups.items():
        for results in lists:
            if results not in spelt:
                spelt[results] = spell(results)
        d, s, x = (spelt[results] for results in lists)
        first, messages, records = totals
        yield first, ip, header, envelope, disposition, dkim, spf, d, s, x, messages, records


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_spaced = json.JSONEncoder(ensure_ascii=False).encode


def _spell_sqlite(results: Results) -> str:
    """``json_group_array(json_array(…))``: ``[]`` over no rows, no spaces."""
    return _compact(results)


def _spell_postgresql(results: Results) -> str | None:
    """``json_agg(json_build_array(…))::text``: NULL over no rows, ``", "`` between values."""
    return _spaced(results) if results else None
