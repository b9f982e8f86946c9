"""The report's words come from its catalogue, and numbers and dates follow the locale.

That the catalogues are complete and in step with the code is checked for every domain in
tests/test_catalogues.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dmarcwatch.analysis.i18n import UnknownLanguage
from dmarcwatch.reports.i18n import Translator


def test_translator_uses_the_catalogue() -> None:
    assert Translator.for_language("de").gettext("DMARC report") == "DMARC-Bericht"
    assert Translator.for_language("fr").gettext("DMARC report") == "Rapport DMARC"
    assert Translator.for_language("it").gettext("DMARC report") == "Rapporto DMARC"
    assert Translator.for_language("en").gettext("DMARC report") == "DMARC report"


def test_plurals_follow_the_language() -> None:
    fr = Translator.for_language("fr")
    one = fr.ngettext("%(count)s message", "%(count)s messages", 1, count="1")
    many = fr.ngettext("%(count)s message", "%(count)s messages", 5, count="5")
    assert (one, many) == ("1 message", "5 messages")
    de = Translator.for_language("de")
    assert de.ngettext("%(count)s source", "%(count)s sources", 2, count="2") == "2 Quellen"


@pytest.mark.parametrize(
    ("lang", "number", "percent"),
    [
        ("en", "1,234,567", "97.7%"),
        ("de", "1\u2019234\u2019567", "97.7%"),
        ("fr", "1\u2019234\u2019567", "97,7%"),
        ("it", "1\u2019234\u2019567", "97.7%"),
    ],
)
def test_numbers_are_formatted_for_the_locale(lang: str, number: str, percent: str) -> None:
    t = Translator.for_language(lang)
    assert t.number(1234567) == number
    assert t.percent(0.9766) == percent


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "6 Sept 2026"), ("de", "06.09.2026"), ("fr", "6 sept. 2026"), ("it", "6 set 2026")],
)
def test_dates_are_formatted_for_the_locale(lang: str, expected: str) -> None:
    assert Translator.for_language(lang).date(dt.date(2026, 9, 6)) == expected


def test_change_in_points_is_signed() -> None:
    t = Translator.for_language("en")
    assert t.points(0.031) == "+3.1 pp"
    assert t.points(-0.02) == "\u22122.0 pp"
    assert t.points(0.0) == "\u00b10.0 pp"
    assert Translator.for_language("de").points(0.5) == "+50.0 Pp."


def test_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownLanguage):
        Translator.for_language("xx")
