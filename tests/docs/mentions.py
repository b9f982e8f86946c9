"""The commands and options a README names, checked against the real argument parser.

Read from code only (fenced blocks and inline code; prose is never parsed):

- an invocation, ``dmarcwatch WORD [WORD] …`` in a block line or inline code: the words must be
  a command (and a sub-command or a listed choice where the parser has them) and every
  ``--option``/``-o`` after them an option of that command. ``dmarcwatch COMMAND`` (upper case)
  stands for every command. In blocks with ``$ `` lines only those lines are read.
- inline code that starts with ``-`` (``--quiet``, ``-j N``): an option of the command whose
  section it is in (a heading naming ``dmarcwatch CMD``), or, outside such a section, an option
  that every command takes ("Every command takes ``--db URL``").
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tests.docs.examples import PROMPT
from tests.docs.markdown import Block, blocks, spans

_INVOCATION = re.compile(r"(?<![\w.-])dmarcwatch[ \t]+(?=[A-Za-z])(.*)")
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)")
_WORD = re.compile(r"[a-z][a-z-]*|[A-Z]+")
_SEPARATORS = re.compile(r"&&|;|\s#")


@dataclass(frozen=True, slots=True)
class Mention:
    """Words naming a command (empty: the section's command) and the options given with them."""

    line: int
    words: tuple[str, ...]
    options: tuple[str, ...]
    section: str | None


def mentions(markdown: str) -> list[Mention]:
    found = [m for block in blocks(markdown) for m in _in_block(block)]
    for span in spans(markdown):
        section = _section_command(span.heading)
        if span.text.startswith("-"):
            found.append(Mention(span.line, (), _options(span.text), section))
        else:
            found.extend(_invocations(span.line, span.text, section))
    return sorted(found, key=lambda mention: mention.line)


def _in_block(block: Block) -> Iterator[Mention]:
    commands = [line for line in block.lines if line.text.startswith(PROMPT)]
    for line in commands or block.lines:
        yield from _invocations(line.number, line.text, _section_command(block.heading))


def _invocations(line: int, text: str, section: str | None) -> Iterator[Mention]:
    for part in _SEPARATORS.split(text):
        found = _INVOCATION.search(part)
        if found is None:
            continue
        tokens = found.group(1).split()
        words = tuple(_leading_words(tokens))
        yield Mention(line, words, _options(" ".join(tokens[len(words) :])), section)


def _leading_words(tokens: list[str]) -> Iterator[str]:
    for token in tokens:
        if not _WORD.fullmatch(token):
            return
        yield token


def _options(text: str) -> tuple[str, ...]:
    return tuple(_OPTION.findall(text))


def _section_command(heading: str) -> str | None:
    for mention in _invocations(0, heading.replace("`", " "), None):
        return mention.words[0] if mention.words else None
    return None


def problems(markdown: str, parser: argparse.ArgumentParser) -> list[str]:
    """One line per command or option the README names that *parser* does not have."""
    found = []
    for mention in mentions(markdown):
        words = mention.words or ((mention.section,) if mention.section else ("COMMAND",))
        targets, unknown = _resolve(parser, words)
        if unknown:
            found.append(f"README.md line {mention.line}: no command `dmarcwatch {unknown}`")
            continue
        for option in mention.options:
            lacking = [name for name, target in targets if option not in _option_strings(target)]
            if lacking:
                where = f"README.md line {mention.line}: `{option}`"
                found.append(f"{where} is not an option of {', '.join(lacking)}")
    return found


def _resolve(
    parser: argparse.ArgumentParser, words: tuple[str, ...]
) -> tuple[list[tuple[str, argparse.ArgumentParser]], str | None]:
    """The parsers *words* name (every command for an upper-case placeholder), or the bad name."""
    if words[0].isupper():
        return leaf_commands(parser), None
    current, path = parser, []
    for word in words:
        path.append(word)
        subcommands = _subcommands(current)
        if subcommands:
            if word not in subcommands:
                return [], " ".join(path)
            current = subcommands[word]
        elif _choices(current) and word not in _choices(current):
            return [], " ".join(path)
    return [(" ".join(words), current)], None


def leaf_commands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command that runs (``config check``, not ``config``), with its parser."""
    found: list[tuple[str, argparse.ArgumentParser]] = []
    for name, sub in _subcommands(parser).items():
        below = leaf_commands(sub)
        if below:
            found.extend((f"{name} {inner}", leaf) for inner, leaf in below)
        else:
            found.append((name, sub))
    return found


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _choices(parser: argparse.ArgumentParser) -> set[str]:
    """The values a positional argument with fixed choices takes (``senders update``)."""
    return {
        str(choice)
        for action in parser._actions
        if not action.option_strings and action.choices is not None
        for choice in action.choices
    }


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}
