"""The work behind ``dmarcwatch check``, imported only when the command runs."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re

from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.analysis.check import (
    InvalidDomain,
    NameserverError,
    PostureFinding,
    PostureReport,
    ResolverConfig,
    Seen,
    Severity,
    UnknownSender,
    assess_domain,
    parse_nameserver,
    seen_in_reports,
)
from dmarcwatch.analysis.check.names import normalise_domain
from dmarcwatch.context import DB_ENV, config_for, open_existing_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import StoreError, StoreUnavailable, escape_controls

_LABELS = {
    "en": ("Fix", "Evidence"),
    "fr": ("Correction", "Preuve"),
    "de": ("Behebung", "Beleg"),
    "it": ("Correzione", "Riscontri"),
}
_SELECTOR = re.compile(r"^[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*$")
# Controls, line separators and bidirectional overrides: DNS text cannot move the cursor or
# reorder what the terminal shows.
_ACTORS = {
    "en": {"practice": "practice", "vendor": "software vendor", "mail-provider": "mail provider"},
    "fr": {"practice": "cabinet", "vendor": "éditeur du logiciel",
           "mail-provider": "fournisseur de messagerie"},
    "de": {"practice": "Praxis", "vendor": "Softwarehersteller", "mail-provider": "Mail-Anbieter"},
    "it": {"practice": "studio", "vendor": "fornitore del software",
           "mail-provider": "fornitore di posta"},
}  # fmt: skip


def run(args: argparse.Namespace) -> int:
    domain = _domain(args.domain)
    config = _resolver_config(args)
    _check_selectors(args.selector)
    seen = Seen() if args.no_store else _seen(args, domain)
    try:
        report = assess_domain(
            domain,
            resolver_config=config,
            selectors=args.selector,
            senders=args.sender,
            return_paths=[_domain(p) for p in args.return_path],
            seen=seen,
            language=args.lang,
        )
    except UnknownSender as exc:
        raise CommandError(str(exc), Exit.USAGE) from exc
    _print(report, args)
    return Exit.UNAVAILABLE if report.unreachable else Exit.OK


def _domain(text: str) -> str:
    try:
        return normalise_domain(text)
    except InvalidDomain as exc:
        raise CommandError(f"{_safe(text[:80])!s}: {exc}", Exit.USAGE) from exc


def _resolver_config(args: argparse.Namespace) -> ResolverConfig:
    if not 0 < args.timeout <= 60:
        raise CommandError("--timeout must be more than 0 and at most 60 seconds", Exit.USAGE)
    try:
        servers = tuple(parse_nameserver(text) for text in args.nameserver)
    except NameserverError as exc:
        raise CommandError(str(exc), Exit.USAGE) from exc
    return ResolverConfig(nameservers=servers, timeout=args.timeout)


def _check_selectors(selectors: list[str]) -> None:
    for selector in selectors:
        if not _SELECTOR.match(selector):
            raise CommandError(f"bad DKIM selector {_safe(selector[:80])}", Exit.USAGE)


def _seen(args: argparse.Namespace, domain: str) -> Seen:
    """Selectors and senders from the stored reports; none when no store exists yet."""
    explicit = bool(getattr(args, "db", None) or os.environ.get(DB_ENV))
    config = config_for(args)
    explicit = explicit or config.database_url is not None
    try:
        store = open_existing_store(args, config)
    except StoreError as exc:
        if explicit:
            raise
        if not isinstance(exc, StoreUnavailable):  # a default store exists but cannot be read
            logging.getLogger(__name__).warning("not reading stored reports: %s", exc)
        return Seen()
    try:
        return seen_in_reports(store.engine, domain, load_catalogue())
    finally:
        store.close()


def _safe(text: str) -> str:
    """DNS and report text can hold anything: escape control characters before printing."""
    return escape_controls(text)


def _print(report: PostureReport, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps([f.to_json() for f in report.findings], indent=2, ensure_ascii=False))
        return
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    print(f"{report.domain}: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    for finding in report.findings:
        print(_text(finding, args.lang, args.verbose))


def _text(finding: PostureFinding, lang: str, verbose: bool) -> str:
    fix_label, evidence_label = _LABELS.get(lang, _LABELS["en"])
    head = f"{finding.severity.upper():8} {finding.code}"
    if finding.severity is Severity.OK and not verbose:
        return f"{head}: {_safe(finding.summary)}"
    actor = _ACTORS.get(lang, _ACTORS["en"]).get(str(finding.actor), str(finding.actor))
    lines = [f"{head} ({actor})", f"  {_safe(finding.summary)}"]
    lines.append(f"  {fix_label}: {_safe(finding.fix)}")
    lines += [f"  {evidence_label}: {_safe(line)}" for line in finding.evidence]
    return "\n".join(lines)
