"""Every command and option README.md names exists in the real parser, and every command is named.

A renamed or removed option cannot linger in the README (rules: ``tests/docs/mentions.py``).
"""

from __future__ import annotations

from pathlib import Path

from dmarcwatch.cli import build_parser
from tests.docs.mentions import leaf_commands, mentions, problems

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_command_and_option_the_readme_names_exists() -> None:
    found = problems(README.read_text(encoding="utf-8"), build_parser())
    assert not found, "\n".join(found)


def test_the_readme_names_every_command() -> None:
    named = {mention.words for mention in mentions(README.read_text(encoding="utf-8"))}
    for name, _ in leaf_commands(build_parser()):
        words = tuple(name.split())
        shown = any(mentioned[: len(words)] == words for mentioned in named)
        assert shown, f"README.md never shows `dmarcwatch {name}`"
