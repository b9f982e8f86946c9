"""Writing SMTP TLS reports and failure reports, in the writer's open transaction.

Both are small (a TLS report has a few policies, a failure report is one row), so they are
written with SQLAlchemy Core statements inside the input's transaction. A report
already stored is a duplicate; a TLS report that reuses a stored key with other content is a
conflict, as for aggregate reports.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any, Literal

from sqlalchemy import Connection, insert, select

from . import schema
from .arf import FailureReport
from .tlsrpt import TlsReport

Written = Literal["stored", "duplicate", "conflict"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json(values: object) -> str:
    return json.dumps(values, ensure_ascii=False)


def write_tls_report(
    conn: Connection, report: TlsReport, *, source: str, location: str, blob: str, content: str
) -> Written:
    """Store a TLS report with its policies and failure details, unless it is stored."""
    table = schema.tls_reports
    c = table.c
    found = conn.execute(
        select(c.content_sha256).where(
            c.org_name == report.org_name,
            c.report_id == report.report_id,
            c.begin_ts == report.begin,
            c.end_ts == report.end,
        )
    ).first()
    if found is not None:
        return "duplicate" if found[0] == content else "conflict"
    row = {
        "org_name": report.org_name,
        "report_id": report.report_id,
        "begin_ts": report.begin,
        "end_ts": report.end,
        "contact_info": report.contact_info,
        "policy_domain": report.domain,
        "successful": sum(p.successful for p in report.policies),
        "failed": sum(p.failed for p in report.policies),
        "source": source,
        "location": location,
        "blob_sha256": blob,
        "content_sha256": content,
        "ingested_at": _now(),
    }
    pk = conn.execute(insert(table).returning(c.id), row).scalar_one()
    _write_policies(conn, pk, report)
    return "stored"


def _write_policies(conn: Connection, pk: int, report: TlsReport) -> None:
    policies: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for seq, policy in enumerate(report.policies):
        policies.append(
            {
                "report_pk": pk,
                "seq": seq,
                "policy_type": policy.policy_type,
                "policy_domain": policy.policy_domain,
                "policy_strings": _json(list(policy.policy_strings)),
                "mx_hosts": _json(list(policy.mx_hosts)),
                "successful": policy.successful,
                "failed": policy.failed,
            }
        )
        failures += (
            {"report_pk": pk, "policy_seq": seq, "seq": index, **asdict(failure)}
            for index, failure in enumerate(policy.failures)
        )
    if policies:
        conn.execute(insert(schema.tls_policies), policies)
    if failures:
        conn.execute(insert(schema.tls_failures), failures)


def write_failure_report(
    conn: Connection,
    report: FailureReport,
    *,
    source: str,
    location: str,
    blob: str,
    keep_personal: bool,
) -> Written:
    """Store a redacted failure report (what redaction removed only if *keep_personal*)."""
    table = schema.failure_reports
    key = report.key
    if conn.execute(select(table.c.id).where(table.c.report_key == key)).first() is not None:
        return "duplicate"
    row = {
        "report_key": key,
        "reporter": report.reporter,
        "domain": report.domain,
        "feedback_type": report.feedback_type,
        "auth_failure": report.auth_failure,
        "identity_alignment": report.identity_alignment,
        "reported_domain": report.reported_domain,
        "source_ip": report.source_ip,
        "arrival_ts": report.arrival_date,
        "dkim_domain": report.dkim_domain,
        "dkim_identity": report.dkim_identity,
        "dkim_selector": report.dkim_selector,
        "spf_dns": _json(list(report.spf_dns)),
        "delivery_result": report.delivery_result,
        "header_from": report.header_from,
        "from_domain": report.from_domain,
        "dkim_signatures": _json([list(pair) for pair in report.dkim_signatures]),
        "authentication_results": _json(list(report.authentication_results)),
        "received_spf": _json(list(report.received_spf)),
        "message_id_sha256": report.message_id_sha256,
        "date_ts": report.date,
        "incidents": report.incidents,
        "personal": _json(asdict(report.personal)) if keep_personal else None,
        "source": source,
        "location": location,
        "blob_sha256": blob,
        "ingested_at": _now(),
    }
    conn.execute(insert(table), row)
    return "stored"


def drop_blob_bytes(conn: Connection, sha256: str) -> None:
    """Keep only the digest of an input (a failure report's mail is personal data)."""
    blobs = schema.blobs
    conn.execute(
        blobs.update()
        .where(blobs.c.sha256 == sha256)
        .values(data=b"", compression="dropped")  # see ingest.store
    )
