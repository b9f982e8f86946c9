"""``dmarcwatch reparse``: parse kept inputs again, after a parser fix."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._trust import mail_verifier
from dmarcwatch.context import config_for, open_store
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import quote
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.verify import KeptVerdicts, MailCheck, MailVerifier
from dmarcwatch.summary import ImportSummary


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "reparse",
        "Every input's original bytes are kept in the store. After an upgrade that fixes "
        "the parser, reparse the rejected inputs (default) and store what now parses; with "
        "--all, re-read every input and replace the reports parsed from it.",
    )
    parser.add_argument(
        "--all", action="store_true", help="reparse every kept input, not only rejected ones"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    summary = ImportSummary()
    fresh = _Fresh(args)
    config = config_for(args)
    with open_store(args, config) as store:
        for sha, source in list(store.iter_blobs(rejected_only=not args.all)):
            _reparse_one(
                store, sha, source, summary, limits=config.limits, replace=args.all, fresh=fresh
            )
    if args.json:
        print(summary.to_json())
    elif not args.quiet:
        print(summary.line())
    return Exit.DATAERR if summary.rejected else Exit.OK


class _Fresh:
    """The DKIM verifier, made when a report of a mail has no stored verdict to keep."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.verifier: MailVerifier | None = None

    def check(self, data: bytes) -> MailCheck | None:
        if self.verifier is None:
            self.verifier = mail_verifier(config_for(self.args))
        return self.verifier(data)


def _reparse_one(
    store: Store,
    sha: str,
    source: str,
    summary: ImportSummary,
    *,
    limits: Limits,
    replace: bool,
    fresh: _Fresh,
) -> None:
    """Parse one kept input again; a mail's reports keep the DKIM verdicts they had."""
    data = store.get_blob(sha)
    is_mail, known = store.mail_verdicts(sha)

    def kept(data: bytes) -> MailCheck:
        return KeptVerdicts(known, lambda: fresh.check(data))

    if replace:
        store.delete_reports_from_blob(sha)
    store.clear_rejects(sha)
    outcome = import_input(
        store, source, data, limits, again=True, verifier=kept if is_mail else None
    )
    summary.add(outcome)
    if outcome.kind == "other":
        return
    for rejection in outcome.rejected:
        where = f" [{rejection.location}]" if rejection.location else ""
        print(
            f"dmarcwatch: rejected {quote(source, 200)}{where}: {rejection.reason}", file=sys.stderr
        )
