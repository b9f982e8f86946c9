"""The vocabulary every finding shares (``diagnose`` and ``check``): how bad, and who acts.

Kept apart from :mod:`analysis.findings` so the DNS check can use it without pandas.
"""

from __future__ import annotations

import enum


class Severity(enum.StrEnum):
    """How bad a finding is; the order of the members is worst first."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"
    OK = "ok"

    @property
    def rank(self) -> int:
        """0 for the worst: sort findings by it."""
        return list(Severity).index(self)


class Actor(enum.StrEnum):
    """Who has to act on a finding."""

    PRACTICE = "practice"
    VENDOR = "vendor"
    MAIL_PROVIDER = "mail-provider"
