"""The words of the posture findings, in English, French, German and Italian (``messages.toml``)."""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("en", "fr", "de", "it")
DEFAULT_LANGUAGE = "en"
_CATALOGUE = Path(__file__).with_name("messages.toml")


@functools.cache
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    """``{key: {language: {"summary": ..., "fix": ...}}}`` as shipped."""
    with _CATALOGUE.open("rb") as handle:
        data: dict[str, dict[str, dict[str, str]]] = tomllib.load(handle)
    return data


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class _Keep(dict[str, object]):
    """Leave an unknown placeholder visible instead of failing at run time."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(key: str, language: str, params: Mapping[str, object]) -> tuple[str, str]:
    """(summary, fix) of message *key* in *language* (English when it has no such language)."""
    entry = catalogue()[key]
    texts = entry.get(language) or entry[DEFAULT_LANGUAGE]
    values = _Keep(params)
    return texts["summary"].format_map(values), texts["fix"].format_map(values)
