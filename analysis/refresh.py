"""Refresh the catalogue's IP networks from the senders' published SPF records (RFC 7208).

Each SPF name is walked by the DNS layer's SPF walker (:mod:`dmarcwatch.analysis.dns.spfwalk`)
with RFC 7208's limits, as receivers apply them: ``include:`` and ``redirect=`` followed, loops
cut, each target walked once, the addresses of ``a``/``mx`` terms resolved, and only the
networks a receiver reaches before it has counted more than 10 DNS-querying terms or more
than 2 void look-ups kept (past that it stops with ``permerror``). The run is bounded by
the resolver (per-try timeout, retries, deadline). A sender whose expansion failed keeps its
bundled networks.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from .catalogue import Catalogue
from .dns.resolver import Resolver
from .dns.spf import LOOKUP_LIMIT, VOID_LIMIT, parse_spf, spf_records
from .dns.spfwalk import SpfWalk, walk_spf

GIVE_UP_AFTER = 3  # names in a row without any answer before the first success: offline


@dataclass
class Expansion:
    cidrs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lookups: int = 0


def expand(resolver: Resolver, name: str) -> Expansion:
    """Every network the SPF record of *name* authorises, following includes."""
    name = name.lower()
    lookup = resolver.txt(name)
    if not lookup.ok:
        return Expansion(problems=[f"{name}: DNS failure or timeout"])
    records = spf_records(lookup)
    if len(records) != 1:
        return Expansion(problems=[f"{name}: no usable SPF record"])
    record = parse_spf(records[0])
    walk = walk_spf(resolver, name, record, addresses=True)
    problems = [f"{name}: {error}" for error in record.errors]
    problems += walk.broken + _limit_problems(name, walk)
    problems += list(dict.fromkeys(f"{lk.name}: DNS failure or timeout" for lk in walk.dns_errors))
    return Expansion(walk.networks, problems, walk.lookup_count)


def _limit_problems(name: str, walk: SpfWalk) -> list[str]:
    """Networks past a limit are left out: receivers stop there with permerror (§4.6.4)."""
    problems = []
    if walk.lookup_count > LOOKUP_LIMIT:
        problems.append(
            f"{name}: more than {LOOKUP_LIMIT} DNS look-ups (receivers stop at {walk.stopped})"
        )
    if walk.void_count > VOID_LIMIT:
        problems.append(f"{name}: {walk.void_count} void look-ups, over the limit of {VOID_LIMIT}")
    return problems


def refresh_networks(
    catalogue: Catalogue, resolver: Resolver
) -> tuple[dict[str, list[str]], list[str]]:
    """Networks per sender id from its ``spf`` names; and the problems met on the way."""
    networks: dict[str, list[str]] = {}
    problems: list[str] = []
    failures = 0
    for sender in catalogue.senders:
        cidrs: list[str] = []
        for name in sender.spf:
            if failures >= GIVE_UP_AFTER and not networks:
                return networks, [*problems, "no DNS answer at all: stopped (offline?)"]
            found = expand(resolver, name)
            failures += not found.cidrs
            cidrs += found.cidrs
            problems += [f"{sender.id}: {p}" for p in found.problems]
        if cidrs:
            networks[sender.id] = sorted(set(cidrs), key=_order)
    return networks, problems


def _order(cidr: str) -> tuple[int, int]:
    network = ipaddress.ip_network(cidr)
    return network.version, int(network.network_address)
