"""Failure reports (RFC 6591) as stored: redacted, one row each, for evidence and exports.

Only the redacted columns are read; what a deployment may have kept besides
(``failure_reports.personal``) never leaves the store through here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from ...ingest import schema
from .selection import Selection


@dataclass(frozen=True, slots=True)
class FailureRow:
    """One failure report; ``day`` is its arrival day (else the message's date, else import)."""

    domain: str
    reporter: str
    day: dt.date
    source_ip: str | None
    auth_failure: str | None
    identity_alignment: str | None
    delivery_result: str | None
    header_from: str | None
    dkim_domain: str | None
    dkim_selector: str | None
    dkim_signatures: tuple[tuple[str, str], ...]
    spf_dns: tuple[str, ...]
    authentication_results: tuple[str, ...]
    incidents: int


def _strings(text: str | None) -> tuple[str, ...]:
    try:
        values = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(v) for v in values) if isinstance(values, list) else ()


def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    try:
        values = json.loads(text or "[]")
    except ValueError:
        return ()
    if not isinstance(values, list):
        return ()
    return tuple((str(v[0]), str(v[1])) for v in values if isinstance(v, list) and len(v) == 2)


def _day(arrival: object, date: object, ingested: object) -> dt.date:
    for epoch in (arrival, date):
        if isinstance(epoch, int):
            try:
                return dt.datetime.fromtimestamp(epoch, dt.UTC).date()
            except (OverflowError, OSError, ValueError):
                continue
    return ingested.date() if isinstance(ingested, dt.datetime) else dt.date(1970, 1, 1)


def failure_reports(conn: Connection, sel: Selection) -> list[FailureRow]:
    """The failure reports of *sel*'s domains whose day lies in its period, oldest first.

    ``since``/``until`` are applied to the arrival day; receivers are matched on the
    reporter's domain.
    """
    f = schema.failure_reports
    c = f.c
    query = sa.select(
        c.domain,
        c.reporter,
        c.arrival_ts,
        c.date_ts,
        c.ingested_at,
        c.source_ip,
        c.auth_failure,
        c.identity_alignment,
        c.delivery_result,
        c.header_from,
        c.dkim_domain,
        c.dkim_selector,
        c.dkim_signatures,
        c.spf_dns,
        c.authentication_results,
        c.incidents,
    ).order_by(c.id)
    if sel.domains:
        query = query.where(c.domain.in_([d.lower().rstrip(".") for d in sel.domains]))
    found = []
    for row in conn.execute(query):
        day = _day(row.arrival_ts, row.date_ts, row.ingested_at)
        epoch = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
        if sel.since is not None and epoch < sel.since - 86400:
            continue
        if sel.until is not None and epoch >= sel.until:
            continue
        found.append(
            FailureRow(
                domain=str(row.domain),
                reporter=str(row.reporter),
                day=day,
                source_ip=row.source_ip,
                auth_failure=row.auth_failure,
                identity_alignment=row.identity_alignment,
                delivery_result=row.delivery_result,
                header_from=row.header_from,
                dkim_domain=row.dkim_domain,
                dkim_selector=row.dkim_selector,
                dkim_signatures=_pairs(row.dkim_signatures),
                spf_dns=_strings(row.spf_dns),
                authentication_results=_strings(row.authentication_results),
                incidents=int(row.incidents),
            )
        )
    return found
