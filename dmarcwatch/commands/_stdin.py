"""``dmarcwatch import --stdin`` (or ``import -``): one message from an MTA's pipe.

The exit code is what a pipe transport needs (sysexits, as Postfix's ``pipe(8)`` and
``local(8)`` read them): 0 once the message is handled, whatever it held (a report stored or
already stored, a broken report kept as a reject, ordinary mail recorded as skipped), so the
MTA never bounces it (a bounce would go to a possibly forged sender); 75 (EX_TEMPFAIL) when it
could not be handled now, for whatever reason (the store locked, unwritable, unreachable, a
bad configuration, a bug), so the MTA keeps the message and tries again later: mail is never
lost. Nothing is printed on success; a failure prints one line on stderr, which the MTA logs.

The message is what arrived at the rua address, so its DKIM signature is checked as ``poll``
checks a mailbox's (a report in mail not signed by its reporter is kept but not counted), and
it is read up to ``[limits] max_message_bytes``: a larger one is refused in one line and not
retried (no report is that large; the MTA's own size limit is usually lower).
"""

from __future__ import annotations

import argparse
import logging
import sys

from dmarcwatch.commands._trust import mail_verifier
from dmarcwatch.context import config_for, open_store
from dmarcwatch.errors import exit_code_for
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.pipeline import InputOutcome, import_input

log = logging.getLogger("dmarcwatch.import")
SOURCE = "stdin"


def run_stdin(args: argparse.Namespace) -> int:
    """Import the one message on standard input; 0 when handled, 75 to be retried later."""
    try:
        config = config_for(args)
        limit = config.limits.max_message_bytes
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            _drain()
            print(f"dmarcwatch: message refused: larger than {limit} bytes", file=sys.stderr)
            return Exit.OK
        with open_store(args, config) as store:
            outcome = import_input(
                store, SOURCE, data, config.limits, verifier=mail_verifier(config)
            )
    except Exception as exc:  # noqa: BLE001 - every failure means "try again later"
        known = exit_code_for(exc) is not None
        reason = str(exc) if known else f"internal error {type(exc).__name__}: {exc}"
        print(f"dmarcwatch: message not stored, to be retried: {reason}", file=sys.stderr)
        return Exit.TEMPFAIL
    _log(outcome)
    return Exit.OK


def _drain() -> None:
    """Read the rest of a refused message, so the MTA's pipe does not break."""
    while sys.stdin.buffer.read(1 << 20):
        pass


def _log(outcome: InputOutcome) -> None:
    """With -v: what became of the message; rejects are in the store either way."""
    if outcome.kind == "processed":
        log.info("stdin: %d reports stored, %d duplicates", outcome.stored, outcome.duplicates)
        return
    verdict = "skipped" if outcome.kind == "other" else "kept as a reject"
    for rejection in outcome.rejected:
        log.info("stdin: %s: %s", verdict, rejection.reason)
