"""Every finding text exists in every language, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dmarcwatch.analysis.check.messages import LANGUAGES, catalogue, placeholders, render

POSTURE = Path(__file__).parents[2] / "analysis" / "check"
STABLE_CODES = {
    "spf-missing", "spf-multiple-records", "spf-too-many-lookups", "spf-void-lookups",
    "spf-sender-not-covered", "spf-permissive-all", "dmarc-missing", "dmarc-multiple-records",
    "dmarc-invalid", "dmarc-rua-not-authorized", "dmarc-discovery-differs", "dkim-missing",
    "dkim-sendgrid-cname-broken", "dkim-key-revoked", "dkim-key-weak", "dns-error",
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_every_language_with_the_same_placeholders(key):
    entry = catalogue()[key]
    assert set(entry) == set(LANGUAGES)
    for part in ("summary", "fix"):
        english = placeholders(entry["en"][part])
        for language in LANGUAGES:
            assert entry[language][part].strip()
            assert placeholders(entry[language][part]) == english, (key, language, part)


def test_every_key_used_by_the_rules_has_a_message():
    used = set()
    for path in POSTURE.glob("check*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(
            re.findall(r'"((?:spf|dmarc|dkim|dns|sendgrid)-[a-z0-9-]+(?:\.[a-z-]+)?)"', text)
        )
        used |= {
            f"dkim-sendgrid-cname-broken.{v}"
            for v in re.findall(r'key, params = "([a-z-]+)"', text)
        }
    missing = {
        k
        for k in used
        if k not in catalogue() and not any(c.startswith(k + ".") for c in catalogue())
    }
    assert not missing


def test_the_stable_codes_are_all_there():
    assert {key.split(".", 1)[0] for key in catalogue()} >= STABLE_CODES


def test_italian_texts_are_italian_with_their_placeholders_filled():
    params = {"domain": "fisio-bellinzona.ch", "count": 12}
    summary, fix = render("spf-too-many-lookups", "it", params)
    assert (summary, fix) != render("spf-too-many-lookups", "en", params)
    assert summary == (
        "Il record SPF di fisio-bellinzona.ch richiede 12 interrogazioni DNS; il limite è 10, "
        "quindi SPF termina con permerror."
    )
    assert "include" in fix and "ip4:/ip6:" in fix


def test_unknown_placeholders_stay_visible_instead_of_failing():
    summary, _ = render("spf-ok", "de", {"domain": "x.ch"})
    assert "x.ch" in summary and "{count}" in summary
