"""Findings from SMTP TLS reports (RFC 8460): why mail to the domain was not sent encrypted.

A TLS report says how other servers fared delivering mail *to* the policy domain: sessions
that negotiated TLS and validated as the domain's policy (MTA-STS or DANE) asks, and failures
with a result type (RFC 8460 §4.3). Result types are grouped by who fixes them:

- ``tls-certificate``: the MX's certificate expired, does not name the host, or is not trusted
  (whoever runs the domain's incoming mail renews or replaces it);
- ``tls-starttls-not-offered``: the MX did not offer STARTTLS (the mail provider enables it);
- ``tls-sts-policy``: the MTA-STS policy could not be fetched, was invalid, or its web server's
  certificate was not valid (the practice, or whoever hosts ``mta-sts.<domain>``);
- ``tls-validation``: any other validation failure, DANE included (the mail provider).

A domain whose reports show no failure gets ``tls-clean`` (ok).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .findings import Actor, Evidence, Finding, Param, Severity
from .read.tlsreports import TlsFailureRow, TlsTotals

_GROUPS: dict[str, tuple[str, Actor]] = {
    "certificate-expired": ("tls-certificate", Actor.MAIL_PROVIDER),
    "certificate-host-mismatch": ("tls-certificate", Actor.MAIL_PROVIDER),
    "certificate-not-trusted": ("tls-certificate", Actor.MAIL_PROVIDER),
    "starttls-not-supported": ("tls-starttls-not-offered", Actor.MAIL_PROVIDER),
    "sts-policy-fetch-error": ("tls-sts-policy", Actor.PRACTICE),
    "sts-policy-invalid": ("tls-sts-policy", Actor.PRACTICE),
    "sts-webpki-invalid": ("tls-sts-policy", Actor.PRACTICE),
}
_OTHER = ("tls-validation", Actor.MAIL_PROVIDER)
MAX_NAMES = 5


def tls_findings(
    domain: str, totals: Sequence[TlsTotals], failures: Sequence[TlsFailureRow]
) -> list[Finding]:
    """The TLS findings of one policy domain from its reports' totals and failure details."""
    totals = [t for t in totals if t.domain == domain]
    if not totals:
        return []
    failures = [f for f in failures if f.domain == domain]
    groups: dict[str, list[TlsFailureRow]] = {}
    for failure in failures:
        groups.setdefault(_GROUPS.get(failure.result_type, _OTHER)[0], []).append(failure)
    found = [_finding(domain, code, rows, totals) for code, rows in groups.items()]
    failed = sum(t.failed for t in totals)
    if not found and failed == 0:
        found.append(_clean(domain, totals))
    return found


def _finding(
    domain: str, code: str, rows: list[TlsFailureRow], totals: Sequence[TlsTotals]
) -> Finding:
    sessions = sum(r.sessions for r in rows)
    total = sum(t.successful + t.failed for t in totals)
    actor = next(a for c, a in (*_GROUPS.values(), _OTHER) if c == code)
    hosts = _names(r.receiving_mx_hostname or r.receiving_ip for r in rows)
    params: dict[str, Param] = {
        "sessions": sessions,
        "share": round(100 * sessions / total, 1) if total else 0.0,
        "result_types": _names(r.result_type for r in rows),
        "hosts": hosts or ("?",),
        "reasons": _names(r.failure_reason_code for r in rows) or ("–",),
        "reporters": _names(r.org_name for r in rows),
        "policy_types": _names(r.policy_type for r in rows),
    }
    severity = (
        Severity.CRITICAL if code != "tls-sts-policy" and _enforced(rows) else Severity.WARNING
    )
    evidence = Evidence(
        messages=sessions,
        sources=_names(r.sending_mta_ip for r in rows),
        source_count=len({r.sending_mta_ip for r in rows if r.sending_mta_ip}),
        receivers=_names(r.org_name for r in rows),
        first_seen=min(r.day for r in rows),
        last_seen=max(r.day for r in rows),
    )
    return Finding(code, severity, domain, None, actor, evidence, params)


def _enforced(rows: list[TlsFailureRow]) -> bool:
    """DANE (a TLSA policy) is enforced by its nature: those failures mean mail was refused."""
    return any(r.policy_type == "tlsa" for r in rows)


def _clean(domain: str, totals: Sequence[TlsTotals]) -> Finding:
    sessions = sum(t.successful for t in totals)
    params: dict[str, Param] = {
        "sessions": sessions,
        "reporters": _names(t.org_name for t in totals),
        "policy_types": _names(t.policy_type for t in totals),
    }
    evidence = Evidence(
        messages=sessions,
        receivers=_names(t.org_name for t in totals),
        first_seen=min(t.first_day for t in totals),
        last_seen=max(t.last_day for t in totals),
    )
    return Finding("tls-clean", Severity.OK, domain, None, None, evidence, params)


def _names(values: Iterable[str | None]) -> tuple[str, ...]:
    """Distinct non-empty values in first-seen order, at most :data:`MAX_NAMES`."""
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return tuple(seen)[:MAX_NAMES]
