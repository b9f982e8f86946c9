"""The message catalogues: complete in every language, placeholders kept, in step with the code.

Every gettext domain (:data:`dmarcwatch.catalogs.DOMAINS`) is checked the way the maintainer
tool (``python -m dmarcwatch.catalogs``) reads it.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from dmarcwatch.analysis.i18n import Domain, Translator, UnknownLanguage
from dmarcwatch.analysis.languages import DEFAULT_LANGUAGE, LANGUAGES, LOCALES
from dmarcwatch.catalogs import DOMAINS, extract, update

TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
_PLACEHOLDERS = (re.compile(r"%\((\w+)\)[sd]"), re.compile(r"\{(\w+)\}"))
_BY_NAME = {domain.name: domain for domain in DOMAINS}


def _catalog(domain: Domain, lang: str) -> Catalog:
    with domain.po_path(lang).open("rb") as handle:
        return read_po(handle, locale=LOCALES[lang], domain=domain.name)


def _forms(text: object) -> tuple[str, ...]:
    return tuple(str(form) for form in text) if isinstance(text, tuple | list) else (str(text),)


def _keys(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id, m.context) for m in catalog if m.id}


def _placeholders(text: str) -> list[set[str]]:
    return [set(pattern.findall(text)) for pattern in _PLACEHOLDERS]


@pytest.fixture(scope="module")
def used() -> dict[str, Catalog]:
    """Every message the code and the templates use, extracted as the maintainer tool does."""
    return {domain.name: extract(domain) for domain in DOMAINS}


def test_every_package_with_sentences_has_a_domain() -> None:
    assert set(_BY_NAME) == {"analysis", "reports", "commands"}


def test_the_code_marks_its_messages(used: dict[str, Catalog]) -> None:
    reports = _keys(used["reports"])
    assert ("DMARC report", None) in reports  # the template's title
    assert ("Messages per day by DMARC result", None) in reports  # a chart title in Python
    assert (("%(count)s message", "%(count)s messages"), None) in reports  # a plural
    assert len(reports) > 80
    analysis = _keys(used["analysis"])
    assert ("Nothing to do.", "dkim-ok") in analysis  # a DNS check text, keyed by its code
    assert ("Nothing to do.", "sender-aligned") in analysis  # a finding text
    assert len(analysis) > 180
    assert ("Evidence", None) in _keys(used["commands"])


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogues_hold_exactly_what_the_code_uses(
    domain: Domain, lang: str, used: dict[str, Catalog]
) -> None:
    have, want = _keys(_catalog(domain, lang)), _keys(used[domain.name])
    assert not want - have, f"{domain.po_path(lang)} lacks {sorted(map(str, want - have))[:5]}"
    assert not have - want, (
        f"{domain.po_path(lang)} holds unused {sorted(map(str, have - want))[:5]}"
    )


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(domain: Domain, lang: str) -> None:
    catalog = _catalog(domain, lang)
    untranslated = [m.id for m in catalog if m.id and not _translated(m, catalog.num_plurals)]
    assert not untranslated, f"{lang}: untranslated or fuzzy: {untranslated[:5]}"


def _translated(message: Message, plurals: int) -> bool:
    forms = _forms(message.string)
    if message.fuzzy or not all(form.strip() for form in forms):
        return False
    return len(forms) == plurals if isinstance(message.id, tuple) else True


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(domain: Domain, lang: str) -> None:
    for message in _catalog(domain, lang):
        if not message.id:
            continue
        wanted = _placeholders(" ".join(_forms(message.id)))
        for text in _forms(message.string):
            assert _placeholders(text) == wanted, (lang, message.context, message.id, text)


def test_placeholders_of_both_forms_are_found() -> None:
    assert _placeholders("%(count)s of {domain}, %(n)d") == [{"count", "n"}, {"domain"}]


@pytest.fixture
def toy(tmp_path: Path) -> Domain:
    """A domain of its own: one module using a plural with a context, and the tool run on it."""
    (tmp_path / "toy.py").write_text(
        textwrap.dedent("""\
            def count(t, n):
                return t.npgettext("receivers", "%(num)s source", "%(num)s sources", n)
            """),
        encoding="utf-8",
    )
    domain = Domain("toy", tmp_path)
    template = extract(domain)
    for lang in LANGUAGES:
        assert update(domain, lang, template) == (1, 0)
    catalog = _catalog(domain, "fr")
    message = catalog.get(("%(num)s source", "%(num)s sources"), context="receivers")
    message.string = ("%(num)s source", "%(num)s de sources", "%(num)s sources")
    with domain.po_path("fr").open("wb") as handle:
        write_po(handle, catalog)
    return domain


def test_plurals_are_extracted_and_follow_the_language(toy: Domain) -> None:
    assert _keys(_catalog(toy, "de")) == {(("%(num)s source", "%(num)s sources"), "receivers")}
    french = Translator(toy, "fr")
    forms = [french.npgettext("receivers", "%(num)s source", "%(num)s sources", n) for n in (1, 2)]
    assert forms == ["%(num)s source", "%(num)s sources"]
    english = Translator(toy, "en")
    assert english.npgettext("receivers", "%(num)s source", "%(num)s sources", 2) == (
        "%(num)s sources"
    )


def test_a_language_without_a_catalogue_file_speaks_english(tmp_path: Path) -> None:
    domain = Domain("empty", tmp_path)
    assert not domain.covers("fr")
    assert Translator(domain, "fr").gettext("Fix") == "Fix"


def test_an_unknown_language_is_refused_by_the_catalogue() -> None:
    with pytest.raises(UnknownLanguage):
        _BY_NAME["analysis"].translations("xx")
    assert issubclass(UnknownLanguage, ValueError)


def test_the_tool_leaves_a_catalogue_in_step_as_it_is(toy: Domain) -> None:
    catalog = _catalog(toy, "de")
    catalog.creation_date = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with toy.po_path("de").open("wb") as handle:
        write_po(handle, catalog)
    assert update(toy, "de", extract(toy)) == (0, 0)
    before = toy.po_path("de").read_bytes()
    assert b"POT-Creation-Date: 2020-01-01 00:00+0000" in before
    assert update(toy, "de", extract(toy)) == (0, 0)
    assert toy.po_path("de").read_bytes() == before
