"""The one DNS client of dmarcwatch, over dnspython: bounded time, answers and failures as values.

Every query returns a frozen :class:`Lookup` saying whether the name had records of the type
(``answer``), existed without them (``nodata``), did not exist (``nxdomain``), or could not be
answered (``error``: timeout, SERVFAIL, REFUSED, no reachable server, over a limit). Nothing
raises for a DNS failure: the caller decides what a failure means (a ``dns-error`` finding in
``check``, a problem line in ``senders update``, an IP left unnamed by reverse DNS).

Time is bounded four ways: each try waits at most ``timeout`` seconds; each query makes at most
``retries + 1`` tries; after three timeouts in a row the server is deemed unreachable and later
queries are not sent at all (they become errors at once); and a run may have a ``deadline``,
after which nothing more is sent. A run also sends at most ``max_queries`` queries, so that a
hostile SPF tree cannot fan out without bound. Answers are cached for the run.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.nameserver
import dns.resolver

from ..errors import InvalidArgument
from .lookup import Lookup, Status

# 2 s per try and one retry: a lost UDP datagram is retried, and a query still ends within 4 s.
DEFAULT_TIMEOUT = 2.0
DEFAULT_RETRIES = 1
DEFAULT_MAX_QUERIES = 250  # per run; an SPF include tree can otherwise fan out without bound
_GIVE_UP_AFTER = 3  # timeouts in a row before the server is deemed unreachable


@dataclass(frozen=True, slots=True)
class Nameserver:
    address: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class ResolverConfig:
    """Which servers to ask and how long to wait; no nameservers means the system's.

    ``deadline`` (seconds from the resolver's creation, ``None`` for none) bounds a whole run.
    """

    nameservers: tuple[Nameserver, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    deadline: float | None = None
    max_queries: int = DEFAULT_MAX_QUERIES


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


def _build(config: ResolverConfig) -> dns.resolver.Resolver:
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
class Resolver:
    """Queries of one run: a cache, a query budget, a deadline, an unreachable-server cut-off."""

    config: ResolverConfig = field(default_factory=ResolverConfig)
    answered: int = 0
    failed: int = 0
    _resolver: dns.resolver.Resolver | None = None
    _cache: dict[tuple[str, str], Lookup] = field(default_factory=dict)
    _consecutive_timeouts: int = 0
    _started: float = field(default_factory=time.monotonic)

    def query(self, name: str, rdtype: str) -> Lookup:
        key = (name.lower().rstrip("."), rdtype.upper())
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._query(*key)
        return cached

    def txt(self, name: str) -> Lookup:
        return self.query(name, "TXT")

    def lookups(self) -> tuple[Lookup, ...]:
        """Every query of this run and its outcome, in the order they were first asked."""
        return tuple(self._cache.values())

    @property
    def unreachable(self) -> bool:
        """Every query sent so far failed, and at least one was sent."""
        return self.answered == 0 and self.failed > 0

    @property
    def time_left(self) -> float | None:
        """Seconds until the run's deadline (``None``: no deadline)."""
        if self.config.deadline is None:
            return None
        return self.config.deadline - (time.monotonic() - self._started)

    @property
    def expired(self) -> bool:
        """The run's deadline has passed: nothing more will be sent."""
        left = self.time_left
        return left is not None and left <= 0

    def _query(self, name: str, rdtype: str) -> Lookup:
        refused = self._refusal()
        if refused:
            return self._fail(name, rdtype, refused)
        try:
            lookup = self._ask(name, rdtype)
        except dns.exception.DNSException as exc:
            if isinstance(exc, dns.exception.Timeout):
                self._consecutive_timeouts += 1
            return self._fail(name, rdtype, _describe(exc))
        self.answered += 1
        self._consecutive_timeouts = 0
        return lookup

    def _refusal(self) -> str:
        """Why a query is not sent at all, or ``""``."""
        if self._consecutive_timeouts >= _GIVE_UP_AFTER:
            return "not sent: the DNS server stopped answering"
        if self.answered + self.failed >= self.config.max_queries:
            return f"not sent: over {self.config.max_queries} queries for one run"
        if self.expired:
            return f"not sent: past the deadline of {self.config.deadline:g} s"
        return ""

    def _ask(self, name: str, rdtype: str) -> Lookup:
        if self._resolver is None:
            self._resolver = _build(self.config)
        lifetime = self._resolver.lifetime
        left = self.time_left
        if left is not None:
            lifetime = max(min(lifetime, left), 0.01)
        try:
            answer = self._resolver.resolve(
                name, rdtype, raise_on_no_answer=False, search=False, lifetime=lifetime
            )
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
    if isinstance(target, dns.name.Name):  # CNAME, PTR
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


__all__ = [
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "Nameserver",
    "NameserverError",
    "Resolver",
    "ResolverConfig",
    "parse_nameserver",
]
