"""A reader of the IPFire location database format, version 1 (``LOCDBXX`` + 1).

The file is big-endian throughout. After the 8-byte magic comes a header of offsets and
lengths into the file: the AS table (number, name) sorted by number, the network records
(country, AS number, flags), the binary prefix tree over 128-bit addresses (IPv4 lives under
``::ffff:0:0/96``), the country table and a pool of NUL-terminated strings. A look-up walks
the tree bit by bit and keeps the last node that carries a network: the longest match.

The file is mapped, not read: opening costs nothing and only the pages a look-up touches are
loaded. Every offset is checked against the file size, so a damaged or hostile file gives
:class:`IpDataError`, never a wrong read outside the file.
"""

from __future__ import annotations

import bisect
import datetime as dt
import mmap
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ..errors import AnalysisError

DEFAULT_PATHS = (
    Path("/var/lib/location/database.db"),  # refreshed by `location update` (package location)
    Path("/usr/share/libloc-location/location.db"),  # package libloc-database
)
MAGIC = b"LOCDBXX"
_HEADER = struct.Struct(
    ">QIIIIIIIIIIIII"
)  # created_at, vendor, description, license, 5 × (offset, length)
_NODE = struct.Struct(">III")  # child for bit 0, child for bit 1, network index
_NETWORK = struct.Struct(">2s2xIH2x")  # country code, AS number, flags
_AS = struct.Struct(">II")  # AS number, name (pool offset)
_NO_NETWORK = 0xFFFFFFFF
_IPV4_BASE = 0xFFFF << 32
_MAX_STRING = 1024


class IpDataError(AnalysisError):
    """The IP data file is missing, unreadable or not a location database."""


@dataclass(frozen=True, slots=True)
class Owner:
    """Who holds a network: AS number and name (``0``/``""`` when unannounced), country."""

    asn: int
    as_name: str
    country: str  # ISO 3166 alpha-2, "" when unknown
    prefix: str  # the matched network, e.g. "149.72.0.0/16"


@dataclass(frozen=True, slots=True)
class _Section:
    offset: int
    length: int


class LocationDatabase:
    """An open ``location.db``; use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with path.open("rb") as handle:
                if os.fstat(handle.fileno()).st_size < len(MAGIC) + 1 + _HEADER.size:
                    raise IpDataError(f"IP data {path}: not an IPFire location database")
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise IpDataError(f"IP data {path}: cannot read it ({exc})") from None
        try:
            self._read_header()
        except (struct.error, IpDataError):
            self._map.close()
            raise IpDataError(f"IP data {path}: not an IPFire location database") from None
        self._as_numbers = [
            _AS.unpack_from(self._map, self._as.offset + i * _AS.size)[0]
            for i in range(self._as.length // _AS.size)
        ]
        self._names: dict[int, str] = {}
        self._v4_cache: dict[int, tuple[int, int | None, int]] = {}
        try:
            self._v4_root = self._descend_to_ipv4()
        except IpDataError:
            self._map.close()
            raise

    def _read_header(self) -> None:
        if self._map[:7] != MAGIC or self._map[7] != 1:
            raise IpDataError("bad magic")
        fields = _HEADER.unpack_from(self._map, 8)
        self.created_at = dt.datetime.fromtimestamp(fields[0], dt.UTC)
        sections = [_Section(fields[i], fields[i + 1]) for i in range(4, 14, 2)]
        for section in sections:
            if section.offset + section.length > len(self._map):
                raise IpDataError("section beyond the end of the file")
        self._as, self._networks, self._tree, self._countries, self._pool = sections
        self.vendor = self._string(fields[1])
        self.licence = self._string(fields[3])

    def _string(self, offset: int) -> str:
        start = self._pool.offset + offset
        if offset >= self._pool.length:
            return ""
        end = self._map.find(
            b"\0", start, min(start + _MAX_STRING, self._pool.offset + self._pool.length)
        )
        raw = self._map[start : end if end >= 0 else start]
        return raw.decode("utf-8", "replace")

    def _descend_to_ipv4(self) -> tuple[int, int | None, int]:
        """The tree node of ``::ffff:0:0/96``, the best network above it, and its depth."""
        return self._walk(0, _IPV4_BASE, 128, 96, best=None, best_depth=0, depth=0)

    def _walk(
        self,
        node: int,
        value: int,
        width: int,
        bits: int,
        *,
        best: int | None,
        best_depth: int,
        depth: int,
    ) -> tuple[int, int | None, int]:
        """Follow *bits* bits of *value* (a *width*-bit number) from *node*.

        Returns the node reached (``-1`` once the tree ends), the deepest network seen and
        that network's depth."""
        data, base, limit, unpack = (
            self._map,
            self._tree.offset,
            self._tree.length,
            _NODE.unpack_from,
        )
        for bit in range(width - 1, width - 1 - bits - 1, -1):
            if node * 12 + 12 > limit:
                raise IpDataError(f"IP data {self.path}: damaged network tree")
            zero, one, network = unpack(data, base + node * 12)
            if network != _NO_NETWORK:
                best, best_depth = network, depth
            if bit < width - bits:
                break  # the last node reached: its network counted, no further bit to follow
            node = one if (value >> bit) & 1 else zero
            depth += 1
            if node == 0:
                return -1, best, best_depth
        return node, best, best_depth

    def lookup(self, ip: str) -> Owner | None:
        """The owner of the most specific network holding *ip*; ``None`` if none does."""
        parsed = _parse(ip)
        if parsed is None:
            return None
        value, width = parsed
        if width == 32:
            node, best, depth = self._v4_prefix(value >> 16)
            if node >= 0:
                _, best, depth = self._walk(
                    node, value & 0xFFFF, 16, 16, best=best, best_depth=depth, depth=112
                )
            depth -= 96
        else:
            _, best, depth = self._walk(0, value, 128, 128, best=None, best_depth=0, depth=0)
        return None if best is None else self._owner(best, value, width, max(depth, 0))

    def _v4_prefix(self, high: int) -> tuple[int, int | None, int]:
        """The walk through the first 16 bits of an IPv4 address, remembered (at most 65,536
        entries: most look-ups of a batch share their /16 with another)."""
        found = self._v4_cache.get(high)
        if found is None:
            start, best, depth = self._v4_root
            found = (
                (start, best, depth)
                if start < 0
                else self._walk(start, high, 16, 16, best=best, best_depth=depth, depth=96)
            )
            self._v4_cache[high] = found
        return found

    def _owner(self, index: int, value: int, width: int, length: int) -> Owner:
        if index * _NETWORK.size + _NETWORK.size > self._networks.length:
            raise IpDataError(f"IP data {self.path}: damaged network table")
        country, asn, _flags = _NETWORK.unpack_from(
            self._map, self._networks.offset + index * _NETWORK.size
        )
        code = country.decode("ascii", "replace").upper() if country.isalpha() else ""
        start = value >> (width - length) << (width - length)
        prefix = (
            f"{socket.inet_ntop(socket.AF_INET, start.to_bytes(4, 'big'))}/{length}"
            if width == 32
            else f"{socket.inet_ntop(socket.AF_INET6, start.to_bytes(16, 'big'))}/{length}"
        )
        return Owner(asn=asn, as_name=self.as_name(asn), country=code, prefix=prefix)

    def as_name(self, asn: int) -> str:
        """The name of AS *asn*, ``""`` if the database does not know it."""
        name = self._names.get(asn)
        if name is None:
            name = self._names[asn] = self._find_as_name(asn)
        return name

    def _find_as_name(self, asn: int) -> str:
        i = bisect.bisect_left(self._as_numbers, asn)
        if asn == 0 or i >= len(self._as_numbers) or self._as_numbers[i] != asn:
            return ""
        _, name = _AS.unpack_from(self._map, self._as.offset + i * _AS.size)
        return self._string(name)

    def close(self) -> None:
        self._map.close()

    def __enter__(self) -> LocationDatabase:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _parse(ip: str) -> tuple[int, int] | None:
    """*ip* as a number and its width in bits (32 or 128); ``None`` if it is no address.

    ``inet_pton`` is strict (no shorthand such as ``10.1``, no zone index) and much faster
    than :mod:`ipaddress` on the many addresses of a large store."""
    for family, width in ((socket.AF_INET, 32), (socket.AF_INET6, 128)):
        try:
            return int.from_bytes(socket.inet_pton(family, ip), "big"), width
        except (OSError, ValueError):
            continue
    return None


def find_database(configured: Path | None = None) -> Path | None:
    """The configured file, else the first of :data:`DEFAULT_PATHS` that exists."""
    if configured is not None:
        return configured
    return next((path for path in DEFAULT_PATHS if path.is_file()), None)
