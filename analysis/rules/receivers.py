"""What receivers did with the domain's mail: rejected or quarantined it, and why.

Legitimate mail (a known sender delivering directly) gets one finding per receiver, since
"why did Gmail reject our mail?" is asked per receiver; forwarded copies and other mail from
unknown sources get one finding per domain, naming every receiver: for them the policy works
as meant. Spoofed mail (unknown sources failing DMARC) is left to the ``spoofing`` finding,
which says what receivers did with it, so the same messages are not told twice.
"""

from __future__ import annotations

import pandas as pd

from .. import columns as c
from ..classify import UNKNOWN
from ..findings import Actor, Finding, Param, Severity, evidence_of
from .base import Context, joined, messages, spoofed


def _kinds(rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    known = rows[c.SENDER] != UNKNOWN
    forwarded = rows[c.FORWARDED]
    return [
        ("legitimate", rows[known & ~forwarded]),
        ("forwarded", rows[forwarded]),
        ("spoofed", rows[~known & ~forwarded]),
    ]


def _by_disposition(ctx: Context, disposition: str) -> list[Finding]:
    rows = ctx.rows[ctx.rows[c.DISPOSITION].astype(str).str.lower() == disposition]
    rows = rows[~spoofed(rows)]
    code = f"receiver-{'rejected' if disposition == 'reject' else 'quarantined'}"
    findings = []
    for kind, part in _kinds(rows):
        if part.empty:
            continue
        if kind == "legitimate":
            findings += [_finding(ctx, code, kind, g) for _, g in part.groupby(c.RECEIVER)]
        else:
            findings.append(_finding(ctx, code, kind, part))
    return findings


VOUCHED = frozenset({"sendgrid", "microsoft365", "google"})
"""Senders whose failures other rules explain; others count as the domain's own only when
some of their mail for the domain passes DMARC (else it may be abuse of a shared platform)."""


def _verified(ctx: Context, sender: str) -> bool:
    if sender in VOUCHED:
        return True
    mine = ctx.rows[(ctx.rows[c.SENDER] == sender) & ~ctx.rows[c.FORWARDED]]
    return bool(mine[c.DMARC_PASS].any())


def _finding(ctx: Context, code: str, kind: str, rows: pd.DataFrame) -> Finding:
    sender = str(rows[c.SENDER].mode().iloc[0])
    if kind != "legitimate":
        severity = Severity.INFO
    elif code == "receiver-rejected" and _verified(ctx, sender):
        severity = Severity.CRITICAL
    else:
        severity = Severity.WARNING
    params: dict[str, Param] = {
        "receiver": joined(rows[c.RECEIVER], limit=8),
        "messages": messages(rows),
        "kind": kind,
        "dmarc_failed": messages(rows[~rows[c.DMARC_PASS]]),
        "senders": joined(rows[c.SENDER].map(ctx.sender_name)),
        "reasons": joined(rows[c.REASONS].explode()),
        "policy": ctx.policy,
    }
    actor = None
    if kind == "legitimate":
        actor = Actor.VENDOR if sender == "sendgrid" else Actor.PRACTICE
    return Finding(code, severity, ctx.domain, sender, actor, evidence_of(rows), params)


def rejected(ctx: Context) -> list[Finding]:
    return _by_disposition(ctx, "reject")


def quarantined(ctx: Context) -> list[Finding]:
    return _by_disposition(ctx, "quarantine")


RULES = [rejected, quarantined]
