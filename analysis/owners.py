"""Network owners of source IPs: AS number, AS name and country, from the offline IP data.

:func:`add_owners` adds the owner columns to the analysis rows (one look-up per distinct
address); :func:`owner_label` names an owner for people ("Hetzner Online GmbH, DE");
:func:`owner_groups` sums rows per owner, most messages first. Without IP data the columns are
empty and every label says the owner is not known, so nothing depends on the file being there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import columns as c
from .ipdata import LocationDatabase, Owner, find_database

if TYPE_CHECKING:  # findings import this module, and `check` starts without pandas
    import pandas as pd


class OwnerLookup(Protocol):
    def lookup(self, ip: str) -> Owner | None: ...


@functools.cache
def shared(path: Path | None = None) -> LocationDatabase | None:
    """The IP data at *path* (or the first default file), opened once; ``None`` if absent.

    A configured file that cannot be read raises :class:`IpDataError`; a missing default is
    not an error (enrichment is optional)."""
    found = find_database(path)
    return LocationDatabase(found) if found is not None else None


def add_owners(rows: pd.DataFrame, data: OwnerLookup | None) -> pd.DataFrame:
    """*rows* with :data:`columns.ASN`, :data:`columns.AS_NAME` and :data:`columns.COUNTRY`."""
    source = rows[c.SOURCE_IP].astype(str).tolist()  # a list: iterating a Series is slower
    owners: dict[str, Owner] = {}
    if data is not None:
        for ip in dict.fromkeys(source):
            found = data.lookup(ip)
            if found is not None:
                owners[ip] = found
    import pandas as pd  # noqa: PLC0415 - see the TYPE_CHECKING import

    out = rows.copy()
    out[c.ASN] = pd.Series(
        [owners[ip].asn if ip in owners else 0 for ip in source], index=rows.index, dtype="int64"
    )
    out[c.AS_NAME] = [owners[ip].as_name if ip in owners else "" for ip in source]
    out[c.COUNTRY] = [owners[ip].country if ip in owners else "" for ip in source]
    return out


def owner_label(asn: int, as_name: str, country: str) -> str:
    """ "Hetzner Online GmbH, DE", "AS64500", or "" when nothing is known."""
    name = as_name or (f"AS{asn}" if asn else "")
    if not name:
        return ""
    return f"{name}, {country}" if country else name


@dataclass(frozen=True, slots=True)
class OwnerGroup:
    label: str  # owner_label(); "" when the owner is not known
    asn: int
    sources: int
    messages: int


def owner_groups(rows: pd.DataFrame) -> list[OwnerGroup]:
    """Distinct sources and messages per network owner, most messages first (then most
    sources; ties in the order the owners were first met)."""
    if rows.empty or c.ASN not in rows:
        return []
    groups: dict[str, tuple[int, set[str], list[int]]] = {}
    columns = (c.ASN, c.AS_NAME, c.COUNTRY, c.SOURCE_IP, c.MESSAGES)
    for asn, name, country, ip, messages in zip(*(rows[k].tolist() for k in columns), strict=True):
        label = owner_label(int(asn), str(name), str(country))
        group = groups.setdefault(label, (int(asn), set(), [0]))
        if ip:  # rows folded past the row budget have no source
            group[1].add(ip)
        group[2][0] += int(messages)
    found = [OwnerGroup(name, asn, len(ips), sums[0]) for name, (asn, ips, sums) in groups.items()]
    return sorted(found, key=lambda g: (-g.messages, -g.sources))
