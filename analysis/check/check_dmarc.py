"""DMARC rules: which record applies, is it valid, and do its reports arrive (reference §7.2)."""

from __future__ import annotations

from collections.abc import Sequence

from ..dns.discovery import Applied, Discovery, discover, tree_walk
from ..dns.dmarc import (
    REMOVED_TAGS,
    DmarcRecord,
    ReportUri,
    is_dmarc_candidate,
    looks_like_dmarc,
)
from ..dns.lookup import Lookup
from ..dns.names import is_public_suffix, psl_org_domain
from ..dns.resolver import Resolver
from .destinations import (
    Destination,
    authorisation_name,
    check_destination,
    mx_state,
)
from .model import Observation, Severity
from .textual import describe, dns_error


def check_dmarc(resolver: Resolver, domain: str, apex: Lookup) -> list[Observation]:
    """Findings about the DMARC record that receivers apply to *domain*."""
    discovery = discover(resolver, domain)
    at_domain = discovery.at_domain
    if not at_domain.lookup.ok:
        return [dns_error(at_domain.lookup)]
    found = _record_set_problems(discovery) + _misplaced(apex)
    failed = _failed_parents(discovery)
    found += [dns_error(lookup) for lookup in failed]
    applied = discovery.walk.applied or discovery.psl_applied
    if applied is None:
        if not (at_domain.candidates or failed or _near_misses(at_domain.lookup)):
            found.append(_missing(discovery))
        return found
    found += _discovery_differs(discovery)
    found += _record_checks(resolver, discovery, applied)
    return found


def _obs(
    key: str, severity: Severity, evidence: Sequence[str], **params: str | int | tuple[str, ...]
) -> Observation:
    return Observation(key.split(".", 1)[0], severity, key, params, tuple(evidence))


def _failed_parents(discovery: Discovery) -> list[Lookup]:
    """Failed ``_dmarc`` lookups above the domain that could hide the record that applies.

    A failure at a public suffix (``_dmarc.ch``) is ignored: records there are rare, and a
    server authoritative only for the practice's zone refuses such names.
    """
    return [
        s.lookup
        for s in discovery.walk.sets[1:]
        if not s.lookup.ok and not is_public_suffix(s.domain)
    ]


def _near_misses(lookup: Lookup) -> list[str]:
    return [value for value in lookup.values if looks_like_dmarc(value)]


def _record_set_problems(discovery: Discovery) -> list[Observation]:
    at_domain = discovery.at_domain
    evidence = (describe(at_domain.lookup),)
    found = []
    if len(at_domain.candidates) > 1:
        count = len(at_domain.candidates)
        found.append(
            _obs(
                "dmarc-multiple-records",
                Severity.CRITICAL,
                evidence,
                name=at_domain.domain,
                count=count,
            )
        )
    if not at_domain.candidates:
        for text in _near_misses(at_domain.lookup):
            found.append(
                _obs(
                    "dmarc-invalid.near-miss",
                    Severity.CRITICAL,
                    evidence,
                    name=at_domain.domain,
                    detail=text,
                )
            )
    return found


def _misplaced(apex: Lookup) -> list[Observation]:
    if any(is_dmarc_candidate(value) for value in apex.values):
        return [_obs("dmarc-misplaced", Severity.WARNING, (describe(apex),))]
    return []


def _missing(discovery: Discovery) -> Observation:
    evidence = [describe(s.lookup) for s in discovery.walk.sets]
    return _obs("dmarc-missing", Severity.CRITICAL, evidence)


def _label(applied: Applied | None) -> str:
    if applied is None:
        return "none"
    return f"_dmarc.{applied.found_at} (p={applied.policy or 'none'})"


def _discovery_differs(discovery: Discovery) -> list[Observation]:
    """Flag where RFC 7489 and the RFC 9989 tree walk would see the domain differently (§2.3)."""
    psl, walk = discovery.psl_applied, discovery.walk.applied
    evidence = [describe(s.lookup) for s in discovery.walk.sets]
    same_source = (psl and psl.found_at) == (walk and walk.found_at)
    if not same_source or (psl and walk and psl.policy != walk.policy):
        return [
            _obs(
                "dmarc-discovery-differs.policy",
                Severity.WARNING,
                evidence,
                psl=_label(psl),
                walk=_label(walk),
            )
        ]
    if discovery.psl_org != discovery.walk_org:
        return [
            _obs(
                "dmarc-discovery-differs.org",
                Severity.INFO,
                evidence,
                psl_org=discovery.psl_org,
                walk_org=discovery.walk_org,
            )
        ]
    return []


def _record_checks(resolver: Resolver, discovery: Discovery, applied: Applied) -> list[Observation]:
    record, name = applied.record, applied.found_at
    evidence = (f'TXT _dmarc.{name}: "{record.text}"',)
    found = _validity(record, name, evidence) + _tags(record, name, applied, evidence)
    if name != discovery.domain:
        policy = applied.policy or "none"
        found.append(_obs("dmarc-inherited", Severity.INFO, evidence, found_at=name, policy=policy))
    if not record.rua:
        found.append(_obs("dmarc-no-rua", Severity.WARNING, evidence, name=name))
    walk_org = (
        discovery.walk_org if name == discovery.domain else tree_walk(resolver, name).org_domain
    )
    for uri in record.rua:
        if not uri.error:
            found += _destination(check_destination(resolver, name, walk_org, uri), name)
    if applied.policy in (None, "none"):
        found.append(_obs("dmarc-policy-none", Severity.INFO, evidence))
    if not any(p.fatal for p in record.problems):
        policy = applied.policy or "none"
        found.append(_obs("dmarc-ok", Severity.OK, evidence, name=name, policy=policy))
    return found


def _validity(record: DmarcRecord, name: str, evidence: Sequence[str]) -> list[Observation]:
    found = []
    for problem in record.problems:
        key = "dmarc-invalid.fatal" if problem.fatal else "dmarc-invalid.minor"
        severity = Severity.CRITICAL if problem.fatal else Severity.WARNING
        found.append(_obs(key, severity, evidence, name=name, detail=problem.detail))
    return found


def _tags(
    record: DmarcRecord, name: str, applied: Applied, evidence: Sequence[str]
) -> list[Observation]:
    found = []
    removed = [tag for tag in REMOVED_TAGS if tag in record.tags]
    pct = record.tags.get("pct", "100")
    if pct.isdigit() and int(pct) < 100 and applied.policy not in (None, "none"):
        found.append(_obs("dmarc-removed-tags.pct", Severity.WARNING, evidence, name=name, pct=pct))
    elif removed:
        tags = tuple(f"{tag}=" for tag in removed)
        found.append(
            _obs(
                "dmarc-removed-tags", Severity.INFO, evidence, name=name, tags=tags, count=len(tags)
            )
        )
    if record.tags.get("t", "").lower() == "y":
        policy = applied.policy or "none"
        found.append(_obs("dmarc-testing", Severity.INFO, evidence, name=name, policy=policy))
    for uri in record.rua:
        if uri.size and not uri.error:
            found.append(
                _obs("dmarc-rua-size", Severity.INFO, evidence, uri=uri.raw, size=uri.size)
            )
    return found


def _destination(destination: Destination, policy_domain: str) -> list[Observation]:
    return _authorisation(destination, policy_domain) + _mailbox(destination)


def _authorisation(destination: Destination, policy_domain: str) -> list[Observation]:
    """External report destinations must opt in (RFC 7489 §7.1; reference §3.3)."""
    if not destination.needs_authorisation:
        return []
    uri: ReportUri = destination.uri
    lookup = destination.authorisation
    if lookup is not None and not lookup.ok:
        return [dns_error(lookup)]
    name = authorisation_name(policy_domain, uri.host)
    evidence = (describe(lookup),) if lookup else (f"{name}: longer than DNS allows",)
    params: dict[str, str | int] = {"host": uri.host, "policy_domain": policy_domain, "name": name}
    if destination.authorised:
        return [_obs("dmarc-rua-authorized", Severity.OK, evidence, **params)]
    if destination.needs_psl:
        return [_obs("dmarc-rua-not-authorized.both", Severity.CRITICAL, evidence, **params)]
    params["host_org"] = psl_org_domain(uri.host)
    return [_obs("dmarc-rua-not-authorized.treewalk", Severity.WARNING, evidence, **params)]


def _mailbox(destination: Destination) -> list[Observation]:
    """The report address must be able to receive mail: an MX for its domain (reference §7.2)."""
    state = mx_state(destination)
    host = destination.uri.host
    evidence = [describe(destination.mx)]
    if destination.address is not None:
        evidence.append(describe(destination.address))
    if state == "error":
        return [dns_error(destination.mx)]
    if state == "ok":
        return []
    # No MX at all may still get mail through a fallback the check cannot see: a warning;
    # a name that does not exist, or a null MX (RFC 7505), refuses mail for certain.
    severity = Severity.CRITICAL if state in ("nxdomain", "null-mx") else Severity.WARNING
    return [_obs(f"dmarc-rua-no-mx.{state}", severity, evidence, host=host)]
