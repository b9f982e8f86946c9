"""Where our recomputed alignment and the reporter's verdict disagree (reference §2.3-2.4)."""

from __future__ import annotations

from analysis import columns as c
from analysis.findings import Finding, Param, Severity, evidence_of
from analysis.rules.base import Context, joined, messages


def reporter_disagrees(ctx: Context) -> list[Finding]:
    """The reporter's DMARC verdict differs from ours (overrides, reporter bugs, or a reporter
    using the other organisational-domain method). Forwarded copies are left out: receivers
    often pass them on local policy (ARC)."""
    rows = ctx.rows
    hit = rows[rows[c.DISAGREES] & ~rows[c.FORWARDED]]
    if hit.empty:
        return []
    they_pass = messages(hit[hit[c.REPORTER_PASS]])
    params: dict[str, Param] = {
        "messages": messages(hit),
        "reporter_pass": they_pass,
        "reporter_fail": messages(hit) - they_pass,
        "tree_explains": messages(hit[hit[c.TREE_DIFFERS]]),
        "senders": joined(hit[c.SENDER].map(ctx.sender_name)),
    }
    sender = str(hit[c.SENDER].mode().iloc[0])
    return [
        Finding(
            "reporter-disagrees", Severity.INFO, ctx.domain, sender, None, evidence_of(hit), params
        )
    ]


RULES = [reporter_disagrees]
