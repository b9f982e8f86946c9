"""The words every channel shares: what happened, how bad, who acts, in the channel's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...analysis.alerting.events import Event, Kind
from ...analysis.messages import render
from ..compose import actor_label, sender_display, severity_label
from ..i18n import Translator
from ..text import plain
from .model import SenderNames


@dataclass(frozen=True, slots=True)
class Worded:
    """One event in words (each a single line without control characters)."""

    headline: str  # "Critical · New problem · example.ch · SendGrid"
    summary: str
    actor: str  # "Who acts: the practice" or ""
    fix: str
    since: str  # "Open since 3 Oct 2026"


def event_label(kind: Kind, t: Translator) -> str:
    labels = {
        Kind.OPENED: t.gettext("New problem"),
        Kind.WORSENED: t.gettext("Got worse"),
        Kind.IMPROVED: t.gettext("Got better"),
        Kind.RESOLVED: t.gettext("Resolved"),
        Kind.REMINDER: t.gettext("Still open"),
    }
    return labels[kind]


def worded(event: Event, t: Translator, names: SenderNames) -> Worded:
    finding = event.finding
    sender = sender_display(finding.sender, names, t)
    text = render(finding, t.lang, sender or None)
    parts = [severity_label(str(event.severity), t), event_label(event.kind, t), event.key.domain]
    if sender:
        parts.append(sender)
    since = t.gettext("Open since %(day)s", day=t.date(event.first_seen))
    if event.kind is Kind.RESOLVED:
        since = t.gettext("Open from %(first)s to %(last)s", first=t.date(event.first_seen),
                          last=t.date(event.day))  # fmt: skip
    return Worded(
        headline=plain(" \u00b7 ".join(parts)),
        summary=plain(text.summary),
        actor=plain(actor_label(str(finding.actor), t)) if finding.actor else "",
        fix=plain(text.fix) if event.kind is not Kind.RESOLVED else "",
        since=plain(since),
    )


def subject(events: Sequence[Event], t: Translator) -> str:
    critical = sum(1 for e in events if e.severity == "critical" and e.kind != Kind.RESOLVED)
    text = t.ngettext("DMARC alert: %(count)s change", "DMARC alert: %(count)s changes",
                      len(events), count=t.number(len(events)))  # fmt: skip
    if critical:
        text += ", " + t.ngettext("%(count)s critical", "%(count)s critical", critical,
                                  count=t.number(critical))  # fmt: skip
    return plain(text)


def intro(t: Translator) -> str:
    return t.gettext("What changed in the DMARC aggregate reports since the last alert:")
