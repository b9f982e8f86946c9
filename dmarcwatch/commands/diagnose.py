"""``dmarcwatch diagnose``: findings about who sends as the domain and why mail fails."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import TYPE_CHECKING, Any

from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.commands import add_command
from dmarcwatch.commands._analysis import (
    add_selection,
    catalogue,
    config_approvals,
    ip_data,
    query_from,
    safe,
)
from dmarcwatch.commands._receivers import require_known
from dmarcwatch.context import config_for, open_store_to_read
from dmarcwatch.exitcodes import Exit

if TYPE_CHECKING:
    from dmarcwatch.analysis.catalogue import Catalogue
    from dmarcwatch.analysis.findings import Finding
    from dmarcwatch.analysis.i18n import Translator


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "diagnose",
        "Turn the stored reports into findings: SendGrid or Microsoft 365 not signing as the "
        "domain, strict alignment, forwarding, spoofing, unknown senders, what receivers "
        "rejected or quarantined, whether the policy can be tightened, domains without "
        "reports, and from TLS reports why mail to the domain was not encrypted. Failure "
        "reports of the same source and day are shown with the finding they explain. Each "
        "finding says who has to act and how.",
    )
    add_selection(parser, "7d")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")
    parser.add_argument(
        "--fail-on",
        choices=("warning", "critical"),
        metavar="SEVERITY",
        help="exit 1 when a finding of this severity or worse is open (warning|critical)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.analysis.api import analyse
    from dmarcwatch.analysis.read import Reader
    from dmarcwatch.commands._freshness import as_of, period_line, warn_if_stale
    from dmarcwatch.commands._words import translator

    query = query_from(args)
    senders = catalogue()
    moment = as_of(query)
    t = translator(args.lang)
    config = config_for(args)
    with open_store_to_read(args, config) as store:
        reader = Reader(store.engine)
        require_known(reader, query.receivers)
        result = analyse(
            reader,
            query,
            catalogue=senders,
            as_of=moment,
            ip_data=ip_data(config),
            approvals=config_approvals(config, senders),
            keep_rows=False,
        )
        warn_if_stale(reader, query, moment, t)
    findings = result.findings
    if args.json:
        data = [as_json(f, args.lang, senders) for f in findings]
        print(json.dumps(data, indent=1))
    else:
        print(period_line(result.period, t) + "\n")
        print(as_text(findings, args.lang, senders))
    return failed(findings, args.fail_on)


def failed(findings: list[Finding], fail_on: str | None) -> int:
    """``--fail-on``: 1 when a finding at or above that severity is open, else 0."""
    if fail_on is None:
        return Exit.OK
    from dmarcwatch.analysis.findings import Severity

    limit = Severity(fail_on).rank
    return Exit.FINDINGS if any(f.severity.rank <= limit for f in findings) else Exit.OK


def as_json(finding: Finding, lang: str, senders: Catalogue) -> dict[str, Any]:
    from dmarcwatch.analysis.messages import failure_lines, render

    text = render(finding, lang, _sender_name(finding, senders))
    data = finding.as_dict()
    data["sender_name"] = _sender_name(finding, senders)
    data["summary"] = text.summary
    data["fix"] = text.fix
    data["failure_report_lines"] = failure_lines(finding, lang)
    return data


def _sender_name(finding: Finding, senders: Catalogue) -> str | None:
    if finding.sender is None:
        return None
    return "unknown" if finding.sender == "unknown" else senders.name(finding.sender)


def as_text(findings: list[Finding], lang: str, senders: Catalogue) -> str:
    from dmarcwatch.commands._words import translator

    t = translator(lang)
    if not findings:
        return t.gettext("No findings.")
    return "\n\n".join(_block(f, t, senders) for f in findings)


def _block(finding: Finding, t: Translator, senders: Catalogue) -> str:
    from dmarcwatch.analysis.messages import failure_lines, render
    from dmarcwatch.commands._words import actor_name, evidence_label, fix_label

    text = render(finding, t.lang, _sender_name(finding, senders))
    name = _sender_name(finding, senders)
    head = f"{finding.severity.upper():8} {finding.domain}" + (f" · {name}" if name else "")
    lines = [safe(head) + f"  [{finding.code}]"]
    lines += _wrap(text.summary)
    if finding.severity != "ok" and text.fix:
        actor = (actor_name(str(finding.actor), t) or "") if finding.actor else ""
        prefix = fix_label(t) + (f" ({actor})" if actor else "") + ": "
        lines += _wrap(prefix + text.fix)
    evidence = _evidence(finding, t)
    if evidence:
        lines += _wrap(f"{evidence_label(t)}: {evidence}")
    for line in failure_lines(finding, t.lang):
        lines += _wrap(line)
    return "\n".join(lines)


def _evidence(finding: Finding, t: Translator) -> str:
    e = finding.evidence
    if not e.messages:
        return ""
    parts = [t.gettext("messages") + f": {e.messages}"]
    if e.sources:
        shown = ", ".join(e.sources[:5]) + (" …" if e.source_count > 5 else "")
        parts.append(t.gettext("sources") + f": {e.source_count} ({shown})")
    if e.receivers:
        parts.append(t.gettext("receivers") + ": " + ", ".join(e.receivers[:5]))
    if e.first_seen and e.last_seen:
        parts.append(f"{e.first_seen.isoformat()} – {e.last_seen.isoformat()}")
    known = [o for o in e.owners if o.label]
    if known:
        owners = ", ".join(
            t.ngettext("%(owner)s: %(count)s source", "%(owner)s: %(count)s sources", o.sources)
            % {"owner": o.label, "count": o.sources}
            for o in known[:3]
        )
        parts.append(t.gettext("networks") + f": {owners}" + (" …" if len(known) > 3 else ""))
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
