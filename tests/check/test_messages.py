"""Every finding of the rules has a text; texts are filled in the asked language.

That every text has every language with the same placeholders is checked for all catalogues
in tests/test_catalogues.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from dmarcwatch.analysis.check.messages import render
from dmarcwatch.analysis.check.texts import TEXTS

POSTURE = Path(__file__).parents[2] / "analysis" / "check"
STABLE_CODES = {
    "spf-missing", "spf-multiple-records", "spf-too-many-lookups", "spf-void-lookups",
    "spf-sender-not-covered", "spf-permissive-all", "dmarc-missing", "dmarc-multiple-records",
    "dmarc-invalid", "dmarc-rua-not-authorized", "dmarc-discovery-differs", "dkim-missing",
    "dkim-sendgrid-cname-broken", "dkim-key-revoked", "dkim-key-weak", "dns-error",
}  # fmt: skip


def test_every_text_is_marked_under_its_own_key():
    for key, (summary, fix) in TEXTS.items():
        assert summary.context == fix.context == key
        assert summary.text.strip() and fix.text.strip()


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
    missing = {k for k in used if k not in TEXTS and not any(c.startswith(k + ".") for c in TEXTS)}
    assert not missing


def test_the_stable_codes_are_all_there():
    assert {key.split(".", 1)[0] for key in TEXTS} >= STABLE_CODES


def test_italian_texts_are_italian_with_their_placeholders_filled():
    params = {"domain": "fisio-bellinzona.ch", "count": 12}
    summary, fix = render("spf-too-many-lookups", "it", params)
    assert (summary, fix) != render("spf-too-many-lookups", "en", params)
    assert summary == (
        "Il record SPF di fisio-bellinzona.ch richiede più di 10 interrogazioni DNS (12 contate "
        "prima che la verifica si fermasse dove si fermano i destinatari), quindi SPF termina "
        "con permerror."
    )
    assert "include" in fix and "ip4:/ip6:" in fix


def test_unknown_placeholders_stay_visible_instead_of_failing():
    summary, _ = render("spf-ok", "de", {"domain": "x.ch"})
    assert "x.ch" in summary and "{count}" in summary
