"""Words, numbers and dates of the report in the reader's language.

Every sentence of the report is a ``gettext`` message of the ``reports`` domain
(:mod:`analysis.i18n`): the English text is the ``msgid``, the translations live in
``reports/locale/<lang>/LC_MESSAGES/reports.po``. Numbers and dates use the locale data of
Babel (CLDR) for the Swiss variant of each language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, dates
from babel.support import NullTranslations

from ..analysis.i18n import Domain, format_number
from ..analysis.languages import LOCALES

PACKAGE = Path(__file__).parent
REPORTS = Domain(
    "reports",
    PACKAGE,
    sources=(
        ("*.py", "python"),
        ("channels/*.py", "python"),
        ("templates/**.j2", "jinja2.ext:babel_extract"),
    ),
    options={"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}},
)


def load_translations(lang: str) -> NullTranslations:
    """The report's catalogue of *lang* (:class:`~analysis.i18n.UnknownLanguage` if none)."""
    return REPORTS.translations(lang)


@dataclass(frozen=True)
class Translator:
    """Messages and formats of one language; what the template and the charts call."""

    lang: str
    locale: Locale
    translations: NullTranslations

    @classmethod
    def for_language(cls, lang: str) -> Translator:
        translations = load_translations(lang)
        return cls(lang, Locale.parse(LOCALES[lang]), translations)

    def gettext(self, message: str, **values: object) -> str:
        text = str(self.translations.gettext(message))
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = str(self.translations.ngettext(singular, plural, n))
        return text % {"num": n, **values}

    def number(self, value: float, digits: int = 0) -> str:
        """*value* with the locale's digit grouping and decimal sign."""
        return format_number(value, self.lang, digits)

    def percent(self, share: float, digits: int = 1) -> str:
        """A share (0.0-1.0) as a percentage in the locale's pattern (``97.7%``, ``97,7 %``)."""
        pattern = str(self.locale.percent_formats[None].pattern)
        number = self.number(100 * share, digits)
        return pattern.replace("#,##0", number, 1).replace("#", "")

    def points(self, delta: float) -> str:
        """A change of a share, in signed percentage points."""
        sign = "+" if delta > 0.0005 else "\u2212" if delta < -0.0005 else "\u00b1"
        value = self.number(abs(100 * delta), 1)
        return self.gettext("%(value)s pp", value=sign + value)

    def signed_number(self, delta: int) -> str:
        sign = "+" if delta > 0 else "\u2212" if delta < 0 else "\u00b1"
        return sign + self.number(abs(delta))

    def date(self, day: dt.date, form: str = "medium") -> str:
        return dates.format_date(day, form, locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """Day and month, for chart axes (``6 Sept``, ``6. Sept.``)."""
        return dates.format_skeleton("MMMd", day, locale=self.locale)

    def date_range(self, first: dt.date, last: dt.date) -> str:
        """An inclusive range of days (``6 Sept – 5 Oct 2026``)."""
        if first == last:
            return self.date(first)
        return dates.format_interval(first, last, "yMMMd", locale=self.locale)

    def moment(self, when: dt.datetime) -> str:
        """A point in time, in UTC, with the zone named."""
        text = dates.format_datetime(when, "medium", tzinfo=dt.UTC, locale=self.locale)
        return f"{text} UTC"
