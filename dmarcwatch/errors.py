"""Errors of the command line, and the one place that maps library errors to exit codes."""

from __future__ import annotations

from dmarcwatch.exitcodes import Exit
from ingest.errors import (
    IngestError,
    RejectedInput,
    SchemaError,
    StoreNotWritable,
    StoreUnavailable,
)


class CommandError(Exception):
    """A failure the command line reports as one line with a given exit code."""

    def __init__(self, message: str, code: Exit) -> None:
        super().__init__(message)
        self.code = code


def exit_code_for(exc: IngestError) -> Exit:
    """The exit code for a library error that reached the command line."""
    if isinstance(exc, StoreNotWritable):
        return Exit.CANTCREAT
    if isinstance(exc, StoreUnavailable | SchemaError):
        return Exit.UNAVAILABLE
    if isinstance(exc, RejectedInput):
        return Exit.DATAERR
    return Exit.SOFTWARE
