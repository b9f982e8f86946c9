"""The languages dmarcwatch speaks, listed once.

Light on purpose (no Babel, no pandas): the command-line parser offers these as ``--lang``
choices, and every message catalogue (:mod:`dmarcwatch.analysis.i18n`) has exactly these.
"""

from __future__ import annotations

LANGUAGES = ("en", "fr", "de", "it")
DEFAULT_LANGUAGE = "en"
# CLDR locale per language, for plural rules and number and date formats: the Swiss variants,
# and British English.
LOCALES = {"en": "en_GB", "fr": "fr_CH", "de": "de_CH", "it": "it_CH"}
