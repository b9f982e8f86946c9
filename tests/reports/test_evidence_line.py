"""The evidence line under a finding in the report: lists as the report's language lists."""

from __future__ import annotations

import pytest

from dmarcwatch.analysis.findings import Evidence, Finding, Severity
from dmarcwatch.reports.compose import evidence_line
from dmarcwatch.reports.i18n import Translator


@pytest.mark.parametrize(
    ("lang", "listed"), [("en", "google.com and Mimecast"), ("de", "google.com und Mimecast")]
)
def test_the_reports_evidence_lists_receivers_as_the_language_does(lang: str, listed: str) -> None:
    finding = Finding(
        "spoofing",
        Severity.WARNING,
        "praxis.example",
        "unknown",
        None,
        Evidence(messages=96, receivers=("google.com", "Mimecast")),
        {},
    )
    assert listed in evidence_line(finding, Translator.for_language(lang))
