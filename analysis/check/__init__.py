"""The DNS check of a practice domain (``dmarcwatch check``): SPF, DMARC and DKIM checked the
way receivers see them, over the DNS layer (:mod:`dmarcwatch.analysis.dns`).

Entry points: :func:`check_domain` (findings, for the HTML report) and :func:`assess_domain`
(findings plus DNS statistics, for ``dmarcwatch check``). Findings have the shape of the
``diagnose`` findings: code, severity, domain, sender, actor, summary, fix, plus ``evidence``.
"""

from .domain import CheckReport, assess_domain, check_domain
from .messages import LANGUAGES
from .model import Actor, CheckFinding, Severity
from .seen import Seen, seen_in_reports
from .senders import UnknownSender, known_senders

__all__ = [
    "LANGUAGES",
    "Actor",
    "CheckFinding",
    "CheckReport",
    "Seen",
    "Severity",
    "UnknownSender",
    "assess_domain",
    "check_domain",
    "known_senders",
    "seen_in_reports",
]
