"""The sender inventory in the store (``approved_senders``): read, add, remove.

State the analysis keeps lives in the same store; this module is the only one that touches
the table (:mod:`analysis.inventory` decides what an approval means).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ...ingest import schema
from ..inventory import Approval, Kind


def approvals(engine: Engine, domains: Iterable[str] = ()) -> list[Approval]:
    """Stored approvals of *domains* (every domain when empty), oldest first."""
    t = schema.approved_senders
    stmt = sa.select(t).order_by(t.c.domain, t.c.approved_at, t.c.kind, t.c.value)
    wanted = sorted(set(domains))
    if wanted:
        stmt = stmt.where(t.c.domain.in_(wanted))
    with engine.connect() as conn:
        return [
            Approval(
                domain=row.domain,
                kind=Kind(row.kind),
                value=row.value,
                note=row.note,
                approved_by=row.approved_by,
                approved_at=row.approved_at,
            )
            for row in conn.execute(stmt)
            if row.kind in Kind._value2member_map_
        ]


def approve(engine: Engine, approval: Approval, who: str, now: dt.datetime) -> bool:
    """Store *approval*; ``False`` if it was there already (its note is then updated)."""
    t = schema.approved_senders
    insert = schema.upsert(engine.dialect.name, t)
    values = {
        "domain": approval.domain,
        "kind": str(approval.kind),
        "value": approval.value,
        "note": approval.note,
        "approved_by": who,
        "approved_at": now,
    }
    key = (
        (t.c.domain == approval.domain)
        & (t.c.kind == str(approval.kind))
        & (t.c.value == approval.value)
    )
    with engine.begin() as conn:
        existed = conn.execute(sa.select(sa.literal(1)).where(key)).first() is not None
        if existed:
            if approval.note:
                conn.execute(sa.update(t).where(key).values(note=approval.note))
            return False
        conn.execute(insert.on_conflict_do_nothing(), values)
    return True


def revoke(engine: Engine, approval: Approval) -> bool:
    """Remove *approval*; ``False`` if it was not stored."""
    t = schema.approved_senders
    with engine.begin() as conn:
        removed = conn.execute(
            sa.delete(t).where(
                t.c.domain == approval.domain,
                t.c.kind == str(approval.kind),
                t.c.value == approval.value,
            )
        )
    return bool(removed.rowcount)
