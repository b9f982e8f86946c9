"""The Monitoring Plugins status of :class:`~analysis.health.Health` (Nagios, Icinga, Checkmk).

One line ``DMARC STATUS: text | perfdata``, then one line per open critical or warning finding.
The state is the worst open finding (critical: CRITICAL, warning: WARNING, else OK); stored
reports older than :data:`STALE_HOURS` make it at least WARNING. Perfdata labels are fixed
(no report text in them); text from reports is kept on one line and without ``|``.
"""

from __future__ import annotations

import enum

from ..analysis.findings import Finding, Severity
from ..analysis.health import Health
from ..analysis.messages import render
from .i18n import Translator
from .text import plain

STALE_HOURS = 72
MAX_LINES = 20


class Status(enum.IntEnum):
    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


def status(health: Health) -> Status:
    worst = health.worst
    if worst is Severity.CRITICAL:
        return Status.CRITICAL
    if worst is Severity.WARNING or _age_hours(health) > STALE_HOURS:
        return Status.WARNING
    return Status.OK


def status_text(health: Health, t: Translator) -> str:
    """The plugin output: the status line with perfdata, then a line per serious finding."""
    state = status(health)
    counts = _counts(health)
    domains = t.ngettext("%(num)d domain", "%(num)d domains", len(health.domains))
    text = t.gettext(
        "%(critical)d critical, %(warning)d warning findings in %(domains)s",
        critical=counts[Severity.CRITICAL],
        warning=counts[Severity.WARNING],
        domains=domains,
    )
    age = _age_hours(health)
    if age >= 0:
        text += "; " + t.gettext("newest report %(hours)d h old", hours=int(age))
    else:
        text += "; " + t.gettext("no reports stored")
    lines = [f"DMARC {state.name}: {_clean(text)} | {perfdata(health)}"]
    serious = [f for f in health.findings if f.severity in (Severity.CRITICAL, Severity.WARNING)]
    lines += [_finding_line(f) for f in serious[:MAX_LINES]]
    return "\n".join(lines)


def perfdata(health: Health) -> str:
    counts = _counts(health)
    messages = sum(d.messages for d in health.domains)
    passing = sum(d.messages * d.dmarc_pass_share for d in health.domains)
    share = f"{100 * passing / messages:.1f}" if messages else "U"
    age = _age_hours(health)
    age_value = str(int(age * 3600)) if age >= 0 else "U"
    return " ".join(
        [
            f"'domains'={len(health.domains)};;;0",
            f"'critical'={counts[Severity.CRITICAL]};;0;0",
            f"'warning'={counts[Severity.WARNING]};0;;0",
            f"'messages'={messages};;;0",
            f"'dmarc_pass'={share}%;;;0;100",
            f"'newest_report_age'={age_value}s;{STALE_HOURS * 3600};;0",
        ]
    )


def _counts(health: Health) -> dict[Severity, int]:
    return {s: sum(d.open_findings.get(s, 0) for d in health.domains) for s in Severity}


def _age_hours(health: Health) -> float:
    """Hours since the newest report of any domain ended; -1 without reports."""
    ends = [d.newest_report_end for d in health.domains if d.newest_report_end is not None]
    if not ends:
        return -1.0
    return max(0.0, (health.as_of - max(ends)).total_seconds() / 3600)


def _finding_line(finding: Finding) -> str:
    summary = render(finding, "en").summary
    return _clean(f"{finding.severity.upper()} {finding.domain} [{finding.code}] {summary}")


def _clean(text: str) -> str:
    return plain(text).replace("|", "/")
