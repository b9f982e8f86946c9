"""Writing a report's records fast: plain tuples in batches, no per-row ORM work.

Records become rows in batches of :data:`BATCH_RECORDS`, so memory stays bounded however large
a report is. A batch's rows leave out the report's key, which is only known once the report's
own row is written (perhaps in another process, see :mod:`ingest.parallel`); each row starts
with the record's ``seq``. :func:`write_batch` adds the key: on SQLite as a literal in the
statement (one ``executemany`` per table), on PostgreSQL in front of each row of one
``COPY … FROM STDIN`` per table, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table

from ingest import schema
from ingest.model import Record

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
    """Turn records into table rows, *size* records at a time; ``seq`` counts from 0."""
    iterator = iter(records)
    seq = 0
    while chunk := list(islice(iterator, size)):
        batch = Batch()
        rows = _ResultRows()
        for record in chunk:
            _add(batch, rows, seq, record)
            seq += 1
        yield batch


class _ResultRows:
    """The rows of a record's results, less the report and record numbers.

    Records read by the parser's fast path share one results tuple per distinct record
    text; this turns each tuple into rows once. The cache keeps its keys alive, so an ``id``
    is never reused while it is cached, and lives for one batch.
    """

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[int, tuple[object, list[Row]]] = {}

    def of(self, results: tuple[Any, ...], fields: tuple[str, ...]) -> list[Row]:
        hit = self._cache.get(id(results))
        if hit is not None:
            return hit[1]
        rows = [
            (i, *(getattr(result, name) for name in fields)) for i, result in enumerate(results)
        ]
        self._cache[id(results)] = (results, rows)
        return rows


_DKIM = ("domain", "selector", "result", "human_result")
_SPF = ("domain", "scope", "result", "human_result")
_REASON = ("type", "comment")


def _add(batch: Batch, rows: _ResultRows, seq: int, r: Record) -> None:
    batch.records.append(
        (seq, r.source_ip, r.count, r.disposition, r.dkim, r.spf, r.header_from,
         r.envelope_from, r.envelope_to)
    )  # fmt: skip
    batch.messages += r.count
    if r.dkim_results:
        batch.dkim += [(seq, *row) for row in rows.of(r.dkim_results, _DKIM)]
    if r.spf_results:
        batch.spf += [(seq, *row) for row in rows.of(r.spf_results, _SPF)]
    if r.reasons:
        batch.reasons += [(seq, *row) for row in rows.of(r.reasons, _REASON)]


def write_records(conn: Connection, report_pk: int, records: Iterable[Record]) -> Written:
    """Write every record of one report in the connection's open transaction."""
    count = messages = 0
    for batch in batches(records):
        write_batch(conn, report_pk, batch)
        count += len(batch.records)
        messages += batch.messages
    return Written(count, messages)


def write_batch(conn: Connection, report_pk: int, batch: Batch) -> None:
    """Write one batch's rows under the report's key."""
    write = _copy if conn.dialect.name == "postgresql" else _executemany
    for table, rows in batch.tables():
        if rows:
            write(conn, table, int(report_pk), rows)


def _columns(table: Table) -> str:
    return ", ".join(f'"{c.name}"' for c in table.columns)


def _executemany(conn: Connection, table: Table, pk: int, rows: list[Row]) -> None:
    # The key is an int from our own reports table, written as a literal: SQLite prepares the
    # statement once per report and table, and no row has to be copied to carry it.
    marks = ", ".join("?" for _ in table.columns[1:])
    sql = f'INSERT INTO "{table.name}" ({_columns(table)}) VALUES ({pk:d}, {marks})'  # noqa: S608
    conn.exec_driver_sql(sql, rows)


def _copy(conn: Connection, table: Table, pk: int, rows: list[Row]) -> None:
    raw: Any = conn.connection.driver_connection  # a psycopg.Connection, in our transaction
    sql = f'COPY "{table.name}" ({_columns(table)}) FROM STDIN'
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((pk, *row))
