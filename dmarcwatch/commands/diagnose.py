"""``dmarcwatch diagnose``: findings about who sends as the domain and why mail fails."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import TYPE_CHECKING, Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._analysis import LANGUAGES, add_selection, catalogue, query_from, safe
from dmarcwatch.context import open_store_to_read
from dmarcwatch.exitcodes import Exit

if TYPE_CHECKING:
    from dmarcwatch.analysis.catalogue import Catalogue
    from dmarcwatch.analysis.findings import Finding

_LABELS = {
    "en": {
        "fix": "Fix",
        "evidence": "Evidence",
        "messages": "messages",
        "sources": "sources",
        "receivers": "receivers",
        "none": "No findings.",
    },
    "fr": {
        "fix": "Correction",
        "evidence": "Constat",
        "messages": "messages",
        "sources": "sources",
        "receivers": "destinataires",
        "none": "Aucun constat.",
    },
    "de": {
        "fix": "Behebung",
        "evidence": "Belege",
        "messages": "Nachrichten",
        "sources": "Quellen",
        "receivers": "Empfänger",
        "none": "Keine Befunde.",
    },
    "it": {
        "fix": "Correzione",
        "evidence": "Riscontri",
        "messages": "messaggi",
        "sources": "fonti",
        "receivers": "destinatari",
        "none": "Nessuna constatazione.",
    },
}
_ACTORS = {
    "en": {"practice": "practice", "vendor": "software vendor", "mail-provider": "mail provider"},
    "fr": {
        "practice": "cabinet",
        "vendor": "éditeur du logiciel",
        "mail-provider": "fournisseur de messagerie",
    },
    "de": {"practice": "Praxis", "vendor": "Softwarehersteller", "mail-provider": "Mail-Anbieter"},
    "it": {
        "practice": "studio",
        "vendor": "fornitore del software",
        "mail-provider": "fornitore di posta",
    },
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "diagnose",
        "explain what is wrong (or right) with each domain's mail, worst first",
        "Turn the stored reports into findings: SendGrid or Microsoft 365 not signing as the "
        "domain, strict alignment, forwarding, spoofing, unknown senders, what receivers "
        "rejected or quarantined, whether the policy can be tightened, and domains without "
        "reports. Each finding says who has to act and how.",
    )
    add_selection(parser, "7d")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.analysis.api import analyse

    query = query_from(args)
    senders = catalogue()
    with open_store_to_read(args) as store:
        result = analyse(store.engine, query, catalogue=senders)
    findings = result.findings
    if args.json:
        data = [as_json(f, args.lang, senders) for f in findings]
        print(json.dumps(data, indent=1))
    else:
        print(as_text(findings, args.lang, senders))
    return Exit.OK


def as_json(finding: Finding, lang: str, senders: Catalogue) -> dict[str, Any]:
    from dmarcwatch.analysis.messages import render

    text = render(finding, lang, _sender_name(finding, senders))
    data = finding.as_dict()
    data["sender_name"] = _sender_name(finding, senders)
    data["summary"] = text.summary
    data["fix"] = text.fix
    return data


def _sender_name(finding: Finding, senders: Catalogue) -> str | None:
    if finding.sender is None:
        return None
    return "unknown" if finding.sender == "unknown" else senders.name(finding.sender)


def as_text(findings: list[Finding], lang: str, senders: Catalogue) -> str:
    labels = _LABELS.get(lang, _LABELS["en"])
    if not findings:
        return labels["none"]
    return "\n\n".join(_block(f, lang, senders, labels) for f in findings)


def _block(finding: Finding, lang: str, senders: Catalogue, labels: dict[str, str]) -> str:
    from dmarcwatch.analysis.messages import render

    text = render(finding, lang, _sender_name(finding, senders))
    name = _sender_name(finding, senders)
    head = f"{finding.severity.upper():8} {finding.domain}" + (f" · {name}" if name else "")
    lines = [safe(head) + f"  [{finding.code}]"]
    lines += _wrap(text.summary)
    if finding.severity != "ok" and text.fix:
        actor = (
            _ACTORS.get(lang, _ACTORS["en"]).get(str(finding.actor), "") if finding.actor else ""
        )
        prefix = f"{labels['fix']}" + (f" ({actor})" if actor else "") + ": "
        lines += _wrap(prefix + text.fix)
    evidence = _evidence(finding, labels)
    if evidence:
        lines += _wrap(f"{labels['evidence']}: {evidence}")
    return "\n".join(lines)


def _evidence(finding: Finding, labels: dict[str, str]) -> str:
    e = finding.evidence
    if not e.messages:
        return ""
    parts = [f"{labels['messages']}: {e.messages}"]
    if e.sources:
        shown = ", ".join(e.sources[:5]) + (" …" if e.source_count > 5 else "")
        parts.append(f"{labels['sources']}: {e.source_count} ({shown})")
    if e.receivers:
        parts.append(f"{labels['receivers']}: " + ", ".join(e.receivers[:5]))
    if e.first_seen and e.last_seen:
        parts.append(f"{e.first_seen.isoformat()} – {e.last_seen.isoformat()}")
    return "; ".join(parts)


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(
        safe(text),
        width=96,
        initial_indent="  ",
        subsequent_indent="  ",
        break_on_hyphens=False,  # keep domain names whole, for copy and paste
        break_long_words=False,
    )
