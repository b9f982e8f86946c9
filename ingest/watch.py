"""Poll every configured mailbox once, or keep polling and wait for new mail (``--watch``).

The wait is the source's own (:meth:`~ingest.source.Source.wait_for_change`): IMAP IDLE, a
Microsoft Graph delta query, Gmail history, or the Maildir's change time; with several
mailboxes, or after a failed round, the loop simply sleeps for the interval.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from .errors import quote
from .ledger import Ledger
from .mailbox import MailboxError
from .poll import (
    MailboxJob,
    MailboxSummary,
    PollOptions,
    StopFlag,
    poll_with_retries,
)
from .store import Store

log = logging.getLogger(__name__)

Report = Callable[[Sequence[MailboxSummary]], None]


def poll_all(
    store: Store, jobs: Sequence[MailboxJob], options: PollOptions, stop: StopFlag
) -> list[MailboxSummary]:
    """One round over *jobs*, in order, until a stop is requested."""
    summaries = []
    for job in jobs:
        if stop.requested():
            break
        summary = poll_with_retries(store, job, options, stop)
        summaries.append(summary)
        if not options.dry_run and summary.status != "stopped":  # for `metrics` and `monitor`
            Ledger(store).record_run(summary.mailbox, summary.status, dt.datetime.now(dt.UTC))
    return summaries


def watch(
    store: Store,
    jobs: Sequence[MailboxJob],
    options: PollOptions,
    stop: StopFlag,
    *,
    interval: float,
    report: Report,
) -> None:
    """Poll, report the round, then wait for new mail (on the one mailbox) or *interval*;
    until SIGTERM."""
    while not stop.requested():
        summaries = poll_all(store, jobs, options, stop)
        report(summaries)
        if stop.requested():
            break
        if len(jobs) == 1 and summaries and summaries[0].status == "ok":
            wait_for_mail(jobs[0], interval, stop, summaries[0].uidnext)
        else:
            stop.sleep(interval)


def wait_for_mail(job: MailboxJob, interval: float, stop: StopFlag, uidnext: int) -> None:
    """Wait on the source until mail arrives or *interval* passes; errors just end the wait.

    Mail that arrived after the last poll selected the folder (UIDNEXT grew) ends the wait
    at once: IDLE only reports what arrives after it starts.
    """
    try:
        source = job.connect()
    except MailboxError as exc:
        log.info("mailbox %s: cannot wait for mail: %s", quote(job.name), exc)
        stop.sleep(interval)
        return
    try:
        source.select(job.folders.source)
        if source.uidnext() <= uidnext:
            source.wait_for_change(interval, stop.requested)
    except MailboxError as exc:
        log.info("mailbox %s: waiting for mail ended: %s", quote(job.name), exc)
    finally:
        source.close()
