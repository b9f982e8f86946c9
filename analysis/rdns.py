"""Reverse DNS of source IPs, cached in the store's ``rdns_cache`` table with its age.

Optional (``senders --rdns``): look-ups go through the DNS layer's resolver, bounded by its
deadline, and by a maximum count here; a name older than :data:`MAX_AGE` is looked up again.
A failed look-up is not cached, a missing PTR is (as ``NULL``), so the next run does not ask
again for a while. Each name is forward-confirmed: its A (or AAAA) records must hold the
address, or anyone who controls the reverse zone of an address could claim any name.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from ..ingest import schema
from .dns.lookup import Status
from .dns.names import reverse_name
from .dns.resolver import Resolver

MAX_AGE = dt.timedelta(days=30)
MAX_LOOKUPS = 500


@dataclass(frozen=True, slots=True)
class Pointer:
    """A PTR answer: the name (``None``: none published) and whether it points back."""

    name: str | None
    confirmed: bool | None  # None: no name, or its addresses could not be read in time


def lookup(resolver: Resolver, ips: Iterable[str], limit: int = MAX_LOOKUPS) -> dict[str, Pointer]:
    """PTR names of *ips*, forward-confirmed; IPs not answered in time are left out."""
    names: dict[str, Pointer] = {}
    for ip in list(ips)[:limit]:
        pointer = reverse_name(str(ip))
        if pointer is None:
            continue
        answer = resolver.query(pointer, "PTR")
        if answer.status is Status.ERROR:
            if resolver.expired:
                break
            continue
        name = answer.values[0] if answer.values else None
        names[ip] = Pointer(name, _confirmed(resolver, ip, name) if name else None)
    return names


def _confirmed(resolver: Resolver, ip: str, name: str) -> bool | None:
    """Whether *name* resolves to *ip* (``None`` when the answer did not come)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    answer = resolver.query(name, "A" if address.version == 4 else "AAAA")
    if answer.status is Status.ERROR:
        return None
    found = set()
    for value in answer.values:
        try:
            found.add(ipaddress.ip_address(value))
        except ValueError:
            continue
    return address in found


def save(engine: Engine, names: dict[str, Pointer], now: dt.datetime) -> None:
    """Insert or replace cached names."""
    if not names:
        return
    t = schema.rdns_cache
    insert = schema.upsert(engine.dialect.name, t)
    rows = [
        {"ip": ip, "name": p.name, "confirmed": p.confirmed, "resolved_at": now}
        for ip, p in names.items()
    ]
    stmt = insert.on_conflict_do_update(
        index_elements=[t.c.ip],
        set_={
            "name": insert.excluded.name,
            "confirmed": insert.excluded.confirmed,
            "resolved_at": insert.excluded.resolved_at,
        },
    )
    with engine.begin() as conn:
        conn.execute(stmt, rows)
