"""Rules of the sender inventory: what the practice approved against what the reports show.

They run only for a domain with an inventory (``senders approve``). Three cases differ in who
acts and how: an approved sender whose mail fails DMARC (its set-up needs fixing), mail from an
unapproved source that passes DMARC (a forgotten service, or someone sharing the
infrastructure the SPF record opens), and unapproved mail through a known service that fails
(spoofing through that service, or a service to approve and set up). Unknown sources that fail
are the ``spoofing`` finding's; forwarded copies are nobody's fault and left out.
"""

from __future__ import annotations

import pandas as pd

from .. import columns as c
from ..classify import UNKNOWN
from ..findings import Actor, Finding, Param, Severity, evidence_of
from ..owners import owner_label
from .base import Context, joined, messages, percent, source_count


def approved_failing(ctx: Context) -> list[Finding]:
    """Per approved sender (a known service, or an approved network's owner): the share of
    its mail that fails DMARC."""
    rows = _direct(ctx)
    if ctx.inventory is None or rows.empty:
        return []
    approved = rows[ctx.inventory.approved(rows)]
    names = _names(ctx, approved)
    findings = []
    for name, mail in approved.groupby(names, sort=True):
        failed = mail[~mail[c.DMARC_PASS]]
        if failed.empty:
            continue
        params: dict[str, Param] = {
            "messages": messages(failed),
            "failed_pct": percent(messages(failed) / messages(mail)),
            "approved": str(name),
        }
        sender = str(mail[c.SENDER].mode().iloc[0])
        findings.append(
            Finding(
                "approved-sender-failing",
                Severity.WARNING,
                ctx.domain,
                sender,
                Actor.PRACTICE,
                evidence_of(failed),
                params,
            )
        )
    return findings


def _names(ctx: Context, rows: pd.DataFrame) -> pd.Series:
    """Who each row is from: the service's name, else its network's owner, else its address."""
    owners = [
        owner_label(int(asn), str(name), str(country))
        for asn, name, country in zip(
            rows.get(c.ASN, pd.Series(0, index=rows.index)),
            rows.get(c.AS_NAME, pd.Series("", index=rows.index)),
            rows.get(c.COUNTRY, pd.Series("", index=rows.index)),
            strict=True,
        )
    ]
    return pd.Series(
        [
            ctx.sender_name(sender) if sender != UNKNOWN else owner or str(ip)
            for sender, owner, ip in zip(rows[c.SENDER], owners, rows[c.SOURCE_IP], strict=True)
        ],
        index=rows.index,
    )


def unapproved_passing(ctx: Context) -> list[Finding]:
    """Mail from sources nobody approved that passes DMARC all the same."""
    rows = _direct(ctx)
    if ctx.inventory is None or rows.empty:
        return []
    hit = rows[~ctx.inventory.approved(rows) & rows[c.DMARC_PASS]]
    return _unapproved(ctx, hit, "unapproved-sender-passing", Severity.WARNING)


def unapproved_failing(ctx: Context) -> list[Finding]:
    """Failing mail through known services the practice did not approve."""
    rows = _direct(ctx)
    if ctx.inventory is None or rows.empty:
        return []
    known = rows[rows[c.SENDER] != UNKNOWN]
    hit = known[~ctx.inventory.approved(known) & ~known[c.DMARC_PASS]]
    return _unapproved(ctx, hit, "unapproved-sender-failing", Severity.INFO)


def _unapproved(ctx: Context, hit: pd.DataFrame, code: str, severity: Severity) -> list[Finding]:
    """The one finding about unapproved mail *hit*, named after its most frequent sender."""
    if hit.empty:
        return []
    params: dict[str, Param] = {
        "messages": messages(hit),
        "sources": source_count(hit),
        "senders": joined(hit[c.SENDER].map(ctx.sender_name)),
    }
    sender = str(hit[c.SENDER].mode().iloc[0])
    return [Finding(code, severity, ctx.domain, sender, Actor.PRACTICE, evidence_of(hit), params)]


def _direct(ctx: Context) -> pd.DataFrame:
    return ctx.rows[~ctx.rows[c.FORWARDED]]


RULES = [approved_failing, unapproved_passing, unapproved_failing]
