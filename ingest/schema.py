"""The store's tables: one SQLAlchemy :data:`metadata`, the same on SQLite and PostgreSQL.

This module always describes the *latest* schema version (:data:`ingest.migrations.LATEST`);
a change here needs a migration step in :mod:`ingest.migrations`.

Conventions:

- the XML's ``begin``/``end`` are ``begin_ts``/``end_ts`` (epoch seconds, UTC), to stay clear of
  reserved words;
- ``records.seq`` is the 0-based position of a record in its report; ``dkim_results``,
  ``spf_results`` and ``reasons`` are numbered 0-based within their record (``record_seq``);
- ``errors`` and ``warnings`` hold JSON lists of strings;
- every timestamp is timezone-aware UTC (:class:`UtcDateTime`), also on SQLite, which keeps
  no zone of its own;
- hashes are lower-case hex SHA-256 (64 characters).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp: refuses naive values, returns aware ones on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):  # pragma: no cover - drivers return datetimes
            raise TypeError(f"unexpected timestamp value {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _sha256(name: str, *args: Any, **kwargs: Any) -> Column[str]:
    return Column(name, CHAR(64), *args, **kwargs)


metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

blobs = Table(
    "blobs",
    metadata,
    _sha256("sha256", primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("compression", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    # How many reports the input held, once every one of them is stored (or already was);
    # NULL until then. A re-import of a complete input skips it whole.
    Column("report_count", Integer),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("report_id", Text, nullable=False),
    Column("policy_domain", Text, nullable=False),
    Column("begin_ts", BigInteger, nullable=False),
    Column("end_ts", BigInteger, nullable=False),
    Column("schema", Text, nullable=False),
    Column("version", Text),
    Column("extra_contact_info", Text),
    Column("generator", Text),
    Column("errors", Text, nullable=False),
    Column("adkim", Text, nullable=False),
    Column("aspf", Text, nullable=False),
    Column("p", Text, nullable=False),
    Column("sp", Text, nullable=False),
    Column("np", Text, nullable=False),
    Column("pct", Integer),
    Column("fo", Text, nullable=False),
    Column("testing", Text),
    Column("discovery_method", Text),
    Column("warnings", Text, nullable=False),
    Column("record_count", Integer, nullable=False),
    Column("message_count", BigInteger, nullable=False),
    Column("source", Text, nullable=False),
    Column("location", Text, nullable=False),
    _sha256("blob_sha256", ForeignKey("blobs.sha256"), nullable=False),
    _sha256("content_sha256"),
    Column("ingested_at", UtcDateTime, nullable=False),
    UniqueConstraint(
        "org_name", "report_id", "policy_domain", "begin_ts", "end_ts", name="uq_reports_key"
    ),
    Index("ix_reports_domain_begin", "policy_domain", "begin_ts"),
    Index("ix_reports_blob", "blob_sha256"),
)


_CLUSTERED: dict[str, Any] = {"sqlite_with_rowid": False}
"""SQLite keeps these rows in primary-key order in one b-tree (no separate rowid tree):
faster bulk inserts, and a report's rows are read together."""


def _report_pk() -> Column[int]:
    return Column(
        "report_pk", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
    )


records = Table(
    "records",
    metadata,
    _report_pk(),
    Column("seq", Integer, nullable=False),
    Column("source_ip", Text, nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("disposition", Text, nullable=False),
    Column("dkim", Text, nullable=False),
    Column("spf", Text, nullable=False),
    Column("header_from", Text, nullable=False),
    Column("envelope_from", Text),
    Column("envelope_to", Text),
    PrimaryKeyConstraint("report_pk", "seq"),
    **_CLUSTERED,
)

dkim_results = Table(
    "dkim_results",
    metadata,
    _report_pk(),
    Column("record_seq", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("domain", Text, nullable=False),
    Column("selector", Text),
    Column("result", Text, nullable=False),
    Column("human_result", Text),
    PrimaryKeyConstraint("report_pk", "record_seq", "seq"),
    **_CLUSTERED,
)

spf_results = Table(
    "spf_results",
    metadata,
    _report_pk(),
    Column("record_seq", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("domain", Text, nullable=False),
    Column("scope", Text),
    Column("result", Text, nullable=False),
    Column("human_result", Text),
    PrimaryKeyConstraint("report_pk", "record_seq", "seq"),
    **_CLUSTERED,
)

reasons = Table(
    "reasons",
    metadata,
    _report_pk(),
    Column("record_seq", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", Text, nullable=False),
    Column("comment", Text),
    PrimaryKeyConstraint("report_pk", "record_seq", "seq"),
    **_CLUSTERED,
)

rejects = Table(
    "rejects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _sha256("blob_sha256", ForeignKey("blobs.sha256"), nullable=False),
    Column("location", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("reject_class", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("times_seen", Integer, nullable=False),
    UniqueConstraint("blob_sha256", "location", name="uq_rejects_blob_location"),
)

mailbox_state = Table(
    "mailbox_state",
    metadata,
    Column("mailbox", Text, nullable=False),
    Column("folder", Text, nullable=False),
    Column("uidvalidity", BigInteger, nullable=False),
    PrimaryKeyConstraint("mailbox", "folder"),
)

mailbox_messages = Table(
    "mailbox_messages",
    metadata,
    Column("mailbox", Text, nullable=False),
    Column("folder", Text, nullable=False),
    Column("uidvalidity", BigInteger, nullable=False),
    Column("uid", BigInteger, nullable=False),
    _sha256("blob_sha256", ForeignKey("blobs.sha256")),
    Column("outcome", Text, nullable=False),
    Column("handled_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("mailbox", "folder", "uidvalidity", "uid"),
)

rdns_cache = Table(
    "rdns_cache",
    metadata,
    Column("ip", Text, primary_key=True),
    Column("name", Text),
    Column("resolved_at", UtcDateTime, nullable=False),
)

record_groups = Table(
    "record_groups",
    metadata,
    # A report's records grouped on everything the analysis looks at (see ingest.groups):
    # written with the records, in their transaction, and kept when old records are pruned.
    # Keyed per report, so any filter on reports (period, receiver, a verdict) still applies.
    _report_pk(),
    Column("seq", Integer, nullable=False),  # the smallest records.seq of the group
    Column("source_ip", Text, nullable=False),
    Column("header_from", Text, nullable=False),  # lower-case
    Column("envelope_from", Text, nullable=False),  # lower-case, "" when not reported
    Column("disposition", Text, nullable=False),
    Column("dkim", Text, nullable=False),
    Column("spf", Text, nullable=False),
    Column("dkim_results", Text),  # JSON arrays (ingest.jsonrows), lower-case values
    Column("spf_results", Text),
    Column("reasons", Text),
    Column("messages", BigInteger, nullable=False),
    Column("records", Integer, nullable=False),
    PrimaryKeyConstraint("report_pk", "seq"),
    **_CLUSTERED,
)
