"""DNS posture of a practice domain: SPF, DMARC and DKIM checked the way receivers see them.

Entry points: :func:`check_domain` (findings, for the HTML report) and :func:`assess_domain`
(findings plus DNS statistics, for ``dmarcwatch check``). Findings have the shape of the
``diagnose`` findings: code, severity, domain, sender, actor, summary, fix, plus ``evidence``.
"""

from dmarcwatch.analysis.check.check import PostureReport, assess_domain, check_domain
from dmarcwatch.analysis.check.dns import (
    Nameserver,
    NameserverError,
    ResolverConfig,
    parse_nameserver,
)
from dmarcwatch.analysis.check.messages import LANGUAGES
from dmarcwatch.analysis.check.model import Actor, PostureFinding, Severity
from dmarcwatch.analysis.check.names import InvalidDomain
from dmarcwatch.analysis.check.seen import Seen, seen_in_reports
from dmarcwatch.analysis.check.senders import UnknownSender, known_senders

__all__ = [
    "LANGUAGES",
    "Actor",
    "InvalidDomain",
    "Nameserver",
    "NameserverError",
    "PostureFinding",
    "PostureReport",
    "ResolverConfig",
    "Seen",
    "Severity",
    "UnknownSender",
    "assess_domain",
    "check_domain",
    "known_senders",
    "parse_nameserver",
    "seen_in_reports",
]
