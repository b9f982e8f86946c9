"""Compare one day's findings with the stored state: the events, and the state after them.

A finding is open while it is a problem (critical or warning, not marked "probably fixed").
It is keyed by (policy domain, code, sender identity), so the same problem seen again the next
day is the same finding. Events:

- ``opened``: a problem not open before (never seen, or resolved earlier);
- ``worsened`` / ``improved``: its severity went up / down;
- ``reminder``: still open, with no event about it for ``remind_after`` days;
- ``resolved``: open before, no longer a problem.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..findings import Finding, Severity

DEFAULT_REMIND_AFTER = dt.timedelta(days=7)
OPEN_SEVERITIES = (Severity.CRITICAL, Severity.WARNING)


class Kind(enum.StrEnum):
    OPENED = "opened"
    WORSENED = "worsened"
    IMPROVED = "improved"
    RESOLVED = "resolved"
    REMINDER = "reminder"


@dataclass(frozen=True, slots=True, order=True)
class Key:
    domain: str
    code: str
    sender: str  # "" when the finding names no sender

    @classmethod
    def of(cls, finding: Finding) -> Key:
        return cls(finding.domain, finding.code, finding.sender or "")


@dataclass(frozen=True, slots=True)
class State:
    """What is remembered about one finding."""

    key: Key
    first_seen: dt.date
    last_seen: dt.date
    severity: Severity
    history: tuple[tuple[dt.date, Severity], ...]
    resolved_at: dt.date | None
    notified_at: dt.date
    finding: Finding

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True, slots=True)
class Event:
    kind: Kind
    key: Key
    day: dt.date
    severity: Severity  # now; for ``resolved`` the last severity it had
    previous: Severity | None
    first_seen: dt.date
    finding: Finding

    @property
    def worst(self) -> Severity:
        """The worse of the two severities (what channel filters compare)."""
        if self.previous is None or self.severity.rank <= self.previous.rank:
            return self.severity
        return self.previous


@dataclass(frozen=True, slots=True)
class Evaluation:
    events: list[Event]
    states: list[State]  # the states that changed


def is_problem(finding: Finding) -> bool:
    return finding.severity in OPEN_SEVERITIES and "resolved" not in finding.params


def evaluate(
    findings: Iterable[Finding],
    states: Iterable[State],
    day: dt.date,
    remind_after: dt.timedelta = DEFAULT_REMIND_AFTER,
) -> Evaluation:
    """The events of *day*: *findings* (that day's) against the stored *states*."""
    known = {s.key: s for s in states}
    current = _problems(findings)
    events: list[Event] = []
    changed: list[State] = []
    for key, finding in sorted(current.items()):
        event, state = _seen(known.get(key), finding, day, remind_after)
        changed.append(state)
        if event is not None:
            events.append(event)
    for key, state in sorted(known.items()):
        if state.is_open and key not in current:
            events.append(_event(Kind.RESOLVED, state, day, state.severity, None))
            changed.append(replace(state, resolved_at=day))
    return Evaluation(events, changed)


def _problems(findings: Iterable[Finding]) -> dict[Key, Finding]:
    """The open problems by key, the worst one where a key repeats."""
    found: dict[Key, Finding] = {}
    for finding in findings:
        if not is_problem(finding):
            continue
        key = Key.of(finding)
        if key not in found or finding.severity.rank < found[key].severity.rank:
            found[key] = finding
    return found


def _seen(
    state: State | None, finding: Finding, day: dt.date, remind_after: dt.timedelta
) -> tuple[Event | None, State]:
    severity = finding.severity
    if state is None or not state.is_open:
        first = min(day, finding.evidence.first_seen or day)
        history = (state.history if state else ()) + ((day, severity),)
        new = State(Key.of(finding), first, day, severity, history, None, day, finding)
        return _event(Kind.OPENED, new, day, severity, None), new
    seen = replace(state, last_seen=max(day, state.last_seen), finding=finding)
    if severity == state.severity:
        if day - state.notified_at >= remind_after:
            return _event(Kind.REMINDER, seen, day, severity, None), replace(seen, notified_at=day)
        return None, seen
    kind = Kind.WORSENED if severity.rank < state.severity.rank else Kind.IMPROVED
    history = (*state.history, (day, severity))
    new = replace(seen, severity=severity, history=history, notified_at=day)
    return _event(kind, new, day, severity, state.severity), new


def _event(
    kind: Kind, state: State, day: dt.date, severity: Severity, previous: Severity | None
) -> Event:
    return Event(kind, state.key, day, severity, previous, state.first_seen, state.finding)
