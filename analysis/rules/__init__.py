"""Diagnosis rules: each takes a :class:`~analysis.rules.base.Context` and returns findings."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .. import columns as c
from ..findings import Finding, Severity, worst_first
from . import (
    inventory,
    methods,
    providers,
    readiness,
    receivers,
    reports,
    sendgrid,
    sources,
    trust,
)
from .base import Context, Rule

DATA_RULES: list[Rule] = [
    *sendgrid.RULES,
    *providers.RULES,
    *sources.RULES,
    *receivers.RULES,
    *methods.RULES,
    *readiness.RULES,
    *inventory.RULES,
]
"""Rules that need rows; :mod:`analysis.rules.reports` runs also for domains without any."""


def diagnose(ctx: Context) -> list[Finding]:
    """Every finding for one domain, worst first."""
    findings = reports.freshness(ctx)
    for trust_rule in trust.RULES:
        findings.extend(trust_rule(ctx))
    if not ctx.rows.empty or not ctx.history.empty:
        for rule in DATA_RULES:
            findings.extend(rule(ctx))
    return worst_first(_resolved(ctx, _without_contradictions(findings)))


RESOLVABLE = frozenset(
    {
        "sendgrid-domain-not-authenticated",
        "sendgrid-authenticated-other-domain",
        "sendgrid-strict-spf",
        "m365-dkim-not-enabled",
        "google-dkim-not-enabled",
        "sender-not-aligned",
        "receiver-rejected",
        "receiver-quarantined",
    }
)
RESOLVED_AFTER_DAYS = 2


def _resolved(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """A sender problem not seen in the last days of data was probably fixed: say so, as info."""
    if ctx.rows.empty:
        return findings
    last_day = pd.Timestamp(ctx.rows[c.DAY].max()).date()
    out = []
    for finding in findings:
        seen = finding.evidence.last_seen
        stale = seen is not None and (last_day - seen).days > RESOLVED_AFTER_DAYS
        if finding.code in RESOLVABLE and finding.severity in _SERIOUS and stale:
            params = {**finding.params, "resolved": str(seen)}
            out.append(replace(finding, severity=Severity.INFO, params=params))
        else:
            out.append(finding)
    return out


_SERIOUS = (Severity.CRITICAL, Severity.WARNING)


def _without_contradictions(findings: list[Finding]) -> list[Finding]:
    """Drop "sender-aligned" (ok) for a sender that another warning or critical names."""
    flagged = {
        f.sender
        for f in findings
        if f.severity in (Severity.CRITICAL, Severity.WARNING) and f.sender is not None
    }
    return [f for f in findings if not (f.code == "sender-aligned" and f.sender in flagged)]


__all__ = ["Context", "diagnose"]
