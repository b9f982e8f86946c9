"""What the reports table says without reading records: domains, their activity, latest ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...ingest import schema
from .selection import Selection, group_filter, report_filter


@dataclass(frozen=True, slots=True)
class DomainActivity:
    """When the store last heard about a policy domain."""

    domain: str
    reports: int
    last_end: int
    last_ingested: dt.datetime | None


def activity(
    conn: Connection, domains: Iterable[str] = (), before: int | None = None
) -> list[DomainActivity]:
    """Per policy domain (all, or *domains*): report count, latest end and latest ingestion
    (of the reports that began *before*, epoch seconds, when given)."""
    r = schema.reports
    domain = r.c.policy_domain
    stmt = sa.select(
        domain, sa.func.count(), sa.func.max(r.c.end_ts), sa.func.max(r.c.ingested_at)
    ).group_by(domain)
    wanted = [d.lower() for d in domains]
    if wanted:
        stmt = stmt.where(domain.in_(wanted))
    if before is not None:
        stmt = stmt.where(r.c.begin_ts < before)
    rows = conn.execute(stmt).all()
    return [
        DomainActivity(str(d), int(n), int(end), _aware(ingested)) for d, n, end, ingested in rows
    ]


def _aware(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite max() over a TypeDecorator column returns raw text
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def policy_domains(conn: Connection, before: int | None = None) -> dict[str, int]:
    """Every policy domain with the begin of its newest report (read from the index only);
    only reports that began *before* (epoch seconds) count when it is given."""
    r = schema.reports
    stmt = sa.select(r.c.policy_domain, sa.func.max(r.c.begin_ts)).group_by(r.c.policy_domain)
    if before is not None:
        stmt = stmt.where(r.c.begin_ts < before)
    return {str(d): int(b) for d, b in conn.execute(stmt)}


def latest_end(conn: Connection, sel: Selection) -> int | None:
    """The latest report end (epoch seconds) among reports matching *sel* (without times)."""
    r = schema.reports
    plain = Selection(
        domains=sel.domains, receivers=sel.receivers, include_unverified=sel.include_unverified
    )
    value = conn.execute(sa.select(sa.func.max(r.c.end_ts)).where(*report_filter(plain))).scalar()
    return int(value) if value is not None else None


def domains_with_records(conn: Connection, sel: Selection) -> list[str]:
    """Policy domains of reports matching *sel* that hold at least one record, sorted.

    Read from the record groups, which stay when old records are pruned.
    """
    r, g = schema.reports, schema.record_groups
    has_records = sa.exists().where(g.c.report_pk == r.c.id)
    stmt = (
        sa.select(r.c.policy_domain)
        .where(*report_filter(sel), has_records)
        .distinct()
        .order_by(r.c.policy_domain)
    )
    return [str(domain) for domain in conn.scalars(stmt)]


def group_counts(conn: Connection, sel: Selection) -> dict[str, int]:
    """Per policy domain, the record groups of *sel*: the rows reading them brings before
    they are summed (:mod:`.rows`), counted without reading them."""
    r, g = schema.reports, schema.record_groups
    stmt = (
        sa.select(r.c.policy_domain, sa.func.count())
        .select_from(g.join(r, r.c.id == g.c.report_pk))
        .where(*report_filter(sel), *group_filter(sel))
        .group_by(r.c.policy_domain)
    )
    return {str(domain): int(count) for domain, count in conn.execute(stmt)}


def reporters(conn: Connection) -> list[tuple[str, str]]:
    """Every distinct (org_name, email) of the stored reports, sorted."""
    r = schema.reports
    stmt = sa.select(r.c.org_name, r.c.email).distinct()
    return sorted((str(org or ""), str(email or "")) for org, email in conn.execute(stmt))


@dataclass(frozen=True, slots=True)
class PollRun:
    """The poller's last run of one mailbox."""

    mailbox: str
    last_run: dt.datetime
    status: str
    last_success: dt.datetime | None


def poll_runs(conn: Connection) -> list[PollRun]:
    """The last run of every mailbox the poller has polled, by mailbox name."""
    t = schema.poll_runs
    rows = conn.execute(sa.select(t).order_by(t.c.mailbox)).all()
    return [
        PollRun(str(r.mailbox), _aware(r.last_run) or r.last_run, str(r.status),
                _aware(r.last_success))
        for r in rows
    ]  # fmt: skip
