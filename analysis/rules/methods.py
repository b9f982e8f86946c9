"""Where our recomputed alignment and the reporter's verdict disagree (reference §2.3-2.4)."""

from __future__ import annotations

import pandas as pd

from .. import columns as c
from ..findings import Actor, Finding, Param, Severity, evidence_of
from .base import Context, joined, messages


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


def tree_walk_differs(ctx: Context) -> list[Finding]:
    """Mail that passes with PSL organisational domains (RFC 7489) but would fail under the
    RFC 9989 tree walk (reference 2.3); SendGrid's case has its own finding."""
    rows = ctx.rows
    hit = rows[
        rows[c.DMARC_PASS]
        & ~rows[c.DMARC_PASS_TREE]
        & ~rows[c.FORWARDED]
        & (rows[c.SENDER] != "sendgrid")
    ]
    if hit.empty:
        return []
    identities = hit[c.DKIM_PASS_DOMAINS].explode().dropna()
    params: dict[str, Param] = {
        "messages": messages(hit),
        "senders": joined(hit[c.SENDER].map(ctx.sender_name)),
        "identities": joined(pd.concat([identities, hit[c.SPF_DOMAIN]], ignore_index=True)),
        "header_from": joined(hit[c.HEADER_FROM]),
    }
    sender = str(hit[c.SENDER].mode().iloc[0])
    return [
        Finding(
            "tree-walk-differs",
            Severity.WARNING,
            ctx.domain,
            sender,
            Actor.PRACTICE,
            evidence_of(hit),
            params,
        )
    ]


RULES = [reporter_disagrees, tree_walk_differs]
