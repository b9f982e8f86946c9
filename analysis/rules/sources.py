"""Rules about where mail came from: forwarders, spoofers and unlisted services."""

from __future__ import annotations

import pandas as pd

from .. import columns as c
from ..classify import UNKNOWN
from ..findings import Actor, Finding, Param, Severity, evidence_of
from .base import Context, joined, messages, percent, source_count, spoofed


def forwarding(ctx: Context) -> list[Finding]:
    """Copies forwarded or sent through a list: SPF fails at the forwarder while the original
    DKIM signature (usually) survives (reference §2.4, §4.3 d). Nothing to fix."""
    hit = ctx.rows[ctx.rows[c.FORWARDED]]
    if hit.empty:
        return []
    survived = messages(hit[hit[c.DKIM_ALIGNED]])
    relays = hit[c.PATH_SENDER].map(lambda s: ctx.sender_name(s) if s else "")
    params: dict[str, Param] = {
        "messages": messages(hit),
        "dkim_survived": survived,
        "survived_pct": percent(survived / messages(hit)),
        "relays": joined(relays),
        "reasons": joined(hit[c.REASONS].explode()),
        "sender_name": joined(hit[c.SENDER].map(ctx.sender_name)),
    }
    sender = str(hit[c.SENDER].mode().iloc[0])
    return [
        Finding("forwarding", Severity.INFO, ctx.domain, sender, None, evidence_of(hit), params)
    ]


def spoofing(ctx: Context) -> list[Finding]:
    """Unknown sources failing both SPF and DKIM alignment: someone else using the domain.

    Each report is judged against the policy it states: mail sent while ``p=none`` was
    published was not yet protected, and counts neither for nor against a later policy.
    A warning while the current policy lets such mail through, information once receivers
    block what the policy asks them to block. What receivers did (quarantined, rejected, and
    who) is told here, not again by the ``receiver-*`` findings.
    """
    hit = ctx.rows[spoofed(ctx.rows)]
    if ctx.inventory is not None and not hit.empty:
        hit = hit[~ctx.inventory.approved(hit)]  # the practice says these sources are its own
    if hit.empty:
        return []
    enforcing = _applied(hit).isin(ENFORCING)
    enforced = hit[enforcing]
    current_none = ctx.policy not in ENFORCING
    judged = hit if current_none or enforced.empty else enforced
    blocked = judged[_blocked(judged)]
    share = messages(blocked) / messages(judged) if messages(judged) else 1.0  # count may be 0
    info = not current_none and (enforced.empty or share >= 0.9)
    severity = Severity.INFO if info else Severity.WARNING
    everything_blocked = hit[_blocked(hit)]
    params: dict[str, Param] = {
        "messages": messages(hit),
        "blocked": messages(blocked),
        "blocked_pct": percent(share),
        "policy": ctx.policy,
        "blocking_receivers": _receivers(everything_blocked),
        "sources": source_count(hit),
        "unprotected": messages(hit[~enforcing]),
        "enforced": messages(enforced),
        "pct": int(enforced[c.PCT].min()) if not enforced.empty else 100,
        "variant": _spoofing_variant(severity, ctx.policy, hit, enforced),
    }
    actor = Actor.PRACTICE if severity is Severity.WARNING else None
    return [Finding("spoofing", severity, ctx.domain, UNKNOWN, actor, evidence_of(hit), params)]


ENFORCING = ("quarantine", "reject")
_RECEIVERS_SHOWN = 8


def _applied(rows: pd.DataFrame) -> pd.Series:
    """The policy each row's report asked for: ``p`` for the policy domain, ``sp`` below it."""
    own = rows[c.HEADER_FROM] == rows[c.DOMAIN]
    sub = rows[c.SP].fillna("").astype(str).str.lower()
    policy = rows[c.P].fillna("none").astype(str).str.lower()
    return policy.where(own | (sub == ""), sub)


def _blocked(rows: pd.DataFrame) -> pd.Series:
    return rows[c.DISPOSITION].astype(str).str.lower().isin(ENFORCING)


def _receivers(rows: pd.DataFrame) -> tuple[str, ...]:
    """The receivers that blocked the mail, most messages first (a list for the texts)."""
    by_receiver = rows.groupby(c.RECEIVER)[c.MESSAGES].sum().sort_values(ascending=False)
    return tuple(str(r) for r in by_receiver.index[:_RECEIVERS_SHOWN])


def _spoofing_variant(
    severity: Severity, policy: str, hit: pd.DataFrame, enforced: pd.DataFrame
) -> str:
    """Which text fits: blocked (since the policy changed, or all along), a policy to
    enforce, a pct below 100 that lets mail through, or receivers overriding the policy."""
    if severity is Severity.INFO:
        if enforced.empty:
            return "info-before"
        return "info-since" if messages(enforced) < messages(hit) else "info"
    if policy not in ENFORCING:
        return "warning"
    partial = int(enforced[c.PCT].min()) < 100 if not enforced.empty else False
    return f"{policy}-pct" if partial else policy


def unknown_passing(ctx: Context) -> list[Finding]:
    """An unidentified source whose mail passes DMARC: a service nobody listed (or a leak)."""
    rows = ctx.rows
    hit = rows[(rows[c.SENDER] == UNKNOWN) & ~rows[c.FORWARDED] & rows[c.DMARC_PASS]]
    if hit.empty:
        return []
    params: dict[str, Param] = {
        "messages": messages(hit),
        "sources": source_count(hit),
        "rdns": joined(hit[c.RDNS]),
        "signing_domains": joined(hit[c.DKIM_PASS_DOMAINS].explode().dropna()),
        "envelope_domains": joined(hit[c.SPF_DOMAIN]),
    }
    finding = Finding(
        "unknown-sender-passing",
        Severity.WARNING,
        ctx.domain,
        UNKNOWN,
        Actor.PRACTICE,
        evidence_of(hit),
        params,
    )
    return [finding]


RULES = [forwarding, spoofing, unknown_passing]
