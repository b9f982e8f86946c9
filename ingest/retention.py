"""``prune``: delete what is older than the retention, never what has not been summarised.

Three kinds of data age out:

- **records** (``records`` and their ``dkim_results``, ``spf_results``, ``reasons``) of
  reports that ended before the cut-off. Each report keeps its ``reports`` row and its
  record groups (:mod:`ingest.groups`): the daily totals per domain, receiver and sender the
  analysis reads, so charts and trends over years still work. A report's records are deleted
  only when its groups sum to its record count (groups missing from an old store are written
  first, in the same transaction);
- **blobs**, the kept original inputs first seen before the cut-off: their bytes are dropped,
  the row (hash, size) stays, so a re-import of the same input is still recognised;
- rows of the tables in :data:`PRUNABLE`, by their own time column.

Everything runs in one write transaction; a dry run rolls it back and reports the same counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from . import groups, schema
from .database import write_transaction

PRUNED = "pruned"
"""``blobs.compression`` of a blob whose bytes were pruned (``data`` is empty)."""

_CHUNK = 500  # reports per DELETE


@dataclass(frozen=True, slots=True)
class Prunable:
    """A table whose rows are deleted outright once older than the retention of *kind*.

    *column* holds epoch seconds or a UTC timestamp. Register a table with one line::

        PRUNABLE.append(Prunable("failure-reports", schema.failure_reports, "arrival_ts"))
    """

    kind: str
    table: sa.Table
    column: str


PRUNABLE: list[Prunable] = [
    # failure reports hold personal data: counted from when they were stored (their
    # Arrival-Date may be missing)
    Prunable("failure-reports", schema.failure_reports, "ingested_at"),
]
"""Tables pruned by kind (``failure-reports``: ``--failure-reports-older-than``)."""

KINDS = ("records", "failure-reports", "blobs")


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Delete what is older than these moments; a kind without one is kept."""

    records: dt.datetime | None = None
    blobs: dt.datetime | None = None
    tables: Mapping[str, dt.datetime] = field(default_factory=dict)  # by Prunable.kind


@dataclass(slots=True)
class Pruned:
    """What a prune removed (or, in a dry run, would remove)."""

    reports: int = 0  # reports whose records were deleted (their totals kept)
    records: int = 0
    blobs: int = 0
    blob_bytes: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # by Prunable.kind


def prune(engine: Engine, cutoffs: Cutoffs, *, dry_run: bool = False) -> Pruned:
    """Prune the store in one transaction (rolled back when *dry_run*); what was removed."""
    with write_transaction(engine) as conn:
        conn.exec_driver_sql("SAVEPOINT dw_prune")
        done = Pruned()
        if cutoffs.records is not None:
            _records(conn, _epoch(cutoffs.records), done)
        if cutoffs.blobs is not None:
            _blobs(conn, cutoffs.blobs, done)
        for prunable in PRUNABLE:
            cut = cutoffs.tables.get(prunable.kind)
            if cut is not None:
                done.rows[prunable.kind] = done.rows.get(prunable.kind, 0) + _rows(
                    conn, prunable, cut
                )
        conn.exec_driver_sql(
            "ROLLBACK TO SAVEPOINT dw_prune" if dry_run else "RELEASE SAVEPOINT dw_prune"
        )
    return done


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _records(conn: Connection, cut: int, done: Pruned) -> None:
    r, rec, g = schema.reports, schema.records, schema.record_groups
    old = sa.select(r.c.id).where(r.c.end_ts <= cut)
    conn.execute(groups.fill(sa.and_(groups.missing_reports(), rec.c.report_pk.in_(old))))
    grouped = (
        sa.select(sa.func.coalesce(sa.func.sum(g.c.records), 0))
        .where(g.c.report_pk == r.c.id)
        .scalar_subquery()
    )
    stored = sa.select(sa.func.count()).where(rec.c.report_pk == r.c.id).scalar_subquery()
    summarised = sa.select(r.c.id, stored).where(
        r.c.end_ts <= cut, sa.exists().where(rec.c.report_pk == r.c.id), grouped == stored
    )
    found = [(int(pk), int(n)) for pk, n in conn.execute(summarised.order_by(r.c.id))]
    for start in range(0, len(found), _CHUNK):
        chunk = [pk for pk, _ in found[start : start + _CHUNK]]
        for table in (schema.dkim_results, schema.spf_results, schema.reasons, rec):
            conn.execute(sa.delete(table).where(table.c.report_pk.in_(chunk)))
    done.reports += len(found)
    done.records += sum(n for _, n in found)


def _blobs(conn: Connection, cut: dt.datetime, done: Pruned) -> None:
    b = schema.blobs
    old = sa.and_(b.c.first_seen < cut, b.c.compression != PRUNED)
    count, size = conn.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(b.c.size), 0)).where(old)
    ).one()
    conn.execute(sa.update(b).where(old).values(data=b"", compression=PRUNED))
    done.blobs += int(count)
    done.blob_bytes += int(size)


def _rows(conn: Connection, prunable: Prunable, cut: dt.datetime) -> int:
    column = prunable.table.c[prunable.column]
    limit: object = cut if isinstance(column.type, schema.UtcDateTime) else _epoch(cut)
    result = conn.execute(sa.delete(prunable.table).where(column < limit))
    return int(result.rowcount)
