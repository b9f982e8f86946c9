"""The identities records show: DKIM signers and selectors, SPF and envelope domains, IPs.

What ``dmarcwatch check`` needs of the store ("seen in reports"), and the source IPs whose
reverse DNS ``senders --rdns`` looks up. Values are lower-case and distinct.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...ingest import schema
from .selection import (
    Selection,
    group_filter,
    record_filter,
    report_filter,
)


@dataclass(frozen=True, slots=True)
class Identities:
    """Distinct identities in the selected records (lower-case, in no particular order)."""

    dkim: tuple[tuple[str, str | None], ...]  # (d=, selector or None), most reports first
    spf_domains: tuple[str, ...]
    envelope_froms: tuple[str, ...]  # the records' envelope_from, where reported
    source_ips: tuple[str, ...]


def identities(conn: Connection, sel: Selection, max_ips: int | None = None) -> Identities:
    """The :class:`Identities` of the records *sel* selects (at most *max_ips* addresses)."""
    s, rec = schema.spf_results, schema.records
    dkim = _dkim(sel)
    spf = _distinct(sel, _with(s), sa.func.lower(s.c.domain))
    envelope = _distinct(sel, _records(), sa.func.lower(rec.c.envelope_from)).where(
        rec.c.envelope_from.is_not(None)
    )
    return Identities(
        dkim=tuple((str(domain), _text(selector)) for domain, selector in conn.execute(dkim)),
        spf_domains=tuple(str(x) for x in conn.scalars(spf)),
        envelope_froms=tuple(str(x) for x in conn.scalars(envelope)),
        source_ips=tuple(source_ips(conn, sel, max_ips)),
    )


def source_ips(conn: Connection, sel: Selection, limit: int | None = None) -> list[str]:
    """Distinct source IPs of the records *sel* selects (at most *limit*, any of them).

    Read from the record groups, so pruned periods count too.
    """
    g, r = schema.record_groups, schema.reports
    query = (
        sa.select(g.c.source_ip)
        .distinct()
        .select_from(g.join(r, g.c.report_pk == r.c.id))
        .where(*report_filter(sel), *group_filter(sel))
    )
    if limit is not None:
        query = query.limit(limit)
    return [str(ip) for ip in conn.scalars(query)]


def _dkim(sel: Selection) -> sa.Select[*tuple[Any, ...]]:
    """Distinct (d=, selector) pairs, those in the most reports first: one forged report that
    names thousands of selectors puts each of them in one report only."""
    d = schema.dkim_results
    domain, selector = sa.func.lower(d.c.domain), sa.func.lower(d.c.selector)
    reports = sa.func.count(sa.distinct(d.c.report_pk))
    return (
        sa.select(domain, selector)
        .select_from(_with(d))
        .where(*report_filter(sel), *record_filter(sel))
        .group_by(domain, selector)
        .order_by(reports.desc(), domain, selector)
    )


def first_seen(conn: Connection, sel: Selection) -> dict[tuple[str, str], int]:
    """The begin (epoch seconds) of the first stored report naming each (policy domain,
    source IP) that *sel* selects. Only the domains and IPs of *sel* count: the times are the
    whole store's, so a source seen last year is not new today."""
    r, rec = schema.reports, schema.records
    query = (
        sa.select(r.c.policy_domain, rec.c.source_ip, sa.func.min(r.c.begin_ts))
        .select_from(_records())
        .where(*report_filter(Selection(domains=sel.domains)), *record_filter(sel))
        .group_by(r.c.policy_domain, rec.c.source_ip)
    )
    return {(str(d), str(ip)): int(begin) for d, ip, begin in conn.execute(query)}


def _distinct(
    sel: Selection, source: sa.FromClause, *columns: sa.ColumnElement[Any]
) -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(*columns)
        .distinct()
        .select_from(source)
        .where(*report_filter(sel), *record_filter(sel))
    )


def _records() -> sa.Join:
    return schema.records.join(schema.reports, schema.records.c.report_pk == schema.reports.c.id)


def _with(table: sa.Table) -> sa.Join:
    rec = schema.records
    same = sa.and_(table.c.report_pk == rec.c.report_pk, table.c.record_seq == rec.c.seq)
    return _records().join(table, same)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
