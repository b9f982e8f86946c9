"""``no-reports``: a domain whose aggregate reports stopped (or never started) arriving.

Three signs (any one is enough): no report was ever stored for a domain that was asked for or
configured; the newest report was *received* (ingested) more than N days ago; or its newest
report period ended more than N days before the newest report of any other domain (the
mailbox still gets reports, just not for this domain). Typical causes: the ``rua`` tag was
removed or mistyped, or the rua address is in another organisational domain without the
``_report._dmarc`` authorisation record (RFC 7489 §7.1).
"""

from __future__ import annotations

import datetime as dt

from dmarcwatch.analysis.findings import Actor, Evidence, Finding, Severity
from dmarcwatch.analysis.rules.base import Context

DAY = 86400


def no_reports(ctx: Context) -> list[Finding]:
    activity = ctx.activity
    limit = ctx.no_reports_days
    if activity is None or activity.reports == 0:
        params: dict[str, str | int | float] = {"state": "never", "days": limit}
        return [_finding(ctx, params, Evidence())]
    last = dt.datetime.fromtimestamp(activity.last_end, dt.UTC)
    idle_received = (
        (ctx.now - activity.last_ingested).days if activity.last_ingested is not None else 0
    )
    mine = ctx.last_begin if ctx.last_begin is not None else activity.last_end
    behind = ((ctx.store_last_begin or mine) - mine) // DAY
    if idle_received <= limit and behind <= limit:
        return []
    days = max(idle_received, int(behind))
    params = {"state": "stopped", "days": days, "last_report": last.date().isoformat()}
    return [_finding(ctx, params, Evidence(first_seen=None, last_seen=last.date()))]


def _finding(ctx: Context, params: dict[str, str | int | float], ev: Evidence) -> Finding:
    return Finding("no-reports", Severity.WARNING, ctx.domain, None, Actor.PRACTICE, ev, params)


RULES = [no_reports]
