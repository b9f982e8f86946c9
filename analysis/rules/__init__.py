"""Diagnosis rules: each takes a :class:`~analysis.rules.base.Context` and returns findings."""

from __future__ import annotations

from analysis.findings import Finding, Severity, worst_first
from analysis.rules import methods, providers, readiness, receivers, reports, sendgrid, sources
from analysis.rules.base import Context, Rule

DATA_RULES: list[Rule] = [
    *sendgrid.RULES,
    *providers.RULES,
    *sources.RULES,
    *receivers.RULES,
    *methods.RULES,
    *readiness.RULES,
]
"""Rules that need rows; :mod:`analysis.rules.reports` runs also for domains without any."""


def diagnose(ctx: Context) -> list[Finding]:
    """Every finding for one domain, worst first."""
    findings = reports.no_reports(ctx)
    if not ctx.rows.empty or not ctx.history.empty:
        for rule in DATA_RULES:
            findings.extend(rule(ctx))
    return worst_first(_without_contradictions(findings))


def _without_contradictions(findings: list[Finding]) -> list[Finding]:
    """Drop "sender-aligned" (ok) for a sender that another warning or critical names."""
    flagged = {
        f.sender
        for f in findings
        if f.severity in (Severity.CRITICAL, Severity.WARNING) and f.sender is not None
    }
    return [f for f in findings if not (f.code == "sender-aligned" and f.sender in flagged)]


__all__ = ["Context", "diagnose"]
