"""``dmarcwatch poll``: fetch new rua reports from the configured mailboxes, from cron.

Quiet on success. A message that held a broken report is moved to the invalid folder, logged
with its reason, and makes the run exit 65. Exit codes: 0 ok (also after SIGTERM, which
finishes the message in hand first); 65 a message was invalid; 69 a mailbox stayed
unreachable or its TLS certificate is not trusted (the others were still polled); 73 the store
is not writable (nothing moved); 70 an internal error on a message (left in place, the
others were handled); 75 another poll holds the lock; 77 a login was refused; 78
configuration error.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._mailboxes import chosen, exit_code, job
from dmarcwatch.commands._reporting import parse_since
from dmarcwatch.commands._trust import mail_verifier
from dmarcwatch.config import load_config
from dmarcwatch.context import open_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import LockBusy
from dmarcwatch.ingest.poll import MailboxSummary, PollOptions, StopFlag
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.watch import poll_all, watch

log = logging.getLogger("dmarcwatch.poll")

DESCRIPTION = """\
Fetch the messages of each [[mailbox]] not handled before, store their DMARC aggregate
reports, then move each message: to processed_folder, invalid_folder (a report that could not
be read; the reason is logged and the original kept) or other_folder (anything that is not an
aggregate report). Messages are tracked by UID, so reading the mailbox changes nothing.
Exit codes: 0 ok, 65 a message was invalid, 69 a mailbox unreachable, 70 internal error on a
message, 73 store not writable, 75 another poll is running, 77 login refused, 78 configuration
error."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(subparsers, "poll", DESCRIPTION)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="fetch and parse, but store nothing and move nothing",
    )
    parser.add_argument(
        "--since",
        metavar="SPAN|DATE",
        help="only messages received in the last 7d or 2w, or on or after a date YYYY-MM-DD "
        "(for a first backfill)",
    )
    parser.add_argument(
        "--mailbox",
        action="append",
        metavar="NAME",
        help="poll only this mailbox (repeat for several; default: all)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing on success, even with -v"
    )
    parser.add_argument(
        "--retries",
        type=_count,
        default=3,
        metavar="N",
        help="reconnect this often after a transient failure, with backoff (default 3)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="keep running: poll, then wait for new mail (IMAP IDLE) or --interval",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="with --watch, poll at least this often (default 900)",
    )
    parser.set_defaults(func=run)


def since_date(text: str) -> date:
    """The first day a ``--since`` span (counted back from today, UTC) or date names."""
    since = parse_since(text, "dw", examples="7d or 2w")
    if isinstance(since, datetime):
        return since.date()
    return datetime.now(UTC).date() - since


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def run(args: argparse.Namespace) -> int:
    since = since_date(args.since) if args.since else None
    config = load_config(args.config)
    boxes = chosen(config, args.mailbox)
    options = PollOptions(
        dry_run=args.dry_run,
        since=since,
        retries=args.retries,
        verifier=mail_verifier(config),
        limits=config.limits,
    )
    stop = StopFlag()
    stop.install()
    with contextlib.ExitStack() as stack:
        store = open_store(args, config)
        stack.callback(store.close)
        if not args.dry_run:  # a dry run changes nothing and needs no lock
            _lock(stack, store)
        jobs = [job(box, stop.requested) for box in boxes]
        if args.watch:
            report = functools.partial(_report_round, args=args)
            watch(store, jobs, options, stop, interval=args.interval, report=report)
            return Exit.OK
        summaries = poll_all(store, jobs, options, stop)
    code = exit_code(summaries)
    _report(summaries, code, args)
    return code


def _lock(stack: contextlib.ExitStack, store: Store) -> None:
    """One poll at a time per store: a second one exits 75 with one line."""
    try:
        stack.enter_context(store.lock("poll"))
    except LockBusy as exc:
        raise CommandError(str(exc), Exit.TEMPFAIL) from exc


def _report_round(summaries: Sequence[MailboxSummary], args: argparse.Namespace) -> None:
    _report(summaries, exit_code(summaries), args)


def _report(summaries: Sequence[MailboxSummary], code: Exit, args: argparse.Namespace) -> None:
    for summary in summaries:
        if summary.error:
            print(f"dmarcwatch: {summary.error}", file=sys.stderr)
        if not args.quiet:
            log.info("%s", summary.line())
    if args.json:
        body = {"exit_code": int(code), "mailboxes": [s.as_dict() for s in summaries]}
        print(json.dumps(body, indent=2))
