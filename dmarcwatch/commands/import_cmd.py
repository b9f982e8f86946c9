"""``dmarcwatch import PATH...``: store every report found in files, messages or folders."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._trust import mail_verifier
from dmarcwatch.context import config_for, open_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import quote
from dmarcwatch.ingest.group import import_all
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.parallel import Readers
from dmarcwatch.ingest.pipeline import DISPUTED, InputOutcome
from dmarcwatch.ingest.sources import InputError, iter_inputs
from dmarcwatch.ingest.store import Store
from dmarcwatch.summary import ImportSummary


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "import",
        "Store every DMARC aggregate report found under PATH: files of any name (XML, gzip, "
        "zip, e-mail), directories (recursively), mbox files and Maildir folders. A report "
        "already stored is counted as a duplicate; a broken one is recorded as a reject with "
        "its original bytes, and the rest of the batch goes on. With --stdin (or PATH '-'), "
        "one message is read from standard input, for an MTA's pipe: exit 0 once it is "
        "handled (even if it held no report), 75 if it must be delivered again later.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH")
    parser.add_argument(
        "--stdin",
        action="store_true",
        help="read one message from standard input (exit 0 handled, 75 retry later)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.add_argument(
        "--verify-mail",
        action="store_true",
        help="check the DKIM signature of inputs that are e-mail messages, as poll does: "
        "reports in mail not signed by their reporter are then set aside by the analysis "
        "(files imported by hand count as they are)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="read inputs in N worker processes while this one writes (0: one per CPU; "
        "default 1: no workers)",
    )
    parser.set_defaults(func=run)


def _jobs(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}")
    return int(text) or os.cpu_count() or 1


def run(args: argparse.Namespace) -> int:
    if args.stdin or args.paths == ["-"]:
        if args.paths not in ([], ["-"]):
            raise CommandError("--stdin reads one message: give no PATH with it", Exit.USAGE)
        from dmarcwatch.commands._stdin import run_stdin

        return run_stdin(args)
    if not args.paths:
        raise CommandError("name at least one PATH, or --stdin", Exit.USAGE)
    summary = ImportSummary()
    progress = _Progress(enabled=sys.stderr.isatty() and not args.quiet)
    config = config_for(args)
    with open_store(args, config) as store:
        _import_all(args, store, config.limits, summary, progress)
    progress.done()
    if args.json:
        print(summary.to_json())
    elif not args.quiet:
        print(summary.line())
    if summary.missing:
        return Exit.NOINPUT
    return Exit.DATAERR if summary.rejected or summary.unreadable else Exit.OK


def _import_all(
    args: argparse.Namespace,
    store: Store,
    limits: Limits,
    summary: ImportSummary,
    progress: _Progress,
) -> None:
    for result in _results(args, store, limits):
        if isinstance(result, InputError):
            summary.missing += result.missing
            summary.unreadable += not result.missing
            _say(f"{quote(result.source, 200)}: {result.reason}")
            continue
        summary.add(result)
        _report(args, result)
        progress.tick(summary)


def _results(
    args: argparse.Namespace, store: Store, limits: Limits
) -> Iterator[InputOutcome | InputError]:
    """Each input's outcome, in order: read here, or by ``--jobs`` worker processes."""
    items = iter_inputs(args.paths)
    verifier = mail_verifier(config_for(args), files_too=True) if args.verify_mail else None
    if args.jobs > 1:
        with Readers(args.jobs, limits) as readers:
            yield from readers.import_all(store, items, verifier)
        return
    yield from import_all(store, items, limits, verifier=verifier)


def _report(args: argparse.Namespace, outcome: InputOutcome) -> None:
    """One line per rejected report; inputs that are not reports too, unless ``--quiet``."""
    if outcome.kind == "other" and args.quiet:
        return
    for rejection in outcome.rejected:
        where = f" [{rejection.location}]" if rejection.location else ""
        verdict = "skipped" if outcome.kind == "other" else "rejected"
        _say(f"{verdict} {quote(outcome.source, 200)}{where}: {rejection.reason}")
    for location in outcome.disputed:
        _say(DISPUTED % (quote(outcome.source, 200), location))


def _say(line: str) -> None:
    """Problems go to stderr even with ``--quiet``: cron mails them."""
    print(f"dmarcwatch: {line}", file=sys.stderr)


class _Progress:
    """A one-line counter on a terminal, for imports that take more than a moment."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def tick(self, summary: ImportSummary) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < 2 or now - self.last < 0.5:
            return
        self.last = now
        self.shown = True
        sys.stderr.write(
            f"\r{summary.inputs} inputs, {summary.reports} reports, {summary.records} records…"
        )
        sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
