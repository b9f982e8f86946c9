"""The work behind ``dmarcwatch check``, imported only when the command runs."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
from dataclasses import replace

from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.analysis.check import (
    Actor,
    CheckFinding,
    CheckReport,
    Seen,
    Severity,
    assess_domain,
    seen_in_reports,
)
from dmarcwatch.analysis.check.history import DNS_CHANGED, run_of, stored_findings
from dmarcwatch.analysis.dns.names import InvalidDomain, normalise_domain
from dmarcwatch.analysis.dns.resolver import ResolverConfig, parse_nameserver
from dmarcwatch.analysis.findings import Finding
from dmarcwatch.analysis.i18n import Translator
from dmarcwatch.analysis.messages import render
from dmarcwatch.analysis.read import CheckLog, Reader
from dmarcwatch.commands._words import actor_name, evidence_label, fix_label, translator
from dmarcwatch.context import DB_ENV, config_for, open_existing_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import StoreError, StoreUnavailable, escape_controls
from dmarcwatch.ingest.store import Store

_SELECTOR = re.compile(r"^[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*$")


def run(args: argparse.Namespace) -> int:
    if args.all == bool(args.domain):
        raise CommandError("name one DOMAIN, or --all for every domain of the store", Exit.USAGE)
    config = _resolver_config(args)
    _check_selectors(args.selector)
    store = None if args.no_store else _store(args, required=args.all)
    try:
        reader = Reader(store.engine) if store is not None else None
        domains = reader.known_domains() if reader is not None and args.all else []
        if args.domain:
            domains = [_domain(args.domain)]
        reports = [_check(args, domain, config, reader) for domain in domains]
        if store is not None and reader is not None:
            _record(store, reports)
            reports = [_with_changes(r, reader, args.lang) for r in reports]
    finally:
        if store is not None:
            store.close()
    if args.json:
        found = [f.to_json() for r in reports for f in r.findings]
        print(json.dumps(found, indent=2, ensure_ascii=True))  # control and bidi escaped
    for report in [] if args.json else reports:
        _print(report, args)
    unreachable = reports and all(r.unreachable for r in reports)
    return Exit.UNAVAILABLE if unreachable else Exit.OK


def _check(
    args: argparse.Namespace, domain: str, config: ResolverConfig, reader: Reader | None
) -> CheckReport:
    seen = seen_in_reports(reader, domain, load_catalogue()) if reader is not None else Seen()
    return assess_domain(
        domain,
        resolver_config=config,
        selectors=args.selector,
        senders=args.sender,
        return_paths=[_domain(p) for p in args.return_path],
        seen=seen,
        language=args.lang,
    )


def _record(store: Store, reports: list[CheckReport]) -> None:
    """Keep each run's records and findings (a run DNS never answered tells nothing)."""
    log = CheckLog(store.engine)
    now = dt.datetime.now(dt.UTC)
    for report in reports:
        if not report.unreachable:
            log.record(run_of(report, now))


def _with_changes(report: CheckReport, reader: Reader, lang: str) -> CheckReport:
    """*report* with the records that changed since the previous recorded run."""
    if report.unreachable:
        return report
    changed = [f for f in stored_findings(reader, [report.domain]) if f.code == DNS_CHANGED]
    if not changed:
        return report
    findings = sorted(
        (*(_as_check_finding(f, lang) for f in changed), *report.findings),
        key=lambda f: f.severity.rank,
    )
    return replace(report, findings=tuple(findings))


def _as_check_finding(finding: Finding, lang: str) -> CheckFinding:
    text = render(finding, lang)
    p = finding.params
    evidence = (f"{p['name']} TXT: {p['before'] or '-'} \u2192 {p['after'] or '-'}",)
    return CheckFinding(
        code=finding.code,
        severity=finding.severity,
        domain=finding.domain,
        summary=text.summary,
        fix=text.fix,
        actor=finding.actor or Actor.PRACTICE,
        evidence=evidence,
        sender=finding.sender,
        params={k: v for k, v in finding.params.items() if not isinstance(v, float)},
    )


def _domain(text: str) -> str:
    try:
        return normalise_domain(text)
    except InvalidDomain as exc:
        raise InvalidDomain(f"{_safe(text[:80])!s}: {exc}") from exc


def _resolver_config(args: argparse.Namespace) -> ResolverConfig:
    if not 0 < args.timeout <= 60:
        raise CommandError("--timeout must be more than 0 and at most 60 seconds", Exit.USAGE)
    if not 0 < args.deadline <= 3600:
        raise CommandError("--deadline must be more than 0 and at most 3600 seconds", Exit.USAGE)
    servers = tuple(parse_nameserver(text) for text in args.nameserver)
    return ResolverConfig(nameservers=servers, timeout=args.timeout, deadline=args.deadline)


def _check_selectors(selectors: list[str]) -> None:
    for selector in selectors:
        if not _SELECTOR.match(selector):
            raise CommandError(f"bad DKIM selector {_safe(selector[:80])}", Exit.USAGE)


def _store(args: argparse.Namespace, *, required: bool) -> Store | None:
    """The store to read selectors from and record runs in; none when no store exists yet."""
    explicit = bool(getattr(args, "db", None) or os.environ.get(DB_ENV))
    config = config_for(args)
    explicit = explicit or config.database_url is not None or required
    try:
        return open_existing_store(args, config)
    except StoreError as exc:
        if explicit:
            raise
        if not isinstance(exc, StoreUnavailable):  # a default store exists but cannot be read
            logging.getLogger(__name__).warning("not reading stored reports: %s", exc)
        return None


# Controls, line separators and bidirectional overrides: DNS text cannot move the cursor or
# reorder what the terminal shows.
def _safe(text: str) -> str:
    """DNS and report text can hold anything: escape control characters before printing."""
    return escape_controls(text)


def _print(report: CheckReport, args: argparse.Namespace) -> None:
    if args.json:
        # ASCII only: every control, bidi or invisible character of DNS text is a \\uXXXX escape
        # (json leaves DEL as it is, so it is escaped by hand).
        text = json.dumps([f.to_json() for f in report.findings], indent=2, ensure_ascii=True)
        print(text.replace("\x7f", "\\u007f"))
        return
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    print(f"{report.domain}: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    t = translator(args.lang)
    for finding in report.findings:
        print(_text(finding, t, args.verbose))


def _text(finding: CheckFinding, t: Translator, verbose: bool) -> str:
    head = f"{finding.severity.upper():8} {finding.code}"
    if finding.severity is Severity.OK and not verbose:
        return f"{head}: {_safe(finding.summary)}"
    actor = actor_name(str(finding.actor), t) or str(finding.actor)
    lines = [f"{head} ({actor})", f"  {_safe(finding.summary)}"]
    lines.append(f"  {fix_label(t)}: {_safe(finding.fix)}")
    lines += [f"  {evidence_label(t)}: {_safe(line)}" for line in finding.evidence]
    return "\n".join(lines)
