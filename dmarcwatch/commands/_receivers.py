"""``--receiver`` names that match nothing: a usage error naming the receivers in the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import quote

if TYPE_CHECKING:
    from dmarcwatch.analysis.read import Reader

MAX_SHOWN = 12


def require_known(reader: Reader, names: Iterable[str]) -> None:
    """Refuse (exit 64) a name that is no receiver's alias and matches no stored report.

    A known receiver without reports in the period is not an error: the period is empty.
    """
    from dmarcwatch.analysis.read import receivers  # noqa: PLC0415 - with the read layer

    wanted = list(names)
    if not wanted:
        return
    reporters = reader.reporters()
    unknown = receivers.unknown(wanted, reporters)
    if unknown:
        raise CommandError(
            f"unknown receiver {quote(unknown[0], 60)}; known: {_known(reporters)}", Exit.USAGE
        )


def _known(reporters: list[tuple[str, str]]) -> str:
    names = sorted({org or email for org, email in reporters}, key=str.lower)
    if not names:
        return "none (the store has no reports)"
    shown = [quote(n, 40)[1:-1] for n in names[:MAX_SHOWN]]
    more = len(names) - MAX_SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
