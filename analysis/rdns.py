"""Reverse DNS of source IPs, cached in the store's ``rdns_cache`` table with its age.

Optional (``senders --rdns``): look-ups go through the DNS layer's resolver, bounded by its
deadline, and by a maximum count here; a name older than :data:`MAX_AGE` is looked up again.
A failed look-up is not cached, a missing PTR is (as ``NULL``), so the next run does not ask
again for a while.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from dmarcwatch.analysis.dns.lookup import Status
from dmarcwatch.analysis.dns.names import reverse_name
from dmarcwatch.analysis.dns.resolver import Resolver
from dmarcwatch.ingest import schema

MAX_AGE = dt.timedelta(days=30)
MAX_LOOKUPS = 500


def lookup(
    resolver: Resolver, ips: Iterable[str], limit: int = MAX_LOOKUPS
) -> dict[str, str | None]:
    """PTR names (``None``: none published); IPs not answered in time are left out."""
    names: dict[str, str | None] = {}
    for ip in list(ips)[:limit]:
        pointer = reverse_name(str(ip))
        if pointer is None:
            continue
        answer = resolver.query(pointer, "PTR")
        if answer.status is Status.ERROR:
            if resolver.expired:
                break
            continue
        names[ip] = answer.values[0] if answer.values else None
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
