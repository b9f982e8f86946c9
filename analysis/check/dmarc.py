"""DMARC records: parsing and validation, policy discovery by both RFCs, report destinations.

:func:`parse_dmarc` is pure. :func:`discover` finds the record a receiver would apply to a
domain, once as RFC 7489 §6.6.3 does it (the name itself, then its Public-Suffix-List
Organizational Domain) and once as RFC 9989 §4.10 does it (the DNS tree walk), so the check
can say where the two disagree. :func:`check_destination` verifies a ``rua`` host: the
external-destination authorisation record (RFC 7489 §7.1, RFC 9990) and its MX.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from dmarcwatch.analysis.check.dns import DnsClient, Lookup, Status, mx_hosts
from dmarcwatch.analysis.check.names import is_valid_domain, org_domain_psl, walk_names

POLICIES = ("none", "quarantine", "reject")
REMOVED_TAGS = ("pct", "rf", "ri")  # RFC 9989 Appendix C.5.2
_KNOWN_TAGS = {"v", "p", "sp", "np", "adkim", "aspf", "fo", "rua", "ruf", "t", "psd", *REMOVED_TAGS}
_CHOICES = {
    "sp": POLICIES,
    "np": POLICIES,
    "adkim": ("r", "s"),
    "aspf": ("r", "s"),
    "t": ("y", "n"),
    "psd": ("y", "n", "u"),
}
_CANDIDATE = re.compile(r"^\s*v\s*=\s*dmarc1\s*(;|$)", re.IGNORECASE)
_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$", re.DOTALL)
_MAX_NAME = 253


@dataclass(frozen=True, slots=True)
class ReportUri:
    """One ``rua``/``ruf`` URI: ``mailto:`` address, its host, and any obsolete ``!size``."""

    raw: str
    address: str = ""
    host: str = ""
    size: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A defect of a DMARC record; ``fatal`` ones make receivers ignore the record or its p=."""

    detail: str
    fatal: bool = False


@dataclass(frozen=True, slots=True)
class DmarcRecord:
    text: str
    tags: dict[str, str]
    problems: tuple[Problem, ...] = ()
    rua: tuple[ReportUri, ...] = ()
    ruf: tuple[ReportUri, ...] = ()

    @property
    def policy(self) -> str | None:
        value = self.tags.get("p", "").lower()
        return value if value in POLICIES else None

    def subdomain_policy(self, exists: bool = True) -> str | None:
        """The policy for a subdomain that inherits this record (RFC 9989 §4.10.1)."""
        tag = "sp" if exists else "np"
        value = self.tags.get(tag, self.tags.get("sp", "") if tag == "np" else "").lower()
        return value if value in POLICIES else self.policy


def is_dmarc_candidate(text: str) -> bool:
    """A TXT record that claims to be DMARC: its first tag is ``v=DMARC1`` (RFC 9989 §4.10)."""
    return bool(_CANDIDATE.match(text))


def looks_like_dmarc(text: str) -> bool:
    """A near miss: mentions DMARC1 but does not start with a valid ``v=DMARC1`` tag."""
    return "dmarc1" in text.lower() and not is_dmarc_candidate(text)


def parse_dmarc(text: str) -> DmarcRecord:
    """Parse and validate a DMARC record (RFC 7489 §6.3, RFC 9989 §4.7); never raises."""
    tags: dict[str, str] = {}
    problems: list[Problem] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _TAG.match(part)
        if not match:
            problems.append(Problem(f"not a tag=value pair: {part!r}", fatal=True))
            continue
        name, value = match.group(1).lower(), match.group(2).strip()
        if name in tags:
            problems.append(Problem(f"tag {name}= appears twice", fatal=True))
        tags.setdefault(name, value)
    problems.extend(_version_problems(text, tags))
    problems.extend(_value_problems(tags))
    rua = _parse_uris(tags.get("rua", ""))
    ruf = _parse_uris(tags.get("ruf", ""))
    problems.extend(Problem(f"rua: {u.error}") for u in rua if u.error)
    problems.extend(Problem(f"ruf: {u.error}") for u in ruf if u.error)
    return DmarcRecord(text, tags, tuple(problems), rua, ruf)


def _version_problems(text: str, tags: dict[str, str]) -> list[Problem]:
    problems = []
    if not text.startswith("v=DMARC1"):
        problems.append(Problem("the record must start exactly with v=DMARC1 (case-sensitive)"))
    if "p" not in tags:
        problems.append(Problem("no p= tag (RFC 7489 requires it; RFC 9989 reads it as p=none)"))
    elif list(tags)[1:2] != ["p"]:
        problems.append(Problem("p= does not directly follow v=DMARC1, as RFC 7489 requires"))
    return problems


def _value_problems(tags: dict[str, str]) -> list[Problem]:
    problems = []
    if "p" in tags and tags["p"].lower() not in POLICIES:
        problems.append(Problem(f"p={tags['p']} is not none, quarantine or reject", fatal=True))
    for name, allowed in _CHOICES.items():
        if name in tags and tags[name].lower() not in allowed:
            problems.append(Problem(f"{name}={tags[name]} is not one of {', '.join(allowed)}"))
    if "fo" in tags and not re.fullmatch(r"[01ds](:[01ds])*", tags["fo"].replace(" ", "")):
        problems.append(Problem(f"fo={tags['fo']} is not a colon list of 0, 1, d and s"))
    if "pct" in tags and not (tags["pct"].isdigit() and int(tags["pct"]) <= 100):
        problems.append(Problem(f"pct={tags['pct']} is not a number from 0 to 100"))
    unknown = sorted(set(tags) - _KNOWN_TAGS)
    problems.extend(Problem(f"unknown tag {name}= (receivers ignore it)") for name in unknown)
    rua = [u for u in tags.get("rua", "").split(",") if u.strip()]
    if len(rua) > 2:
        problems.append(Problem(f"{len(rua)} rua addresses; receivers only promise to use 2"))
    return problems


def _parse_uris(value: str) -> tuple[ReportUri, ...]:
    return tuple(_parse_uri(raw.strip()) for raw in value.split(",") if raw.strip())


def _parse_uri(raw: str) -> ReportUri:
    """A ``mailto:`` report URI, with the obsolete ``!size`` suffix split off (RFC 7489 §6.2)."""
    uri, _, size = raw.partition("!")
    if not uri.lower().startswith("mailto:"):
        return ReportUri(raw, error=f"{raw!r} is not a mailto: address")
    address = urllib.parse.unquote(uri[len("mailto:") :]).strip()
    local, at, host = address.rpartition("@")
    host = host.rstrip(".").lower()
    if not at or not local or not is_valid_domain(host):
        return ReportUri(raw, address, error=f"{raw!r} is not a valid mail address")
    if size and not re.fullmatch(r"\d+[kmgt]?", size.lower()):
        return ReportUri(raw, address, host, size, error=f"bad size limit in {raw!r}")
    return ReportUri(raw, address, host, size)


@dataclass(frozen=True, slots=True)
class RecordSet:
    """The DMARC records at one ``_dmarc`` name."""

    domain: str
    lookup: Lookup
    candidates: tuple[str, ...]

    @property
    def single(self) -> DmarcRecord | None:
        return parse_dmarc(self.candidates[0]) if len(self.candidates) == 1 else None


def fetch_records(client: DnsClient, domain: str) -> RecordSet:
    lookup = client.txt(f"_dmarc.{domain}")
    return RecordSet(domain, lookup, tuple(v for v in lookup.values if is_dmarc_candidate(v)))


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
        psd = [name for name, r in found.items() if r.tags.get("psd", "").lower() == "y"]
        for name in [self.org_domain, *psd]:
            if name in found:
                return Applied(name, found[name], found[name].subdomain_policy())
        return None

    @property
    def org_domain(self) -> str:
        """§4.10.2: psd=n names it, psd=y names the label below, else the shortest name."""
        found = [(s.domain, s.single) for s in self.valid]
        for name, record in found:
            psd = record.tags.get("psd", "").lower() if record else ""
            if psd == "n":
                return name
            if psd == "y" and name != self.start:
                return _one_label_below(self.start, name)
        if not found:
            return self.start
        return min(found, key=lambda pair: pair[0].count("."))[0]


def _one_label_below(start: str, name: str) -> str:
    labels = start.split(".")
    return ".".join(labels[-(name.count(".") + 2) :])


def tree_walk(client: DnsClient, domain: str) -> Walk:
    """Query ``_dmarc`` at *domain* and each parent, stopping at a ``psd=y|n`` record."""
    walk = Walk(domain)
    for name in walk_names(domain):
        record_set = fetch_records(client, name)
        walk.sets.append(record_set)
        record = record_set.single
        if record is not None and record.tags.get("psd", "").lower() in ("y", "n"):
            break
    return walk


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


def discover(client: DnsClient, domain: str) -> Discovery:
    walk = tree_walk(client, domain)
    at_domain = walk.sets[0]
    psl_org = org_domain_psl(domain)
    return Discovery(domain, at_domain, psl_org, _psl_applied(client, at_domain, psl_org), walk)


def _psl_applied(client: DnsClient, at_domain: RecordSet, org: str) -> Applied | None:
    """RFC 7489 §6.6.3: the record at the name; if there is none at all, the org domain's."""
    if at_domain.candidates:
        record = at_domain.single
        return Applied(at_domain.domain, record, record.policy) if record else None
    if org == at_domain.domain:
        return None
    record = fetch_records(client, org).single
    return Applied(org, record, record.subdomain_policy()) if record else None


@dataclass(frozen=True, slots=True)
class Destination:
    """What a receiver finds when it wants to send reports for *policy_domain* to *uri*."""

    uri: ReportUri
    needs_psl: bool
    needs_walk: bool
    authorisation: Lookup | None
    authorised: bool
    mx: Lookup
    address: Lookup | None

    @property
    def needs_authorisation(self) -> bool:
        return self.needs_psl or self.needs_walk


def check_destination(
    client: DnsClient, policy_domain: str, policy_walk_org: str, uri: ReportUri
) -> Destination:
    """Does *uri* accept reports for *policy_domain*? (RFC 7489 §7.1, RFC 9990 §3).

    Authorisation is needed when the URI's host is in another Organizational Domain, by the
    Public Suffix List (RFC 7489) or by the tree walk (RFC 9989): both are computed.
    """
    host = uri.host
    needs_psl = org_domain_psl(host) != org_domain_psl(policy_domain)
    needs_walk = tree_walk(client, host).org_domain != policy_walk_org
    authorisation = None
    authorised = False
    if needs_psl or needs_walk:
        authorisation, authorised = _authorisation(client, policy_domain, host)
    mx = client.query(host, "MX")
    address = client.query(host, "A") if mx.void else None
    return Destination(uri, needs_psl, needs_walk, authorisation, authorised, mx, address)


def authorisation_name(policy_domain: str, host: str) -> str:
    return f"{policy_domain}._report._dmarc.{host}"


def _authorisation(client: DnsClient, policy_domain: str, host: str) -> tuple[Lookup | None, bool]:
    name = authorisation_name(policy_domain, host)
    if len(name) > _MAX_NAME:  # RFC 9990: a name too long for DNS means no authorisation
        return None, False
    lookup = client.txt(name)
    return lookup, any(is_dmarc_candidate(value) for value in lookup.values)


def mx_state(destination: Destination) -> str:
    """``ok``, ``null-mx``, ``address-only``, ``none``, ``nxdomain`` or ``error``."""
    mx = destination.mx
    if not mx.ok:
        return "error"
    if mx.status is Status.ANSWER:
        hosts = mx_hosts(mx)
        return "null-mx" if hosts in (["@"], [""], ["."]) else "ok"
    if mx.status is Status.NXDOMAIN:
        return "nxdomain"
    address = destination.address
    if address is not None and address.status is Status.ANSWER:
        return "address-only"
    return "none"
