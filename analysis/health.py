"""The state of every domain at a glance, for monitoring systems (``metrics``, ``monitor``).

It is what ``diagnose`` would say, counted: per domain the messages and the share passing
DMARC over the period (the last days with reports, as ``diagnose``), the open findings by
severity (with freshness measured against *as_of*), the age of the newest report, and the
poller's last run per mailbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .api import Query, analyse
from .catalogue import Catalogue
from .findings import Finding, Severity
from .read import PollRun, Reader


@dataclass(frozen=True, slots=True)
class DomainHealth:
    domain: str
    messages: int
    dmarc_pass_share: float
    open_findings: dict[Severity, int]  # every severity but ok, 0 included
    newest_report_end: dt.datetime | None

    def report_age(self, as_of: dt.datetime) -> float | None:
        """Seconds between the end of the newest report and *as_of* (never negative)."""
        if self.newest_report_end is None:
            return None
        return float(max(0, int((as_of - self.newest_report_end).total_seconds())))


@dataclass(frozen=True, slots=True)
class Health:
    as_of: dt.datetime
    domains: tuple[DomainHealth, ...]
    polls: tuple[PollRun, ...]
    findings: tuple[Finding, ...]  # the open findings (worst first), for a status line

    @property
    def worst(self) -> Severity | None:
        """The worst open finding's severity (``None``: nothing but ``ok``)."""
        return self.findings[0].severity if self.findings else None


OPEN = (Severity.CRITICAL, Severity.WARNING, Severity.INFO)


def health(
    reader: Reader, query: Query, as_of: dt.datetime, catalogue: Catalogue | None = None
) -> Health:
    result = analyse(reader, query, catalogue=catalogue, as_of=as_of, keep_rows=False)
    ends = {a.domain: a.last_end for a in reader.activity([d.domain for d in result.domains])}
    domains = []
    for summary in result.domains:
        counts = {s: sum(1 for f in summary.findings if f.severity is s) for s in OPEN}
        end = ends.get(summary.domain)
        domains.append(
            DomainHealth(
                summary.domain,
                summary.messages,
                summary.dmarc_pass_share,
                counts,
                dt.datetime.fromtimestamp(end, dt.UTC) if end is not None else None,
            )
        )
    findings = tuple(f for f in result.findings if f.severity in OPEN)
    return Health(as_of, tuple(domains), tuple(reader.poll_runs()), findings)
