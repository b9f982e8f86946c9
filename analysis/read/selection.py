"""Which records to read: one :class:`Selection` and the one filter every read applies.

The filter also decides which reports are trusted (:func:`trusted`): a report carried by a mail
whose DKIM signature is not its reporter's (``failed``) never counts, an ``unverified`` one only
with ``include_unverified``, and of several different reports claiming one key (reporter,
report id, policy domain, period: a *disputed* key) only the one that is trusted more than all
the others counts. When two are trusted alike (two verified ones, two unverified ones) neither
counts: the tool cannot tell which is real, and says so (:func:`set_aside`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...ingest import schema
from . import receivers

SECONDS_PER_DAY = 86400


@dataclass(frozen=True, slots=True)
class Selection:
    """Which records to read; an empty field selects everything.

    ``domains`` are policy domains, ``since``/``until`` epoch seconds (UTC) on the reports'
    ``begin`` (``until`` exclusive); ``receivers`` match the reporter's name or e-mail domain,
    or an alias of them (``Google`` for ``google.com``: :mod:`.receivers`);
    ``ips`` are source IPs and ``from_domains`` header From domains of the records.
    """

    domains: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    receivers: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    from_domains: tuple[str, ...] = ()
    include_unverified: bool = False
    """Count reports from mails without a usable DKIM signature (never ``failed`` ones)."""


def report_filter(sel: Selection) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``reports`` (domains, times, receivers, and :func:`trusted`)."""
    return [*scope_filter(sel), trusted(sel.include_unverified)]


def scope_filter(sel: Selection) -> list[sa.ColumnElement[bool]]:
    """The selection's conditions on ``reports`` without the trust rule (see :mod:`.trust`)."""
    r = schema.reports
    where: list[sa.ColumnElement[bool]] = []
    if sel.domains:
        # the parser stores domains lower-case, so the (policy_domain, begin_ts) index applies
        where.append(r.c.policy_domain.in_(_domains(sel.domains)))
    if sel.since is not None:
        where.append(r.c.begin_ts >= sel.since)
    if sel.until is not None:
        where.append(r.c.begin_ts < sel.until)
    if sel.receivers:
        where.append(sa.or_(*(_receiver_matches(x) for x in sel.receivers)))
    return where


def rank(table: sa.FromClause, include_unverified: bool) -> sa.ColumnElement[int]:
    """How far a report is trusted: 2 verified or imported by hand, 1 unverified, 0 none."""
    verification = table.c.verification
    return sa.case(
        (verification.in_(("verified", "not-applicable")), 2),
        (verification == "unverified", 1 if include_unverified else 0),
        else_=0,
    )


def trusted(include_unverified: bool) -> sa.ColumnElement[bool]:
    """Reports that count: trusted, and trusted more than any other report claiming their key."""
    r = schema.reports
    other = schema.reports.alias("contender")
    mine = rank(r, include_unverified)
    rival = (
        sa.select(other.c.id)
        .where(
            other.c.org_name == r.c.org_name,
            other.c.report_id == r.c.report_id,
            other.c.policy_domain == r.c.policy_domain,
            other.c.begin_ts == r.c.begin_ts,
            other.c.end_ts == r.c.end_ts,
            other.c.id != r.c.id,
            rank(other, include_unverified) >= mine,
        )
        .correlate(r)
    )
    return sa.and_(mine > 0, ~sa.exists(rival))


def record_filter(sel: Selection) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``records`` (source IPs, header From domains)."""
    rec = schema.records
    where: list[sa.ColumnElement[bool]] = []
    if sel.ips:
        where.append(rec.c.source_ip.in_(sel.ips))
    if sel.from_domains:
        where.append(sa.func.lower(rec.c.header_from).in_(_domains(sel.from_domains)))
    return where


def group_filter(sel: Selection) -> list[sa.ColumnElement[bool]]:
    """:func:`record_filter` on ``record_groups`` (whose header From is lower-case already)."""
    g = schema.record_groups
    where: list[sa.ColumnElement[bool]] = []
    if sel.ips:
        where.append(g.c.source_ip.in_(sel.ips))
    if sel.from_domains:
        where.append(g.c.header_from.in_(_domains(sel.from_domains)))
    return where


def _domains(domains: tuple[str, ...]) -> list[str]:
    return [d.lower().rstrip(".") for d in domains]


def _receiver_matches(receiver: str) -> sa.ColumnElement[bool]:
    """A receiver (``Google``, ``gmail.com``) matches the org name or e-mail domain of a report.

    Its aliases count too (:func:`.receivers.names_for`); the test is :func:`.receivers.matches`.
    """
    r = schema.reports
    names = receivers.names_for(receiver)
    email = sa.func.lower(r.c.email)
    return sa.or_(
        sa.func.lower(r.c.org_name).in_(names),
        *(email.like(f"%@{_escape_like(name)}", escape="\\") for name in names),
        *(email.like(f"%.{_escape_like(name)}", escape="\\") for name in names),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
