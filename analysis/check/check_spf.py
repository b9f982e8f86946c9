"""SPF rules: what the SPF record of a domain means for receivers (reference §7.1)."""

from __future__ import annotations

from collections.abc import Sequence

from ..dns.lookup import Lookup
from ..dns.resolver import Resolver
from ..dns.spf import (
    LOOKUP_LIMIT,
    SIZE_BUDGET,
    VOID_LIMIT,
    SpfRecord,
    parse_spf,
    spf_records,
)
from ..dns.spfwalk import SpfWalk, walk_spf
from .model import Observation, Severity
from .origins import KnownSender, cname_evidence
from .textual import dns_error, txt_evidence

NEAR_LIMIT = 8  # warn from here (reference §7.1)


def check_spf(
    resolver: Resolver, domain: str, apex: Lookup, senders: Sequence[KnownSender]
) -> list[Observation]:
    """Findings about the SPF record published at *domain* (TXT answer *apex*).

    *senders* are the services known to send for *domain*: its record must include each one.
    """
    if not apex.ok:
        return [dns_error(apex)]
    records = spf_records(apex)
    evidence = txt_evidence(apex)
    if not records:
        return [_missing(domain, senders, evidence)]
    if len(records) > 1:
        count = len(records)
        return [_obs("spf-multiple-records", Severity.CRITICAL, evidence, count=count)]
    record = parse_spf(records[0])
    walk = walk_spf(resolver, domain, record)
    found = _syntax(record, evidence) + _limits(walk) + _all(record, walk, evidence)
    found += _hygiene(record, walk, evidence) + _coverage(domain, walk, senders, evidence)
    found += [dns_error(lookup) for lookup in walk.dns_errors]
    if not any(o.severity in (Severity.CRITICAL, Severity.WARNING) for o in found):
        qualifier = walk.final_all.raw if walk.final_all else "?all"
        found.append(_obs("spf-ok", Severity.OK, evidence, count=walk.lookup_count, all=qualifier))
    return found


def _obs(key: str, severity: Severity, evidence: Sequence[str], **params: str | int) -> Observation:
    return Observation(key.split(".", 1)[0], severity, key, params, tuple(evidence))


def _missing(domain: str, senders: Sequence[KnownSender], evidence: tuple[str, ...]) -> Observation:
    includes = [f"include:{s.dns.spf_includes[0]}" for s in senders if s.dns.spf_includes]
    suggestion = " ".join(["v=spf1", *includes, "~all"])
    return _obs("spf-missing", Severity.WARNING, evidence, suggestion=suggestion)


def _syntax(record: SpfRecord, evidence: tuple[str, ...]) -> list[Observation]:
    if not record.errors:
        return []
    return [_obs("spf-invalid", Severity.CRITICAL, evidence, detail="; ".join(record.errors))]


def _limits(walk: SpfWalk) -> list[Observation]:
    found = []
    count = walk.lookup_count
    if count > LOOKUP_LIMIT:
        evidence = [*walk.lookups, f"receivers stop with permerror at: {walk.stopped}"]
        found.append(_obs("spf-too-many-lookups", Severity.CRITICAL, evidence, count=count))
    elif count >= NEAR_LIMIT:
        found.append(_obs("spf-lookups-near-limit", Severity.WARNING, walk.lookups, count=count))
    voids = walk.void_count
    if voids:
        over = voids > VOID_LIMIT
        key = "spf-void-lookups.over" if over else "spf-void-lookups.some"
        severity = Severity.CRITICAL if over else Severity.WARNING
        found.append(_obs(key, severity, walk.voids, count=voids, terms="; ".join(walk.voids)))
    if walk.broken:
        detail = "; ".join(walk.broken)
        found.append(_obs("spf-include-broken", Severity.CRITICAL, walk.broken, detail=detail))
    return found


def _all(record: SpfRecord, walk: SpfWalk, evidence: tuple[str, ...]) -> list[Observation]:
    """``+all`` lets anyone pass; ``?all`` or no ``all`` gives neutral (RFC 7208 §4.7, §5.1)."""
    final = walk.final_all
    if final is not None and final.qualifier == "+":
        return [_obs("spf-permissive-all.plus", Severity.CRITICAL, evidence)]
    if final is not None and final.qualifier == "?":
        return [_obs("spf-permissive-all.neutral", Severity.WARNING, evidence)]
    if final is None and record.modifier("redirect") is None:
        return [_obs("spf-permissive-all.missing", Severity.WARNING, evidence)]
    return []


def _hygiene(record: SpfRecord, walk: SpfWalk, evidence: tuple[str, ...]) -> list[Observation]:
    found = []
    if walk.ptr_terms:
        found.append(_obs("spf-ptr", Severity.WARNING, walk.ptr_terms))
    if len(record.text) > SIZE_BUDGET:
        found.append(
            _obs("spf-record-too-long", Severity.WARNING, evidence, length=len(record.text))
        )
    if walk.unfollowed:
        terms = ", ".join(walk.unfollowed)
        found.append(_obs("spf-macro-unchecked", Severity.INFO, walk.unfollowed, terms=terms))
    return found


def _coverage(
    domain: str, walk: SpfWalk, senders: Sequence[KnownSender], evidence: tuple[str, ...]
) -> list[Observation]:
    """Each sender's SPF name must be reached through include/redirect (or named by a term).

    The finding says how the sender became known (its strongest origin names the text).
    """
    named = walk.reached | {target for _, target in walk.mechanisms}
    found = []
    for known in senders:
        sender = known.dns
        if not sender.spf_includes or named & set(sender.spf_includes):
            continue
        params: dict[str, str | int] = {
            "sender": sender.name,
            "include": sender.spf_includes[0],
            "found_by": known.found_by,
        }
        if known.cname is not None:
            params |= {"name": known.cname.name, "target": known.cname.values[0]}
        found.append(
            Observation(
                "spf-sender-not-covered",
                Severity.WARNING,
                f"spf-sender-not-covered.{known.origins[0].value}",
                params,
                (*cname_evidence(known), *evidence),
                sender=sender.id,
            )
        )
    return found
