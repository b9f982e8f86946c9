"""Files the commands write: whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit


def write_atomic(target: Path, data: bytes) -> None:
    """Write *data* under a temporary name beside *target*, then rename: never half a file.

    The file gets the permissions of the one it replaces, or those the umask gives a new one
    (a 0600 report stays 0600; under ``umask 077`` a new one is 0600)."""
    from dmarcwatch.reports.filemode import mode_for  # noqa: PLC0415 - only when writing

    temp: str | None = None
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, mode_for(target))
        os.replace(temp, target)
    except OSError as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise CommandError(f"cannot write {target}: {exc.strerror}", Exit.CANTCREAT) from exc
