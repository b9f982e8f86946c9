"""What period a command's output covers, and a warning when the stored reports are old.

``senders`` and ``diagnose`` print the period first; when the newest stored report (of the
domains asked for) ended more than :data:`STALE_DAYS` days before the as-of moment (``--until``,
else now), they warn on stderr so that cron mails it, and the output is still printed.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dmarcwatch.analysis.api import Period, Query
    from dmarcwatch.analysis.i18n import Translator
    from dmarcwatch.analysis.read import Reader

STALE_DAYS = 3
ONE_DAY = dt.timedelta(days=1)


def as_of(query: Query) -> dt.datetime:
    """The moment freshness is measured against: the end of ``--until``, else now."""
    return query.until or dt.datetime.now(dt.UTC)


def period_line(period: Period, t: Translator) -> str:
    """``Period: 2026-09-01 – 2026-09-30 (UTC)``, the last day included."""
    last = (period.until - ONE_DAY).date().isoformat()
    return t.gettext("Period: {first} – {last} (UTC)").format(
        first=period.since.date().isoformat(), last=last
    )


def stale_warning(reader: Reader, query: Query, moment: dt.datetime, t: Translator) -> str:
    """The warning for stale data, or ``""`` when the newest report is recent enough."""
    from dmarcwatch.analysis.read import Selection

    newest = reader.latest_end(Selection(domains=query.domains))
    if newest is None:
        return ""
    end = dt.datetime.fromtimestamp(newest, dt.UTC)
    days = (moment - end) // ONE_DAY
    if days <= STALE_DAYS:
        return ""
    text = t.ngettext(
        "warning: the newest stored report ended on {date}, {days} day before {as_of}; check "
        "that 'dmarcwatch poll' runs and that reports still arrive",
        "warning: the newest stored report ended on {date}, {days} days before {as_of}; check "
        "that 'dmarcwatch poll' runs and that reports still arrive",
        days,
    )
    return text.format(date=end.date().isoformat(), days=days, as_of=_last_day(moment))


def warn_if_stale(reader: Reader, query: Query, moment: dt.datetime, t: Translator) -> None:
    warning = stale_warning(reader, query, moment, t)
    if warning:
        print(f"dmarcwatch: {warning}", file=sys.stderr)


def _last_day(moment: dt.datetime) -> str:
    """The day *moment* ends (an ``--until`` day ends at the next midnight)."""
    return (moment - dt.timedelta(seconds=1)).date().isoformat()
