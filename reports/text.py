"""The plain-text part of the digest mail and its subject: the roll-up in a few lines.

Report text goes into a mail header (the subject holds no report text, only counts and
dates) and into a text body; control and bidi characters are replaced so that a reporter
name cannot fold a header or reorder a line.
"""

from __future__ import annotations

from .i18n import Translator
from .view import DomainView, ReportView

_CONTROL: dict[int, str | None] = dict.fromkeys(
    [*range(32), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029], " "
)
_CONTROL |= dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)
# Invisible format characters (marks, joiners, byte-order mark, tags): dropped.
_CONTROL |= dict.fromkeys([0x061C, 0x200B, 0x200E, 0x200F, *range(0x2060, 0x2065), 0xFEFF], None)
_CONTROL |= dict.fromkeys(range(0xE0000, 0xE0080), None)


def plain(text: str) -> str:
    """*text* on one line, without control or bidirectional-override characters."""
    return " ".join(text.translate(_CONTROL).split())


def digest_subject(view: ReportView, t: Translator) -> str:
    critical = sum(n for d in view.domains for s, _, n in d.counts if s == "critical")
    subject = t.gettext("DMARC report %(period)s", period=view.period)
    if critical:
        count = t.ngettext(
            "%(count)s critical finding", "%(count)s critical findings", critical,
            count=t.number(critical),
        )  # fmt: skip
        subject = f"{subject}: {count}"
    return plain(subject)


def digest_text(view: ReportView, t: Translator) -> str:
    """A short plain-text digest: per domain, the headline and the most urgent finding."""
    lines = [plain(f"{view.title} \u00b7 {view.period}"), plain(view.summary), ""]
    if view.stale:
        lines[2:2] = ["", plain(view.stale)]
    for domain in view.domains:
        lines += _domain_lines(domain, t)
    lines.append(
        plain(t.gettext("The full report, with charts and tables, is the HTML part of this mail."))
    )
    return "\n".join(lines) + "\n"


def _domain_lines(domain: DomainView, t: Translator) -> list[str]:
    figures = " \u00b7 ".join(_pair(m.label, m.value, t) for m in domain.metrics)
    lines = [plain(domain.domain), "  " + plain(figures)]
    lines.append("  " + plain(_pair(domain.verdict.label, domain.verdict.value, t)))
    urgent = [f for f in domain.findings if f.severity in ("critical", "warning")][:3]
    for finding in urgent:
        lines.append("  " + plain(f"[{finding.severity_label}] {finding.summary}"))
    lines.append("")
    return lines


def _pair(label: str, value: str, t: Translator) -> str:
    return t.gettext("%(label)s: %(value)s", label=label, value=value)
