"""Reads of the reverse-DNS cache (``rdns_cache``); :mod:`analysis.rdns` looks names up and
writes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...ingest import schema

CHUNK = 500  # addresses per IN (…) list


def names(conn: Connection, ips: Iterable[str]) -> dict[str, str]:
    """Cached reverse-DNS names for *ips* that may name them: lower-case, and not refuted by
    the forward check (a name whose addresses do not hold the IP is left out, so a forged
    PTR cannot make a source look like a known sender)."""
    return {
        ip: name for ip, (name, confirmed) in entries(conn, ips).items() if confirmed is not False
    }


def entries(conn: Connection, ips: Iterable[str]) -> dict[str, tuple[str, bool | None]]:
    """Cached names of *ips* (only those with a name), lower-case, with the forward check's
    verdict (``None``: not checked)."""
    t = schema.rdns_cache
    found: dict[str, tuple[str, bool | None]] = {}
    for chunk in _chunks(ips):
        stmt = sa.select(t.c.ip, t.c.name, t.c.confirmed).where(
            t.c.ip.in_(chunk), t.c.name.is_not(None)
        )
        found.update(
            {
                str(ip): (str(name).lower(), None if ok is None else bool(ok))
                for ip, name, ok in conn.execute(stmt)
            }
        )
    return found


def resolved_after(conn: Connection, ips: Iterable[str], moment: dt.datetime) -> set[str]:
    """The IPs among *ips* whose cached answer (a name or none) is younger than *moment*."""
    t = schema.rdns_cache
    fresh: set[str] = set()
    for chunk in _chunks(ips):
        stmt = sa.select(t.c.ip, t.c.resolved_at).where(t.c.ip.in_(chunk))
        fresh |= {str(ip) for ip, at in conn.execute(stmt) if at and at > moment}
    return fresh


def _chunks(ips: Iterable[str]) -> Iterator[list[str]]:
    wanted = sorted(set(ips))
    for start in range(0, len(wanted), CHUNK):
        yield wanted[start : start + CHUNK]
