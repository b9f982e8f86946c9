"""SMTP TLS reports (RFC 8460) as the analysis needs them: totals and failure details per day.

Selected like aggregate reports (:class:`~.selection.Selection`): by policy domain, by the
reports' begin (``since``/``until``) and by receiver (the reporter's organisation name or one
of its aliases, :mod:`.receivers`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from ...ingest import schema
from . import receivers
from .selection import Selection


@dataclass(frozen=True, slots=True)
class TlsTotals:
    """One reporter's sessions to one policy domain under one policy type, over a period."""

    domain: str
    org_name: str
    policy_type: str
    reports: int
    successful: int
    failed: int
    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True, slots=True)
class TlsFailureRow:
    """One failure detail of a TLS report (``failure-details[]``), with its report's day."""

    domain: str
    day: dt.date
    org_name: str
    policy_type: str
    result_type: str
    sending_mta_ip: str | None
    receiving_mx_hostname: str | None
    receiving_ip: str | None
    sessions: int
    failure_reason_code: str | None
    additional_information: str | None


def _day(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date()


def _where(sel: Selection) -> list[sa.ColumnElement[bool]]:
    r = schema.tls_reports.c
    p = schema.tls_policies.c
    where: list[sa.ColumnElement[bool]] = []
    if sel.domains:
        where.append(p.policy_domain.in_([d.lower().rstrip(".") for d in sel.domains]))
    if sel.since is not None:
        where.append(r.begin_ts >= sel.since)
    if sel.until is not None:
        where.append(r.begin_ts < sel.until)
    if sel.receivers:
        names = [n for name in sel.receivers for n in receivers.names_for(name)]
        contact = sa.func.lower(sa.func.coalesce(r.contact_info, ""))
        where.append(
            sa.or_(
                sa.func.lower(r.org_name).in_(names),
                *(contact.like(f"%@{name}") for name in names if "%" not in name),
            )
        )
    return where


def tls_totals(conn: Connection, sel: Selection) -> list[TlsTotals]:
    """Sessions per policy domain, reporter and policy type, most sessions first."""
    r = schema.tls_reports.c
    p = schema.tls_policies.c
    query = (
        sa.select(
            p.policy_domain,
            r.org_name,
            p.policy_type,
            sa.func.count(sa.distinct(r.id)),
            sa.func.sum(p.successful),
            sa.func.sum(p.failed),
            sa.func.min(r.begin_ts),
            sa.func.max(r.begin_ts),
        )
        .select_from(schema.tls_policies.join(schema.tls_reports, p.report_pk == r.id))
        .where(*_where(sel))
        .group_by(p.policy_domain, r.org_name, p.policy_type)
    )
    rows = [
        TlsTotals(
            domain=str(row[0]),
            org_name=str(row[1]),
            policy_type=str(row[2]),
            reports=int(row[3]),
            successful=int(row[4] or 0),
            failed=int(row[5] or 0),
            first_day=_day(int(row[6])),
            last_day=_day(int(row[7])),
        )
        for row in conn.execute(query)
    ]
    return sorted(rows, key=lambda t: (t.domain, -(t.successful + t.failed), t.org_name))


def tls_failures(conn: Connection, sel: Selection) -> list[TlsFailureRow]:
    """Every failure detail of the selected reports, in report order."""
    r = schema.tls_reports.c
    p = schema.tls_policies.c
    f = schema.tls_failures.c
    joined = schema.tls_failures.join(
        schema.tls_policies, sa.and_(f.report_pk == p.report_pk, f.policy_seq == p.seq)
    ).join(schema.tls_reports, f.report_pk == r.id)
    query = (
        sa.select(
            p.policy_domain,
            r.begin_ts,
            r.org_name,
            p.policy_type,
            f.result_type,
            f.sending_mta_ip,
            f.receiving_mx_hostname,
            f.receiving_ip,
            f.failed_session_count,
            f.failure_reason_code,
            f.additional_information,
        )
        .select_from(joined)
        .where(*_where(sel))
        .order_by(r.begin_ts, f.report_pk, f.policy_seq, f.seq)
    )
    return [
        TlsFailureRow(
            domain=str(row[0]),
            day=_day(int(row[1])),
            org_name=str(row[2]),
            policy_type=str(row[3]),
            result_type=str(row[4]),
            sending_mta_ip=row[5],
            receiving_mx_hostname=row[6],
            receiving_ip=row[7],
            sessions=int(row[8]),
            failure_reason_code=row[9],
            additional_information=row[10],
        )
        for row in conn.execute(query)
    ]


TLS_EXPORT_COLUMNS = (
    "org_name",
    "report_id",
    "begin",
    "end",
    "policy_domain",
    "policy_type",
    "policy_strings",
    "mx_host",
    "successful",
    "failed",
    "result_type",
    "sending_mta_ip",
    "receiving_mx_hostname",
    "receiving_ip",
    "failed_session_count",
    "additional_information",
    "failure_reason_code",
)
"""One row per policy of a TLS report and failure detail (a policy without failures: one row
with empty failure columns). ``policy_strings`` and ``mx_host`` are JSON arrays as stored."""
TLS_EXPORT_INTEGERS = frozenset({"begin", "end", "successful", "failed", "failed_session_count"})


def tls_export_rows(conn: Connection, sel: Selection) -> list[dict[str, object]]:
    """The selected TLS reports flattened for export (:data:`TLS_EXPORT_COLUMNS`)."""
    r = schema.tls_reports.c
    p = schema.tls_policies.c
    f = schema.tls_failures.c
    joined = schema.tls_policies.join(schema.tls_reports, p.report_pk == r.id).outerjoin(
        schema.tls_failures, sa.and_(f.report_pk == p.report_pk, f.policy_seq == p.seq)
    )
    query = (
        sa.select(
            r.org_name,
            r.report_id,
            r.begin_ts,
            r.end_ts,
            p.policy_domain,
            p.policy_type,
            p.policy_strings,
            p.mx_hosts,
            p.successful,
            p.failed,
            f.result_type,
            f.sending_mta_ip,
            f.receiving_mx_hostname,
            f.receiving_ip,
            f.failed_session_count,
            f.additional_information,
            f.failure_reason_code,
        )
        .select_from(joined)
        .where(*_where(sel))
        .order_by(r.begin_ts, r.id, p.seq, f.seq)
    )
    return [dict(zip(TLS_EXPORT_COLUMNS, row, strict=True)) for row in conn.execute(query)]
