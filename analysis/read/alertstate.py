"""The state ``alert`` keeps in the store: findings, the events about them, their deliveries.

The only writer of analysis state besides the reverse-DNS cache. Every method runs in its own
transaction; :meth:`AlertState.record` writes a day's states, events and pending deliveries
together, so a crash leaves either all of them or none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ...ingest import schema
from ..alerting import codec
from ..alerting.events import Event, Key, Kind, State
from ..findings import Severity

LAST_DAY = "alert_last_day"  # meta key: the newest as-of day evaluated


@dataclass(frozen=True, slots=True)
class Stored:
    """An event as stored, with its id (what deliveries refer to)."""

    id: int
    event: Event


class AlertState:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def states(self) -> list[State]:
        with self._engine.connect() as conn:
            return [_state(row) for row in conn.execute(sa.select(schema.finding_state))]

    def last_day(self) -> dt.date | None:
        m = schema.meta
        with self._engine.connect() as conn:
            value = conn.scalar(sa.select(m.c.value).where(m.c.key == LAST_DAY))
        return dt.date.fromisoformat(value) if value else None

    def record(
        self,
        day: dt.date,
        states: Sequence[State],
        events: Sequence[Event],
        targets: Mapping[int, Sequence[str]],
        now: dt.datetime,
    ) -> None:
        """Store *states*, *events* and, per event position, its pending channel *targets*."""
        with self._engine.begin() as conn:
            for state in states:
                _upsert_state(conn, state)
            for position, event in enumerate(events):
                event_id = _insert_event(conn, event, now)
                if event_id is not None:
                    for target in dict.fromkeys(targets.get(position, ())):
                        conn.execute(
                            schema.alert_deliveries.insert().values(
                                event_id=event_id, target=target, sent_at=None
                            )
                        )
            _set_last_day(conn, day)

    def pending(self, targets: Iterable[str]) -> dict[str, list[Stored]]:
        """Per target, the events not yet accepted by it, oldest first."""
        e, d = schema.alert_events, schema.alert_deliveries
        wanted = sorted(set(targets))
        found: dict[str, list[Stored]] = {t: [] for t in wanted}
        if not wanted:
            return found
        stmt = (
            sa.select(d.c.target, e)
            .join(e, e.c.id == d.c.event_id)
            .where(d.c.sent_at.is_(None), d.c.target.in_(wanted))
            .order_by(e.c.id)
        )
        with self._engine.connect() as conn:
            for row in conn.execute(stmt):
                found[str(row.target)].append(Stored(int(row.id), _event(row)))
        return found

    def mark_sent(self, target: str, event_ids: Iterable[int], now: dt.datetime) -> None:
        """Record that *target* accepted the events (after it did, never before)."""
        d = schema.alert_deliveries
        ids = list(event_ids)
        with self._engine.begin() as conn:
            conn.execute(
                d.update()
                .where(d.c.target == target, d.c.event_id.in_(ids), d.c.sent_at.is_(None))
                .values(sent_at=now)
            )

    def last_sent(self, key: Key) -> dict[str, dt.datetime]:
        """When each channel target last accepted an event about the finding *key*."""
        e, d = schema.alert_events, schema.alert_deliveries
        stmt = (
            sa.select(d.c.target, sa.func.max(d.c.sent_at))
            .join(e, e.c.id == d.c.event_id)
            .where(e.c.domain == key.domain, e.c.code == key.code, e.c.sender == key.sender)
            .where(d.c.sent_at.is_not(None))
            .group_by(d.c.target)
        )
        with self._engine.connect() as conn:
            return {str(t): _aware(at) for t, at in conn.execute(stmt)}


def _upsert_state(conn: Connection, state: State) -> None:
    t = schema.finding_state
    values: dict[str, Any] = {
        "first_seen": state.first_seen,
        "last_seen": state.last_seen,
        "severity": str(state.severity),
        "history": json.dumps([[d.isoformat(), str(s)] for d, s in state.history]),
        "resolved_at": state.resolved_at,
        "notified_at": state.notified_at,
        "finding": json.dumps(codec.to_json(state.finding), sort_keys=True),
    }
    k = state.key
    where = (t.c.domain == k.domain, t.c.code == k.code, t.c.sender == k.sender)
    if conn.execute(t.update().where(*where).values(**values)).rowcount == 0:
        conn.execute(t.insert().values(domain=k.domain, code=k.code, sender=k.sender, **values))


def _insert_event(conn: Connection, event: Event, now: dt.datetime) -> int | None:
    """The new event's id; ``None`` when the same event of the same day is already stored."""
    e = schema.alert_events
    k = event.key
    exists = sa.select(e.c.id).where(
        e.c.domain == k.domain,
        e.c.code == k.code,
        e.c.sender == k.sender,
        e.c.event == str(event.kind),
        e.c.day == event.day,
    )
    if conn.execute(exists).first() is not None:
        return None
    data = {
        "severity": str(event.severity),
        "previous": str(event.previous) if event.previous else None,
        "first_seen": event.first_seen.isoformat(),
        "finding": codec.to_json(event.finding),
    }
    result = conn.execute(
        e.insert().values(
            domain=k.domain,
            code=k.code,
            sender=k.sender,
            event=str(event.kind),
            day=event.day,
            data=json.dumps(data, sort_keys=True),
            created_at=now,
        )
    )
    key = result.inserted_primary_key
    return int(key[0]) if key else None


def _set_last_day(conn: Connection, day: dt.date) -> None:
    m = schema.meta
    current = conn.scalar(sa.select(m.c.value).where(m.c.key == LAST_DAY))
    if current is None:
        conn.execute(m.insert().values(key=LAST_DAY, value=day.isoformat()))
    elif current < day.isoformat():
        conn.execute(m.update().where(m.c.key == LAST_DAY).values(value=day.isoformat()))


def _state(row: Any) -> State:
    return State(
        key=Key(str(row.domain), str(row.code), str(row.sender)),
        first_seen=_date(row.first_seen),
        last_seen=_date(row.last_seen),
        severity=Severity(row.severity),
        history=tuple((dt.date.fromisoformat(d), Severity(s)) for d, s in json.loads(row.history)),
        resolved_at=_date(row.resolved_at) if row.resolved_at is not None else None,
        notified_at=_date(row.notified_at),
        finding=codec.from_json(json.loads(row.finding)),
    )


def _event(row: Any) -> Event:
    data = json.loads(row.data)
    previous = data.get("previous")
    return Event(
        kind=Kind(row.event),
        key=Key(str(row.domain), str(row.code), str(row.sender)),
        day=_date(row.day),
        severity=Severity(data["severity"]),
        previous=Severity(previous) if previous else None,
        first_seen=dt.date.fromisoformat(data["first_seen"]),
        finding=codec.from_json(data["finding"]),
    )


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
