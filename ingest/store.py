"""The store: original inputs (blobs), parsed reports, rejects and named locks, over SQL.

A report is stored whole or not at all: its row, records and results are written under one
savepoint (:mod:`ingest.writer`); an input's blob, reports and rejects commit together
(:meth:`Store.writing`). The natural key (org, report id, policy domain, period; RFC 9990
requires a Report-ID unique per destination and reused by a resend) is a unique constraint,
so a report imported twice, even by two processes at once, is stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, Select, delete, exists, func, select, update
from sqlalchemy.engine import URL

from . import database, locks, migrations, schema
from .errors import StoreMissing
from .model import Record, ReportEnd, ReportHeader
from .retention import PRUNED
from .writer import AddResult, BlobState, ReportKey, Writer

_PAGE = 500

__all__ = ["AddResult", "ReportKey", "Store", "StoreTotals"]


@dataclass(frozen=True, slots=True)
class StoreTotals:
    """Row counts of a store (messages: the sum of the records' counts)."""

    reports: int
    records: int
    messages: int
    rejects: int


class Store:
    """A dmarcwatch store on SQLite or PostgreSQL; open it with :meth:`Store.open`."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self._url = url
        self.url = database.masked(url)
        self.dialect = engine.dialect.name
        self._memory_locks: dict[str, threading.Lock] = {}
        self.keep_personal = False
        """Keep what redaction removes from failure reports, and their mail ([privacy])."""

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> Store:
        """Connect, then create or upgrade the schema (:func:`ingest.migrations.migrate`).

        *url* is ``sqlite:///PATH``, ``postgresql+psycopg://…`` (or ``postgresql://…``), or a
        bare file path. With ``create=False`` nothing is created: a missing file or a database
        without the schema is :class:`StoreMissing`.
        """
        parsed = database.parse_url(url)
        path = database.sqlite_path(parsed)
        if not create and path is not None and not path.exists():
            raise StoreMissing(f"no store at {database.masked(parsed)}")
        engine = database.create(parsed, new=create)
        try:
            with database.translated_errors(parsed):
                migrations.migrate(engine, create=create)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, parsed)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return database.translated_errors(self._url)

    # Reports --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self) -> Iterator[Writer]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        with self._errors(), database.write_transaction(self.engine) as conn:
            writer = Writer(conn, keep_personal=self.keep_personal)
            try:
                yield writer
            except BaseException:
                writer.cursor.abandon()
                raise
            writer.cursor.flush()  # statements sent but not yet waited for, before the commit

    def input_state(self, sha256: str) -> BlobState:
        """Whether an input's bytes are stored, and how many reports it held if all are."""
        with self._errors(), self.engine.connect() as conn:
            return Writer(conn).input_state(sha256)

    def has_report(self, key: ReportKey) -> str | None:
        """The stored report's content hash for a natural key, or ``None`` if not stored."""
        with self._errors(), self.engine.connect() as conn:
            return Writer(conn).has_report(key)

    def add_report(
        self,
        header: ReportHeader,
        records: Iterable[Record],
        end: Callable[[], ReportEnd],
        *,
        source: str,
        location: str,
        blob_sha256: str,
        content_sha256: Callable[[], str],
    ) -> AddResult:
        """Store one report in a transaction of its own (see :meth:`Writer.add_report`)."""
        with self.writing() as writer:
            return writer.add_report(
                header,
                records,
                end,
                source=source,
                location=location,
                blob_sha256=blob_sha256,
                content_sha256=content_sha256,
            )

    def mail_verdicts(self, sha256: str) -> tuple[bool, dict[tuple[str, str], str]]:
        """Whether a blob came as mail to be verified, and its reports' stored verdicts.

        A blob is such a mail when a mailbox delivered it or one of its reports has a verdict
        other than ``not-applicable``; the verdicts are keyed by (email, org_name).
        """
        r, m = schema.reports, schema.mailbox_messages
        verdicts = select(r.c.email, r.c.org_name, r.c.verification).where(
            r.c.blob_sha256 == sha256
        )
        delivered = select(exists().where(m.c.blob_sha256 == sha256))
        with self._errors(), self.engine.connect() as conn:
            known = {(str(e), str(o)): str(v) for e, o, v in conn.execute(verdicts)}
            by_mailbox = bool(conn.execute(delivered).scalar())
        return by_mailbox or any(v != "not-applicable" for v in known.values()), known

    def delete_reports_from_blob(self, sha256: str) -> int:
        """Delete every report parsed from a blob (with its records); return how many."""
        tables = (schema.reports, schema.tls_reports, schema.failure_reports)
        incomplete = (
            update(schema.blobs).where(schema.blobs.c.sha256 == sha256).values(report_count=None)
        )
        with self._errors(), database.write_transaction(self.engine) as conn:
            conn.execute(incomplete)
            return sum(
                conn.execute(delete(table).where(table.c.blob_sha256 == sha256)).rowcount
                for table in tables
            )

    # Blobs ----------------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        """Keep an input's original bytes once per SHA-256; return the hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        with self.writing() as writer:
            if not writer.input_state(sha256)[0]:
                writer.put_blob(sha256, data)  # else a re-import: no compression, no write
        return sha256

    def get_blob(self, sha256: str) -> bytes:
        """The original bytes of a stored blob; :class:`KeyError` if there is none (or pruned)."""
        query = select(schema.blobs.c.compression, schema.blobs.c.data).where(
            schema.blobs.c.sha256 == sha256
        )
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise KeyError(sha256)
        if row.compression == PRUNED:
            raise KeyError(sha256)
        if row.compression == "none":
            return bytes(row.data)
        if row.compression not in ("zlib", "headers"):
            raise ValueError(f"blob {sha256} has unknown compression {row.compression!r}")
        return zlib.decompress(row.data)  # "headers": all that is kept of a skipped input

    def iter_blobs(self, *, rejected_only: bool) -> Iterator[tuple[str, str]]:
        """``(sha256, source)`` of every blob, or of every rejected one, in hash order.

        Read in pages, so no transaction stays open while the caller works on a blob.
        """
        query = _rejected_blobs() if rejected_only else _all_blobs()
        sha_column = query.selected_columns[0]
        after = ""
        while True:
            page = query.where(sha_column > after).order_by(sha_column).limit(_PAGE)
            with self._errors(), self.engine.connect() as conn:
                rows = [(sha, source) for sha, source in conn.execute(page)]
            yield from rows
            if len(rows) < _PAGE:
                return
            after = rows[-1][0]

    # Rejects --------------------------------------------------------------------------------

    def clear_reject(self, blob_sha256: str, location: str) -> None:
        """Forget a reject, after the input was parsed successfully."""
        rejects = schema.rejects.c
        statement = delete(schema.rejects).where(
            rejects.blob_sha256 == blob_sha256, rejects.location == location
        )
        with self._errors(), database.write_transaction(self.engine) as conn:
            conn.execute(statement)

    def clear_rejects(self, blob_sha256: str) -> int:
        """Forget every reject of a blob (before it is parsed again); return how many."""
        statement = delete(schema.rejects).where(schema.rejects.c.blob_sha256 == blob_sha256)
        with self._errors(), database.write_transaction(self.engine) as conn:
            return conn.execute(statement).rowcount

    # Totals and locks -----------------------------------------------------------------------

    def has_reports(self) -> bool:
        """Whether the store holds at least one report."""
        query = select(exists().select_from(schema.reports))
        with self._errors(), self.engine.connect() as conn:
            return bool(conn.execute(query).scalar())

    def totals(self) -> StoreTotals:
        """Counts of reports, records, messages and rejects."""
        records = schema.records
        query = select(
            select(func.count()).select_from(schema.reports).scalar_subquery(),
            select(func.count()).select_from(records).scalar_subquery(),
            select(func.coalesce(func.sum(records.c.count), 0)).scalar_subquery(),
            select(func.count()).select_from(schema.rejects).scalar_subquery(),
        )
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(query).one()
        return StoreTotals(*(int(value) for value in row))

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold the named lock across processes for the ``with`` block; busy → LockBusy."""
        locks.check_name(name)
        path = database.sqlite_path(self._url)
        held: contextlib.AbstractContextManager[None]
        if self.dialect == "postgresql":
            held = locks.advisory_lock(self.engine, name, self.url)
        elif path is not None:
            held = locks.file_lock(path.with_name(f"{path.name}.{name}.lock"), name, self.url)
        else:
            memory = self._memory_locks.setdefault(name, threading.Lock())
            held = locks.thread_lock(memory, name, self.url)
        with self._errors(), held:
            yield


_DROPPED = "dropped"
"""A blob whose bytes were not kept (a failure report's mail): its digest and size only."""
_GONE = (_DROPPED, PRUNED)
"""Blobs without bytes to read again: not kept, or pruned."""


def _rejected_blobs() -> Select[str, str]:
    rejects = schema.rejects.c
    kept = select(schema.blobs.c.sha256).where(schema.blobs.c.compression.not_in(_GONE))
    return (
        select(rejects.blob_sha256, func.min(rejects.source))
        .where(rejects.blob_sha256.in_(kept))
        .group_by(rejects.blob_sha256)
    )


def _all_blobs() -> Select[str, str]:
    blobs = schema.blobs.c
    sources = [
        select(func.min(table.c.source))
        .where(table.c.blob_sha256 == blobs.sha256)
        .scalar_subquery()
        for table in (schema.reports, schema.tls_reports, schema.rejects)
    ]
    return select(blobs.sha256, func.coalesce(*sources, "")).where(blobs.compression.not_in(_GONE))
