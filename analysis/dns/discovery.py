"""Which DMARC record applies to a domain, and its Organizational Domain, by both RFCs.

:func:`tree_walk` is the RFC 9989 §4.10 DNS tree walk: ``_dmarc`` at the name and each parent,
stopping at a ``psd=y|n`` record. :func:`discover` finds the record a receiver would apply,
once as RFC 7489 §6.6.3 does it (the name itself, then its Public-Suffix-List Organizational
Domain) and once by the tree walk, so callers can say where the two disagree.

The walk reads TXT records from any :class:`TxtSource`: the :class:`~.resolver.Resolver`
(live DNS, for ``check``) or :class:`KnownRecords` (records known beforehand, for the
analysis of stored reports, which never queries DNS).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .dmarc import DmarcRecord, candidates, parse_dmarc
from .lookup import Lookup, Status
from .names import normalise, psl_org_domain, walk_names


class TxtSource(Protocol):
    def txt(self, name: str) -> Lookup: ...


@dataclass(frozen=True, slots=True)
class RecordSet:
    """The DMARC records at one ``_dmarc`` name, and the one a receiver uses (``single``)."""

    domain: str
    lookup: Lookup
    candidates: tuple[str, ...]
    single: DmarcRecord | None


def fetch_records(source: TxtSource, domain: str) -> RecordSet:
    lookup = source.txt(f"_dmarc.{domain}")
    found = candidates(lookup.values)
    single = parse_dmarc(found[0]) if len(found) == 1 else None
    return RecordSet(domain, lookup, found, single)


class KnownRecords:
    """TXT records at ``_dmarc`` names known beforehand: a :class:`TxtSource` without DNS.

    *records* maps a domain to the TXT strings at ``_dmarc.<domain>``; a domain absent from
    it has no such name (NXDOMAIN). The record set of each domain is read once.
    """

    def __init__(self, records: Mapping[str, Sequence[str]]) -> None:
        self._records = {normalise(k): tuple(v) for k, v in records.items()}
        self._sets: dict[str, RecordSet] = {}

    def txt(self, name: str) -> Lookup:
        values = self._records.get(normalise(name.removeprefix("_dmarc.")))
        if values is None:
            return Lookup(name, "TXT", Status.NXDOMAIN)
        return Lookup(name, "TXT", Status.ANSWER, values)

    def record_set(self, domain: str) -> RecordSet:
        found = self._sets.get(domain)
        if found is None:
            found = self._sets[domain] = fetch_records(self, domain)
        return found


@dataclass(frozen=True, slots=True)
class Applied:
    """The record a receiver applies to a domain and the policy it gets from it."""

    found_at: str
    record: DmarcRecord
    policy: str | None


@dataclass
class Walk:
    """An RFC 9989 §4.10 tree walk: the record sets met, the policy, the org domain."""

    start: str
    sets: list[RecordSet] = field(default_factory=list)

    @property
    def valid(self) -> list[RecordSet]:
        return [s for s in self.sets if s.single is not None]

    @property
    def applied(self) -> Applied | None:
        """§4.10.1: the record at the name, else at its Organizational Domain, else the PSD's.

        An inherited record gives ``sp`` (the name is assumed to exist: it is being checked).
        """
        found = {s.domain: s.single for s in self.valid if s.single is not None}
        if self.start in found:
            record = found[self.start]
            return Applied(self.start, record, record.policy)
        psd = [name for name, r in found.items() if r.psd == "y"]
        for name in [self.org_domain, *psd]:
            if name in found:
                return Applied(name, found[name], found[name].subdomain_policy())
        return None

    @property
    def org_domain(self) -> str:
        """§4.10.2: psd=n names it, psd=y names the label below, else the shortest name."""
        found = [(s.domain, s.single) for s in self.valid if s.single is not None]
        for name, record in found:
            if record.psd == "n":
                return name
            if record.psd == "y" and name != self.start:
                return _one_label_below(self.start, name)
        if not found:
            return self.start
        return min(found, key=lambda pair: pair[0].count("."))[0]


def _one_label_below(start: str, name: str) -> str:
    labels = start.split(".")
    return ".".join(labels[-(name.count(".") + 2) :])


def tree_walk(source: TxtSource, domain: str) -> Walk:
    """Query ``_dmarc`` at *domain* and each parent, stopping at a ``psd=y|n`` record."""
    walk = Walk(domain)
    for name in walk_names(domain):
        record_set = _record_set(source, name)
        walk.sets.append(record_set)
        if record_set.single is not None and record_set.single.psd in ("y", "n"):
            break
    return walk


def _record_set(source: TxtSource, domain: str) -> RecordSet:
    if isinstance(source, KnownRecords):
        return source.record_set(domain)
    return fetch_records(source, domain)


@dataclass
class Discovery:
    """What each RFC makes of the domain: the record applied and the Organizational Domain."""

    domain: str
    at_domain: RecordSet
    psl_org: str
    psl_applied: Applied | None
    walk: Walk

    @property
    def walk_org(self) -> str:
        return self.walk.org_domain


def discover(source: TxtSource, domain: str) -> Discovery:
    walk = tree_walk(source, domain)
    at_domain = walk.sets[0]
    psl_org = psl_org_domain(domain)
    return Discovery(domain, at_domain, psl_org, _psl_applied(source, at_domain, psl_org), walk)


def _psl_applied(source: TxtSource, at_domain: RecordSet, org: str) -> Applied | None:
    """RFC 7489 §6.6.3: the record at the name; if there is none at all, the org domain's."""
    if at_domain.candidates:
        record = at_domain.single
        return Applied(at_domain.domain, record, record.policy) if record else None
    if org == at_domain.domain:
        return None
    record = fetch_records(source, org).single
    return Applied(org, record, record.subdomain_policy()) if record else None


def tree_walk_org_domain(name: str, records: Mapping[str, Sequence[str]]) -> str:
    """The RFC 9989 Organizational Domain of *name*, given the TXT strings at ``_dmarc`` names."""
    return tree_walk(KnownRecords(records), normalise(name)).org_domain


class OrgDomains:
    """Both kinds of Organizational Domain for many names, with the known DMARC records fixed."""

    def __init__(self, records: Mapping[str, Sequence[str]]) -> None:
        self._source = KnownRecords(records)
        self._tree: dict[str, str] = {}

    @classmethod
    def from_policy_domains(cls, domains: Sequence[str]) -> OrgDomains:
        """Assume a plain DMARC record at each domain a report was published for."""
        return cls({d: ("v=DMARC1",) for d in domains if d})

    def psl(self, name: str) -> str:
        return psl_org_domain(name)

    def tree(self, name: str) -> str:
        name = normalise(name)
        if name not in self._tree:
            self._tree[name] = tree_walk(self._source, name).org_domain
        return self._tree[name]
