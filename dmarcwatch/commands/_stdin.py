"""``dmarcwatch import --stdin`` (or ``import -``): one message from an MTA's pipe.

The exit code is what a pipe transport needs (sysexits, as Postfix's ``pipe(8)`` and
``local(8)`` read them): 0 once the message is handled, whatever it held (a report stored or
already stored, a broken report kept as a reject, ordinary mail recorded as skipped), so the
MTA never bounces it (a bounce would go to a possibly forged sender); 75 (EX_TEMPFAIL) when it
could not be handled now, for whatever reason (the store locked, unwritable, unreachable, a
bad configuration, a bug), so the MTA keeps the message and tries again later: mail is never
lost. Nothing is printed on success; a failure prints one line on stderr, which the MTA logs.
"""

from __future__ import annotations

import argparse
import logging
import sys

from dmarcwatch.context import open_store
from dmarcwatch.errors import exit_code_for
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.limits import DEFAULT_LIMITS
from dmarcwatch.ingest.pipeline import InputOutcome, import_input

log = logging.getLogger("dmarcwatch.import")
SOURCE = "stdin"


def run_stdin(args: argparse.Namespace) -> int:
    """Import the one message on standard input; 0 when handled, 75 to be retried later."""
    try:
        data = sys.stdin.buffer.read()
        with open_store(args) as store:
            outcome = import_input(store, SOURCE, data, DEFAULT_LIMITS)
    except Exception as exc:  # noqa: BLE001 - every failure means "try again later"
        known = exit_code_for(exc) is not None
        reason = str(exc) if known else f"internal error {type(exc).__name__}: {exc}"
        print(f"dmarcwatch: message not stored, to be retried: {reason}", file=sys.stderr)
        return Exit.TEMPFAIL
    _log(outcome)
    return Exit.OK


def _log(outcome: InputOutcome) -> None:
    """With -v: what became of the message; rejects are in the store either way."""
    if outcome.kind == "processed":
        log.info("stdin: %d reports stored, %d duplicates", outcome.stored, outcome.duplicates)
        return
    verdict = "skipped" if outcome.kind == "other" else "kept as a reject"
    for rejection in outcome.rejected:
        log.info("stdin: %s: %s", verdict, rejection.reason)
