"""DKIM rules: keys at the selectors in use, SendGrid's CNAMEs, key health (reference §7.3)."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..dns.lookup import Status
from ..dns.resolver import Resolver
from .dkim import (
    MIN_RSA_BITS,
    RECOMMENDED_RSA_BITS,
    DkimKey,
    ReturnPathProbe,
    SelectorProbe,
    probe_return_path,
    probe_selector,
)
from .model import Actor, Observation, Params, Severity
from .senders import COMMON_SELECTORS, SENDGRID, sender_name
from .textual import describe, dns_error

SENDGRID_SELECTORS = ("s1", "s2")


class Source(enum.IntEnum):
    """Why a selector is checked; a lower value is stronger evidence that mail uses it."""

    GIVEN = 0  # --selector
    REPORTS = 1  # seen in stored aggregate reports
    SENDER = 2  # the default selector of a declared or seen sender
    PROBE = 3  # a common selector tried because nothing else is known


@dataclass(frozen=True, slots=True)
class SelectorRequest:
    selector: str
    source: Source
    sender: str | None = None


def plan_selectors(requests: Sequence[SelectorRequest], sendgrid: bool) -> list[SelectorRequest]:
    """One request per selector, strongest source first; probes only when nothing is known."""
    wanted = list(requests)
    if sendgrid:
        wanted += [SelectorRequest(s, Source.SENDER, SENDGRID) for s in SENDGRID_SELECTORS]
    if not wanted:
        wanted = [SelectorRequest(s, Source.PROBE) for s in COMMON_SELECTORS]
    best: dict[str, SelectorRequest] = {}
    for request in sorted(wanted, key=lambda r: r.source):
        best.setdefault(request.selector.lower(), request)
    return sorted(best.values(), key=lambda r: _CHECK_ORDER[r.source])


_CHECK_ORDER = {Source.GIVEN: 0, Source.SENDER: 1, Source.REPORTS: 2, Source.PROBE: 3}
"""Known selectors (named, or a sender's) are checked before those reports name: anyone can
send a report, and its selectors must not use up the DNS budget first."""


def check_dkim(
    resolver: Resolver,
    domain: str,
    requests: Sequence[SelectorRequest],
    sendgrid: bool,
    return_paths: Sequence[str] = (),
) -> list[Observation]:
    """Findings about the DKIM keys of *domain* and, for SendGrid, its return-path names."""
    plan = plan_selectors(requests, sendgrid)
    probes = {r.selector: probe_selector(resolver, domain, r.selector) for r in plan}
    sendgrid = sendgrid or any(_sendgrid_hint(p) for p in probes.values())
    if sendgrid and not all(s in probes for s in SENDGRID_SELECTORS):
        plan = plan_selectors([*plan, *_sendgrid_requests()], sendgrid)
        probes = {r.selector: probe_selector(resolver, domain, r.selector) for r in plan}
    found: list[Observation] = []
    sendgrid_missing = sendgrid and _sendgrid_absent(probes)
    if sendgrid_missing:
        found.append(_sendgrid_not_authenticated(probes))
    for request in plan:
        probe = probes[request.selector]
        if sendgrid and request.selector in SENDGRID_SELECTORS:
            found += [] if sendgrid_missing else _check_sendgrid_selector(probe, request.source)
        else:
            found += _check_selector(probe, request)
    found += _none_found(plan, probes)
    if sendgrid:
        found += _check_return_paths(resolver, return_paths)
    return found


def _sendgrid_requests() -> list[SelectorRequest]:
    return [SelectorRequest(s, Source.SENDER, SENDGRID) for s in SENDGRID_SELECTORS]


def _obs(
    key: str,
    severity: Severity,
    evidence: Sequence[str],
    params: Params,
    sender: str | None = None,
    *,
    actor: Actor = Actor.PRACTICE,
) -> Observation:
    return Observation(key.split(".", 1)[0], severity, key, params, tuple(evidence), actor, sender)


def _params(probe: SelectorProbe, **extra: str | int) -> dict[str, str | int]:
    return {"name": probe.name, "selector": probe.selector, **extra}


def _evidence(probe: SelectorProbe) -> list[str]:
    plain_txt = probe.cname.status is not Status.ANSWER and probe.txt.status is Status.ANSWER
    lines = [describe(probe.txt)] if plain_txt else [describe(probe.cname), describe(probe.txt)]
    if probe.doubled is not None and probe.doubled.status is Status.ANSWER:
        lines.append(describe(probe.doubled))
    return [_LONG_KEY.sub(_shorten_key, line) for line in lines]


_LONG_KEY = re.compile(r"(p=\s*)([A-Za-z0-9+/=\s]{40,})")


def _shorten_key(match: re.Match[str]) -> str:
    """Keys are long and say nothing to a reader: keep the start and the length."""
    key = re.sub(r"\s+", "", match.group(2))
    return f"{match.group(1)}{key[:24]}…({len(key)} characters)"


def _absent(probe: SelectorProbe) -> bool:
    return probe.cname.void and probe.txt.void


def _doubled(probe: SelectorProbe) -> bool:
    return probe.doubled is not None and probe.doubled.status is Status.ANSWER


def _sendgrid_absent(probes: dict[str, SelectorProbe]) -> bool:
    """No trace of SendGrid domain authentication: no s1/s2 at all, nor at a doubled name."""
    sendgrid = [probes[s] for s in SENDGRID_SELECTORS if s in probes]
    if any(not _absent(p) or _doubled(p) or p.errors for p in sendgrid):
        return False
    return not any(p.points_to_sendgrid for p in probes.values())


def _sendgrid_not_authenticated(probes: dict[str, SelectorProbe]) -> Observation:
    evidence = [describe(probes[s].txt) for s in SENDGRID_SELECTORS if s in probes]
    key = "dkim-missing.sendgrid"
    return _obs(key, Severity.CRITICAL, evidence, {}, SENDGRID, actor=Actor.VENDOR)


def _sendgrid_hint(probe: SelectorProbe) -> bool:
    """A CNAME at s1/s2._domainkey (or at its zone-doubled name) is SendGrid's (reference §4.1)."""
    if probe.points_to_sendgrid:
        return True
    return probe.selector in SENDGRID_SELECTORS and (
        probe.cname_target is not None or _doubled(probe)
    )


def _check_sendgrid_selector(probe: SelectorProbe, source: Source) -> list[Observation]:
    """SendGrid's s1/s2 must be CNAMEs to SendGrid that end in a key (reference §4.1, §4.3 f)."""
    if probe.errors:
        return [dns_error(lk) for lk in probe.errors]
    broken = _sendgrid_breakage(probe)
    if broken is not None:
        return [broken]
    if probe.cname_target is None:  # a key copied as TXT: works until SendGrid rotates it
        key = "dkim-sendgrid-cname-broken.txt-copy"
        copy = _obs(key, Severity.WARNING, _evidence(probe), _params(probe), SENDGRID)
        return [copy, *_check_key(probe, source, SENDGRID)]
    return _check_key(probe, source, SENDGRID)


def _sendgrid_breakage(probe: SelectorProbe) -> Observation | None:
    """The ways a SendGrid DKIM CNAME breaks: doubled zone, missing, elsewhere, dangling."""
    evidence = _evidence(probe)
    target = probe.cname_target
    if probe.doubled is not None and _doubled(probe):
        key, params = "doubled", _params(probe, doubled=probe.doubled.name)
    elif _absent(probe):
        key, params = "missing", _params(probe)
    elif target is None:
        return None
    elif not probe.points_to_sendgrid:
        key, params = "elsewhere", _params(probe, target=target, state=_state(probe))
    elif not probe.keys:
        key, params = "dangling", _params(probe, target=target, state=_state(probe))
    else:
        return None
    weak = key == "elsewhere" and probe.keys
    severity = Severity.WARNING if weak else Severity.CRITICAL
    return _obs(f"dkim-sendgrid-cname-broken.{key}", severity, evidence, params, SENDGRID)


def _state(probe: SelectorProbe) -> str:
    if probe.txt.status is Status.NXDOMAIN:
        return "NXDOMAIN"
    return "key found" if probe.keys else "no key record"


def _check_selector(probe: SelectorProbe, request: SelectorRequest) -> list[Observation]:
    if probe.errors:
        return [dns_error(lk) for lk in probe.errors]
    if probe.keys:
        return _check_key(probe, request.source, request.sender)
    evidence = _evidence(probe)
    if probe.cname_target is not None:  # delegated, but nothing at the end of the CNAME
        severity = _by_source(request.source)
        return [_obs("dkim-missing.given", severity, evidence, _params(probe), request.sender)]
    if request.source <= Source.REPORTS:
        key = "dkim-missing.given"
        return [_obs(key, Severity.CRITICAL, evidence, _params(probe), request.sender)]
    if request.source == Source.SENDER and request.sender:
        params = _params(probe, sender=sender_name(request.sender))
        return [_obs("dkim-missing.sender", Severity.WARNING, evidence, params, request.sender)]
    return []


def _by_source(source: Source) -> Severity:
    """A dead key breaks mail at a selector known to be used; a probed one may be retired."""
    return Severity.WARNING if source == Source.PROBE else Severity.CRITICAL


def _check_key(probe: SelectorProbe, source: Source, sender: str | None) -> list[Observation]:
    """Key record health: present, not revoked, RSA of at least 1024 bits (RFC 6376 §3.6.1)."""
    key = probe.key
    if key is None:
        return []
    evidence = _evidence(probe)
    found = []
    if len(probe.keys) > 1:
        params = _params(probe, count=len(probe.keys))
        found.append(_obs("dkim-multiple-keys", Severity.WARNING, evidence, params, sender))
    found += _key_health(probe, key, source, sender, evidence)
    if key.testing:
        found.append(_obs("dkim-testing", Severity.INFO, evidence, _params(probe), sender))
    if key.error or key.revoked:
        return found
    if not any(o.severity in (Severity.CRITICAL, Severity.WARNING) for o in found):
        kind = f"RSA-{key.bits}" if key.bits else key.key_type
        via = f" (CNAME → {probe.cname_target})" if probe.cname_target else ""
        params = _params(probe, keyinfo=kind, via=via)
        found.append(_obs("dkim-ok", Severity.OK, evidence, params, sender))
    return found


def _key_health(
    probe: SelectorProbe, key: DkimKey, source: Source, sender: str | None, evidence: list[str]
) -> list[Observation]:
    if key.error:
        severity = Severity.CRITICAL if source < Source.PROBE else Severity.WARNING
        params = _params(probe, detail=key.error)
        return [_obs("dkim-key-invalid", severity, evidence, params, sender)]
    if key.revoked:
        return [_obs("dkim-key-revoked", _by_source(source), evidence, _params(probe), sender)]
    if key.bits is not None and key.bits < MIN_RSA_BITS:
        params = _params(probe, bits=key.bits)
        return [_obs("dkim-key-weak", Severity.CRITICAL, evidence, params, sender)]
    if key.bits is not None and key.bits < RECOMMENDED_RSA_BITS:
        params = _params(probe, bits=key.bits)
        return [_obs("dkim-key-short", Severity.INFO, evidence, params, sender)]
    return []


def _none_found(
    plan: Sequence[SelectorRequest], probes: dict[str, SelectorProbe]
) -> list[Observation]:
    """Only probes were tried and none found a key: say so, and how to name the selector."""
    if any(r.source < Source.PROBE for r in plan):
        return []
    if any(p.keys or p.errors for p in probes.values()):
        return []
    params = {"selectors": ", ".join(r.selector for r in plan)}
    evidence = [describe(p.txt) for p in probes.values()]
    return [_obs("dkim-missing.none-found", Severity.WARNING, evidence, params)]


def _check_return_paths(resolver: Resolver, names: Sequence[str]) -> list[Observation]:
    """SendGrid's em<NNNN> bounce name: a CNAME to u<id>.wl<n>.sendgrid.net with SPF there."""
    if not names:
        return [_obs("sendgrid-return-path-unchecked", Severity.INFO, (), {}, SENDGRID)]
    found: list[Observation] = []
    for name in names:
        found += _check_return_path(probe_return_path(resolver, name))
    return found


def _check_return_path(probe: ReturnPathProbe) -> list[Observation]:
    errors = [lk for lk in (probe.cname, probe.txt) if not lk.ok]
    if errors:
        return [dns_error(lk) for lk in errors]
    evidence = [describe(probe.cname), describe(probe.txt)]
    target = probe.cname_target
    if target is None and probe.txt.void:
        key = "sendgrid-return-path-broken.missing"
        return [_obs(key, Severity.WARNING, evidence, {"name": probe.name}, SENDGRID)]
    params: dict[str, str | int] = {"name": probe.name, "target": target or "(no CNAME)"}
    if not probe.to_sendgrid or probe.spf_count != 1:
        params["state"] = f"{probe.spf_count} SPF record(s)"
        key = "sendgrid-return-path-broken.elsewhere"
        return [_obs(key, Severity.WARNING, evidence, params, SENDGRID)]
    return [_obs("sendgrid-return-path-ok", Severity.OK, evidence, params, SENDGRID)]
