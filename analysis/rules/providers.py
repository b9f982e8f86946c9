"""Mailbox providers that sign only with their own domain until DKIM is enabled (reference §5),
and the generic per-sender verdicts (aligned, or not aligned for another reason).
"""

from __future__ import annotations

import pandas as pd

from .. import columns as c
from ..findings import Actor, Finding, Param, Severity, evidence_of
from .base import (
    READINESS_SHARE,
    Context,
    direct,
    exploded_domains,
    joined,
    legitimate,
    messages,
    pass_share,
    percent,
)

M365 = "microsoft365"
GOOGLE = "google"
_SPECIFIC = {"sendgrid", M365, GOOGLE}


def _signed_by_provider_only(ctx: Context, sender_id: str) -> list[Finding]:
    """Mail of *sender_id* whose passing DKIM signatures are all the provider's own domain."""
    sender = ctx.catalogue.by_id.get(sender_id)
    rows = direct(ctx.rows, sender_id)
    if sender is None or rows.empty:
        return []
    only = rows[c.DKIM_PASS_DOMAINS].map(
        lambda ds: bool(ds) and all(sender.provider_domain(d) for d in ds)
    )
    hit = rows[only & ~rows[c.DKIM_ALIGNED]]
    if hit.empty:
        return []
    failing = messages(hit[~hit[c.DMARC_PASS]])
    code = "m365-dkim-not-enabled" if sender_id == M365 else "google-dkim-not-enabled"
    severity = Severity.CRITICAL if failing else Severity.WARNING
    params: dict[str, Param] = {
        "messages": messages(hit),
        "failing": failing,
        "signing_domains": joined(exploded_domains(hit)),
        "header_from": joined(hit[c.HEADER_FROM]),
        "variant": "fails" if failing else "passes",
    }
    return [
        Finding(code, severity, ctx.domain, sender_id, Actor.PRACTICE, evidence_of(hit), params)
    ]


def m365_dkim(ctx: Context) -> list[Finding]:
    """Microsoft 365 mail signed only by ``<tenant>.onmicrosoft.com``."""
    return _signed_by_provider_only(ctx, M365)


def google_dkim(ctx: Context) -> list[Finding]:
    """Google Workspace mail signed only by ``<domain>.<date>.gappssmtp.com``."""
    return _signed_by_provider_only(ctx, GOOGLE)


def _per_sender(ctx: Context) -> list[tuple[str, pd.DataFrame]]:
    rows = legitimate(ctx.rows)
    return [(str(s), g) for s, g in rows.groupby(c.SENDER, sort=True)]


def sender_verdicts(ctx: Context) -> list[Finding]:
    """``sender-aligned`` (ok) for a known sender whose mail passes; ``sender-not-aligned`` for
    one that fails for a reason no specific rule names (its own configuration)."""
    findings = []
    for sender, rows in _per_sender(ctx):
        share = pass_share(rows)
        params: dict[str, Param] = {
            "messages": messages(rows),
            "pass_pct": percent(share),
            "dkim_pct": percent(pass_share(rows, c.DKIM_ALIGNED)),
            "spf_pct": percent(pass_share(rows, c.SPF_ALIGNED)),
            "sender_name": ctx.sender_name(sender),
        }
        if share >= READINESS_SHARE:
            findings.append(
                Finding(
                    "sender-aligned",
                    Severity.OK,
                    ctx.domain,
                    sender,
                    None,
                    evidence_of(rows),
                    params,
                )
            )
        elif sender not in _SPECIFIC:
            failing = rows[~rows[c.DMARC_PASS]]
            params |= {"failing": messages(failing)}
            # A warning, not critical: a platform shared by many customers (an ESP) may also
            # carry someone else's mail in the domain's name.
            severity = Severity.WARNING
            findings.append(
                Finding(
                    "sender-not-aligned",
                    severity,
                    ctx.domain,
                    sender,
                    Actor.PRACTICE,
                    evidence_of(failing),
                    params,
                )
            )
    return findings


RULES = [m365_dkim, google_dkim, sender_verdicts]
