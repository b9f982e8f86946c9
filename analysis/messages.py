"""The words of findings, in the reader's language.

A finding's texts are keyed by its code, or by ``code/variant`` where the param ``variant``,
``state`` or ``kind`` picks one of several cases; the English texts are in
:mod:`analysis.finding_texts`, their translations in the ``analysis`` gettext catalogue
(:mod:`analysis.i18n`). Each is a ``str.format`` template filled with the finding's params
(numbers as the language writes them, lists as it lists: "A, B and C", "A, B und C") plus
``domain`` and ``sender_name``. A text with a plural takes the form its count param asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

from .finding_texts import TEXTS
from .findings import CHECK_KEY, FailureNote, Finding, Param
from .i18n import (
    ANALYSIS,
    N_,
    NP_,
    Translator,
    format_items,
    format_short,
    translator,
)
from .languages import LANGUAGES

_VARIANT_KEYS = ("variant", "state", "kind")
# The prefix of a problem not seen lately (param ``resolved``: its last day).
RESOLVED = N_("_resolved", "Not seen since {resolved}, probably fixed:")
UNKNOWN_SENDER = N_("sender", "an unknown sender")
# Failure reports (RFC 6591) that explain a finding: one line per reporter and signature.
FAILURE_DKIM = NP_(
    "_failure-report/dkim",
    "{reports} failure report from {reporter} shows DKIM d={dkim_domain}, s={dkim_selector}.",
    "{reports} failure reports from {reporter} show DKIM d={dkim_domain}, s={dkim_selector}.",
    "reports",
)
FAILURE_UNSIGNED = NP_(
    "_failure-report/unsigned",
    "{reports} failure report from {reporter} shows a message without a DKIM signature.",
    "{reports} failure reports from {reporter} show messages without a DKIM signature.",
    "reports",
)


@dataclass(frozen=True, slots=True)
class Text:
    summary: str
    fix: str


def message_key(finding: Finding) -> str:
    """The key of *finding*'s texts: ``code/variant`` when that exists, else ``code``."""
    for key in _VARIANT_KEYS:
        value = finding.params.get(key)
        if value is not None and f"{finding.code}/{value}" in TEXTS:
            return f"{finding.code}/{value}"
    return finding.code


def render(finding: Finding, lang: str = "en", sender_name: str | None = None) -> Text:
    """The summary and fix of *finding* in *lang* (English when the language is unknown).

    A finding of the DNS check read back from the store (:mod:`analysis.check.history`) names
    its words by the param ``check_key``; they are the check's own texts.
    """
    key = finding.params.get(CHECK_KEY)
    if isinstance(key, str) and finding.code not in TEXTS:
        return _check_text(finding, key, lang)
    t = translator(ANALYSIS, lang)
    entry = TEXTS.get(message_key(finding))
    params = finding.params
    summary, fix = (t.text(entry[0], params), t.text(entry[1], params)) if entry else ("{code}", "")
    values = {k: format_value(v, lang) for k, v in finding.params.items()}
    name = str(sender_name or finding.params.get("sender_name") or finding.sender or "")
    values.setdefault("sender_name", _sender(name, lang, t))
    values |= {"domain": finding.domain, "code": finding.code}
    if "resolved" in finding.params:
        summary = t.text(RESOLVED) + " " + summary
    return Text(summary.format_map(_Missing(values)), fix.format_map(_Missing(values)))


def failure_lines(finding: Finding, lang: str = "en") -> list[str]:
    """The failure reports that explain *finding*, one sentence each, in *lang*."""
    t = translator(ANALYSIS, lang)
    return [_failure_line(note, lang, t) for note in finding.failure_reports]


def _failure_line(note: FailureNote, lang: str, t: Translator) -> str:
    params: dict[str, Param] = {"reports": note.reports}
    values = {
        "reports": format_value(note.reports, lang),
        "reporter": note.reporter,
        "dkim_domain": note.dkim_domain or "?",
        "dkim_selector": note.dkim_selector or "?",
    }
    template = FAILURE_DKIM if note.dkim_domain else FAILURE_UNSIGNED
    return t.text(template, params).format_map(_Missing(values))


def _check_text(finding: Finding, key: str, lang: str) -> Text:
    from .check.messages import render as render_check  # noqa: PLC0415

    params = {k: v for k, v in finding.params.items() if k != CHECK_KEY}
    summary, fix = render_check(key, lang, {"domain": finding.domain, **params})
    return Text(summary, fix)


def _sender(name: str, lang: str, t: Translator) -> str:
    """The sender's name; the unknown sender in words (kept as ``unknown`` for an unknown
    language, as ever)."""
    return t.text(UNKNOWN_SENDER) if name == "unknown" and lang in LANGUAGES else name


def format_value(value: Param, lang: str) -> str:
    """Numbers as *lang* writes them (at most one decimal), lists as it lists; text unchanged."""
    if isinstance(value, tuple):
        return format_items(value, lang)
    if isinstance(value, bool | str):
        return str(value)
    return format_short(value, lang)


class _Missing(dict[str, str]):
    """Leave an unknown placeholder visible instead of failing the whole output."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
