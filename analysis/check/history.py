"""The DNS check over time: recorded runs, what changed between them, what is critical now.

``dmarcwatch check`` records each run (:func:`run_of`) when a store is configured.
:func:`stored_findings` turns the recorded runs into ordinary analysis findings
(:class:`~analysis.findings.Finding`), for ``alert`` and every other output:

- ``dns-changed``: an SPF, DMARC or DKIM record's text differs between the two latest runs of
  a domain up to the as-of moment (one finding per record; before and after in the params);
- every ``critical`` finding of the latest run, under its own code, with the params it was
  made of plus ``check_key``, the message key that puts it into words
  (:func:`analysis.messages.render` knows it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..findings import (
    CHECK_KEY,
    Actor,
    Evidence,
    Finding,
    Param,
    Severity,
    worst_first,
)
from ..read import CheckRun, Reader, StoredFinding, StoredRecord
from .domain import CheckReport

DNS_CHANGED = "dns-changed"


def run_of(report: CheckReport, checked_at: dt.datetime) -> CheckRun:
    """What is recorded of one check: the record texts and every finding with its params."""
    records = tuple(StoredRecord(r.kind, r.name, r.text) for r in report.records)
    findings = tuple(
        StoredFinding(f.code, str(f.severity), f.key or f.code, f.sender, str(f.actor), f.params)
        for f in report.findings
    )
    return CheckRun(report.domain, checked_at, report.answered, report.failed, records, findings)


def stored_findings(
    reader: Reader, domains: Iterable[str] = (), as_of: dt.datetime | None = None
) -> list[Finding]:
    """``dns-changed`` and the critical check findings of the latest run per domain, worst
    first; runs after *as_of* are ignored (``None``: every run)."""
    found: list[Finding] = []
    for domain, runs in sorted(reader.check_runs(domains, as_of, per_domain=2).items()):
        latest = runs[0]
        if len(runs) > 1:
            found += changes(domain, runs[1], latest)
        found += [_critical(domain, latest, f) for f in latest.findings if f.severity == "critical"]
    return worst_first(found)


def changes(domain: str, before: CheckRun, after: CheckRun) -> list[Finding]:
    """One ``dns-changed`` finding per record whose text differs between *before* and *after*.

    A record only one run saw (its lookup failed in the other) is not a change.
    """
    old = {(r.kind, r.name): r.text for r in before.records}
    new = {(r.kind, r.name): r.text for r in after.records}
    found = []
    for key in sorted(old.keys() & new.keys()):
        if old[key] != new[key]:
            found.append(_changed(domain, key, old[key], new[key], (before, after)))
    return found


def _changed(
    domain: str,
    record: tuple[str, str],
    old: str | None,
    new: str | None,
    runs: tuple[CheckRun, CheckRun],
) -> Finding:
    kind, name = record
    state = "added" if old is None else "removed" if new is None else "changed"
    before, after = runs
    params: dict[str, Param] = {
        "state": state,
        "kind": kind.upper(),
        "name": name,
        "before": old or "",
        "after": new or "",
        "checked_before": before.checked_at.date().isoformat(),
        "checked_after": after.checked_at.date().isoformat(),
    }
    evidence = Evidence(first_seen=after.checked_at.date(), last_seen=after.checked_at.date())
    # the record stands where a sender would: one finding per (domain, code, record)
    sender = f"{kind}:{name}"
    return Finding(DNS_CHANGED, Severity.WARNING, domain, sender, Actor.PRACTICE, evidence, params)


def _critical(domain: str, run: CheckRun, stored: StoredFinding) -> Finding:
    params: dict[str, Param] = {k: _param(v) for k, v in stored.params.items()}
    params[CHECK_KEY] = stored.key
    day = run.checked_at.date()
    return Finding(
        stored.code,
        Severity(stored.severity),
        domain,
        stored.sender,
        Actor(stored.actor),
        Evidence(first_seen=day, last_seen=day),
        params,
    )


def _param(value: object) -> Param:
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)
