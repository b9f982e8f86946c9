"""The sender inventory: per policy domain, the senders the practice says it uses.

An approval names a sender of the catalogue (``sendgrid``), a network (``203.0.113.0/24`` or a
single address) or an autonomous system (``AS11377``). A row of the analysis is approved when
its sender, its source address or its network's AS is approved for its domain. Approvals are
kept in the store (``senders approve``/``revoke``, with who and when) and may also come from
the config, for deployments managed as code; both count.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from . import columns as c
from .errors import InvalidArgument

if TYPE_CHECKING:  # the store's read layer imports Approval without pandas
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from .catalogue import Catalogue

_ASN = re.compile(r"(?i)as(\d{1,10})")
MAX_NOTE = 500


class Kind(StrEnum):
    SENDER = "sender"
    NETWORK = "network"
    ASN = "asn"


class InvalidApproval(InvalidArgument):
    """An approval target that is neither a known sender, an IP/CIDR nor AS<number>."""


@dataclass(frozen=True, slots=True)
class Approval:
    domain: str
    kind: Kind
    value: str  # catalogue id, normalised CIDR, or AS number in decimal
    note: str = ""
    approved_by: str = ""
    approved_at: dt.datetime | None = None  # None: from the config

    @property
    def label(self) -> str:
        return f"AS{self.value}" if self.kind is Kind.ASN else self.value


def parse_target(domain: str, target: str, catalogue: Catalogue, note: str = "") -> Approval:
    """The approval *target* describes for *domain*; :class:`InvalidApproval` if unclear."""
    name = domain.strip().lower().rstrip(".")
    if not name or len(name) > 253:
        raise InvalidApproval(f"{domain!r} is not a domain name")
    text = target.strip()
    note = note.strip()[:MAX_NOTE]
    if match := _ASN.fullmatch(text):
        number = int(match.group(1))
        if not 0 < number < 2**32:
            raise InvalidApproval(f"{target!r}: AS numbers run from 1 to 4294967295")
        return Approval(name, Kind.ASN, str(number), note)
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        pass
    else:
        return Approval(name, Kind.NETWORK, str(network), note)
    sender = _sender_id(text, catalogue)
    if sender is None:
        raise InvalidApproval(
            f"{target!r} is neither a known sender (see 'dmarcwatch senders'), an IP address "
            "or network, nor AS<number>"
        )
    return Approval(name, Kind.SENDER, sender, note)


def _sender_id(text: str, catalogue: Catalogue) -> str | None:
    wanted = text.lower()
    for sender in catalogue.senders:
        if wanted in (sender.id.lower(), sender.name.lower()):
            return sender.id
    return None


@dataclass(frozen=True, slots=True)
class Inventory:
    """The approvals of one domain, ready to match rows against."""

    senders: frozenset[str]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    asns: frozenset[int]

    @classmethod
    def of(cls, approvals: Iterable[Approval]) -> Inventory:
        chosen = list(approvals)
        return cls(
            senders=frozenset(a.value for a in chosen if a.kind is Kind.SENDER),
            networks=tuple(ipaddress.ip_network(a.value) for a in chosen if a.kind is Kind.NETWORK),
            asns=frozenset(int(a.value) for a in chosen if a.kind is Kind.ASN),
        )

    def approved(self, rows: pd.DataFrame) -> npt.NDArray[np.bool_]:
        """Which *rows* come from an approved sender, network or AS."""
        ips = rows[c.SOURCE_IP].astype(str)
        in_network = {ip: self._in_networks(ip) for ip in ips.unique()}
        approved = rows[c.SENDER].isin(self.senders) | ips.map(in_network).astype(bool)
        if c.ASN in rows and self.asns:
            approved |= rows[c.ASN].isin(self.asns)
        return approved.to_numpy(dtype=bool)

    def _in_networks(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def inventories(approvals: Iterable[Approval]) -> Mapping[str, Inventory]:
    """One :class:`Inventory` per domain that has approvals."""
    by_domain: dict[str, list[Approval]] = {}
    for approval in approvals:
        by_domain.setdefault(approval.domain, []).append(approval)
    return {domain: Inventory.of(found) for domain, found in by_domain.items()}
