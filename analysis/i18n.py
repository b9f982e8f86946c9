"""Every human sentence in the reader's language: gettext catalogues read with Babel.

Each package has one gettext domain (``analysis``, ``reports``, ``commands``): the English
text is in the code as the ``msgid`` (with a ``msgctxt`` where a finding code keys it), the
translations in ``<package>/locale/<lang>/LC_MESSAGES/<domain>.po``, compiled in memory at run
time (no ``.mo`` file is shipped). ``python -m dmarcwatch.catalogs`` extracts the messages
from the code and keeps the ``.po`` files in step. Numbers use the CLDR symbols of the locale
of each language (:data:`dmarcwatch.analysis.languages.LOCALES`).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from babel import lists, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from .errors import AnalysisError
from .languages import DEFAULT_LANGUAGE, LANGUAGES, LOCALES

# The Swiss locales group digits with an apostrophe; the typographic one reads better.
_GROUP_FIXES = {"'": "\u2019"}


class UnknownLanguage(AnalysisError, ValueError):
    """A language with no message catalogue."""


class Msg(NamedTuple):
    """An English text and the context that keys it (a finding code), as marked in the code.

    A text whose words depend on a number has a *plural* too, and *counted* names the
    placeholder whose value picks the form (by the language's plural rules).
    """

    context: str
    text: str
    plural: str = ""
    counted: str = ""


def N_(context: str, text: str) -> Msg:  # named as gettext markers usually are
    """Mark *text* for extraction under *context*; it is translated where it is used."""
    return Msg(context, text)


def NP_(context: str, singular: str, plural: str, counted: str) -> Msg:
    """Mark a text with a plural; the placeholder *counted* picks the form where it is used."""
    return Msg(context, singular, plural, counted)


@dataclass(frozen=True)
class Domain:
    """The message catalogue of one package: where its ``.po`` files are, what they hold.

    *sources* and *options* tell the maintainer tool which files to extract messages from
    (Babel's method mapping, relative to *folder*).
    """

    name: str
    folder: Path
    sources: tuple[tuple[str, str], ...] = (("**.py", "python"),)
    options: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)

    def po_path(self, lang: str) -> Path:
        return self.folder / "locale" / lang / "LC_MESSAGES" / f"{self.name}.po"

    def covers(self, lang: str) -> bool:
        """Whether *lang* has a catalogue here (else its texts stay English)."""
        return lang in LANGUAGES and self.po_path(lang).exists()

    def translations(self, lang: str) -> NullTranslations:
        """The catalogue of *lang* (fuzzy entries ignored); English texts when there is none."""
        if lang not in LANGUAGES:
            raise UnknownLanguage(f"no language {lang!r} (choose from {', '.join(LANGUAGES)})")
        path = self.po_path(lang)
        return _compiled(path, LOCALES[lang], self.name) if path.exists() else NullTranslations()


@functools.cache
def _compiled(path: Path, locale: str, domain: str) -> Translations:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


@functools.cache
def translator(domain: Domain, lang: str) -> Translator:
    """The :class:`Translator` of *domain* in *lang*, made once."""
    return Translator(domain, lang)


class Translator:
    """The messages of one domain in one language (English for a language it does not know)."""

    def __init__(self, domain: Domain, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self.translations = domain.translations(self.lang)

    def gettext(self, message: str) -> str:
        return str(self.translations.gettext(message))

    def pgettext(self, context: str, message: str) -> str:
        return str(self.translations.pgettext(context, message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(self.translations.ngettext(singular, plural, n))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return str(self.translations.npgettext(context, singular, plural, n))

    def text(self, msg: Msg, values: Mapping[str, object] | None = None) -> str:
        """A marked text (:func:`N_`, :func:`NP_`) in this language.

        For a text with a plural, the number in *values* under ``msg.counted`` picks the form
        (the singular when it is missing or not a whole number).
        """
        if not msg.plural:
            return self.pgettext(msg.context, msg.text)
        n = (values or {}).get(msg.counted)
        number = n if isinstance(n, int) and not isinstance(n, bool) else 1
        return self.npgettext(msg.context, msg.text, msg.plural, number)


def format_number(value: float, lang: str, digits: int = 0) -> str:
    """*value* with *digits* decimals, grouped as the locale of *lang* groups digits.

    The digits come from Python's correctly rounded formatting, the symbols from Babel's
    CLDR data; Babel's own ``format_decimal`` is not used because it drops every pair of
    apostrophes from its result (``1'234'567`` comes out as ``1234567`` for de_CH).
    """
    group, decimal = _symbols(lang)
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


@functools.cache
def _symbols(lang: str) -> tuple[str, str]:
    """The digit group and decimal signs of *lang* (English for a language it does not know)."""
    locale = LOCALES.get(lang, LOCALES[DEFAULT_LANGUAGE])
    group = numbers.get_group_symbol(locale)
    return _GROUP_FIXES.get(group, group), numbers.get_decimal_symbol(locale)


def format_items(items: Sequence[str], lang: str) -> str:
    """*items* as *lang* lists them ("A, B and C", "A, B et C"); an empty list as a dash."""
    if not items:
        return "\u2014"
    return str(lists.format_list(list(items), locale=LOCALES.get(lang, LOCALES[DEFAULT_LANGUAGE])))


def format_short(value: float, lang: str) -> str:
    """An integer as it is; any other number with at most one decimal (``97``, ``97.5``)."""
    if isinstance(value, int):
        return format_number(value, lang)
    text = format_number(value, lang, 1)
    return text[:-2] if text.endswith("0") else text  # the decimal sign and its zero


ANALYSIS = Domain("analysis", Path(__file__).parent)
