"""What the stored reports say about a domain's senders: DKIM selectors, senders, bounce names.

``dmarcwatch check`` uses this so that selectors and senders seen in reports are checked
without being named on the command line (reference §7.3: DNS cannot enumerate selectors).
Only records whose From domain is the checked domain count, from the last *days* days.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dmarcwatch.analysis.catalogue import Catalogue
from dmarcwatch.analysis.check.senders import SENDGRID
from dmarcwatch.analysis.dns.names import psl_org_domain as org_domain_psl
from dmarcwatch.ingest import schema

DEFAULT_DAYS = 90
_MAX_IPS = 5000  # distinct source IPs classified per check; enough to see every sender
_SENDGRID_DKIM = ("sendgrid.net", "sendgrid.info")


@dataclass(frozen=True, slots=True)
class Seen:
    """Selectors (for ``d=<domain>``), sender ids and SendGrid return-path names seen."""

    selectors: tuple[str, ...] = ()
    senders: tuple[str, ...] = ()
    return_paths: tuple[str, ...] = ()


def seen_in_reports(
    engine: Engine, domain: str, catalogue: Catalogue, days: int = DEFAULT_DAYS
) -> Seen:
    """Read what reports of the last *days* days show about mail from *domain*."""
    since = int(time.time()) - days * 86400
    with engine.connect() as connection:
        selectors = _selectors(connection, domain, since)
        envelopes = _envelope_domains(connection, domain, since)
        ips = _source_ips(connection, domain, since)
        signers = _dkim_domains(connection, domain, since)
    pattern = re.compile(rf"^em\d+\.{re.escape(domain)}$")
    return_paths = sorted({e for e in envelopes if pattern.match(e)})
    senders = {str(s) for s in catalogue.ranges.lookup(ips) if s} if ips else set()
    if return_paths or set(signers) & set(_SENDGRID_DKIM):
        senders.add(SENDGRID)
    return Seen(tuple(sorted(selectors)), tuple(sorted(senders)), tuple(return_paths))


def _records_of(domain: str, since: int) -> sa.ColumnElement[bool]:
    """Records with this From domain, in reports for it or its organisational domain."""
    r, rec = schema.reports, schema.records
    return sa.and_(
        r.c.policy_domain.in_({domain, org_domain_psl(domain)}),
        r.c.begin_ts >= since,
        sa.func.lower(rec.c.header_from) == domain,
    )


def _joined_records() -> sa.Join:
    return schema.records.join(schema.reports, schema.records.c.report_pk == schema.reports.c.id)


def _selectors(connection: sa.Connection, domain: str, since: int) -> list[str]:
    d = schema.dkim_results
    query = (
        sa.select(sa.func.lower(d.c.selector))
        .distinct()
        .select_from(_joined_records().join(d, _same_record(d)))
        .where(_records_of(domain, since), sa.func.lower(d.c.domain) == domain)
        .where(d.c.selector.is_not(None), d.c.selector != "")
    )
    return [str(s) for s in connection.scalars(query) if _selector_ok(str(s))]


def _selector_ok(selector: str) -> bool:
    """Reporter-supplied text becomes a DNS name: accept plain labels only."""
    return bool(re.fullmatch(r"[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})*", selector))


def _dkim_domains(connection: sa.Connection, domain: str, since: int) -> list[str]:
    d = schema.dkim_results
    query = (
        sa.select(sa.func.lower(d.c.domain))
        .distinct()
        .select_from(_joined_records().join(d, _same_record(d)))
        .where(_records_of(domain, since))
    )
    return [str(s) for s in connection.scalars(query)]


def _envelope_domains(connection: sa.Connection, domain: str, since: int) -> set[str]:
    s, rec = schema.spf_results, schema.records
    spf = (
        sa.select(sa.func.lower(s.c.domain))
        .distinct()
        .select_from(_joined_records().join(s, _same_record(s)))
        .where(_records_of(domain, since))
    )
    envelope = (
        sa.select(sa.func.lower(rec.c.envelope_from))
        .distinct()
        .select_from(_joined_records())
        .where(_records_of(domain, since), rec.c.envelope_from.is_not(None))
    )
    found = {str(x) for x in connection.scalars(spf)}
    found |= {str(x).rpartition("@")[2] for x in connection.scalars(envelope)}
    return found


def _source_ips(connection: sa.Connection, domain: str, since: int) -> list[str]:
    rec = schema.records
    query = (
        sa.select(rec.c.source_ip)
        .distinct()
        .select_from(_joined_records())
        .where(_records_of(domain, since))
        .limit(_MAX_IPS)
    )
    return [str(ip) for ip in connection.scalars(query)]


def _same_record(table: sa.Table) -> sa.ColumnElement[bool]:
    rec = schema.records
    return sa.and_(table.c.report_pk == rec.c.report_pk, table.c.record_seq == rec.c.seq)
