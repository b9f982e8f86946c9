"""Observations into findings: repeated evidence lines are told once, with their count."""

from __future__ import annotations

from dmarcwatch.analysis.check.findings import to_finding
from dmarcwatch.analysis.check.model import Observation
from dmarcwatch.analysis.severity import Severity

DEAD = "a.ns.example: not sent: the DNS server stopped answering"


def test_identical_evidence_lines_are_collapsed_with_their_count() -> None:
    evidence = ("answer one", *([DEAD] * 20), "answer two", DEAD)
    obs = Observation("dns-error", Severity.WARNING, "dns-error", {}, evidence)
    finding = to_finding(obs, "praxis.example", "en")
    assert finding.evidence == ("answer one", f"{DEAD} (\u00d721)", "answer two")


def test_single_evidence_lines_are_unchanged() -> None:
    obs = Observation("dns-error", Severity.WARNING, "dns-error", {}, ("a", "b"))
    assert to_finding(obs, "praxis.example", "en").evidence == ("a", "b")
