"""Walk an SPF record through DNS the way a receiver would (RFC 7208 §4.6.4, §5, §6.1).

The walk is static: it visits every term, as a receiver evaluating a source IP that matches
nothing would, which is the case the limits exist for. It counts the terms that cause DNS
look-ups (at most 10 per evaluation) and the look-ups that return nothing (at most 2), and cuts
include/redirect loops. Each include/redirect target is fetched and walked once: a target
reached again adds its cost to the counts (a receiver evaluates it again) without being
walked again, so a hostile tree cannot make the walk fan out.

Like a receiver, the walk asks DNS nothing more once a limit is exceeded: the terms that follow
in records already fetched are still counted (that costs no look-up), so ``lookup_count`` is
then a lower bound and :attr:`SpfWalk.stopped` names the term where receivers give up.

``check`` reads the counts, the broken terms and the final ``all``. ``senders update`` walks
with ``addresses=True``: the addresses behind ``a`` and ``mx`` terms are resolved too, and
:attr:`SpfWalk.networks` lists the networks the record authorises (``+`` terms reached through
``+`` includes) that a receiver reaches before a limit is exceeded.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Protocol

from .lookup import Lookup, Status, mx_hosts
from .spf import (
    COUNTED,
    LOOKUP_LIMIT,
    MX_LIMIT,
    VOID_LIMIT,
    SpfRecord,
    Term,
    parse_spf,
    spf_records,
)

MAX_DEPTH = 10  # include nesting followed before giving up (a loop is caught before that)


class Queries(Protocol):
    """What the walk asks of a resolver (:class:`~.resolver.Resolver` in production)."""

    def query(self, name: str, rdtype: str) -> Lookup: ...

    def txt(self, name: str) -> Lookup: ...


@dataclass(frozen=True, slots=True)
class Network:
    """A network a record authorises, and the counts of the walk when it was met."""

    cidr: str
    lookups: int
    voids: int


@dataclass(frozen=True, slots=True)
class _Cost:
    """What walking one target cost, to add again when it is reached again."""

    lookups: int
    voids: int
    final_all: Term | None


@dataclass
class SpfWalk:
    """What a full evaluation of a record would cost and meet.

    ``lookups`` and ``voids`` are evidence lines, one per term walked; ``lookup_count`` and
    ``void_count`` are the counts a receiver reaches (targets reached twice count twice), at
    least, when the walk ``stopped`` at a limit.
    """

    lookups: list[str] = field(default_factory=list)
    voids: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    dns_errors: list[Lookup] = field(default_factory=list)
    reached: set[str] = field(default_factory=set)
    mechanisms: set[tuple[str, str]] = field(default_factory=set)
    ptr_terms: list[str] = field(default_factory=list)
    unfollowed: list[str] = field(default_factory=list)
    final_all: Term | None = None
    found: list[Network] = field(default_factory=list)
    lookup_count: int = 0
    void_count: int = 0
    stopped: str | None = None  # the term a receiver ends with permerror on, past a limit

    @property
    def evidence(self) -> tuple[str, ...]:
        return tuple(self.lookups)

    @property
    def over_limits(self) -> bool:
        """A receiver would stop with ``permerror`` (RFC 7208 §4.6.4)."""
        return self.lookup_count > LOOKUP_LIMIT or self.void_count > VOID_LIMIT

    @property
    def networks(self) -> list[str]:
        """The networks met before a limit was exceeded, each once, in the order met."""
        within = (n.cidr for n in self.found if n.lookups <= LOOKUP_LIMIT and n.voids <= VOID_LIMIT)
        return list(dict.fromkeys(within))

    def count_lookup(self, line: str) -> None:
        self.lookups.append(line)
        self.lookup_count += 1
        self._note_stop(line)

    def count_void(self, line: str) -> None:
        self.voids.append(line)
        self.void_count += 1
        self._note_stop(line)

    def _note_stop(self, line: str) -> None:
        if self.stopped is None and self.over_limits:
            self.stopped = line


def walk_spf(
    resolver: Queries, domain: str, record: SpfRecord, *, addresses: bool = False
) -> SpfWalk:
    """Follow every look-up term of *record* (published at *domain*) recursively."""
    walker = _Walker(resolver, addresses)
    walker.walk.final_all = walker.visit(domain, record, (domain,))
    return walker.walk


@dataclass
class _Walker:
    resolver: Queries
    addresses: bool
    walk: SpfWalk = field(default_factory=SpfWalk)
    authorising: bool = True  # every include on the way here had the + qualifier
    done: dict[str, _Cost] = field(default_factory=dict)

    def visit(self, domain: str, record: SpfRecord, path: tuple[str, ...]) -> Term | None:
        """Visit one record; return the ``all`` term that ends its evaluation, if any."""
        for term in record.terms:
            if not term.modifier:
                self.mechanism(domain, term, path)
        redirect = record.modifier("redirect")
        if record.all_term is not None or redirect is None or redirect.target is None:
            return record.all_term
        self.walk.count_lookup(f"{domain}: {redirect.raw}")
        if self.walk.over_limits:
            return None  # a receiver stopped before fetching the redirect target
        return self.follow(domain, redirect, path)

    def mechanism(self, domain: str, term: Term, path: tuple[str, ...]) -> None:
        target = (term.target or domain).rstrip(".").lower()
        self.walk.mechanisms.add((term.name, target))
        if term.name in ("ip4", "ip6") and term.target and term.qualifier == "+":
            self.collect(term.target)
        if term.name not in COUNTED:
            return
        self.walk.count_lookup(f"{domain}: {term.raw}")
        if self.walk.over_limits:
            return  # counted; a receiver asks nothing more (RFC 7208 §4.6.4)
        if term.has_macro:
            self.walk.unfollowed.append(f"{domain}: {term.raw}")
        elif term.name == "include":
            self.include(domain, term, path)
        elif term.name == "ptr":
            self.walk.ptr_terms.append(f"{domain}: {term.raw}")
        else:
            self.probe(domain, term, target)

    def include(self, domain: str, term: Term, path: tuple[str, ...]) -> None:
        outer = self.authorising
        self.authorising = outer and term.qualifier == "+"
        try:
            self.follow(domain, term, path)
        finally:
            self.authorising = outer

    def probe(self, domain: str, term: Term, target: str) -> None:
        """Run the look-up of an ``a``, ``mx`` or ``exists`` term and note void answers."""
        first = self.resolver.query(target, "MX" if term.name == "mx" else "A")
        lookups = [first]
        if term.name == "a" and (first.void or self.addresses):
            lookups.append(self.resolver.query(target, "AAAA"))
        self.walk.dns_errors.extend(lk for lk in lookups if not lk.ok)
        if all(lk.void for lk in lookups):
            self.walk.count_void(f"{domain}: {term.raw} ({target}: {_nothing(lookups[-1])})")
        if term.name == "mx" and len(first.values) > MX_LIMIT:
            count = len(first.values)
            self.walk.broken.append(f"{domain}: {term.raw} has {count} MX hosts (limit 10)")
        if self.addresses and term.name in ("a", "mx") and term.qualifier == "+":
            self.collect_addresses(term, lookups if term.name == "a" else self.mx_addresses(first))

    def mx_addresses(self, mx: Lookup) -> list[Lookup]:
        """The A and AAAA answers of the first 10 exchanges (RFC 7208 §4.6.4)."""
        hosts = [h for h in mx_hosts(mx)[:MX_LIMIT] if h not in ("", "@", ".")]
        found = [self.resolver.query(h, rdtype) for h in hosts for rdtype in ("A", "AAAA")]
        self.walk.dns_errors.extend(lk for lk in found if not lk.ok)
        return found

    def collect_addresses(self, term: Term, lookups: list[Lookup]) -> None:
        v4, v6 = term.prefixes
        for lookup in lookups:
            prefix = v4 if lookup.rdtype == "A" else v6
            for address in lookup.values:
                self.collect(f"{address}/{prefix}")

    def collect(self, text: str) -> None:
        if not self.authorising:
            return
        try:
            cidr = str(ipaddress.ip_network(text, strict=False))
        except ValueError:
            return
        self.walk.found.append(Network(cidr, self.walk.lookup_count, self.walk.void_count))

    def follow(self, domain: str, term: Term, path: tuple[str, ...]) -> Term | None:
        """Fetch and visit the record an ``include:`` or ``redirect=`` points to."""
        target = (term.target or "").rstrip(".").lower()
        if term.has_macro:
            self.walk.unfollowed.append(f"{domain}: {term.raw}")
            return None
        if target in path or len(path) > MAX_DEPTH:
            self.walk.broken.append(f"{domain}: {term.raw} loops back to {target}")
            return None
        self.walk.reached.add(target)
        cost = self.done.get(target)
        if cost is not None:  # walked before: count it again, do not walk it again
            self.walk.lookup_count += cost.lookups
            self.walk.void_count += cost.voids
            return cost.final_all
        record = self.fetch(domain, term, target)
        if record is None:
            return None
        lookups, voids = self.walk.lookup_count, self.walk.void_count
        self.walk.broken.extend(f"{target}: {error}" for error in record.errors)
        final = self.visit(target, record, (*path, target))
        spent = _Cost(self.walk.lookup_count - lookups, self.walk.void_count - voids, final)
        self.done[target] = spent
        return final

    def fetch(self, domain: str, term: Term, target: str) -> SpfRecord | None:
        """The one SPF record at *target*, or ``None`` with the reason noted."""
        lookup = self.resolver.txt(target)
        if not lookup.ok:
            self.walk.dns_errors.append(lookup)
            return None
        if lookup.void:
            self.walk.count_void(f"{domain}: {term.raw} ({target}: {_nothing(lookup)})")
        records = spf_records(lookup)
        if len(records) != 1:
            found = "no SPF record" if not records else f"{len(records)} SPF records"
            self.walk.broken.append(f"{domain}: {term.raw} ({target} has {found})")
            return None
        return parse_spf(records[0])


def _nothing(lookup: Lookup) -> str:
    return "no such name" if lookup.status is Status.NXDOMAIN else "no record"
