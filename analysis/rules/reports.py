"""Freshness: ``no-reports`` (a domain's reports stopped, or never started) and
``reports-stopped`` (one reporter that sent regularly went silent).

Both are measured against the *as-of* moment, the end of the analysed period (``until`` of the
query; the command line asks with "now" on a live store), not against the newest report.

``no-reports``, any one sign is enough: no report was ever stored for a domain that was asked
for or configured; the newest report period ended more than N days before the as-of moment;
its newest report was *received* (ingested) more than N days ago; or its newest report period
ended more than N days before the newest report of any other domain (the mailbox still gets
reports, just not for this domain). Typical causes: the ``rua`` tag was removed or mistyped,
the rua address is in another organisational domain without the ``_report._dmarc``
authorisation record (RFC 7489 §7.1), or the mailbox or the poller is broken.

``reports-stopped``: a reporter sent the domain's reports *regularly* when the history before
the as-of moment holds at least :data:`REGULAR_REPORTS` of its reports and the median gap
between their ends is at most :data:`REGULAR_MAX_GAP_DAYS` days (its usual gap). It is silent
*clearly longer* than usual when the time since its last report's end is at least
:data:`SILENCE_FACTOR` usual gaps and at least :data:`MIN_SILENCE_DAYS` days: Google, daily,
after 3 days without a report. Told only while the domain still gets reports from others
(otherwise ``no-reports`` says it).
"""

from __future__ import annotations

import datetime as dt
import statistics

import pandas as pd

from .. import columns as c
from ..findings import Actor, Evidence, Finding, Severity
from .base import Context

DAY = 86400
REGULAR_REPORTS = 4
REGULAR_MAX_GAP_DAYS = 7
SILENCE_FACTOR = 3
MIN_SILENCE_DAYS = 2


def no_reports(ctx: Context) -> list[Finding]:
    activity = ctx.activity
    limit = ctx.no_reports_days
    if activity is None or activity.reports == 0:
        params: dict[str, str | int | float] = {"state": "never", "days": limit}
        return [_finding(ctx, params, Evidence())]
    last = dt.datetime.fromtimestamp(activity.last_end, dt.UTC)
    silent = (ctx.as_of - last) // dt.timedelta(days=1)
    idle_received = (
        (ctx.now - activity.last_ingested).days if activity.last_ingested is not None else 0
    )
    mine = ctx.last_begin if ctx.last_begin is not None else activity.last_end
    behind = ((ctx.store_last_begin or mine) - mine) // DAY
    if max(silent, idle_received, behind) <= limit:
        return []
    days = int(max(silent, idle_received, behind))
    params = {"state": "stopped", "days": days, "last_report": last.date().isoformat()}
    return [_finding(ctx, params, Evidence(first_seen=None, last_seen=last.date()))]


def _finding(ctx: Context, params: dict[str, str | int | float], ev: Evidence) -> Finding:
    return Finding("no-reports", Severity.WARNING, ctx.domain, None, Actor.PRACTICE, ev, params)


def reports_stopped(ctx: Context) -> list[Finding]:
    """One finding per regular reporter silent for clearly longer than its usual gap."""
    rows = ctx.history
    if rows.empty:
        return []
    as_of = ctx.as_of.timestamp()
    found = []
    for reporter, group in rows.groupby(c.RECEIVER, sort=True):
        ends = sorted({int(e) for e in group[c.REPORT_END] if int(e) <= as_of})
        gap = usual_gap_days(ends)
        if gap is None:
            continue
        silent = (as_of - ends[-1]) / DAY
        if silent >= max(SILENCE_FACTOR * gap, MIN_SILENCE_DAYS):
            found.append(_stopped(ctx, str(reporter), group, (gap, int(silent)), ends))
    return found


def usual_gap_days(ends: list[int]) -> float | None:
    """The median gap (days) between a reporter's report ends, if it reports regularly."""
    if len(ends) < REGULAR_REPORTS:
        return None
    gap = statistics.median(b - a for a, b in zip(ends, ends[1:], strict=False)) / DAY
    return gap if 0 < gap <= REGULAR_MAX_GAP_DAYS else None


def _stopped(
    ctx: Context, reporter: str, rows: pd.DataFrame, gap_silent: tuple[float, int], ends: list[int]
) -> Finding:
    gap, silent = gap_silent
    last = dt.datetime.fromtimestamp(ends[-1], dt.UTC).date()
    first = pd.Timestamp(rows[c.DAY].min()).date()
    messages = int(rows[c.MESSAGES].sum())
    evidence = Evidence(messages=messages, receivers=(reporter,), first_seen=first, last_seen=last)
    params: dict[str, str | int | float] = {
        "reporter": reporter,
        "days": silent,
        "usual_gap": round(gap * 24),  # hours
        "reports": len(ends),
        "last_report": last.isoformat(),
    }
    # the reporter stands where a sender would: one finding per (domain, code, reporter)
    return Finding(
        "reports-stopped", Severity.WARNING, ctx.domain, reporter, Actor.PRACTICE, evidence, params
    )


def freshness(ctx: Context) -> list[Finding]:
    """``no-reports``, or else the reporters that stopped."""
    return no_reports(ctx) or reports_stopped(ctx)


RULES = [freshness]
