"""Failure reports (RFC 6591) as evidence for the findings they explain.

A failure report describes one message that failed DMARC: where it came from (Source-IP), when
(Arrival-Date) and how it was signed. A finding about the same policy domain whose sources
include that IP, over days that include that day, is what the report explains; the finding
then says so: "one failure report from Yahoo shows DKIM d=sendgrid.net, s=smtpapi".
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from .findings import FailureNote, Finding, Severity
from .read.failurereports import FailureRow
from .read.receivers import ALIASES


def with_failure_reports(findings: list[Finding], reports: Sequence[FailureRow]) -> list[Finding]:
    """*findings*, each with the failure reports that match it (same domain, IP and day)."""
    if not reports:
        return findings
    return [_attach(finding, reports) for finding in findings]


def _attach(finding: Finding, reports: Sequence[FailureRow]) -> Finding:
    e = finding.evidence
    if finding.severity is Severity.OK or not e.sources:
        return finding
    if e.first_seen is None or e.last_seen is None:
        return finding
    first, last = e.first_seen, e.last_seen
    sources = set(e.sources)
    matching = [
        r
        for r in reports
        if r.domain == finding.domain and r.source_ip in sources and _within(r.day, first, last)
    ]
    if not matching:
        return finding
    return replace(finding, failure_reports=_notes(matching))


def _within(day: dt.date, first: dt.date, last: dt.date) -> bool:
    return first <= day <= last


def _notes(reports: list[FailureRow]) -> tuple[FailureNote, ...]:
    """One note per reporter and signature, most reports first."""
    counts: dict[tuple[str, str | None, str | None, str | None], int] = {}
    for r in reports:
        d, s = _signature(r)
        key = (reporter_name(r.reporter), d, s, r.auth_failure)
        counts[key] = counts.get(key, 0) + r.incidents
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return tuple(FailureNote(k[0], n, k[1], k[2], k[3]) for k, n in ordered)


def _signature(report: FailureRow) -> tuple[str | None, str | None]:
    """The DKIM d= and s= the report names: its DKIM fields, else the first signature."""
    if report.dkim_domain:
        return report.dkim_domain, report.dkim_selector
    if report.dkim_signatures:
        d, s = report.dkim_signatures[0]
        return d or None, s or None
    return None, None


@cache
def _receivers() -> tuple[tuple[str, frozenset[str]], ...]:
    data = tomllib.loads(ALIASES.read_text(encoding="utf-8"))
    return tuple(
        (str(r["name"]), frozenset(a["alias"].lower() for a in r["aliases"]))
        for r in data["receivers"]
    )


def reporter_name(domain: str) -> str:
    """A reporter's common name (``Yahoo`` for ``yahoo.com``), else its domain."""
    domain = domain.lower()
    labels = domain.split(".")
    company = labels[-2] if len(labels) >= 2 else domain  # yahoo.com: "yahoo"
    for name, aliases in _receivers():
        if company in aliases or any(domain == a or domain.endswith("." + a) for a in aliases):
            return name
    return domain
