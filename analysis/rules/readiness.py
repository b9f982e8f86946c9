"""Can the domain move its policy up (none → quarantine → reject)?

Ready when the data covers at least 14 days and every legitimate sender (a known sender
delivering directly) passed DMARC for at least 99 % of its messages over the last 14 days.
DMARCbis §7.4 advises against ``p=reject`` for general-purpose mail domains, so the advice
for ``quarantine → reject`` says so.
"""

from __future__ import annotations

import pandas as pd

from .. import columns as c
from ..findings import Actor, Finding, Severity, evidence_of
from .base import (
    READINESS_DAYS,
    READINESS_SHARE,
    Context,
    latest,
    legitimate,
    messages,
    pass_share,
    percent,
)

NEXT = {"none": "quarantine", "quarantine": "reject", "reject": "reject"}


def readiness(ctx: Context) -> list[Finding]:
    history = ctx.history
    if history.empty:
        return []
    last_day = history[c.DAY].max()
    recent = history[history[c.DAY] > last_day - _days(READINESS_DAYS)]
    policy = latest(history, c.P, "none")
    covered = int((last_day - recent[c.DAY].min()).days) + 1
    blockers = _blockers(ctx, recent)
    params: dict[str, str | int | float] = {
        "policy": policy,
        "next": NEXT.get(policy, "quarantine"),
        "days": covered,
        "needed_days": READINESS_DAYS,
        "blockers": "; ".join(blockers),
        "senders": len(legitimate(recent)[c.SENDER].unique()),
    }
    if blockers:
        severity = Severity.WARNING
        state = "enforced-blocked" if policy == "reject" else "blocked"
    elif covered < READINESS_DAYS:
        severity, state = Severity.OK, "not-enough-data"  # nothing wrong: advice to wait
    elif policy == "reject":
        severity, state = Severity.OK, "enforced"
    else:
        severity, state = Severity.OK, "ready"
    params["state"] = state
    actor = Actor.PRACTICE if severity is Severity.WARNING else None
    return [
        Finding("policy-readiness", severity, ctx.domain, None, actor, evidence_of(recent), params)
    ]


def _blockers(ctx: Context, recent: pd.DataFrame) -> list[str]:
    rows = legitimate(recent)
    out = []
    for sender, group in rows.groupby(c.SENDER, sort=True):
        share = pass_share(group)
        if share < READINESS_SHARE:
            out.append(f"{ctx.sender_name(str(sender))} {percent(share):g} % ({messages(group)})")
    return out


def _days(n: int) -> pd.Timedelta:
    return pd.Timedelta(days=n)


RULES = [readiness]
