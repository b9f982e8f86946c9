"""The words of the DNS check's findings in the reader's language.

The English texts are in :mod:`analysis.check.texts`, their translations in the ``analysis``
gettext catalogue (:mod:`analysis.i18n`). A text with a plural takes the form its ``count``
asks for; a tuple param is a list, written as the language lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..i18n import ANALYSIS, format_items, translator
from ..languages import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from ..languages import LANGUAGES as LANGUAGES
from .texts import TEXTS


class _Keep(dict[str, object]):
    """Leave an unknown placeholder visible instead of failing at run time."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(key: str, language: str, params: Mapping[str, object]) -> tuple[str, str]:
    """(summary, fix) of message *key* in *language* (English when it has no such language)."""
    summary, fix = TEXTS[key]
    t = translator(ANALYSIS, language)
    values = _Keep(
        {k: format_items(v, t.lang) if isinstance(v, tuple) else v for k, v in params.items()}
    )
    return t.text(summary, params).format_map(values), t.text(fix, params).format_map(values)
