"""Refresh the catalogue's IP networks from the senders' published SPF records (RFC 7208).

``include:`` and ``redirect=`` are followed; ``ip4:``/``ip6:`` collected; ``a``/``mx`` of the
sender's own names resolved. Bounded: at most :data:`MAX_LOOKUPS` DNS look-ups per sender
(SPF's limit is 10; senders' trees are within it), loops cut, one deadline for the batch.
A sender whose expansion failed keeps its bundled networks.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import dns.resolver

from dmarcwatch.analysis.catalogue import Catalogue
from dmarcwatch.analysis.dnsclient import Budget, query_texts

MAX_LOOKUPS = 20
GIVE_UP_AFTER = 3  # names in a row without any answer before the first success: offline


@dataclass
class Expansion:
    cidrs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lookups: int = 0


def spf_record(texts: list[str]) -> str | None:
    """The single ``v=spf1`` record among TXT texts (RFC 7208 §4.5), else ``None``."""
    found = [t for t in texts if t.lower() == "v=spf1" or t.lower().startswith("v=spf1 ")]
    return found[0] if len(found) == 1 else None


def expand(
    resolver: dns.resolver.Resolver, name: str, budget: Budget, seen: set[str] | None = None
) -> Expansion:
    """Every network the SPF record of *name* authorises, following includes."""
    result = Expansion()
    _expand(resolver, name.lower(), budget, seen if seen is not None else set(), result)
    return result


def _expand(
    resolver: dns.resolver.Resolver, name: str, budget: Budget, seen: set[str], out: Expansion
) -> None:
    if name in seen or out.lookups >= MAX_LOOKUPS:
        out.problems.append(f"{name}: loop or too many look-ups")
        return
    seen.add(name)
    out.lookups += 1
    texts = query_texts(resolver, name, "TXT", budget)
    record = spf_record(list(texts)) if texts else None
    if record is None:
        out.problems.append(f"{name}: no usable SPF record" if texts is not None else
                            f"{name}: DNS failure or timeout")  # fmt: skip
        return
    for term in record.split()[1:]:
        _term(resolver, name, term=term.lstrip("+"), budget=budget, seen=seen, out=out)


def _term(
    resolver: dns.resolver.Resolver,
    name: str,
    *,
    term: str,
    budget: Budget,
    seen: set[str],
    out: Expansion,
) -> None:
    low = term.lower()
    if low.startswith(("ip4:", "ip6:")):
        try:
            out.cidrs.append(str(ipaddress.ip_network(term[4:], strict=False)))
        except ValueError:
            out.problems.append(f"{name}: bad term {term[:60]!r}")
    elif low.startswith(("include:", "redirect=")):
        _expand(resolver, term.split(":", 1)[-1].split("=", 1)[-1].lower(), budget, seen, out)
    elif low in ("a", "mx"):
        _addresses(resolver, name, low, budget, out)


def _addresses(
    resolver: dns.resolver.Resolver, name: str, kind: str, budget: Budget, out: Expansion
) -> None:
    hosts = [name]
    if kind == "mx":
        out.lookups += 1
        hosts = [t.split()[-1].rstrip(".") for t in query_texts(resolver, name, "MX", budget) or []]
    for host in hosts[:10]:
        for rdtype, size in (("A", 32), ("AAAA", 128)):
            out.lookups += 1
            for addr in query_texts(resolver, host, rdtype, budget) or []:
                out.cidrs.append(f"{addr}/{size}")


def refresh_networks(
    catalogue: Catalogue, resolver: dns.resolver.Resolver, budget: Budget
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
            found = expand(resolver, name, budget)
            failures += not found.cidrs
            cidrs += found.cidrs
            problems += [f"{sender.id}: {p}" for p in found.problems]
        if cidrs:
            networks[sender.id] = sorted(set(cidrs), key=_order)
    return networks, problems


def _order(cidr: str) -> tuple[int, int]:
    network = ipaddress.ip_network(cidr)
    return network.version, int(network.network_address)
