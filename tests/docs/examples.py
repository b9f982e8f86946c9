"""The README's command examples, and how what a command printed is compared with them.

The convention, for whoever edits README.md:

- A fenced code block with lines starting ``$ `` is an example. Each ``$ `` line is a command
  (run by bash, ``dmarcwatch`` being the installed console script); the lines after it, up to
  the next ``$ `` line or the closing fence, are exactly what it prints on stdout. It must exit 0
  and print nothing on stderr. The examples of one README run in order against one store, so
  an ``import`` feeds the ``senders`` and ``diagnose`` examples after it.
- ``…`` in an expected line stands for any text within that line; a line that is only ``…``
  stands for any number of lines, none included.
- ``<!-- example: wrapped -->`` on the line before the fence: an expected line starting with a
  space continues the line above it (one long line, such as JSON, wrapped to be read; wrap
  after ``,`` and start the next line with the space that followed it).
- ``<!-- example: not run: REASON -->`` on the line before the fence: an illustration that is
  not run (it needs a mailbox or the network); the reason is required.
- Blocks without ``$ `` lines (synopses, configuration files) are never run; the commands and
  options they name are still checked against the parser (``tests/docs/mentions.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tests.docs.markdown import Block, Line, blocks

PROMPT = "$ "
ELISION = "…"
_WRAPPED = "wrapped"
_NOT_RUN = re.compile(r"^not run:\s*(\S.*)$")


@dataclass(frozen=True, slots=True)
class Expected:
    """One line of expected output: one README line, or several when wrapped."""

    parts: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)

    @property
    def elides_lines(self) -> bool:
        return self.text.strip() == ELISION


@dataclass(frozen=True, slots=True)
class Command:
    line: int
    text: str
    expected: tuple[Expected, ...]


@dataclass(frozen=True, slots=True)
class Example:
    line: int
    heading: str
    commands: tuple[Command, ...]
    not_run: str | None


@dataclass(frozen=True, slots=True)
class Marker:
    """What the comment before a block says: its lines are wrapped, or it is not run (why)."""

    wrapped: bool = False
    not_run: str | None = None


def examples(markdown: str) -> list[Example]:
    """Every example in *markdown*; raises ValueError where the convention is broken."""
    found = []
    for block in blocks(markdown):
        marker = _marker(block)
        if not any(line.text.startswith(PROMPT) for line in block.lines):
            if marker is not None:
                raise ValueError(f"line {block.fence_line}: marker on a block without commands")
            continue
        marker = marker or Marker()
        commands = tuple(_commands(block, marker.wrapped))
        found.append(Example(block.fence_line, block.heading, commands, marker.not_run))
    return found


def _marker(block: Block) -> Marker | None:
    """The example marker before *block*, if any; ValueError for one this module does not know."""
    comment = block.comment
    if comment is None or not comment.startswith("example:"):
        return None
    value = comment.removeprefix("example:").strip()
    if value == _WRAPPED:
        return Marker(wrapped=True)
    reason = _NOT_RUN.match(value)
    if reason:
        return Marker(not_run=reason.group(1))
    raise ValueError(f"line {block.fence_line - 1}: unknown example marker {comment!r}")


def _commands(block: Block, wrapped: bool) -> list[Command]:
    commands: list[Command] = []
    line, text = 0, ""
    expected: list[Expected] = []
    for row in block.lines:
        if row.text.startswith(PROMPT):
            if text:
                commands.append(Command(line, text, tuple(expected)))
            line, text, expected = row.number, row.text.removeprefix(PROMPT), []
        elif not text:
            raise ValueError(f"line {row.number}: output before the first command")
        elif wrapped and expected and row.text.startswith(" "):
            expected[-1] = Expected((*expected[-1].parts, row))
        else:
            expected.append(Expected((row,)))
    commands.append(Command(line, text, tuple(expected)))
    return commands


def mismatch(command: Command, actual: Sequence[str]) -> str | None:
    """None if *actual* (the printed lines) matches what *command* expects, else how it differs."""
    expected = command.expected
    failures = _failures(expected, actual)
    if failures is None:
        return None
    at, row = max(failures, key=lambda failure: (failure[0], -failure[1]))
    if at == len(expected):
        last = expected[-1].parts[-1].number if expected else command.line
        return f"the output goes on after README line {last}:\n  output: {actual[row]}"
    printed = actual[row] if row < len(actual) else None
    return _describe(expected[at], printed)


def _failures(expected: Sequence[Expected], actual: Sequence[str]) -> list[tuple[int, int]] | None:
    """None on a match, else every (expected, actual) position where matching got stuck.

    A search over positions: an eliding line may match no line, or one more line.
    """
    seen: set[tuple[int, int]] = set()
    pending, stuck = [(0, 0)], []
    while pending:
        at, row = pending.pop()
        if (at, row) in seen:
            continue
        seen.add((at, row))
        if at == len(expected):
            if row == len(actual):
                return None
            stuck.append((at, row))
        elif expected[at].elides_lines:
            pending.append((at + 1, row))
            if row < len(actual):
                pending.append((at, row + 1))
        elif row < len(actual) and _pattern(expected[at].parts).fullmatch(actual[row]):
            pending.append((at + 1, row + 1))
        else:
            stuck.append((at, row))
    return stuck


def _describe(expected: Expected, printed: str | None) -> str:
    if printed is None:
        part = expected.parts[0]
        return f"README line {part.number} expects more output:\n  README: {part.text}"
    for count, part in enumerate(expected.parts, start=1):
        prefix = _pattern(expected.parts[:count], open_end=True).match(printed)
        if prefix is None or count == len(expected.parts):
            shown = printed if count == 1 else _from(printed, expected, count)
            return f"README line {part.number} differs:\n  README: {part.text}\n  output: {shown}"
    raise AssertionError("unreachable: the last part always returns")


def _from(printed: str, expected: Expected, count: int) -> str:
    """The printed text from where the parts before part *count* stopped matching."""
    before = _pattern(expected.parts[: count - 1], open_end=False).match(printed)
    start = before.end() if before else 0
    return "…" + printed[start : start + 160]


def _pattern(parts: Sequence[Line], open_end: bool = False) -> re.Pattern[str]:
    text = "".join(part.text for part in parts)
    body = ".*?".join(re.escape(piece) for piece in text.split(ELISION))
    return re.compile(body + (".*" if open_end else ""), re.DOTALL)
