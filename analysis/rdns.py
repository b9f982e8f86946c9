"""Reverse DNS of source IPs, cached in the store's ``rdns_cache`` table with its age.

Optional (``senders --rdns``): look-ups are bounded by a deadline and a maximum count, and
a name older than :data:`MAX_AGE` is looked up again. A failed look-up is not cached, a
missing PTR is (as ``NULL``), so the next run does not ask again for a while.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable

import dns.resolver
import dns.reversename
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from dmarcwatch.analysis.dnsclient import Budget, query_texts
from dmarcwatch.ingest import schema

MAX_AGE = dt.timedelta(days=30)
MAX_LOOKUPS = 500


def lookup(
    resolver: dns.resolver.Resolver, ips: Iterable[str], budget: Budget, limit: int = MAX_LOOKUPS
) -> dict[str, str | None]:
    """PTR names (``None``: none published); IPs not answered in time are left out."""
    names: dict[str, str | None] = {}
    for ip in list(ips)[:limit]:
        try:
            pointer = dns.reversename.from_address(str(ipaddress.ip_address(ip)))
        except ValueError:
            continue
        texts = query_texts(resolver, pointer.to_text(), "PTR", budget)
        if texts is None:
            if budget.spent:
                break
            continue
        names[ip] = texts[0].rstrip(".").lower() if texts else None
    return names


def save(engine: Engine, names: dict[str, str | None], now: dt.datetime) -> None:
    """Insert or replace cached names."""
    if not names:
        return
    t = schema.rdns_cache
    insert = postgresql.insert(t) if engine.dialect.name == "postgresql" else sqlite.insert(t)
    rows = [{"ip": ip, "name": name, "resolved_at": now} for ip, name in names.items()]
    stmt = insert.on_conflict_do_update(
        index_elements=[t.c.ip],
        set_={"name": insert.excluded.name, "resolved_at": insert.excluded.resolved_at},
    )
    with engine.begin() as conn:
        conn.execute(stmt, rows)
