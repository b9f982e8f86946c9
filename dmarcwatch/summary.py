"""Counting what an import did, and saying it in one line or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from dmarcwatch.ingest.pipeline import InputOutcome


def other_kinds(tls: int, failures: int) -> list[str]:
    """``3 TLS reports``, ``1 failure report``: the kinds beside aggregate reports, if any."""
    parts = []
    if tls:
        parts.append(f"{tls} TLS report{'s' if tls != 1 else ''}")
    if failures:
        parts.append(f"{failures} failure report{'s' if failures != 1 else ''}")
    return parts


@dataclass(slots=True)
class ImportSummary:
    inputs: int = 0
    reports: int = 0
    duplicates: int = 0
    rejected: int = 0
    skipped: int = 0
    unreadable: int = 0
    missing: int = 0
    records: int = 0
    messages: int = 0
    verified: int = 0  # reports in mail signed by their reporter (DKIM)
    untrusted: int = 0  # reports in mail without their reporter's valid DKIM signature
    disputed: int = 0  # reports stored under a key another, different stored report claims
    tls_reports: int = 0
    failure_reports: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, outcome: InputOutcome) -> None:
        self.inputs += 1
        self.reports += outcome.stored
        self.duplicates += outcome.duplicates
        self.records += outcome.records
        self.messages += outcome.messages
        verdicts = dict(outcome.verdicts)
        self.verified += verdicts.get("verified", 0)
        self.untrusted += verdicts.get("unverified", 0) + verdicts.get("failed", 0)
        self.disputed += len(outcome.disputed)
        self.tls_reports += outcome.tls_reports
        self.failure_reports += outcome.failure_reports
        if outcome.kind == "other":
            self.skipped += 1
        else:
            self.rejected += len(outcome.rejected)

    def line(self) -> str:
        parts = [
            f"{self.reports} reports stored",
            f"{self.duplicates} duplicates",
            f"{self.rejected} rejected",
        ]
        parts += other_kinds(self.tls_reports, self.failure_reports)
        if self.skipped:
            parts.append(f"{self.skipped} skipped (not reports)")
        if self.unreadable or self.missing:
            parts.append(f"{self.unreadable + self.missing} unreadable")
        if self.verified or self.untrusted:
            parts.append(f"{self.verified} DKIM-verified, {self.untrusted} not (set aside)")
        if self.disputed:
            parts.append(f"{self.disputed} disputing a stored report's key")
        parts += [f"{self.records} records", f"{self.messages} messages"]
        return ", ".join(parts)

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, sort_keys=True)
