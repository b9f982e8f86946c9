"""Writing a report's records fast: plain tuples in batches, no per-row ORM work.

Records become rows in batches of :data:`BATCH_RECORDS`, so memory stays bounded however large
a report is. A batch's rows leave out the report's key, which is only known once the report's
own row is written (perhaps in another process, see :mod:`ingest.parallel`); each row starts
with the record's ``seq``. :func:`write_batch` adds the key: on SQLite as a literal in the
statement (one ``executemany`` per table); on PostgreSQL, one statement for the whole batch,
each table's rows one JSON array, the key beside them, inside the caller's transaction. A batch
also carries its records' groups (:mod:`ingest.groups`), counted as its rows are built; those
of a report that fits in one batch are written with that batch.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, Text

from . import groups, schema
from .model import Record
from .prepared import Cursor

BATCH_RECORDS = 5000

Row = tuple[Any, ...]


@dataclass(slots=True)
class Batch:
    """The rows of up to BATCH_RECORDS records, one list per table, without the report key."""

    records: list[Row] = field(default_factory=list)
    dkim: list[Row] = field(default_factory=list)
    spf: list[Row] = field(default_factory=list)
    reasons: list[Row] = field(default_factory=list)
    messages: int = 0
    groups: dict[groups.GroupKey, groups.Totals] = field(default_factory=dict)

    def tables(self) -> Iterator[tuple[Table, list[Row]]]:
        yield schema.records, self.records
        yield schema.dkim_results, self.dkim
        yield schema.spf_results, self.spf
        yield schema.reasons, self.reasons


@dataclass(frozen=True, slots=True)
class Written:
    records: int
    messages: int


def batches(records: Iterable[Record], size: int = BATCH_RECORDS) -> Iterator[Batch]:
    """Turn records into table rows, *size* records at a time; ``seq`` counts from 0.

    This runs for every record imported, so it is written for speed: the appends are bound
    once per batch, and a record's results become rows through :class:`_ResultRows`.
    """
    iterator = iter(records)
    seq = 0
    while chunk := list(islice(iterator, size)):
        batch = Batch()
        rows = _ResultRows()
        add_record, dkim, spf, reasons = batch.records.append, batch.dkim, batch.spf, batch.reasons
        messages = 0
        counter = groups.Counter()
        count_group = counter.add
        for r in chunk:
            add_record(
                (seq, r.source_ip, r.count, r.disposition, r.dkim, r.spf, r.header_from,
                 r.envelope_from, r.envelope_to)
            )  # fmt: skip
            messages += r.count
            if r.dkim_results:
                rows.add(dkim, seq, r.dkim_results, _DKIM)
            if r.spf_results:
                rows.add(spf, seq, r.spf_results, _SPF)
            if r.reasons:
                rows.add(reasons, seq, r.reasons, _REASON)
            count_group(seq, r)
            seq += 1
        batch.messages = messages
        batch.groups = counter.groups
        yield batch


class _ResultRows:
    """Turns a record's results into rows, less the report key.

    Records read by the parser's fast path share one results tuple per distinct record
    text, so each tuple's rows (without ``seq``) are built once per batch. The cache keeps its
    keys alive, so an ``id`` is never reused while it is cached.
    """

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[int, tuple[object, list[Row]]] = {}

    def add(self, out: list[Row], seq: int, results: tuple[Any, ...], fields: Fields) -> None:
        hit = self._cache.get(id(results))
        if hit is None:
            hit = (results, [_row(i, result, fields) for i, result in enumerate(results)])
            self._cache[id(results)] = hit
        for row in hit[1]:
            out.append((seq, *row))


Fields = tuple[str, ...]


def _row(index: int, result: Any, fields: Fields) -> Row:
    return (index, *(getattr(result, name) for name in fields))


_DKIM: Fields = ("domain", "selector", "result", "human_result")
_SPF: Fields = ("domain", "scope", "result", "human_result")
_REASON: Fields = ("type", "comment")


def write_batch(
    conn: Connection,
    cursor: Cursor,
    report_pk: int,
    batch: Batch,
    counted: dict[groups.GroupKey, groups.Totals] | None = None,
) -> None:
    """Write one batch's rows under the report's key (*cursor*: the driver's, of *conn*), and
    the groups *counted* for the whole report when this batch is all of it."""
    tables = [(table, rows) for table, rows in batch.tables() if rows]
    if counted:
        tables.append((schema.record_groups, list(groups.rows(counted, conn.dialect.name))))
    if not tables:
        return
    pk = int(report_pk)
    if conn.dialect.name == "postgresql":
        # One statement for all tables, not one per row: psycopg sends and polls for each row
        # of an ``executemany`` (most of an import's system time), a ``COPY`` cannot be
        # pipelined, and its own array parameters are dumped element by element in Python.
        # JSON text is written in C, and PostgreSQL reads it in C, once: as jsonb, whose fields
        # are taken without parsing the row again for each (json's ->> parses it every time).
        names = tuple(table.name for table, _ in tables)
        parameters: dict[str, Any] = {"pk": pk}
        for table, rows in tables:
            parameters[table.name] = json.dumps(rows, ensure_ascii=False)
        cursor.one(_pg_insert_sql(names), parameters)
    else:
        for table, rows in tables:
            cursor.many(_insert_sql(table, pk), rows)


def _columns(table: Table) -> str:
    return ", ".join(f'"{c.name}"' for c in table.columns)


def _json_columns(table: Table) -> str:
    """Each column after the key taken from a JSON row ``r`` (an array), as the column's type."""
    fields = []
    for index, column in enumerate(table.columns[1:]):
        field = f"r->>{index}"
        if not isinstance(column.type, Text):
            field = f"({field})::{column.type.compile()}"  # INTEGER, BIGINT
        fields.append(field)
    return ", ".join(fields)


def _insert_sql(table: Table, pk: int) -> str:
    # The key is an int from our own reports table, written as a literal: SQLite prepares the
    # statement once per report and table, and no row has to be copied to carry it.
    return _INSERT_SQL[table.name].format(pk=pk)


_TABLES = (schema.records, schema.dkim_results, schema.spf_results, schema.reasons,
           schema.record_groups)  # fmt: skip

_BY_NAME = {table.name: table for table in _TABLES}


@functools.cache
def _pg_insert_sql(names: tuple[str, ...]) -> str:
    """One statement inserting the JSON rows of each table *names* (parameter ``pk``, the key,
    and one named for each table): the first in data-modifying ``WITH`` clauses."""
    inserts = [
        f'INSERT INTO "{name}" ({_columns(_BY_NAME[name])}) '  # noqa: S608
        f"SELECT %(pk)s::INTEGER, {_json_columns(_BY_NAME[name])} "
        f"FROM jsonb_array_elements(%({name})s::jsonb) AS r"
        for name in names
    ]
    clauses = [f"w{n} AS ({insert})" for n, insert in enumerate(inserts[:-1])]
    return (f"WITH {', '.join(clauses)} " if clauses else "") + inserts[-1]


_INSERT_SQL = {
    table.name: (
        f'INSERT INTO "{table.name}" ({_columns(table)}) '  # noqa: S608
        f"VALUES ({{pk:d}}, {', '.join('?' for _ in table.columns[1:])})"
    )
    for table in _TABLES
}
