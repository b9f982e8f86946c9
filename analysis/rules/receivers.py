"""What receivers did with the domain's mail: rejected or quarantined it, and why."""

from __future__ import annotations

import pandas as pd

from analysis import columns as c
from analysis.classify import UNKNOWN
from analysis.findings import Actor, Finding, Param, Severity, evidence_of
from analysis.rules.base import Context, joined, messages


def _by_receiver(ctx: Context, disposition: str) -> list[Finding]:
    rows = ctx.rows[ctx.rows[c.DISPOSITION].astype(str).str.lower() == disposition]
    code = f"receiver-{'rejected' if disposition == 'reject' else 'quarantined'}"
    return [_finding(ctx, code, str(rx), group) for rx, group in rows.groupby(c.RECEIVER)]


def _finding(ctx: Context, code: str, receiver: str, rows: pd.DataFrame) -> Finding:
    """One receiver's rejected/quarantined mail: legitimate mail is the problem to solve."""
    known = rows[c.SENDER] != UNKNOWN
    legit = rows[known & ~rows[c.FORWARDED]]
    forwarded = rows[rows[c.FORWARDED]]
    spoofed = rows[~known & ~rows[c.FORWARDED]]
    if not legit.empty:
        kind, focus = "legitimate", legit
        severity = Severity.CRITICAL if code == "receiver-rejected" else Severity.WARNING
    elif not forwarded.empty:
        kind, focus, severity = "forwarded", forwarded, Severity.INFO
    else:
        kind, focus, severity = "spoofed", spoofed, Severity.INFO
    failing = focus[~focus[c.DMARC_PASS]]
    params: dict[str, Param] = {
        "receiver": receiver,
        "messages": messages(rows),
        "kind": kind,
        "legitimate": messages(legit),
        "forwarded": messages(forwarded),
        "spoofed": messages(spoofed),
        "dmarc_failed": messages(failing),
        "senders": joined(focus[c.SENDER].map(ctx.sender_name)),
        "reasons": joined(focus[c.REASONS].str.split(" ").explode()),
        "policy": ctx.policy,
    }
    sender = str(focus[c.SENDER].mode().iloc[0])
    actor = (
        Actor.VENDOR
        if kind == "legitimate" and sender == "sendgrid"
        else (Actor.PRACTICE if kind == "legitimate" else None)
    )
    return Finding(code, severity, ctx.domain, sender, actor, evidence_of(focus), params)


def rejected(ctx: Context) -> list[Finding]:
    return _by_receiver(ctx, "reject")


def quarantined(ctx: Context) -> list[Finding]:
    return _by_receiver(ctx, "quarantine")


RULES = [rejected, quarantined]
