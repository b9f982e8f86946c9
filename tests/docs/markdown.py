"""The parts of a Markdown file the README tests read: fenced code blocks and inline code.

Only what the README uses: fences of three or more backticks at the start of a line, ATX
headings (``#`` to ``######``) and single-backtick inline code. Line numbers are 1-based, as
an editor shows them, so a failing test can name the README line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_FENCE = re.compile(r"^(`{3,})(.*)$")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_MARKER = re.compile(r"^<!--\s*(.*?)\s*-->$")


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """A fenced code block: its lines (fences excluded), heading and the comment before it."""

    fence_line: int
    info: str
    lines: tuple[Line, ...]
    heading: str
    comment: str | None


@dataclass(frozen=True, slots=True)
class Span:
    """Inline code outside code blocks (headings included), with the heading above it."""

    line: int
    text: str
    heading: str


def blocks(markdown: str) -> list[Block]:
    """Every fenced code block, in document order."""
    return [part for part in _parts(markdown) if isinstance(part, Block)]


def spans(markdown: str) -> list[Span]:
    """Every inline code span outside fenced blocks, in document order."""
    return [part for part in _parts(markdown) if isinstance(part, Span)]


def _parts(markdown: str) -> Iterator[Block | Span]:
    lines = [Line(n, text) for n, text in enumerate(markdown.splitlines(), start=1)]
    heading, index = "", 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line.text)
        if fence:
            end = _closing(lines, index, fence.group(1))
            comment = _comment_before(lines, index)
            body = tuple(lines[index + 1 : end])
            yield Block(line.number, fence.group(2).strip(), body, heading, comment)
            index = end + 1
            continue
        title = _HEADING.match(line.text)
        if title:
            heading = title.group(1)
        for code in _INLINE_CODE.finditer(line.text):
            yield Span(line.number, code.group(1), heading)
        index += 1


def _closing(lines: list[Line], start: int, fence: str) -> int:
    for index in range(start + 1, len(lines)):
        if lines[index].text.startswith(fence) and not lines[index].text.strip("`").strip():
            return index
    raise ValueError(f"line {lines[start].number}: code block is never closed")


def _comment_before(lines: list[Line], index: int) -> str | None:
    """The text of an HTML comment on the line just before the fence, if there is one."""
    if index == 0:
        return None
    found = _MARKER.match(lines[index - 1].text.strip())
    return found.group(1) if found else None
