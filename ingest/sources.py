"""Walk the paths given on the command line into inputs: one file, or one message of a mailbox.

- A file of any name is one input; what it holds is decided later by content.
- A directory is walked recursively in sorted order. Symbolic links to directories are not
  followed (no loops); symbolic links to files are. A Maildir's ``tmp`` folder is skipped
  (messages there are still being delivered, Maildir specification).
- A file whose first line starts with ``From `` is an mbox (RFC 4155): each message is one
  input, split while reading so that a large mailbox is never held in memory whole.

Problems with one path (missing, unreadable, too large) come out as :class:`InputError` in the
stream of inputs, so a batch goes on with the next path.

A file name that is not valid UTF-8 is named with its odd bytes escaped (``r\\xff.xml``): the
store keeps text, and a terminal shows it as written.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .limits import DEFAULT_LIMITS, Limits

__all__ = ["Input", "InputError", "iter_inputs"]

_MBOX_START = b"From "
_MBOX_SEPARATOR = b"\nFrom "
_READ_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class Input:
    """The bytes of one file, or of one message of an mbox (``path:message 3``)."""

    source: str
    data: bytes


@dataclass(frozen=True, slots=True)
class InputError:
    """A path or message that could not be read at all; ``missing`` when it does not exist."""

    source: str
    reason: str
    missing: bool = False


def iter_inputs(
    paths: Iterable[str | Path], limits: Limits = DEFAULT_LIMITS
) -> Iterator[Input | InputError]:
    """Every input under *paths*, in order; unreadable ones as :class:`InputError`.

    A file may be as large as ``max(max_message_bytes, max_report_bytes)`` (a plain XML report
    may be larger than any message); an mbox message at most ``max_message_bytes``.
    """
    walker = _Walker(limits)
    for path in paths:
        yield from walker.path(Path(path))


@dataclass(frozen=True, slots=True)
class _Walker:
    limits: Limits

    @property
    def file_cap(self) -> int:
        return max(self.limits.max_message_bytes, self.limits.max_report_bytes)

    def path(self, path: Path) -> Iterator[Input | InputError]:
        """A path named by the user: a directory, or a file (also a pipe or device)."""
        try:
            info = path.stat()
        except FileNotFoundError:
            yield InputError(_name(path), "no such file or directory", missing=True)
            return
        except OSError as exc:
            yield InputError(_name(path), _reason("cannot read", exc))
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self.directory(path)
        else:
            yield from self.file(path)

    def directory(self, path: Path) -> Iterator[Input | InputError]:
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            yield InputError(_name(path), _reason("cannot list directory", exc))
            return
        names = {entry.name for entry in entries if _is_real_dir(entry)}
        maildir = {"cur", "new"} <= names
        for entry in entries:
            if maildir and entry.name == "tmp" and _is_real_dir(entry):
                continue
            yield from self.entry(Path(entry.path), entry)

    def entry(self, path: Path, entry: os.DirEntry[str]) -> Iterator[Input | InputError]:
        """One directory entry: real directories recurse, files (or links to files) are read."""
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from self.directory(path)
            elif entry.is_file():
                yield from self.file(path)
            elif entry.is_symlink() and not path.exists():
                yield InputError(_name(path), "broken symbolic link")
        except OSError as exc:
            yield InputError(_name(path), _reason("cannot read", exc))

    def file(self, path: Path) -> Iterator[Input | InputError]:
        source = _name(path)
        try:
            with path.open("rb") as stream:
                head = stream.read(len(_MBOX_START))
                if head == _MBOX_START:
                    yield from self.mbox(source, stream, head)
                    return
                size = _known_size(stream)
                if size is not None and size > self.file_cap:
                    yield _too_large(source, size, self.file_cap)
                    return
                data = _read_rest(stream, head, size, self.file_cap)
        except OSError as exc:
            yield InputError(source, _reason("cannot read", exc))
            return
        if len(data) > self.file_cap:
            yield _too_large(source, None, self.file_cap)
        else:
            yield Input(source, data)

    def mbox(self, source: str, stream: BinaryIO, head: bytes) -> Iterator[Input | InputError]:
        cap = self.limits.max_message_bytes
        splitter = _MboxSplitter(stream, head, cap)
        for number, message in enumerate(splitter, 1):
            where = f"{source}:message {number}"
            if message is None:
                yield InputError(where, f"message is larger than {cap} bytes (max_message_bytes)")
            else:
                yield Input(where, message)


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _read_rest(stream: BinaryIO, head: bytes, size: int | None, cap: int) -> bytes:
    """The whole file, read once: ``head + rest`` would briefly hold it twice."""
    if size is not None and stream.seekable():
        stream.seek(0)
        return stream.read(min(size, cap) + 1)
    return head + stream.read(cap + 1 - len(head))


def _known_size(stream: BinaryIO) -> int | None:
    info = os.fstat(stream.fileno())
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def _name(path: Path) -> str:
    """*path* as text: bytes that are not UTF-8 (surrogate escapes in Python) as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _too_large(source: str, size: int | None, cap: int) -> InputError:
    what = f"{size} bytes" if size is not None else "over the limit"
    return InputError(source, f"file is too large ({what}; at most {cap} bytes are read)")


def _reason(what: str, exc: OSError) -> str:
    detail = exc.strerror or type(exc).__name__
    return f"{what}: {detail.lower()}"


class _MboxSplitter:
    """Split an mbox at lines starting ``From `` (RFC 4155), reading a block at a time.

    Yields each message without its ``From_`` line, or None for a message over *cap* bytes
    (whose bytes are skipped as they are read, never kept).
    """

    def __init__(self, stream: BinaryIO, head: bytes, cap: int) -> None:
        self._stream = stream
        self._buf = bytearray(head)
        self._start = 0  # where the current message begins in the buffer
        self._scan = 0  # where to look for the next separator
        self._cap = cap
        self._oversize = False

    def __iter__(self) -> Iterator[bytes | None]:
        while True:
            end = self._buf.find(_MBOX_SEPARATOR, self._scan)
            if end >= 0:
                yield self._take(end + 1)
                continue
            self._scan = max(self._start, len(self._buf) - len(_MBOX_SEPARATOR) + 1)
            if len(self._buf) - self._start > self._cap + _READ_SIZE:  # From_ line allowance
                self._drop()
            if not self._refill():
                if self._start < len(self._buf):
                    yield self._take(len(self._buf))
                return

    def _drop(self) -> None:
        """Forget an oversize message's bytes, keeping what may begin the next separator."""
        self._oversize = True
        del self._buf[: self._scan]
        self._start = self._scan = 0

    def _refill(self) -> bool:
        block = self._stream.read(_READ_SIZE)
        if not block:
            return False
        del self._buf[: self._start]
        self._scan -= self._start
        self._start = 0
        self._buf += block
        return True

    def _take(self, end: int) -> bytes | None:
        message = bytes(self._buf[self._start : end])
        self._start = self._scan = end
        if self._oversize:
            self._oversize = False
            return None
        body = message[message.find(b"\n") + 1 :] if b"\n" in message else b""
        if body.endswith(b"\r\n\r\n"):
            body = body[:-2]
        elif body.endswith(b"\n\n"):
            body = body[:-1]
        return None if len(body) > self._cap else body
