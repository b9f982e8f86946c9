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
    Boolean,
    Column,
    Date,
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
    # The DKIM verdict on the mail that carried the report (ingest.verify): verified,
    # unverified, failed, or not-applicable for files imported by hand.
    Column("verification", Text, nullable=False, server_default="not-applicable"),
    # 0 for the first report stored under a key; 1, 2, … for later, different reports that
    # claim the same key (a disputed key: both are kept, the read layer decides which counts).
    Column("variant", Integer, nullable=False, server_default="0"),
    UniqueConstraint(
        "org_name",
        "report_id",
        "policy_domain",
        "begin_ts",
        "end_ts",
        "variant",
        name="uq_reports_key",
    ),
    Index("ix_reports_domain_begin", "policy_domain", "begin_ts"),
    # The day's records of one reporter (max_reporter_day_records), looked up for every report
    # stored: without it the lookup read every report of that reporter.
    Index("ix_reports_org_begin", "org_name", "begin_ts"),
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
    Column("confirmed", Boolean),  # the name's A/AAAA holds the IP (NULL: not checked)
)

approved_senders = Table(
    "approved_senders",
    metadata,
    Column("domain", Text, nullable=False),
    Column("kind", Text, nullable=False),  # sender | network | asn
    Column("value", Text, nullable=False),  # catalogue id, CIDR, or AS number
    Column("note", Text, nullable=False, server_default=""),
    Column("approved_by", Text, nullable=False, server_default=""),
    Column("approved_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("domain", "kind", "value"),
)

# SMTP TLS reports (RFC 8460): one row per report, its policies, their failure details.
tls_reports = Table(
    "tls_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("org_name", Text, nullable=False),
    Column("report_id", Text, nullable=False),
    Column("begin_ts", BigInteger, nullable=False),
    Column("end_ts", BigInteger, nullable=False),
    Column("contact_info", Text),
    Column("policy_domain", Text, nullable=False),  # the first policy's, for selection
    Column("successful", BigInteger, nullable=False),
    Column("failed", BigInteger, nullable=False),
    Column("source", Text, nullable=False),
    Column("location", Text, nullable=False),
    _sha256("blob_sha256", ForeignKey("blobs.sha256"), nullable=False),
    _sha256("content_sha256", nullable=False),
    Column("ingested_at", UtcDateTime, nullable=False),
    UniqueConstraint("org_name", "report_id", "begin_ts", "end_ts", name="uq_tls_reports_key"),
    Index("ix_tls_reports_domain_begin", "policy_domain", "begin_ts"),
    Index("ix_tls_reports_blob", "blob_sha256"),
)


def _tls_report_pk() -> Column[int]:
    return Column(
        "report_pk", Integer, ForeignKey("tls_reports.id", ondelete="CASCADE"), nullable=False
    )


tls_policies = Table(
    "tls_policies",
    metadata,
    _tls_report_pk(),
    Column("seq", Integer, nullable=False),
    Column("policy_type", Text, nullable=False),  # sts | tlsa | no-policy-found (or verbatim)
    Column("policy_domain", Text, nullable=False),
    Column("policy_strings", Text, nullable=False),  # JSON array of strings
    Column("mx_hosts", Text, nullable=False),  # JSON array of strings
    Column("successful", BigInteger, nullable=False),
    Column("failed", BigInteger, nullable=False),
    PrimaryKeyConstraint("report_pk", "seq"),
    Index("ix_tls_policies_domain", "policy_domain"),
)

tls_failures = Table(
    "tls_failures",
    metadata,
    _tls_report_pk(),
    Column("policy_seq", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("result_type", Text, nullable=False),
    Column("sending_mta_ip", Text),
    Column("receiving_mx_hostname", Text),
    Column("receiving_ip", Text),
    Column("failed_session_count", BigInteger, nullable=False),
    Column("additional_information", Text),
    Column("failure_reason_code", Text),
    PrimaryKeyConstraint("report_pk", "policy_seq", "seq"),
)

# Failure reports (RFC 6591, RFC 9991), redacted: what diagnosis needs and no more. ``personal``
# holds what redaction removed (JSON) only where [privacy] keep_failure_report_details is set.
# ``ingested_at`` is the time retention counts from.
failure_reports = Table(
    "failure_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _sha256("report_key", nullable=False),
    Column("reporter", Text, nullable=False),
    Column("domain", Text, nullable=False),
    Column("feedback_type", Text, nullable=False),
    Column("auth_failure", Text),
    Column("identity_alignment", Text),
    Column("reported_domain", Text),
    Column("source_ip", Text),
    Column("arrival_ts", BigInteger),
    Column("dkim_domain", Text),
    Column("dkim_identity", Text),
    Column("dkim_selector", Text),
    Column("spf_dns", Text, nullable=False),  # JSON array
    Column("delivery_result", Text),
    Column("header_from", Text),  # '*@domain': the local part is never stored
    Column("from_domain", Text),
    Column("dkim_signatures", Text, nullable=False),  # JSON array of [d, s]
    Column("authentication_results", Text, nullable=False),  # JSON array, redacted
    Column("received_spf", Text, nullable=False),  # JSON array, redacted
    _sha256("message_id_sha256"),
    Column("date_ts", BigInteger),
    Column("incidents", Integer, nullable=False),
    Column("personal", Text),
    Column("source", Text, nullable=False),
    Column("location", Text, nullable=False),
    _sha256("blob_sha256", ForeignKey("blobs.sha256"), nullable=False),
    Column("ingested_at", UtcDateTime, nullable=False),
    UniqueConstraint("report_key", name="uq_failure_reports_key"),
    Index("ix_failure_reports_domain_arrival", "domain", "arrival_ts"),
    Index("ix_failure_reports_ingested", "ingested_at"),
    Index("ix_failure_reports_blob", "blob_sha256"),
)

# What ``dmarcwatch alert`` remembers (analysis state, written through analysis.read.alertstate).
# A finding is keyed by (policy domain, code, sender identity); ``sender`` is "" for none.
finding_state = Table(
    "finding_state",
    metadata,
    Column("domain", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("severity", Text, nullable=False),  # the latest one (before resolution)
    Column("history", Text, nullable=False),  # JSON list of [day, severity] changes
    Column("resolved_at", Date),  # NULL while open
    Column("notified_at", Date, nullable=False),  # day of the last opened/worse/better/reminder
    Column("finding", Text, nullable=False),  # JSON: the latest finding, to word later events
    PrimaryKeyConstraint("domain", "code", "sender"),
)

# Every event ``alert`` produced, once, and each channel target it is for.
alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("domain", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("day", Date, nullable=False),
    Column("data", Text, nullable=False),  # JSON: severities, first seen, the finding
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("domain", "code", "sender", "event", "day", name="uq_alert_events_once"),
)

# One row per event and channel target; ``sent_at`` is set only after the channel accepted it.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("event_id", Integer, ForeignKey("alert_events.id"), nullable=False),
    Column("target", Text, nullable=False),
    Column("sent_at", UtcDateTime),
    PrimaryKeyConstraint("event_id", "target"),
    Index("ix_alert_deliveries_pending", "target", "sent_at"),
)

# The DNS check's history (``dmarcwatch check`` with a store): one run per domain and check,
# the record texts it saw (SPF, DMARC, DKIM) and its findings, so changes can be told.
check_runs = Table(
    "check_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("domain", Text, nullable=False),
    Column("checked_at", UtcDateTime, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Index("ix_check_runs_domain_time", "domain", "checked_at"),
)

check_records = Table(
    "check_records",
    metadata,
    Column("run_pk", Integer, ForeignKey("check_runs.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),  # spf | dmarc | dkim
    Column("name", Text, nullable=False),  # the DNS name the record was found at (or asked)
    Column("text", Text),  # the record's text; NULL: none published there
    PrimaryKeyConstraint("run_pk", "kind", "name"),
)

check_findings = Table(
    "check_findings",
    metadata,
    Column("run_pk", Integer, ForeignKey("check_runs.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("code", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("message_key", Text, nullable=False),
    Column("sender", Text),
    Column("actor", Text, nullable=False),
    Column("params", Text, nullable=False),  # JSON object
    PrimaryKeyConstraint("run_pk", "seq"),
)

# The poller's last run per mailbox: when it was tried, its status, when it last succeeded
# (for monitoring: ``dmarcwatch metrics``, ``dmarcwatch monitor``).
poll_runs = Table(
    "poll_runs",
    metadata,
    Column("mailbox", Text, primary_key=True),
    Column("last_run", UtcDateTime, nullable=False),
    Column("status", Text, nullable=False),  # ok | unavailable | tls | login | config | error
    Column("last_success", UtcDateTime),
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


def upsert(dialect_name: str, table: Table) -> Any:
    """The INSERT of *table* with ``ON CONFLICT`` as the backend *dialect_name* spells it.

    The dialect is imported here, not with this module: importing SQLAlchemy's PostgreSQL
    dialect (with its DBAPI modules) took about 90 ms of every SQLite command's start-up.
    """
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql  # noqa: PLC0415 - see above

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite  # noqa: PLC0415 - see above

    return sqlite.insert(table)
