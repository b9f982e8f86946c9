"""The outcome of a DNS query as a frozen value: answer, no data, no such name, or an error.

Kept apart from the resolver so that code handling answers (the tree walk over known records,
the check's evidence lines) does not load dnspython.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(enum.StrEnum):
    ANSWER = "answer"
    NODATA = "nodata"
    NXDOMAIN = "nxdomain"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Lookup:
    """The outcome of one query. ``values`` are presentation strings (TXT strings joined)."""

    name: str
    rdtype: str
    status: Status
    values: tuple[str, ...] = ()
    canonical: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """The server gave a definite answer (records, no records, or no such name)."""
        return self.status is not Status.ERROR

    @property
    def void(self) -> bool:
        """No records: NODATA or NXDOMAIN (a "void lookup" in RFC 7208 §4.6.4)."""
        return self.status in (Status.NODATA, Status.NXDOMAIN)


def mx_hosts(lookup: Lookup) -> list[str]:
    """The exchange names of an MX answer, most preferred first."""
    pairs = []
    for value in lookup.values:
        preference, _, host = value.partition(" ")
        pairs.append((int(preference) if preference.isdigit() else 0, host))
    return [host for _, host in sorted(pairs)]
