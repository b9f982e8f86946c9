"""Which records to read: one :class:`Selection` and the one filter every read applies."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from dmarcwatch.analysis.read import receivers
from dmarcwatch.ingest import schema

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


def report_filter(sel: Selection) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``reports`` (domains, times, receivers)."""
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
