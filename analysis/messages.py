"""The words of findings: a message catalogue per language, keyed by finding code.

Each entry is ``(summary, fix)``, two ``str.format`` templates filled with the finding's
params plus ``domain`` and ``sender_name``. A code whose text depends on the case has entries
``code/variant`` chosen by the param ``variant``, ``state`` or ``kind``. Languages live in
:mod:`analysis.messages_en`, ``_fr``, ``_de`` and ``_it``; a new language is a new module with
the same keys (a test checks that every language has every key and placeholder).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dmarcwatch.analysis.findings import Finding, Param
from dmarcwatch.analysis.messages_de import MESSAGES as DE
from dmarcwatch.analysis.messages_en import MESSAGES as EN
from dmarcwatch.analysis.messages_fr import MESSAGES as FR
from dmarcwatch.analysis.messages_it import MESSAGES as IT

Catalogue = Mapping[str, tuple[str, str]]

CATALOGUES: dict[str, Catalogue] = {"en": EN, "fr": FR, "de": DE, "it": IT}
LANGUAGES = tuple(CATALOGUES)
_VARIANT_KEYS = ("variant", "state", "kind")
RESOLVED = "_resolved"  # prefix for a problem not seen lately (param ``resolved``: last day)
_THOUSANDS = {"en": ",", "fr": "\u202f", "de": "\u2019", "it": "\u2019"}
_DECIMAL = {"en": ".", "fr": ",", "de": ".", "it": "."}
_NAMES = {
    "unknown": {
        "en": "an unknown sender",
        "fr": "un expéditeur inconnu",
        "de": "ein unbekannter Absender",
        "it": "un mittente sconosciuto",
    },
}


@dataclass(frozen=True, slots=True)
class Text:
    summary: str
    fix: str


def message_key(finding: Finding, catalogue: Catalogue) -> str:
    """The catalogue key for *finding*: ``code/variant`` when that exists, else ``code``."""
    for key in _VARIANT_KEYS:
        value = finding.params.get(key)
        if value is not None and f"{finding.code}/{value}" in catalogue:
            return f"{finding.code}/{value}"
    return finding.code


def render(finding: Finding, lang: str = "en", sender_name: str | None = None) -> Text:
    """The summary and fix of *finding* in *lang* (English when the language is unknown)."""
    catalogue = CATALOGUES.get(lang, EN)
    key = message_key(finding, catalogue)
    summary, fix = catalogue.get(key) or EN.get(key) or ("{code}", "")
    values = {k: format_value(v, lang) for k, v in finding.params.items()}
    name = sender_name or finding.params.get("sender_name") or finding.sender or ""
    values.setdefault("sender_name", str(_NAMES.get(str(name), {}).get(lang, name)))
    values |= {"domain": finding.domain, "code": finding.code}
    if "resolved" in finding.params:
        summary = catalogue.get(RESOLVED, EN[RESOLVED])[0] + " " + summary
    return Text(summary.format_map(_Missing(values)), fix.format_map(_Missing(values)))


def format_value(value: Param, lang: str) -> str:
    """Numbers with the language's separators; text unchanged."""
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", _THOUSANDS.get(lang, ","))
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return (
        text.replace(",", "\0")
        .replace(".", _DECIMAL.get(lang, "."))
        .replace("\0", _THOUSANDS.get(lang, ","))
    )


class _Missing(dict[str, str]):
    """Leave an unknown placeholder visible instead of failing the whole output."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
