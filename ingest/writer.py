"""One input's writes, in one transaction: its bytes, its reports, its rejects, its completion.

:meth:`ingest.store.Store.writing` opens the transaction and hands out a :class:`Writer`.
Each report is written under a savepoint (:meth:`Writer.start_report` to
:meth:`Writer.end_report`), so a report that fails half-way leaves nothing of itself and the
input's other reports still commit with it. One commit per input (not one per
report, blob and reject) matters on stores of many small reports.

The statements are built once per dialect with SQLAlchemy Core and run on the driver's cursor
(:mod:`ingest.prepared`): SQLAlchemy's execution layer costs more than SQLite's own work for a
small report. Savepoints are plain SQL on the same cursor. The caller may open an input's own
savepoint around its reports (:meth:`Writer.begin_input`), so that several inputs share one
transaction (:mod:`ingest.group`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Dialect, Table, bindparam, func, select, update
from sqlalchemy.exc import DBAPIError

from . import groups, kinds, schema
from .arf import FailureReport
from .bulk import Batch, Written, batches, write_batch
from .model import Record, ReportEnd, ReportHeader
from .prepared import Cursor, Prepared, prepare
from .tlsrpt import TlsReport

ReportKey = tuple[str, str, str, int, int]
BlobState = tuple[bool, int | None]
"""Whether a blob is stored, and how many reports its input held if all are stored."""

STATE_READS = 64
"""Blobs whose state one statement reads (:meth:`Writer.input_state`)."""

_KEY_COLUMNS = (
    schema.reports.c.org_name,
    schema.reports.c.report_id,
    schema.reports.c.policy_domain,
    schema.reports.c.begin_ts,
    schema.reports.c.end_ts,
)
_UNIQUE_COLUMNS = (*_KEY_COLUMNS, schema.reports.c.variant)

_STORED_AS_IS = (b"\x1f\x8b", b"PK\x03\x04")
"""gzip and zip inputs: already compressed, kept as they are (zlib would gain nothing)."""


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`Writer.add_report` did; ``report_pk`` is ``None`` for a duplicate."""

    status: Literal["stored", "duplicate"]
    report_pk: int | None
    records: int
    messages: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Writer:
    """Writes inside one open transaction; the caller commits or rolls back."""

    def __init__(self, conn: Connection, *, keep_personal: bool = False) -> None:
        self.conn = conn
        self.keep_personal = keep_personal
        """Keep failure reports' personal details and original mail ([privacy] in the config)."""
        self.cursor = Cursor(conn)
        self._sql = _statements(conn.dialect)
        self._in_report = False
        self._in_input = False
        self._batches = 0
        self._day_records: dict[tuple[str, int], int] = {}
        """Records per (reporter, day) read or written in this transaction (see below)."""
        self._blob_states: dict[str, BlobState] = {}
        """Blobs' states read or written in this transaction (:meth:`input_state`)."""
        self._held: Batch | None = None
        """The report's latest batch, not yet written (:meth:`write_rows`)."""

    # Inputs ---------------------------------------------------------------------------------

    def begin_input(self) -> None:
        """Open the savepoint of one input among several in this transaction."""
        if self._in_input:
            raise RuntimeError("an input is already being written")
        self.cursor.plain("SAVEPOINT dw_input")
        self._in_input = True

    def end_input(self) -> None:
        """Keep the input's writes (they commit with the transaction)."""
        self._in_input = False
        self.cursor.plain("RELEASE SAVEPOINT dw_input")

    def undo_input(self) -> None:
        """Leave nothing of the input being written; the transaction's other inputs stay."""
        self._in_report = False
        self._held = None
        self._day_records.clear()
        self._blob_states.clear()
        if self._in_input:
            self._in_input = False
            self.cursor.plain("ROLLBACK TO SAVEPOINT dw_input")
            self.cursor.plain("RELEASE SAVEPOINT dw_input")

    # Blobs ----------------------------------------------------------------------------------

    def input_state(self, sha256: str, ahead: Sequence[str] = ()) -> BlobState:
        """Whether an input's bytes are stored, and how many reports it held if all are.

        *ahead*: the digests of the inputs to be written next. Their states are read with this
        one's, in one statement, and the writer keeps them, with those of the blobs it writes,
        for the rest of the transaction: on PostgreSQL each read waits for every statement sent
        before it, so one read per input kept the client idle while the server caught up.
        """
        known = self._blob_states.get(sha256)
        if known is None:
            self._read_states(sha256, ahead)
            known = self._blob_states[sha256]
        return known

    def _read_states(self, sha256: str, ahead: Sequence[str]) -> None:
        wanted = [sha256, *(sha for sha in ahead if sha not in self._blob_states)]
        wanted = list(dict.fromkeys(wanted))[:STATE_READS]
        padded = wanted + [sha256] * (STATE_READS - len(wanted))
        params = {f"b_sha{i}": sha for i, sha in enumerate(padded)}
        found = dict(self.cursor.run(self._sql.input_states, params).fetchall())
        for sha in wanted:
            self._blob_states[sha] = (sha in found, found.get(sha))

    def put_blob(self, sha256: str, data: bytes) -> None:
        """Keep an input's original bytes once per SHA-256 (compressed unless they already are)."""
        as_is = data.startswith(_STORED_AS_IS)
        row = {
            "sha256": sha256,
            "size": len(data),
            "compression": "none" if as_is else "zlib",
            "data": data if as_is else zlib.compress(data, 6),
            "first_seen": _now(),
            "report_count": None,
        }
        self.cursor.send(self._sql.insert_blob, row)
        self._blob_states[sha256] = (True, None)

    def put_headers(self, sha256: str, size: int, headers: bytes) -> None:
        """Keep only the *headers* of an input of *size* bytes, under its digest *sha256*."""
        row = {
            "sha256": sha256,
            "size": size,
            "compression": "headers",
            "data": zlib.compress(headers, 6),
            "first_seen": _now(),
            "report_count": None,
        }
        self.cursor.send(self._sql.insert_blob, row)
        self._blob_states[sha256] = (True, None)

    def mark_complete(self, sha256: str, reports: int) -> None:
        """Note that every one of the input's *reports* is stored (or already was)."""
        self.cursor.send(self._sql.mark_complete, {"b_sha": sha256, "report_count": reports})
        self._blob_states[sha256] = (True, reports)

    # Reports --------------------------------------------------------------------------------

    def has_report(self, key: ReportKey) -> str | None:
        """The stored report's content hash for a natural key, or ``None`` if not stored."""
        params = dict(zip(_KEY_PARAMS, key, strict=True))
        row = self.cursor.run(self._sql.has_report, params).fetchone()
        return None if row is None else str(row[0])

    def key_contents(self, key: ReportKey, but: int) -> set[str]:
        """The content hashes of the reports stored under *key*, except the report *but*."""
        params = {**dict(zip(_KEY_PARAMS, key, strict=True)), "b_pk": but}
        return {str(row[0]) for row in self.cursor.run(self._sql.key_contents, params)}

    def reporter_day_records(self, org_name: str, begin_ts: int) -> int:
        """Records stored for reports of *org_name* whose period begins on *begin_ts*'s day (UTC).

        Asked once per reporter and day in a transaction, then counted on as reports are
        written (:meth:`end_report`): a backlog of one reporter's day would otherwise sum that
        day's reports once per report. Forgotten when anything is rolled back.
        """
        day = begin_ts - begin_ts % 86_400
        known = self._day_records.get((org_name, day))
        if known is not None:
            return known
        params = {"b_org": org_name, "b_from": day, "b_to": day + 86_400}
        row = self.cursor.run(self._sql.reporter_day_records, params).fetchone()
        found = self._day_records[org_name, day] = int(row[0]) if row is not None else 0
        return found

    def start_report(
        self,
        header: ReportHeader,
        *,
        source: str,
        location: str,
        blob_sha256: str,
        verification: str = "not-applicable",
        contending: bool = False,
    ) -> int | None:
        """Write a report's row under a new savepoint; its key, or ``None`` for a duplicate.

        ``None`` means a report with the same natural key is stored. A *contending* report is
        written under the key anyway, as its next ``variant`` (a disputed key; the caller
        abandons it if its content turns out to be the stored one's). The blob must have been
        stored. Rows follow (:meth:`write_rows`), then :meth:`end_report`, or
        :meth:`abandon_report` to leave nothing of the report.
        """
        if self._in_report:
            raise RuntimeError("a report is already being written")
        row = _report_values(header, source, location, blob_sha256)
        row["verification"] = verification
        if contending:
            params = dict(zip(_KEY_PARAMS, header.key, strict=True))
            row["variant"] = int(self.cursor.run(self._sql.next_variant, params).fetchone()[0])
        self.cursor.plain("SAVEPOINT dw_report")
        found = self.cursor.run(self._sql.insert_report, row).fetchone()
        if found is None:
            self.cursor.plain("RELEASE SAVEPOINT dw_report")  # nothing was written
            return None
        self._in_report = True
        self._batches, self._held = 0, None
        return int(found[0])

    def write_rows(self, pk: int, batch: Batch) -> None:
        """Write a batch of the report's record rows; the latest waits for the next or for the
        report's end, so that a report of one batch is written with its groups at once."""
        if self._held is not None:
            write_batch(self.conn, self.cursor, pk, self._held)
        self._held = batch
        self._batches += 1

    def end_report(
        self, pk: int, header: ReportHeader, end: ReportEnd, content_sha256: str, written: Written
    ) -> None:
        """Finish the report's row with its totals, warnings and groups; release its savepoint.

        The groups (:mod:`ingest.groups`) are written here, in the same savepoint, so a report
        is never stored without them: counted in Python for a report of one batch, else by the
        database from the records just written.
        """
        held, self._held = self._held, None
        if self._batches > 1:
            if held is not None:
                write_batch(self.conn, self.cursor, pk, held)
            self.cursor.send(self._sql.fill_groups, {"g_pk": pk})
        elif held is not None:
            write_batch(self.conn, self.cursor, pk, held, held.groups)
        finish = {
            "b_pk": pk,
            "record_count": written.records,
            "message_count": written.messages,
            "warnings": json.dumps([*header.warnings, *end.warnings], ensure_ascii=False),
            "content_sha256": content_sha256,
        }
        self.cursor.send(self._sql.finish_report, finish)
        metadata = header.metadata
        day = (metadata.org_name, metadata.begin - metadata.begin % 86_400)
        if day in self._day_records:
            self._day_records[day] += written.records
        if self._in_report:
            self._in_report = False
            self.cursor.plain("RELEASE SAVEPOINT dw_report")

    def abandon_report(self, failure: BaseException | None = None) -> None:
        """Roll the report being written back to its savepoint.

        SQLite ends the whole transaction itself on some errors (a full disk, an I/O error),
        and the savepoint goes with it; then *failure*, the database's own error, is re-raised.
        """
        self._day_records.clear()
        self._held = None
        if not self._in_report:
            return
        self._in_report = False
        try:
            self.cursor.plain("ROLLBACK TO SAVEPOINT dw_report")
            self.cursor.plain("RELEASE SAVEPOINT dw_report")
        except DBAPIError:
            if isinstance(failure, DBAPIError):
                raise failure from None
            raise

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
        """Store one report whole under a savepoint, or find it is a duplicate.

        A duplicate is detected before any record is consumed. Any exception while the records
        are consumed (the parser's included) rolls the report back and is re-raised: no half
        report is ever stored. ``end`` and ``content_sha256`` are called after the last record.
        """
        pk = self.start_report(header, source=source, location=location, blob_sha256=blob_sha256)
        if pk is None:
            return AddResult("duplicate", None, 0, 0)
        try:
            count = messages = 0
            for batch in batches(records):
                self.write_rows(pk, batch)
                count += len(batch.records)
                messages += batch.messages
            written = Written(count, messages)
            self.end_report(pk, header, end(), content_sha256(), written)
        except BaseException as failure:
            self.abandon_report(failure)
            raise
        return AddResult("stored", pk, written.records, written.messages)

    # TLS and failure reports ----------------------------------------------------------------

    def add_tls_report(
        self, report: TlsReport, *, source: str, location: str, blob_sha256: str, content: str
    ) -> kinds.Written:
        """Store a TLS report: ``stored``, ``duplicate`` or ``conflict`` (same key, other data)."""
        self.cursor.flush()
        return kinds.write_tls_report(
            self.conn, report, source=source, location=location, blob=blob_sha256, content=content
        )

    def add_failure_report(
        self, report: FailureReport, *, source: str, location: str, blob_sha256: str
    ) -> kinds.Written:
        """Store a redacted failure report: ``stored`` or ``duplicate``."""
        self.cursor.flush()
        return kinds.write_failure_report(
            self.conn,
            report,
            source=source,
            location=location,
            blob=blob_sha256,
            keep_personal=self.keep_personal,
        )

    def drop_blob_bytes(self, sha256: str) -> None:
        """Keep only the digest of an input, unless personal details are to be kept."""
        if not self.keep_personal:
            self.cursor.flush()
            kinds.drop_blob_bytes(self.conn, sha256)

    # Rejects --------------------------------------------------------------------------------

    def record_reject(
        self,
        *,
        blob_sha256: str,
        location: str,
        source: str,
        reason: str,
        reject_class: str,
        size: int,
    ) -> bool:
        """Note a rejected input; ``True`` the first time this (blob, location) is rejected.

        A repeat counts ``times_seen`` up and keeps the latest reason and class.
        """
        seen = _now()
        location = bounded_location(location)
        row = {
            "blob_sha256": blob_sha256,
            "location": location,
            "source": source,
            "reason": reason,
            "reject_class": reject_class,
            "size": size,
            "first_seen": seen,
            "last_seen": seen,
            "times_seen": 1,
        }
        if self.cursor.run(self._sql.insert_reject, row).fetchone() is not None:
            return True
        again = {
            "b_sha": blob_sha256,
            "b_location": location,
            "last_seen": seen,
            "reason": reason,
            "reject_class": reject_class,
            "size": size,
        }
        self.cursor.send(self._sql.reject_again, again)
        return False


_LOCATION_BYTES = 1024


def bounded_location(location: str) -> str:
    """*location* (attacker-chosen member and file names) short enough for the rejects' unique
    index: a long one keeps its start and a hash of the whole, so it stays unique."""
    if len(location.encode("utf-8", "surrogatepass")) <= _LOCATION_BYTES:
        return location
    digest = hashlib.sha256(location.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{location[:200]}… (sha256 {digest})"


_KEY_PARAMS = ("b_org", "b_report_id", "b_domain", "b_begin", "b_end")
_BLOB_COLUMNS = ("sha256", "size", "compression", "data", "first_seen", "report_count")
_REPORT_COLUMNS = (
    "org_name", "email", "report_id", "policy_domain", "begin_ts", "end_ts", "schema",
    "version", "extra_contact_info", "generator", "errors", "adkim", "aspf", "p", "sp", "np",
    "pct", "fo", "testing", "discovery_method", "warnings", "record_count", "message_count",
    "source", "location", "blob_sha256", "ingested_at", "verification", "variant",
)  # fmt: skip
_FINISH_COLUMNS = ("record_count", "message_count", "warnings", "content_sha256")
_REJECT_COLUMNS = (
    "blob_sha256", "location", "source", "reason", "reject_class", "size", "first_seen",
    "last_seen", "times_seen",
)  # fmt: skip
_AGAIN_COLUMNS = ("last_seen", "reason", "reject_class", "size")


@dataclass(frozen=True, slots=True)
class _Statements:
    input_states: Prepared
    insert_blob: Prepared
    mark_complete: Prepared
    has_report: Prepared
    key_contents: Prepared
    next_variant: Prepared
    reporter_day_records: Prepared
    insert_report: Prepared
    finish_report: Prepared
    insert_reject: Prepared
    reject_again: Prepared
    fill_groups: Prepared


_CACHE: dict[str, _Statements] = {}


def _statements(dialect: Dialect) -> _Statements:
    """The writer's statements for *dialect*, built once; parameters come at execution."""
    found = _CACHE.get(dialect.name)
    if found is None:
        found = _CACHE[dialect.name] = _build(dialect)
    return found


def _build(dialect: Dialect) -> _Statements:
    def insert(table: Table) -> Any:
        return schema.upsert(dialect.name, table)

    blobs, reports, rejects = schema.blobs.c, schema.reports.c, schema.rejects.c
    pairs = list(zip(_KEY_COLUMNS, _KEY_PARAMS, strict=True))
    key = [column == bindparam(name) for column, name in pairs]
    return _Statements(
        input_states=prepare(
            select(blobs.sha256, blobs.report_count).where(
                blobs.sha256.in_([bindparam(f"b_sha{i}") for i in range(STATE_READS)])
            ),
            dialect,
        ),
        insert_blob=prepare(insert(schema.blobs).on_conflict_do_nothing(), dialect, _BLOB_COLUMNS),
        mark_complete=prepare(
            update(schema.blobs).where(blobs.sha256 == bindparam("b_sha")),
            dialect,
            ("report_count",),
        ),
        has_report=prepare(
            select(reports.content_sha256).where(*key).order_by(reports.variant).limit(1),
            dialect,
        ),
        key_contents=prepare(
            select(reports.content_sha256).where(
                *key, reports.id != bindparam("b_pk"), reports.content_sha256.is_not(None)
            ),
            dialect,
        ),
        next_variant=prepare(
            select(func.coalesce(func.max(reports.variant), -1) + 1).where(*key), dialect
        ),
        reporter_day_records=prepare(
            select(func.coalesce(func.sum(reports.record_count), 0)).where(
                reports.org_name == bindparam("b_org"),
                reports.begin_ts >= bindparam("b_from"),
                reports.begin_ts < bindparam("b_to"),
            ),
            dialect,
        ),
        insert_report=prepare(
            insert(schema.reports)
            .on_conflict_do_nothing(index_elements=list(_UNIQUE_COLUMNS))
            .returning(reports.id),
            dialect,
            _REPORT_COLUMNS,
        ),
        finish_report=prepare(
            update(schema.reports).where(reports.id == bindparam("b_pk")),
            dialect,
            _FINISH_COLUMNS,
        ),
        insert_reject=prepare(
            insert(schema.rejects).on_conflict_do_nothing().returning(rejects.id),
            dialect,
            _REJECT_COLUMNS,
        ),
        reject_again=prepare(
            update(schema.rejects)
            .where(
                rejects.blob_sha256 == bindparam("b_sha"),
                rejects.location == bindparam("b_location"),
            )
            .values(times_seen=rejects.times_seen + 1),
            dialect,
            _AGAIN_COLUMNS,
        ),
        fill_groups=prepare(groups.fill_report(), dialect),
    )


def _report_values(
    header: ReportHeader, source: str, location: str, blob_sha256: str
) -> dict[str, Any]:
    """The ``reports`` row of a report before its records are written."""
    m, p = header.metadata, header.policy
    return {
        "org_name": m.org_name,
        "email": m.email,
        "report_id": m.report_id,
        "policy_domain": p.domain,
        "begin_ts": m.begin,
        "end_ts": m.end,
        "schema": header.schema,
        "version": header.version,
        "extra_contact_info": m.extra_contact_info,
        "generator": m.generator,
        "errors": json.dumps(list(m.errors), ensure_ascii=False),
        "adkim": p.adkim,
        "aspf": p.aspf,
        "p": p.p,
        "sp": p.sp,
        "np": p.np,
        "pct": p.pct,
        "fo": p.fo,
        "testing": p.testing,
        "discovery_method": p.discovery_method,
        "warnings": json.dumps(list(header.warnings), ensure_ascii=False),
        "record_count": 0,
        "message_count": 0,
        "source": source,
        "location": location,
        "blob_sha256": blob_sha256,
        "ingested_at": _now(),
        "verification": "not-applicable",
        "variant": 0,
    }
