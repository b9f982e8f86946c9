"""Every command and option README.md names exists in the real parser, and every command is named.

A renamed or removed option cannot linger in the README (rules: ``tests/docs/mentions.py``).
"""

from __future__ import annotations

from pathlib import Path

from dmarcwatch.cli import build_parser
from tests.docs.mentions import leaf_commands, mentions, problems

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_command_and_option_the_readme_names_exists() -> None:
    assert problems(README.read_text(encoding="utf-8"), build_parser()) == []


def test_the_readme_names_every_command() -> None:
    named = {m.words for m in mentions(README.read_text(encoding="utf-8"))}
    commands = [name for name, _ in leaf_commands(build_parser())]
    missing = [
        c for c in commands if not any(w[: len(c.split())] == tuple(c.split()) for w in named)
    ]
    assert missing == [], f"README.md never shows `dmarcwatch {missing[0]}`" if missing else ""
