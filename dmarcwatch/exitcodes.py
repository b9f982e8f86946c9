"""Exit codes, from sysexits.h as mail software uses them. One meaning each."""

from __future__ import annotations

import enum


class Exit(enum.IntEnum):
    OK = 0  # every input handled
    FINDINGS = 1  # diagnose --fail-on: a finding at or above that severity is open
    USAGE = 64  # EX_USAGE: wrong arguments
    DATAERR = 65  # EX_DATAERR: some inputs rejected (valid ones stored, rejects recorded)
    NOINPUT = 66  # EX_NOINPUT: a named input, or the store to read, does not exist or is empty
    UNAVAILABLE = 69  # EX_UNAVAILABLE: store or mailbox unreachable
    SOFTWARE = 70  # EX_SOFTWARE: a bug; the message asks for a report with --debug output
    CANTCREAT = 73  # EX_CANTCREAT: store not writable
    TEMPFAIL = 75  # EX_TEMPFAIL: temporary failure, or another run holds the lock
    NOPERM = 77  # EX_NOPERM: mailbox login refused
    CONFIG = 78  # EX_CONFIG: configuration error
