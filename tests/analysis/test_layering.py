"""The layering itself is the import-linter contract in pyproject.toml (lint-imports)."""

import argparse

import pytest

from dmarcwatch.cli import build_parser
from dmarcwatch.languages import LANGUAGES


def _language_choices(command: str) -> list[str]:
    subparsers = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    parser = subparsers.choices[command]
    lang = next(action for action in parser._actions if "--lang" in action.option_strings)
    return list(lang.choices or ())


@pytest.mark.parametrize("command", ["diagnose", "check", "report"])
def test_the_commands_offer_every_language_of_the_message_catalogues(command: str) -> None:
    assert _language_choices(command) == list(LANGUAGES)
