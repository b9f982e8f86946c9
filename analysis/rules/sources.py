"""Rules about where mail came from: forwarders, spoofers and unlisted services."""

from __future__ import annotations

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.classify import UNKNOWN
from dmarcwatch.analysis.findings import Actor, Finding, Param, Severity, evidence_of
from dmarcwatch.analysis.rules.base import Context, joined, messages, percent


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

    A warning while the policy lets such mail through (``p=none``), information once the
    receivers quarantine or reject it.
    """
    rows = ctx.rows
    hit = rows[(rows[c.SENDER] == UNKNOWN) & ~rows[c.FORWARDED] & ~rows[c.DMARC_PASS]]
    if hit.empty:
        return []
    blocked = hit[hit[c.DISPOSITION].isin(["reject", "quarantine"])]
    blocking = blocked.groupby(c.RECEIVER)[c.MESSAGES].sum().sort_values(ascending=False)
    share = messages(blocked) / messages(hit)
    severity = Severity.INFO if share >= 0.9 else Severity.WARNING
    params: dict[str, Param] = {
        "messages": messages(hit),
        "blocked": messages(blocked),
        "blocked_pct": percent(share),
        "policy": ctx.policy,
        "blocking_receivers": tuple(str(r) for r in blocking.index[:5]),
        "sources": int(hit[c.SOURCE_IP].nunique()),
        "variant": _spoofing_variant(severity, ctx.policy),
    }
    actor = Actor.PRACTICE if severity is Severity.WARNING else None
    return [Finding("spoofing", severity, ctx.domain, UNKNOWN, actor, evidence_of(hit), params)]


def _spoofing_variant(severity: Severity, policy: str) -> str:
    """Which advice fits: a policy to enforce, or one receivers already have but overrode."""
    if severity is Severity.INFO:
        return "info"
    return policy if policy in ("quarantine", "reject") else "warning"


def unknown_passing(ctx: Context) -> list[Finding]:
    """An unidentified source whose mail passes DMARC: a service nobody listed (or a leak)."""
    rows = ctx.rows
    hit = rows[(rows[c.SENDER] == UNKNOWN) & ~rows[c.FORWARDED] & rows[c.DMARC_PASS]]
    if hit.empty:
        return []
    params: dict[str, Param] = {
        "messages": messages(hit),
        "sources": int(hit[c.SOURCE_IP].nunique()),
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
