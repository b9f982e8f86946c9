"""Finding texts: chosen by code and variant, filled in, numbers as the language writes them.

That every text has every language with the same placeholders is checked for all catalogues
in tests/test_catalogues.py.
"""

import re

from dmarcwatch.analysis.finding_texts import TEXTS
from dmarcwatch.analysis.findings import Evidence, Finding, Severity
from dmarcwatch.analysis.messages import format_value, render


def test_every_text_is_marked_under_its_own_key():
    for key, (summary, fix) in TEXTS.items():
        assert summary.context == fix.context == key
        assert summary.text.strip() and fix.text.strip()


def test_numbers_follow_the_language():
    assert format_value(12345, "en") == "12,345"
    assert format_value(12345, "de") == "12\u2019345"
    assert format_value(1234567, "de") == "1\u2019234\u2019567"
    assert format_value(12345, "fr") == "12\u2019345"  # Swiss French, as the report writes it
    assert format_value(99.5, "fr") == "99,5"
    assert format_value(0.15, "en") == "0.1"  # the float's exact value, rounded
    assert format_value(True, "de") == "True"
    assert format_value(12345, "it") == "12\u2019345"  # Swiss Italian: like German-Swiss
    assert format_value(99.5, "it") == "99.5"
    assert format_value(100.0, "en") == "100"


def test_variant_text_is_chosen_by_the_finding_params():
    finding = Finding(
        "policy-readiness",
        Severity.OK,
        "physio.ch",
        None,
        None,
        Evidence(),
        {"state": "ready", "policy": "none", "next": "quarantine", "days": 14},
    )
    assert "p=none to p=quarantine" in render(finding, "en").fix
    assert "p=quarantine" in render(finding, "de").fix


def test_italian_text_is_italian_with_its_placeholders_filled():
    finding = Finding(
        "spoofing",
        Severity.WARNING,
        "physio-lugano.ch",
        "unknown",
        None,
        Evidence(),
        {"messages": 12345, "sources": 4, "policy": "none", "blocked": 321, "blocked_pct": 2.6},
    )
    italian, english = render(finding, "it"), render(finding, "en")
    assert italian != english
    assert italian.summary.startswith("12\u2019345 messaggi da fonti sconosciute (4)")
    assert "physio-lugano.ch" in italian.summary and "(p=none)" in italian.summary
    assert "321 (2.6 %)" in italian.summary
    assert "a nome dello studio" in italian.summary
    assert "p=quarantine" in italian.fix and "p=reject" in italian.fix
    assert "{" not in italian.summary + italian.fix


def test_an_unknown_language_falls_back_to_english():
    finding = Finding(
        "no-reports",
        Severity.WARNING,
        "physio.ch",
        None,
        None,
        Evidence(),
        {"state": "never", "days": 7},
    )
    assert re.search(r"No DMARC aggregate report", render(finding, "xx").summary)
