"""From analysis results to the views of :mod:`reports.view`, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analysis import columns as c
from ..analysis import tables
from ..analysis.api import DomainSummary
from ..analysis.check import CheckFinding
from ..analysis.findings import Finding, worst_first
from ..analysis.i18n import ANALYSIS, format_items
from ..analysis.messages import failure_lines, render
from .i18n import Translator
from .view import Cell, FindingView, Metric, RollupRow, TableView

GOOD_SHARE = 0.99  # the readiness bar of analysis: 99 % of a sender's mail passing
FAIR_SHARE = 0.90
MAX_LISTED = 5
SEVERITIES = ("critical", "warning", "info", "ok")


@dataclass(frozen=True)
class Totals:
    """Messages and the share passing DMARC in the period before (for the change).

    ``days`` is how many days of that period had reports, out of ``length``: a change
    against a period only partly covered is said to be so.
    """

    messages: int
    pass_share: float
    days: int
    length: int


def severity_label(severity: str, t: Translator) -> str:
    labels = {
        "critical": t.gettext("Critical"),
        "warning": t.gettext("Warning"),
        "info": t.gettext("Info"),
        "ok": t.gettext("OK"),
    }
    return labels.get(severity, severity)


def actor_label(actor: str | None, t: Translator) -> str:
    labels = {
        "practice": t.gettext("Who acts: the practice"),
        "vendor": t.gettext("Who acts: the software vendor"),
        "mail-provider": t.gettext("Who acts: the mail provider"),
    }
    return labels.get(actor or "", "")


def sender_display(sender: str | None, names: Callable[[str], str], t: Translator) -> str:
    if sender is None:
        return ""
    return t.gettext("unknown sender") if sender == "unknown" else names(sender)


def finding_view(finding: Finding, names: Callable[[str], str], t: Translator) -> FindingView:
    """A finding of ``diagnose`` with its text in the report's language (English if none)."""
    display = sender_display(finding.sender, names, t)
    text = render(finding, t.lang, display or None)
    severity = str(finding.severity)
    return FindingView(
        severity=severity,
        severity_label=severity_label(severity, t),
        code=finding.code,
        title=display,
        summary=text.summary,
        fix=text.fix if severity != "ok" else "",
        actor=actor_label(str(finding.actor) if finding.actor else None, t),
        evidence=evidence_line(finding, t),
        text_lang=text_lang(t),
        failure_reports=tuple(failure_lines(finding, t.lang)),
    )


def check_view(finding: CheckFinding, t: Translator) -> FindingView:
    """A finding of the DNS check (its text was rendered by the check)."""
    severity = str(finding.severity)
    return FindingView(
        severity=severity,
        severity_label=severity_label(severity, t),
        code=finding.code,
        title=finding.sender_name or "",
        summary=finding.summary,
        fix=finding.fix if severity != "ok" else "",
        actor=actor_label(str(finding.actor), t) if severity != "ok" else "",
        evidence="; ".join(finding.evidence[:3]),
        text_lang=text_lang(t),
    )


def text_lang(t: Translator) -> str:
    """``en`` when the findings' texts have no catalogue in the report's language, else ``""``."""
    return "" if ANALYSIS.covers(t.lang) else "en"


def evidence_line(finding: Finding, t: Translator) -> str:
    e = finding.evidence
    if not e.messages:
        return ""
    parts = [t.ngettext("%(count)s message", "%(count)s messages", e.messages,
                        count=t.number(e.messages))]  # fmt: skip
    if e.source_count:
        shown = ", ".join(e.sources[:3]) + (", \u2026" if e.source_count > 3 else "")
        count = t.ngettext(
            "%(count)s source", "%(count)s sources", e.source_count, count=t.number(e.source_count)
        )
        parts.append(f"{count} ({shown})")
    if e.receivers:
        if len(e.receivers) > MAX_LISTED:
            listed = ", ".join(e.receivers[:MAX_LISTED]) + ", \u2026"
        else:
            listed = format_items(e.receivers, t.lang)
        parts.append(t.gettext("reported by %(receivers)s", receivers=listed))
    if e.first_seen and e.last_seen:
        parts.append(t.date_range(e.first_seen, e.last_seen))
    return " \u00b7 ".join(parts)


def share_tone(share: float, messages: int) -> str:
    if not messages:
        return "neutral"
    if share >= GOOD_SHARE:
        return "good"
    return "warn" if share >= FAIR_SHARE else "bad"


def metrics(summary: DomainSummary, before: Totals | None, t: Translator) -> tuple[Metric, ...]:
    """Messages, share passing DMARC (with the change) and the published policy."""
    messages, share = summary.messages, summary.dmarc_pass_share
    if before is None or not before.messages:
        change_messages = change_share = t.gettext("no reports in the previous period")
    else:
        change_messages = _change(t.signed_number(messages - before.messages), before, t)
        change_share = _change(
            t.points(share - before.pass_share) if messages else "\u2013", before, t
        )
    policy = summary.policy
    return (
        Metric(t.gettext("Messages seen"), t.number(messages), change_messages),
        Metric(
            t.gettext("Passing DMARC"),
            t.percent(share) if messages else "\u2013",
            change_share,
            share_tone(share, messages),
        ),
        Metric(
            t.gettext("Published policy"),
            f"p={policy['p']}" if policy else "\u2013",
            _policy_detail(policy),
            _policy_tone(policy),
        ),
    )


def _change(change: str, before: Totals, t: Translator) -> str:
    if before.days >= before.length:
        return t.gettext("%(change)s against the previous period", change=change)
    return t.gettext(
        "%(change)s against the previous period (reports on %(days)s of its %(length)s days)",
        change=change,
        days=t.number(before.days),
        length=t.number(before.length),
    )


def _policy_detail(policy: dict[str, str]) -> str:
    if not policy:
        return ""
    return " \u00b7 ".join(f"{k}={policy[k]}" for k in (c.SP, c.ADKIM, c.ASPF) if policy.get(k))


def _policy_tone(policy: dict[str, str]) -> str:
    if not policy:
        return "neutral"
    return "good" if policy.get(c.P) in ("quarantine", "reject") else "warn"


def verdict(findings: Sequence[Finding], t: Translator) -> tuple[Metric, str]:
    """The policy-readiness verdict in a few words, and the finding's sentence."""
    found = next((f for f in findings if f.code == "policy-readiness"), None)
    title = t.gettext("Policy readiness")
    if found is None:
        return Metric(title, t.gettext("No data"), "", "neutral"), ""
    state = str(found.params.get("state", ""))
    nxt = str(found.params.get("next", ""))
    words = {
        "ready": (t.gettext("Ready for p=%(next)s", next=nxt), "good"),
        "enforced": (t.gettext("Protected (p=reject)"), "good"),
        "enforced-blocked": (t.gettext("Senders fail at p=reject"), "bad"),
        "not-enough-data": (t.gettext("Too early to judge"), "neutral"),
        "blocked": (t.gettext("Not ready for p=%(next)s", next=nxt), "warn"),
    }
    value, tone = words.get(state, (severity_label(str(found.severity), t), "neutral"))
    text = render(found, t.lang).summary
    return Metric(title, value, "", tone), text


def worst(findings: Sequence[Finding]) -> Finding | None:
    ordered = worst_first(list(findings))
    return ordered[0] if ordered else None


def severity_counts(findings: Sequence[Finding], t: Translator) -> tuple[tuple[str, str, int], ...]:
    """(severity, label, number of findings) for each severity that has findings."""
    counts = ((s, sum(1 for f in findings if str(f.severity) == s)) for s in SEVERITIES)
    return tuple((s, severity_label(s, t), n) for s, n in counts if n)


def rollup_row(
    anchor: str,
    summary: DomainSummary,
    before: Totals | None,
    names: Callable[[str], str],
    t: Translator,
) -> RollupRow:
    messages, share = summary.messages, summary.dmarc_pass_share
    change, note = "\u2013", ""
    if before is not None and before.messages and messages:
        change = t.points(share - before.pass_share)
        if before.days < before.length:
            note = t.gettext(
                "reports on %(days)s of %(length)s days",
                days=t.number(before.days),
                length=t.number(before.length),
            )
    top = worst(summary.findings)
    return RollupRow(
        anchor=anchor,
        domain=summary.domain,
        messages=t.number(messages),
        pass_share=t.percent(share) if messages else "\u2013",
        pass_tone=share_tone(share, messages),
        change=change,
        change_note=note,
        policy=f"p={summary.policy['p']}" if summary.policy else "\u2013",
        worst=finding_view(top, names, t) if top else None,
    )


def _pct(value: Any, t: Translator) -> Cell:
    number = float(value) if pd.notna(value) else 0.0
    return Cell(t.percent(number / 100), True, share_tone(number / 100, 1))


def _count(value: Any, t: Translator) -> Cell:
    return Cell(t.number(int(value)), True)


def senders_table(senders: pd.DataFrame, names: Callable[[str], str], t: Translator) -> TableView:
    columns = (
        Cell(t.gettext("Sender")),
        Cell(t.gettext("Sources"), True),
        Cell(t.gettext("Messages"), True),
        Cell(t.gettext("Passing DMARC"), True),
        Cell(t.gettext("DKIM aligned"), True),
        Cell(t.gettext("SPF aligned"), True),
        Cell(t.gettext("Quarantined"), True),
        Cell(t.gettext("Rejected"), True),
    )
    rows = []
    for row in senders.to_dict("records"):
        name = sender_display(str(row[c.SENDER]), names, t)
        if row[c.FORWARDED]:
            name = t.gettext("%(sender)s, forwarded", sender=name)
        rows.append(
            (
                Cell(name),
                _count(row[tables.SOURCES], t),
                _count(row[c.MESSAGES], t),
                _pct(row[tables.DMARC_PCT], t),
                Cell(t.percent(float(row[tables.DKIM_PCT]) / 100), True),
                Cell(t.percent(float(row[tables.SPF_PCT]) / 100), True),
                _count(row["quarantine"], t),
                _count(row["reject"], t),
            )
        )
    return TableView("senders", t.gettext("Who sends as the domain"), columns, tuple(rows))


def receivers_table(receivers: pd.DataFrame, t: Translator) -> TableView:
    columns = (
        Cell(t.gettext("Receiver")),
        Cell(t.gettext("Messages"), True),
        Cell(t.gettext("Passing DMARC"), True),
        Cell(t.gettext("Delivered"), True),
        Cell(t.gettext("Quarantined"), True),
        Cell(t.gettext("Rejected"), True),
    )
    rows = tuple(
        (
            Cell(str(row[c.RECEIVER])),
            _count(row[c.MESSAGES], t),
            _pct(row[tables.DMARC_PCT], t),
            _count(row["none"], t),
            _count(row["quarantine"], t),
            _count(row["reject"], t),
        )
        for row in receivers.to_dict("records")
    )
    return TableView("receivers", t.gettext("Receivers that sent reports"), columns, rows)


def failing_table(failing: pd.DataFrame, t: Translator) -> TableView:
    columns = (
        Cell(t.gettext("Source IP")),
        Cell(t.gettext("Reverse DNS")),
        Cell(t.gettext("Network")),
        Cell(t.gettext("Sender")),
        Cell(t.gettext("Messages"), True),
        Cell(t.gettext("Receivers")),
    )
    rows = []
    for row in failing.to_dict("records"):
        name = str(row[tables.SENDER_NAME])
        name = t.gettext("unknown sender") if name == "unknown" else name
        if row[c.FORWARDED]:
            name = t.gettext("%(sender)s, forwarded", sender=name)
        rows.append(
            (
                Cell(str(row[c.SOURCE_IP])),
                Cell(str(row[c.RDNS] or "") or "\u2013"),
                Cell(str(row.get(tables.OWNER) or "") or "\u2013"),
                Cell(name),
                _count(row[c.MESSAGES], t),
                Cell(str(row["receivers"])),
            )
        )
    note = "" if rows else t.gettext("No source failed DMARC in this period.")
    left_off = int(failing.attrs.get(tables.LEFT_OFF, 0))
    if left_off:
        note = t.ngettext(
            "… and %(count)s more source with fewer messages",
            "… and %(count)s more sources with fewer messages",
            left_off,
            count=t.number(left_off),
        )
    return TableView("failing", t.gettext("Sources failing DMARC"), columns, tuple(rows), note)


def identities_table(identities: pd.DataFrame, t: Translator) -> TableView:
    """Which DKIM and return-path (SPF) domains SendGrid used for the domain's mail."""
    kinds = {"dkim": t.gettext("DKIM signature"), "envelope": t.gettext("Return path (SPF)")}
    columns = (
        Cell(t.gettext("Identity")),
        Cell(t.gettext("Domain")),
        Cell(t.gettext("Messages"), True),
    )
    rows = tuple(
        (
            Cell(kinds.get(str(row["identity"]), str(row["identity"]))),
            Cell(str(row["domain"])),
            _count(row[c.MESSAGES], t),
        )
        for row in identities.to_dict("records")
    )
    return TableView("sendgrid", t.gettext("Domains SendGrid used"), columns, rows)
