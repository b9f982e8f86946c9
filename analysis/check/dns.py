"""A small DNS client over dnspython: bounded time, answers as values, failures as values.

Every query returns a :class:`Lookup` saying whether the name had records of the type
(``answer``), existed without them (``nodata``), did not exist (``nxdomain``), or could not be
answered (``error``: timeout, SERVFAIL, REFUSED, no reachable server). Nothing raises for a DNS
failure: the posture check turns an ``error`` into a ``dns-error`` finding.

Time is bounded three ways: each try waits at most ``timeout`` seconds, each query makes at
most ``retries + 1`` tries, and after three timeouts in a row the server is deemed unreachable
and later queries of the check are not sent at all (they become errors at once).
"""

from __future__ import annotations

import enum
import ipaddress
import socket
from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.nameserver
import dns.resolver

from dmarcwatch.analysis.errors import InvalidArgument

DEFAULT_TIMEOUT = 2.0
DEFAULT_RETRIES = 1
_GIVE_UP_AFTER = 3  # timeouts in a row before the server is deemed unreachable
_MAX_QUERIES = 250  # per check; SPF include trees can otherwise fan out without bound


class Status(enum.StrEnum):
    ANSWER = "answer"
    NODATA = "nodata"
    NXDOMAIN = "nxdomain"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Nameserver:
    address: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class ResolverConfig:
    """Which servers to ask and how long to wait; no nameservers means the system's."""

    nameservers: tuple[Nameserver, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES


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


class NameserverError(InvalidArgument):
    """A ``--nameserver`` value that is neither an address nor a resolvable host name."""


def parse_nameserver(text: str) -> Nameserver:
    """Parse ``HOST``, ``HOST:PORT``, ``[IPv6]:PORT`` or a bare IPv6 address."""
    host, port = _split_host_port(text.strip())
    if not 0 < port < 65536:
        raise NameserverError(f"port out of range in {text!r}")
    try:
        return Nameserver(str(ipaddress.ip_address(host)), port)
    except ValueError:
        return Nameserver(_address_of(host, text), port)


def _split_host_port(text: str) -> tuple[str, int]:
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise NameserverError(f"bad nameserver {text!r}: use [ADDRESS]:PORT")
        return host, _port(rest[1:] if rest else "53", text)
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, _port(port, text)
    return text, 53


def _port(text: str, whole: str) -> int:
    if not text.isdigit():
        raise NameserverError(f"bad port in nameserver {whole!r}")
    return int(text)


def _address_of(host: str, whole: str) -> str:
    if not host:
        raise NameserverError(f"empty host in nameserver {whole!r}")
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)
    except (OSError, UnicodeError) as exc:
        raise NameserverError(f"cannot resolve nameserver {whole!r}: {exc}") from exc
    return str(infos[0][4][0])


def build_resolver(config: ResolverConfig) -> dns.resolver.Resolver:
    """A dnspython resolver that asks the configured servers (or the system's)."""
    resolver = dns.resolver.Resolver(configure=not config.nameservers)
    if config.nameservers:
        resolver.nameservers = [
            dns.nameserver.Do53Nameserver(ns.address, port=ns.port) for ns in config.nameservers
        ]
    resolver.timeout = config.timeout
    resolver.lifetime = config.timeout * (config.retries + 1)
    resolver.retry_servfail = False
    resolver.cache = None
    return resolver


@dataclass
class DnsClient:
    """Queries with a per-check cache, a query budget and an unreachable-server cut-off."""

    config: ResolverConfig
    answered: int = 0
    failed: int = 0
    _resolver: dns.resolver.Resolver | None = None
    _cache: dict[tuple[str, str], Lookup] = field(default_factory=dict)
    _consecutive_timeouts: int = 0

    def query(self, name: str, rdtype: str) -> Lookup:
        key = (name.lower().rstrip("."), rdtype.upper())
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._query(*key)
        return cached

    def txt(self, name: str) -> Lookup:
        return self.query(name, "TXT")

    @property
    def unreachable(self) -> bool:
        """Every query sent so far failed, and at least one was sent."""
        return self.answered == 0 and self.failed > 0

    def _query(self, name: str, rdtype: str) -> Lookup:
        if self._consecutive_timeouts >= _GIVE_UP_AFTER:
            return self._fail(name, rdtype, "not sent: the DNS server stopped answering")
        if self.answered + self.failed >= _MAX_QUERIES:
            return self._fail(name, rdtype, f"not sent: over {_MAX_QUERIES} queries for one check")
        try:
            lookup = self._ask(name, rdtype)
        except dns.exception.DNSException as exc:
            if isinstance(exc, dns.exception.Timeout):
                self._consecutive_timeouts += 1
            return self._fail(name, rdtype, _describe(exc))
        self.answered += 1
        self._consecutive_timeouts = 0
        return lookup

    def _ask(self, name: str, rdtype: str) -> Lookup:
        if self._resolver is None:
            self._resolver = build_resolver(self.config)
        try:
            answer = self._resolver.resolve(name, rdtype, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            return Lookup(name, rdtype, Status.NXDOMAIN)
        canonical = answer.canonical_name.to_text(omit_final_dot=True).lower()
        if answer.rrset is None:
            return Lookup(name, rdtype, Status.NODATA, canonical=canonical)
        values = tuple(_present(rdata) for rdata in answer.rrset)
        return Lookup(name, rdtype, Status.ANSWER, values, canonical)

    def _fail(self, name: str, rdtype: str, error: str) -> Lookup:
        self.failed += 1
        return Lookup(name, rdtype, Status.ERROR, error=error)


def _present(rdata: object) -> str:
    strings = getattr(rdata, "strings", None)
    if strings is not None:  # TXT: the strings of one record are concatenated (RFC 7208 §3.3)
        return b"".join(strings).decode("utf-8", errors="replace")
    target = getattr(rdata, "target", None)
    if isinstance(target, dns.name.Name):  # CNAME
        return target.to_text(omit_final_dot=True).lower()
    exchange = getattr(rdata, "exchange", None)
    if isinstance(exchange, dns.name.Name):  # MX
        return f"{getattr(rdata, 'preference', 0)} {exchange.to_text(omit_final_dot=True).lower()}"
    return str(rdata)


def _describe(exc: dns.exception.DNSException) -> str:
    if isinstance(exc, dns.resolver.LifetimeTimeout | dns.exception.Timeout):
        return "timed out"
    if isinstance(exc, dns.resolver.NoNameservers):
        return "no server answered (SERVFAIL or REFUSED)"
    if isinstance(exc, dns.resolver.NoResolverConfiguration):
        return "no nameserver configured on this system"
    return type(exc).__name__


def mx_hosts(lookup: Lookup) -> list[str]:
    """The exchange names of an MX answer, most preferred first."""
    pairs = []
    for value in lookup.values:
        preference, _, host = value.partition(" ")
        pairs.append((int(preference) if preference.isdigit() else 0, host))
    return [host for _, host in sorted(pairs)]


__all__ = [
    "DnsClient",
    "Lookup",
    "Nameserver",
    "NameserverError",
    "ResolverConfig",
    "Status",
    "mx_hosts",
    "parse_nameserver",
]
