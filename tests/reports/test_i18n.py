"""The report's message catalogues are complete, and numbers and dates follow the locale."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from dmarcwatch.reports.catalogs import extract
from dmarcwatch.reports.i18n import LANGUAGES, LOCALES, Translator, UnknownLanguage, po_path

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=LOCALES[lang])


def _ids(message: object) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (str(message),)


@pytest.fixture(scope="module")
def used() -> Catalog:
    """Every message the code and the templates use, extracted as the maintainer tool does."""
    return extract()


def test_code_and_templates_use_messages(used: Catalog) -> None:
    ids = {m.id for m in used if m.id}
    assert "DMARC report" in ids  # the template's title
    assert "Messages per day by DMARC result" in ids  # a chart title in Python
    assert ("%(count)s message", "%(count)s messages") in ids  # a plural
    assert len(ids) > 80


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_used_message_is_in_the_catalogue(lang: str, used: Catalog) -> None:
    catalog = _catalog(lang)
    missing = [m.id for m in used if m.id and m.id not in catalog]
    assert not missing, f"{po_path(lang)} lacks {missing[:5]} (run python -m reports.catalogs)"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    catalog = _catalog(lang)
    untranslated = [m.id for m in catalog if m.id and not _translated(m, catalog.num_plurals)]
    assert not untranslated, f"{lang}: untranslated or fuzzy: {untranslated[:5]}"


def _translated(message: Message, plurals: int) -> bool:
    forms = _ids(message.string)
    if message.fuzzy or not all(forms):
        return False
    return len(forms) == plurals if isinstance(message.id, tuple) else True


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id:
            continue
        wanted = set(_PLACEHOLDER.findall(" ".join(_ids(message.id))))
        for text in _ids(message.string):
            assert set(_PLACEHOLDER.findall(text)) == wanted, (lang, message.id, text)


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
