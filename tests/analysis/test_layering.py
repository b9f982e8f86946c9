"""The layering itself is the import-linter contract in pyproject.toml (lint-imports)."""

import argparse
import ast
from pathlib import Path

import pytest

from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.cli import build_parser


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


STAGES = ("ingest", "analysis", "reports")


def test_the_stages_import_each_other_relatively_never_by_folder_or_through_the_cli() -> None:
    """Inside ingest/, analysis/ and reports/ an import of the package is relative (``from
    ..ingest import schema``): never by a bare folder name, which would load a module twice,
    and never as ``dmarcwatch.…``, which reads as a stage reaching into the command line."""
    root = Path(__file__).resolve().parents[2]
    found = []
    for stage in STAGES:
        for path in sorted((root / stage).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    if name.split(".")[0] in (*STAGES, "dmarcwatch"):
                        found.append(f"{path.relative_to(root)}:{node.lineno}: {name}")
    assert found == []
