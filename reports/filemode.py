"""The permissions of a file written by replacing it (a temporary file, then a rename)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def mode_for(target: Path) -> int:
    """The permission bits for a file about to be written at *target*.

    An existing file keeps its own (a 0600 report stays 0600); a new one gets what ``open``
    would give it under the umask (0666 less the umask: 0600 under ``umask 077``).
    """
    try:
        found = target.stat()
    except OSError:
        found = None
    if found is not None and stat.S_ISREG(found.st_mode):
        return stat.S_IMODE(found.st_mode)
    umask = os.umask(0o077)  # read it: os.umask sets and returns; set back at once
    os.umask(umask)
    return 0o666 & ~umask
