"""The store's schema version and the steps that bring an older store up to date.

``meta.schema_version`` holds the version of a store. Version 1 is the schema of the first
release. :mod:`ingest.schema` always describes the latest version, :data:`LATEST`:

- an empty database gets every table of :mod:`ingest.schema` at once and is stamped LATEST;
- a store at an older version runs each later :class:`Migration` in order, each step in its own
  transaction together with the new version number, so an interrupted upgrade resumes where
  it stopped;
- a store at a newer version than this program knows is refused (:class:`SchemaError`).

Concurrent openers are serialised: SQLite's ``BEGIN IMMEDIATE`` and, on PostgreSQL, a
transaction-level advisory lock.

To change the schema: edit :mod:`ingest.schema`, append a ``Migration(N, …)`` to
:data:`MIGRATIONS` that turns a version N-1 store into the same shape, and regenerate nothing;
``tests/store/test_migrations.py`` checks that a migrated first-release store and a new store
end up with the same tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, inspect, select, true, update
from sqlalchemy.schema import CreateTable

from . import groups, schema
from .database import masked, write_transaction
from .errors import SchemaError, StoreEmpty

BASELINE = 1
"""The first release's schema version."""

_ADVISORY_KEY = 0x646D_6172_6377_01  # "dmarcw" + 1: serialises schema changes on PostgreSQL


@dataclass(frozen=True, slots=True)
class Migration:
    """One step from version ``version - 1`` to ``version``; ``apply`` runs in a transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _complete_inputs(conn: Connection) -> None:
    """Version 2: ``blobs.report_count``, so a re-imported input already stored is skipped."""
    conn.exec_driver_sql("ALTER TABLE blobs ADD COLUMN report_count INTEGER")


_KEY = "org_name, report_id, policy_domain, begin_ts, end_ts"


def _verified_reports(conn: Connection) -> None:
    """Version 3: ``reports.verification`` and ``reports.variant`` (part of the natural key)."""
    if conn.dialect.name != "postgresql":
        _rebuild_sqlite(conn, schema.reports)
        return
    for ddl in (
        "ALTER TABLE reports ADD COLUMN verification TEXT DEFAULT 'not-applicable' NOT NULL",
        "ALTER TABLE reports ADD COLUMN variant INTEGER DEFAULT '0' NOT NULL",
        "ALTER TABLE reports DROP CONSTRAINT uq_reports_key",
        f"ALTER TABLE reports ADD CONSTRAINT uq_reports_key UNIQUE ({_KEY}, variant)",
    ):
        conn.exec_driver_sql(ddl)


def _rebuild_sqlite(conn: Connection, table: Table) -> None:
    """Give a SQLite table its latest shape: SQLite cannot change a table's constraints.

    The SQLite manual's way: create the new table, copy the rows, drop the old one, rename
    (foreign keys are off for the step, :func:`ingest.database.write_transaction`).
    """
    name, new = table.name, f"{table.name}_new"
    ddl = str(CreateTable(table).compile(dialect=conn.dialect)).strip()
    head = f"CREATE TABLE {name} ("
    if not ddl.startswith(head):
        raise SchemaError(f"cannot rebuild the table {name}")
    conn.exec_driver_sql(f"CREATE TABLE {new} (" + ddl[len(head) :])
    kept = [c["name"] for c in inspect(conn).get_columns(name)]
    columns = ", ".join(c for c in kept if c in table.c)
    conn.exec_driver_sql(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {name}")  # noqa: S608 - our own names
    conn.exec_driver_sql(f"DROP TABLE {name}")
    conn.exec_driver_sql(f"ALTER TABLE {new} RENAME TO {name}")
    for index in table.indexes:
        index.create(conn)
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is not None:
        raise SchemaError(f"rebuilding the table {name} broke a reference: {tuple(broken)}")


def _tls_and_failure_reports(conn: Connection) -> None:
    """Version 8 (after 4-7): tables for SMTP TLS reports and redacted failure reports."""
    tables = (
        schema.tls_reports,
        schema.tls_policies,
        schema.tls_failures,
        schema.failure_reports,
    )
    schema.metadata.create_all(conn, tables=list(tables))


def _alert_state(conn: Connection) -> None:
    """Version 6: what ``alert`` remembers (finding state, events, deliveries)."""
    for table in (schema.finding_state, schema.alert_events, schema.alert_deliveries):
        table.create(conn)


def _check_history(conn: Connection) -> None:
    """Version 7: ``check_runs``, ``check_records``, ``check_findings`` (the DNS check's runs)
    and ``poll_runs`` (the poller's last run per mailbox)."""
    for table in (schema.check_runs, schema.check_records, schema.check_findings, schema.poll_runs):
        table.create(conn)


def _sender_inventory(conn: Connection) -> None:
    """Version 4: ``rdns_cache.confirmed`` and ``approved_senders``, the sender inventory."""
    conn.exec_driver_sql("ALTER TABLE rdns_cache ADD COLUMN confirmed BOOLEAN")
    schema.approved_senders.create(conn)


def _reporter_day_index(conn: Connection) -> None:
    """Version 9: ``ix_reports_org_begin``, for the records of one reporter and day."""
    index = next(i for i in schema.reports.indexes if i.name == "ix_reports_org_begin")
    index.create(conn, checkfirst=True)  # a SQLite store rebuilt by step 3 has it already


def _record_groups(conn: Connection) -> None:
    """Version 5: ``record_groups``, each stored report's records grouped for the analysis."""
    schema.record_groups.create(conn)
    conn.execute(groups.fill(true()))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "blobs.report_count: skip re-imports of inputs stored whole", _complete_inputs),
    Migration(
        3,
        "reports.verification and reports.variant: DKIM verdicts, disputed keys kept",
        _verified_reports,
    ),
    Migration(4, "rdns_cache.confirmed, approved_senders: the sender inventory", _sender_inventory),
    Migration(
        5, "record_groups: records grouped per report, kept when records are pruned", _record_groups
    ),  # fmt: skip
    Migration(6, "finding_state, alert_events, alert_deliveries: alert state", _alert_state),
    Migration(7, "check_runs, check_records, check_findings, poll_runs", _check_history),
    Migration(8, "TLS reports and failure reports", _tls_and_failure_reports),
    Migration(9, "ix_reports_org_begin: one reporter's day found by index", _reporter_day_index),
)
"""Steps after the baseline, in order (version 2, 3, …)."""


def latest(steps: Sequence[Migration] = MIGRATIONS) -> int:
    """The version a store has after every step."""
    return steps[-1].version if steps else BASELINE


def migrate(engine: Engine, *, create: bool = True, steps: Sequence[Migration] = MIGRATIONS) -> int:
    """Create or upgrade the schema; return the store's (latest) version.

    With ``create=False`` an empty database is refused (:class:`StoreEmpty`) instead of
    being given the schema.
    """
    _check_order(steps)
    while True:
        with write_transaction(engine, schema_change=True) as conn:
            done = _advance(conn, create=create, steps=steps)
        if done is not None:
            return done


def _advance(conn: Connection, *, create: bool, steps: Sequence[Migration]) -> int | None:
    """Make one step of progress in the current transaction; the final version once up to date."""
    _serialise(conn)
    version = current_version(conn)
    target = latest(steps)
    if version is None:
        if not create:
            raise StoreEmpty(f"the database {masked(conn.engine.url)} holds no dmarcwatch store")
        _create_all(conn, target)
        return target
    if version > target:
        raise SchemaError(
            f"the store has schema version {version}, newer than this dmarcwatch knows "
            f"({target}): upgrade dmarcwatch"
        )
    if version == target:
        return version
    step = next(s for s in steps if s.version == version + 1)
    step.apply(conn)
    _set_version(conn, step.version)
    return None


def current_version(conn: Connection) -> int | None:
    """The store's schema version, or ``None`` when the database has no store yet."""
    if not inspect(conn).has_table(schema.meta.name):
        return None
    query = select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    value = conn.execute(query).scalar_one_or_none()
    if value is None or not value.isdigit():
        raise SchemaError(f"the store's schema version is unreadable ({value!r})")
    return int(value)


def _create_all(conn: Connection, version: int) -> None:
    ours = set(schema.metadata.tables)
    clashing = sorted(ours & set(inspect(conn).get_table_names()))
    if clashing:
        raise SchemaError(
            "the database has tables named like dmarcwatch's but no schema version "
            f"({', '.join(clashing)}): use an empty database"
        )
    schema.metadata.create_all(conn)
    conn.execute(schema.meta.insert().values(key="schema_version", value=str(version)))


def _set_version(conn: Connection, version: int) -> None:
    conn.execute(
        update(schema.meta).where(schema.meta.c.key == "schema_version").values(value=str(version))
    )


def _serialise(conn: Connection) -> None:
    """Hold off other openers until this transaction ends (SQLite: BEGIN IMMEDIATE does it)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_KEY})")


def _check_order(steps: Sequence[Migration]) -> None:
    expected = range(BASELINE + 1, BASELINE + 1 + len(steps))
    if [s.version for s in steps] != list(expected):
        raise ValueError("migration steps must be numbered consecutively from 2")
