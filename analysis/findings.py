"""Findings: what the analysis concludes, with evidence, in a form every output can render.

A finding carries no prose: its text comes from :mod:`analysis.messages`, keyed by ``code``
and filled with ``params``, so the same finding reads in English, French or German.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import columns as c
from .owners import OwnerGroup, owner_groups
from .severity import Actor as Actor
from .severity import Severity as Severity

if TYPE_CHECKING:  # pandas only where rows are turned into evidence: the DNS check starts without
    import pandas as pd

MAX_SOURCES = 20
CHECK_KEY = "check_key"  # param of a stored DNS-check finding: the message key of its words
MAX_OWNERS = 8


Param = str | int | float | tuple[str, ...]  # a tuple is a list of names


@dataclass(frozen=True, slots=True)
class Evidence:
    """How much mail, from where and when a finding is about."""

    messages: int = 0
    sources: tuple[str, ...] = ()  # source IPs, most messages first (at most MAX_SOURCES)
    source_count: int = 0
    receivers: tuple[str, ...] = ()  # reporter org names, most messages first
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    owners: tuple[OwnerGroup, ...] = ()  # network owners of the sources, most messages first


@dataclass(frozen=True, slots=True)
class FailureNote:
    """Failure reports (RFC 6591) from one reporter that show what one finding is about."""

    reporter: str
    reports: int
    dkim_domain: str | None
    dkim_selector: str | None
    auth_failure: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "reporter": self.reporter,
            "reports": self.reports,
            "dkim_domain": self.dkim_domain,
            "dkim_selector": self.dkim_selector,
            "auth_failure": self.auth_failure,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    domain: str
    sender: str | None
    actor: Actor | None
    evidence: Evidence
    params: Mapping[str, Param] = field(default_factory=dict)
    failure_reports: tuple[FailureNote, ...] = ()
    """Failure reports for the same domain, source IPs and days (evidence, issue 14)."""

    @property
    def sort_key(self) -> tuple[int, int, str, str, str]:
        """Worst first, then most messages."""
        return (
            self.severity.rank,
            -self.evidence.messages,
            self.domain,
            self.code,
            self.sender or "",
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (without the rendered text)."""
        e = self.evidence
        return {
            "code": self.code,
            "severity": str(self.severity),
            "domain": self.domain,
            "sender": self.sender,
            "actor": str(self.actor) if self.actor else None,
            "messages": e.messages,
            "sources": list(e.sources),
            "source_count": e.source_count,
            "receivers": list(e.receivers),
            "first_seen": e.first_seen.isoformat() if e.first_seen else None,
            "last_seen": e.last_seen.isoformat() if e.last_seen else None,
            "owners": [
                {
                    "owner": o.label,
                    "asn": o.asn or None,
                    "sources": o.sources,
                    "messages": o.messages,
                }
                for o in e.owners
            ],
            "evidence": dict(self.params),
            "failure_reports": [note.as_dict() for note in self.failure_reports],
        }


def evidence_of(rows: pd.DataFrame) -> Evidence:
    """Messages, sources, receivers and first/last day of the rows a finding is about.

    Summed in plain Python: a finding's rows are usually a handful, where a pandas group-by
    costs milliseconds of set-up each (and a diagnosis makes thousands of findings)."""
    if rows.empty:
        return Evidence()
    messages = rows[c.MESSAGES].tolist()
    by_ip = [ip for ip in _largest_first(_sums(rows[c.SOURCE_IP].tolist(), messages)) if ip]
    by_rx = _largest_first(_sums(rows[c.RECEIVER].tolist(), messages))
    days = rows[c.DAY].to_numpy()
    return Evidence(
        messages=sum(messages),
        sources=tuple(str(ip) for ip in by_ip[:MAX_SOURCES]),
        source_count=len(by_ip),
        receivers=tuple(str(r) for r in by_rx),
        first_seen=_date(days.min()),
        last_seen=_date(days.max()),
        owners=tuple(owner_groups(rows)[:MAX_OWNERS]),
    )


def _sums(keys: list[Any], values: list[int]) -> dict[Any, int]:
    """*values* summed per key, keys in the order first met (a group-by without sorting)."""
    sums: dict[Any, int] = {}
    for key, value in zip(keys, values, strict=True):
        sums[key] = sums.get(key, 0) + value
    return sums


def _largest_first(sums: dict[Any, int]) -> list[Any]:
    """The keys by descending sum, ties in the order pandas' ``sort_values(ascending=False)``
    puts them (its quicksort of the reversed values, reversed), as the evidence always had."""
    import numpy as np  # noqa: PLC0415 - see the TYPE_CHECKING import

    keys = list(sums)
    values = np.fromiter(sums.values(), dtype=np.int64, count=len(keys))
    order = np.arange(len(keys))[::-1][values[::-1].argsort(kind="quicksort")][::-1]
    return [keys[i] for i in order.tolist()]


def _date(day: Any) -> dt.date:
    import pandas as pd  # noqa: PLC0415 - see the TYPE_CHECKING import

    return pd.Timestamp(day).date()


def worst_first(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)
