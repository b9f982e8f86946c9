"""Sorted, non-overlapping IP ranges with labels, looked up for many addresses at once.

IPv4 and IPv6 share one key space: every address becomes 16 big-endian bytes (IPv4 as the
IPv4-mapped IPv6 address ``::ffff:a.b.c.d``, RFC 4291 §2.5.5.2), which numpy compares and
sorts like 128-bit integers as ``S16``. Overlapping networks are flattened once, the most
specific network winning, so a lookup is one :func:`numpy.searchsorted` for all addresses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_MAPPED = 0xFFFF << 32
_KEY = "S16"


def address_key(text: str) -> int | None:
    """The 128-bit integer key of an address, or ``None`` when *text* is not an IP address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv4Address):
        return _MAPPED | int(address)
    return int(address)


def network_span(cidr: str) -> tuple[int, int, int]:
    """``(first, last, prefix length)`` of a network in the 128-bit key space."""
    network = ipaddress.ip_network(cidr.strip(), strict=False)
    first, last = int(network.network_address), int(network.broadcast_address)
    if isinstance(network, ipaddress.IPv4Network):
        return _MAPPED | first, _MAPPED | last, network.prefixlen + 96
    return first, last, network.prefixlen


def _to_bytes(values: Iterable[int]) -> npt.NDArray[np.bytes_]:
    return np.array([v.to_bytes(16, "big") for v in values], dtype=_KEY)


@dataclass(frozen=True)
class RangeTable:
    """Disjoint ranges ``[starts[i], ends[i]]`` (inclusive) sorted by start, each with a label."""

    starts: npt.NDArray[np.bytes_]
    ends: npt.NDArray[np.bytes_]
    labels: npt.NDArray[np.object_]

    @classmethod
    def build(cls, networks: Iterable[tuple[str, str]]) -> RangeTable:
        """Build from ``(cidr, label)`` pairs; where networks overlap the longest prefix wins."""
        spans = sorted({(*network_span(cidr), label) for cidr, label in networks})
        segments = _flatten(spans)
        return cls(
            starts=_to_bytes(s for s, _, _ in segments),
            ends=_to_bytes(e for _, e, _ in segments),
            labels=np.array([label for _, _, label in segments], dtype=object),
        )

    def __len__(self) -> int:
        return len(self.labels)

    def lookup_keys(self, keys: Sequence[int | None]) -> npt.NDArray[np.object_]:
        """The label for each key (``None`` for keys in no range, or ``None`` keys)."""
        result = np.full(len(keys), None, dtype=object)
        if len(self) == 0 or len(keys) == 0:
            return result
        packed = _to_bytes(k if k is not None else 0 for k in keys)
        index = np.searchsorted(self.starts, packed, side="right") - 1
        safe = np.clip(index, 0, None)
        hit = (index >= 0) & (packed <= self.ends[safe])
        hit &= np.array([k is not None for k in keys], dtype=bool)
        result[hit] = self.labels[safe[hit]]
        return result

    def lookup(self, addresses: Sequence[str]) -> npt.NDArray[np.object_]:
        """The label of the range holding each address text, ``None`` if none or not an IP."""
        return self.lookup_keys([address_key(a) for a in addresses])


def _flatten(spans: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """Cut overlapping networks into disjoint segments labelled by the most specific network."""
    bounds = sorted({s for s, _, _, _ in spans} | {e + 1 for _, e, _, _ in spans})
    segments: list[tuple[int, int, str]] = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        covering = [(p, label) for s, e, p, label in spans if s <= low and high - 1 <= e]
        if not covering:
            continue
        label = max(covering)[1]
        if segments and segments[-1][2] == label and segments[-1][1] == low - 1:
            segments[-1] = (segments[-1][0], high - 1, label)
        else:
            segments.append((low, high - 1, label))
    return segments
