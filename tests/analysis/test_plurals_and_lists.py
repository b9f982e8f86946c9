"""Counts meet nouns in the plural each language needs; lists read as each language lists."""

from __future__ import annotations

import re
import string

import pytest

from dmarcwatch.analysis.check import texts as check_texts
from dmarcwatch.analysis.check.messages import render as render_check
from dmarcwatch.analysis.finding_texts import TEXTS
from dmarcwatch.analysis.findings import Evidence, Finding, Severity
from dmarcwatch.analysis.i18n import format_items
from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.analysis.messages import render

# "1" before a plural noun (an adjective may come between), per language.
ONE_PLURAL = {
    "en": r"\b1 (?:\w+ )?(?:messages|copies|sources|days|lookups|terms)\b|\(s\)",
    "fr": r"\b1 (?:\w+ )?(?:messages|copies|sources|jours|recherches|termes)\b|\(s\)",
    "de": r"\b1 (?:\w+ )?(?:Nachrichten|Kopien|Quellen|Tage|Tagen|Abfragen|Begriffe)\b|\(n\)",
    "it": r"\b1 (?:\w+ )?(?:messaggi|copie|fonti|giorni|ricerche|termini)\b|\(i\)",
}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _finding(key: str, count: int) -> Finding:
    code, _, variant = key.partition("/")
    summary, fix = TEXTS[key]
    names = _placeholders(summary.text) | _placeholders(fix.text)
    params: dict[str, str | int | float | tuple[str, ...]] = dict.fromkeys(names, count)
    if variant:
        params["variant"] = variant
    return Finding(code, Severity.WARNING, "praxis.example", None, None, Evidence(), params)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(TEXTS))
def test_finding_texts_say_one_in_the_singular(key: str, lang: str) -> None:
    text = render(_finding(key, 1), lang)
    for part in (text.summary, text.fix):
        assert not re.search(ONE_PLURAL[lang], part), part


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(check_texts.TEXTS))
def test_check_texts_say_one_in_the_singular(key: str, lang: str) -> None:
    summary, fix = check_texts.TEXTS[key]
    params = dict.fromkeys(_placeholders(summary.text) | _placeholders(fix.text), 1)
    for part in render_check(key, lang, params):
        assert not re.search(ONE_PLURAL[lang], part), part


@pytest.mark.parametrize(
    ("lang", "listed"),
    [
        ("en", "Google, Mimecast and Yahoo"),
        ("fr", "Google, Mimecast et Yahoo"),
        ("de", "Google, Mimecast und Yahoo"),
        ("it", "Google, Mimecast e Yahoo"),
    ],
)
def test_lists_read_as_the_language_lists(lang: str, listed: str) -> None:
    assert format_items(("Google", "Mimecast", "Yahoo"), lang) == listed
    assert format_items(("Google",), lang) == "Google"


def test_several_receivers_take_a_plural_verb_in_german() -> None:
    finding = Finding(
        "receiver-quarantined",
        Severity.WARNING,
        "praxis.example",
        "unknown",
        None,
        Evidence(),
        {"variant": "spoofed", "receiver": ("google.com", "Mimecast"), "messages": 96},
    )
    summary = render(finding, "de").summary
    assert "google.com und Mimecast" in summary
    assert " hat " not in summary


def test_an_empty_list_is_a_dash_not_nothing() -> None:
    finding = Finding(
        "unknown-sender-passing",
        Severity.WARNING,
        "praxis.example",
        "unknown",
        None,
        Evidence(),
        {"messages": 3, "sources": 2, "signing_domains": ("praxis.example",),
         "envelope_domains": (), "rdns": ()},
    )  # fmt: skip
    for lang in LANGUAGES:
        summary = render(finding, lang).summary
        assert " )" not in summary and "  " not in summary
        assert "\u2014)" in summary  # the host names, last in the parenthesis
