"""Errors of the command line, and the one place that maps library errors to exit codes.

::

    CommandError       a failure the command line reports as one line with a given exit code
    └── ConfigError    the configuration file is missing, unreadable or invalid (exit 78)

The libraries raise and never choose exit codes: :func:`exit_code_for` finds the code of an
``IngestError``, ``AnalysisError`` or ``ReportsError`` in one table, most specific first. A
command that knows more than the library (the value the user typed, where a file is kept)
raises the error again with that in its message; it does not pick a code.
"""

from __future__ import annotations

from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import (
    IngestError,
    InvalidStoreURL,
    LockBusy,
    RejectedInput,
    SchemaError,
    StoreMissing,
    StoreNotWritable,
    StoreUnavailable,
)

_Kind = type[Exception] | tuple[type[Exception], ...]


class CommandError(Exception):
    """A failure the command line reports as one line with a given exit code."""

    def __init__(self, message: str, code: Exit) -> None:
        super().__init__(message)
        self.code = code


class ConfigError(CommandError):
    """The configuration file is missing, unreadable or invalid."""

    def __init__(self, message: str) -> None:
        super().__init__(message, Exit.CONFIG)


# Under --debug these show their traceback instead of the one line, as ingest's always have;
# the analysis and reports errors (once turned into a CommandError by each command) do not.
TRACED: tuple[type[Exception], ...] = (IngestError,)


def _codes() -> tuple[tuple[_Kind, Exit], ...]:
    """The table: the first class an error is an instance of decides its code.

    The analysis and reports classes, and the mailbox's, are imported here, when an error is
    being reported, so that starting the command line loads neither package, nor the IMAP
    client where no mailbox is read.
    """
    from dmarcwatch.analysis.errors import CatalogueError, InvalidArgument  # noqa: PLC0415
    from dmarcwatch.analysis.ipdata import IpDataError  # noqa: PLC0415
    from dmarcwatch.ingest.mailbox import (  # noqa: PLC0415
        LoginRefused,
        MailboxError,
        MailboxMisconfigured,
    )
    from dmarcwatch.reports.errors import (  # noqa: PLC0415
        ChannelError,
        ExportNeedsFile,
        ExportNotWritable,
        InvalidAddress,
        MailLoginRefused,
        MailNotSent,
        MailRetryLater,
        MailTLSRefused,
        ParquetUnavailable,
        RecipientsRefused,
    )

    return (
        (LockBusy, Exit.TEMPFAIL),
        (LoginRefused, Exit.NOPERM),
        (MailboxMisconfigured, Exit.CONFIG),
        (MailboxError, Exit.UNAVAILABLE),
        (StoreNotWritable, Exit.CANTCREAT),
        (StoreMissing, Exit.NOINPUT),
        (InvalidStoreURL, Exit.USAGE),
        ((StoreUnavailable, SchemaError), Exit.UNAVAILABLE),
        (RejectedInput, Exit.DATAERR),
        (InvalidArgument, Exit.USAGE),
        (CatalogueError, Exit.CONFIG),
        (IpDataError, Exit.CONFIG),
        (ExportNeedsFile, Exit.USAGE),
        (ExportNotWritable, Exit.CANTCREAT),
        (ParquetUnavailable, Exit.CONFIG),
        (InvalidAddress, Exit.USAGE),
        (MailRetryLater, Exit.TEMPFAIL),
        ((MailLoginRefused, MailTLSRefused), Exit.CONFIG),
        (RecipientsRefused, Exit.DATAERR),
        (MailNotSent, Exit.UNAVAILABLE),
        (ChannelError, Exit.UNAVAILABLE),
    )


def exit_code_for(exc: Exception) -> Exit | None:
    """The exit code of an error that reached the command line; ``None`` for a bug."""
    if isinstance(exc, CommandError):
        return exc.code
    for kind, code in _codes():
        if isinstance(exc, kind):
            return code
    return None
