"""A bounded dnspython resolver for the optional look-ups of the analysis (SPF, reverse DNS).

Every query has a timeout and every batch a deadline; failures are results, not exceptions.
The analysis itself never queries DNS; only ``senders update`` and ``senders --rdns`` do.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import dns.exception
import dns.resolver

from dmarcwatch.analysis.check import dns as posture_dns


@dataclass(frozen=True, slots=True)
class DnsSettings:
    nameservers: tuple[tuple[str, int], ...] = ()  # empty: the system's resolvers
    timeout: float = 3.0  # per query
    deadline: float = 30.0  # per batch


def parse_nameserver(text: str) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT`` or ``[V6]:PORT`` → (address, port); the check's own parser.

    Raises :class:`analysis.check.dns.NameserverError` (a :class:`ValueError`).
    """
    server = posture_dns.parse_nameserver(text)
    return server.address, server.port


def make_resolver(settings: DnsSettings) -> dns.resolver.Resolver:
    configure = not settings.nameservers
    resolver = dns.resolver.Resolver(configure=configure)
    if settings.nameservers:
        resolver.nameservers = [h for h, _ in settings.nameservers]
        resolver.nameserver_ports = dict(settings.nameservers)
    resolver.timeout = settings.timeout
    resolver.lifetime = settings.timeout
    resolver.cache = None
    return resolver


class Budget:
    """A deadline shared by the queries of one batch."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    @property
    def left(self) -> float:
        return self._end - time.monotonic()

    @property
    def spent(self) -> bool:
        return self.left <= 0


def query_texts(
    resolver: dns.resolver.Resolver, name: str, rdtype: str, budget: Budget
) -> Sequence[str] | None:
    """Record texts of *name*/*rdtype*; ``[]`` for no data, ``None`` for a failure or timeout."""
    if budget.spent:
        return None
    try:
        answer = resolver.resolve(
            name, rdtype, lifetime=min(resolver.lifetime, max(budget.left, 0.1))
        )
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.DNSException, OSError, ValueError):
        return None
    if rdtype == "TXT":
        return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]
    return [r.to_text() for r in answer]
