"""``reports-set-aside``, ``report-key-disputed`` and ``rows-folded``: what the analysis did
not count or did not tell apart, and why.

Reports from mails without their reporter's DKIM signature, or that lost a dispute over their
key, are left out by the read layer (:mod:`analysis.read.selection`), and a domain's rows past
the row budget are folded (:mod:`analysis.read.rows`); these findings say so, so that a forged
report campaign, or a real reporter whose mail arrives unsigned, is visible.
"""

from __future__ import annotations

from ..findings import Actor, Evidence, Finding, Param, Severity
from .base import Context

MAX_REPORTERS = 8  # named in a finding's evidence, most first


def set_aside(ctx: Context) -> list[Finding]:
    left = ctx.set_aside
    if left is None or left.reports == 0:
        return []
    params: dict[str, Param] = {
        "reports": left.reports,
        "unverified": left.unverified,
        "failed": left.failed,
        "outranked": left.outranked,
    }
    return _warning(ctx, "reports-set-aside", Evidence(), params)


def disputed(ctx: Context) -> list[Finding]:
    left = ctx.set_aside
    if left is None or left.disputed == 0:
        return []
    params: dict[str, Param] = {
        "state": "undecided" if left.undecided else "decided",
        "disputed": left.disputed,
        "undecided": left.undecided,
        "reporters": left.reporters[:5],
    }
    evidence = Evidence(receivers=left.reporters[:5])
    return _warning(ctx, "report-key-disputed", evidence, params)


def folded(ctx: Context) -> list[Finding]:
    fold = ctx.folded
    if fold is None:
        return []
    params: dict[str, Param] = {
        "records": fold.records,
        "messages": fold.messages,
        "groups": fold.groups,
        "budget": fold.budget,
    }
    evidence = Evidence(messages=fold.messages, receivers=fold.reporters[:MAX_REPORTERS])
    return _warning(ctx, "rows-folded", evidence, params)


def _warning(
    ctx: Context, code: str, evidence: Evidence, params: dict[str, Param]
) -> list[Finding]:
    """The one finding of these rules: a warning for the practice, about the whole domain."""
    return [Finding(code, Severity.WARNING, ctx.domain, None, Actor.PRACTICE, evidence, params)]


RULES = [set_aside, disputed, folded]
