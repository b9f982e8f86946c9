"""What a channel is: its target names, its filters, and the one interface every type has."""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ...analysis.alerting.events import Event
from ...analysis.findings import Severity

SenderNames = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Filters:
    """Which events a channel wants: domains (globs), the least severity, codes (globs)."""

    domains: tuple[str, ...] = ()
    min_severity: Severity = Severity.WARNING
    codes: tuple[str, ...] = ()

    def accepts(self, event: Event) -> bool:
        if event.worst.rank > self.min_severity.rank:
            return False
        if self.domains and not _matches(event.key.domain, self.domains):
            return False
        return not self.codes or _matches(event.key.code, self.codes)


def _matches(value: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in patterns)


def url_target(kind: str, name: str | None, url: str) -> str:
    """A stable target name for a URL channel that never shows the URL (it is the secret)."""
    return f"{kind}:{name or hashlib.sha256(url.encode()).hexdigest()[:12]}"


class Channel(Protocol):
    """One configured ``[[alert]]`` section."""

    @property
    def kind(self) -> str: ...

    @property
    def filters(self) -> Filters: ...

    @property
    def lang(self) -> str: ...

    @property
    def targets(self) -> tuple[str, ...]: ...

    def send(self, target: str, events: Sequence[Event], names: SenderNames) -> None:
        """Deliver *events* to *target*, or raise :class:`~reports.errors.ChannelError`."""
