"""Errors of the command line, and the one place that maps library errors to exit codes."""

from __future__ import annotations

from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import (
    IngestError,
    LockBusy,
    RejectedInput,
    SchemaError,
    StoreMissing,
    StoreNotWritable,
    StoreUnavailable,
)
from dmarcwatch.ingest.mailbox import LoginRefused, MailboxError, MailboxMisconfigured


class CommandError(Exception):
    """A failure the command line reports as one line with a given exit code."""

    def __init__(self, message: str, code: Exit) -> None:
        super().__init__(message)
        self.code = code


# Most specific first: the first class an error is an instance of decides its code.
_CODES: tuple[tuple[type[IngestError] | tuple[type[IngestError], ...], Exit], ...] = (
    (LockBusy, Exit.TEMPFAIL),
    (LoginRefused, Exit.NOPERM),
    (MailboxMisconfigured, Exit.CONFIG),
    (MailboxError, Exit.UNAVAILABLE),
    (StoreNotWritable, Exit.CANTCREAT),
    (StoreMissing, Exit.NOINPUT),
    ((StoreUnavailable, SchemaError), Exit.UNAVAILABLE),
    (RejectedInput, Exit.DATAERR),
)


def exit_code_for(exc: IngestError) -> Exit:
    """The exit code for a library error that reached the command line."""
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return Exit.SOFTWARE
