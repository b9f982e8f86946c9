"""SendGrid rules (reference §4.3, cases a, b, c).

SendGrid always signs a second time with ``d=sendgrid.info`` (never aligned, never a
problem) and uses its own return path (``sendgrid.net``) unless the domain is authenticated
(``em<NNNN>.<domain>``), so SPF on the practice's own record is never what counts.
"""

from __future__ import annotations

import pandas as pd

from .. import columns as c
from ..findings import Actor, Finding, Param, Severity, evidence_of
from .base import (
    Context,
    direct,
    exploded_domains,
    joined,
    messages,
    percent,
)

SENDGRID = "sendgrid"
_SENDGRID_NET = r"(?:^|\.)sendgrid\.net$"


def _provider_only(ctx: Context, rows: pd.DataFrame) -> pd.Series:
    """Rows whose passing DKIM signatures are all SendGrid's own (or none)."""
    sender = ctx.catalogue.by_id[SENDGRID]
    known: dict[tuple[str, ...], bool] = {}  # rows repeat a few sets of signing domains
    only = []
    for domains in rows[c.DKIM_PASS_DOMAINS].tolist():
        verdict = known.get(domains)
        if verdict is None:
            verdict = known[domains] = all(sender.provider_domain(d) for d in domains)
        only.append(verdict)
    return pd.Series(only, index=rows.index, dtype=bool)


def _sendgrid_return_path(rows: pd.DataFrame) -> pd.Series:
    """SendGrid's own return path (``…@sendgrid.net``), or none reported at all."""
    spf = rows[c.SPF_DOMAIN].astype(str)
    envelope = rows[c.ENVELOPE_FROM].astype(str)
    return (
        spf.str.contains(_SENDGRID_NET, regex=True)
        | envelope.str.contains(_SENDGRID_NET, regex=True)
        | (spf == "")
    )


def not_authenticated(ctx: Context) -> list[Finding]:
    """Case (a): signed only by sendgrid.net/sendgrid.info, return path sendgrid.net."""
    rows = direct(ctx.rows, SENDGRID)
    if rows.empty or SENDGRID not in ctx.catalogue.by_id:
        return []
    hit = rows[_provider_only(ctx, rows) & _sendgrid_return_path(rows) & ~rows[c.DMARC_PASS]]
    if hit.empty:
        return []
    params: dict[str, Param] = {
        "messages": messages(hit),
        "share": percent(messages(hit) / messages(rows)),
        "header_from": joined(hit[c.HEADER_FROM]),
    }
    return [_finding(ctx, "sendgrid-domain-not-authenticated", Severity.CRITICAL, hit, params)]


def other_domain(ctx: Context) -> list[Finding]:
    """Case (b): SendGrid signs with a domain that does not align with the From.

    Critical when mail fails DMARC; a warning when it passes with PSL organisational domains
    but would fail under the RFC 9989 tree walk (e.g. ``d=`` is the parent of the From).
    """
    rows = direct(ctx.rows, SENDGRID)
    if rows.empty:
        return []
    own = ~_provider_only(ctx, rows)
    other_path = ~_sendgrid_return_path(rows)
    unaligned = (own & ~rows[c.DKIM_ALIGNED]) | (~own & other_path & ~rows[c.SPF_ALIGNED])
    tree_only = (own & rows[c.DKIM_ALIGNED] & ~rows[c.DKIM_ALIGNED_TREE]) | (
        other_path & rows[c.SPF_ALIGNED] & ~rows[c.SPF_ALIGNED_TREE]
    )
    findings = []
    for mask, failing in ((unaligned, True), (tree_only, False)):
        outcome = ~rows[c.DMARC_PASS] if failing else rows[c.DMARC_PASS] & ~rows[c.DMARC_PASS_TREE]
        hit = rows[mask & outcome]
        if hit.empty:
            continue
        sender = ctx.catalogue.by_id[SENDGRID]
        signing = exploded_domains(hit)
        signing = signing[~signing.map(sender.provider_domain)]
        params: dict[str, Param] = {
            "messages": messages(hit),
            "signing_domains": joined(signing) or joined(hit[c.SPF_DOMAIN]),
            "envelope_domains": joined(hit[c.SPF_DOMAIN]),
            "header_from": joined(hit[c.HEADER_FROM]),
            "variant": "fails" if failing else "tree-walk",
        }
        severity = Severity.CRITICAL if failing else Severity.WARNING
        findings.append(_finding(ctx, "sendgrid-authenticated-other-domain", severity, hit, params))
    return findings


def strict_spf(ctx: Context) -> list[Finding]:
    """Case (c): ``aspf=s`` makes the ``em<NNNN>`` return path unalignable."""
    rows = direct(ctx.rows, SENDGRID)
    strict = rows[c.ASPF].astype(str).str.lower() == "s"
    hit = rows[strict & (rows[c.SPF_RESULT] == "pass") & ~rows[c.SPF_ALIGNED]]
    hit = hit[~hit[c.SPF_DOMAIN].astype(str).str.contains(_SENDGRID_NET, regex=True)]
    if hit.empty:
        return []
    failing = messages(hit[~hit[c.DMARC_PASS]])
    severity = Severity.CRITICAL if failing else Severity.WARNING
    params: dict[str, Param] = {
        "messages": messages(hit),
        "failing": failing,
        "envelope_domains": joined(hit[c.SPF_DOMAIN]),
        "header_from": joined(hit[c.HEADER_FROM]),
        "variant": "fails" if failing else "passes",
    }
    return [_finding(ctx, "sendgrid-strict-spf", severity, hit, params, actor=Actor.PRACTICE)]


def _finding(
    ctx: Context,
    code: str,
    severity: Severity,
    rows: pd.DataFrame,
    params: dict[str, Param],
    *,
    actor: Actor = Actor.VENDOR,
) -> Finding:
    return Finding(code, severity, ctx.domain, SENDGRID, actor, evidence_of(rows), params)


RULES = [not_authenticated, other_domain, strict_spf]
