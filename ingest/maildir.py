"""A Maildir (and its Maildir++ sub-folders) as a mail source for the poller.

Layout (the Maildir format as qmail defined it, and Courier's Maildir++ folders as Dovecot and
Postfix's local delivery use them):

- a delivery is written to ``tmp/`` and then renamed or linked into ``new/``; ``tmp/`` is never
  read here, since a file there may still be being written;
- a mail client moves a message from ``new/`` to ``cur/`` and appends ``:2,<flags>`` to its name;
  the part before ``:`` is the message's unique name, which never changes, so it keys the
  ledger;
- a folder ``A/B`` is the directory ``.A.B`` beside ``new/`` and ``cur/`` of the top folder
  (``INBOX``), with its own ``tmp/``, ``new/`` and ``cur/`` and a ``maildirfolder`` file.

A message is moved with one ``rename(2)`` into the target folder's ``cur/``: atomic on one file
system, so a message is always in exactly one folder, and a concurrent delivery, which only
creates new names, is never disturbed. Folders are created ``tmp/`` first, so a deliverer
never sees a half-made one.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote as url_quote

from .errors import quote
from .mailbox import MailboxError, MailboxMisconfigured
from .source import key_number

INBOX = "INBOX"
SUBDIRS = ("tmp", "new", "cur")
UIDVALIDITY = 1  # UIDs are derived from unique names, which are never reused
POLL_SECONDS = 1.0


def folder_dir(root: Path, folder: str) -> Path:
    """The directory of *folder*: the root for INBOX, ``.A.B`` for ``A/B`` (or ``.A.B``)."""
    name = folder.strip("/")
    if name.upper() == INBOX or not name:
        return root
    if not name.startswith("."):
        name = "." + name.replace("/", ".")
    return root / name


def unique_name(filename: str) -> str:
    """The part of a Maildir file name that stays the same when a client sets flags."""
    return filename.split(":", 1)[0]


class MaildirSource:
    """:class:`~ingest.source.Source` over a Maildir on the local file system."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.selected = root
        self.folder = INBOX
        self._paths: dict[int, Path] = {}
        self._generation = 0
        if not all((root / sub).is_dir() for sub in ("new", "cur")):
            raise MailboxMisconfigured(f"{root}: not a Maildir (no new/ and cur/ inside)")

    def select(self, folder: str) -> int:
        directory = folder_dir(self.root, folder)
        if not all((directory / sub).is_dir() for sub in ("new", "cur")):
            shown = ", ".join(quote(f, 60) for f in self.folders())
            raise MailboxMisconfigured(
                f"{self.root}: folder {quote(folder)} does not exist; the Maildir has {shown}"
            )
        self.selected, self.folder = directory, folder
        self._generation = self._changed()
        return UIDVALIDITY

    def _changed(self) -> int:
        """The newest change time of ``new/`` and ``cur/``: a delivery or a move changes it."""
        return max(_mtime_ns(self.selected / "new"), _mtime_ns(self.selected / "cur"))

    def uidnext(self) -> int:
        return self._generation

    def uids(self, since: date | None = None) -> list[int]:
        self._paths = {}
        for path in self._files(self.selected):
            if since is not None and _received(path) < since:
                continue
            self._paths[key_number(unique_name(path.name))] = path
        return sorted(self._paths)

    def _files(self, directory: Path) -> Iterator[Path]:
        for sub in ("new", "cur"):
            try:
                entries = list(os.scandir(directory / sub))
            except OSError as exc:
                raise MailboxError(f"{directory / sub}: cannot list: {exc.strerror}") from exc
            for entry in entries:
                if not entry.name.startswith(".") and entry.is_file(follow_symlinks=False):
                    yield Path(entry.path)

    def _current(self, uid: int) -> Path | None:
        """Where message *uid* is now: a mail client may have moved it from new/ to cur/."""
        path = self._paths.get(uid)
        if path is None:
            return None
        if path.exists():
            return path
        wanted = unique_name(path.name)
        for candidate in self._files(self.selected):
            if unique_name(candidate.name) == wanted:
                self._paths[uid] = candidate
                return candidate
        return None

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        sizes = {}
        for uid in uids:
            path = self._current(uid)
            if path is not None:
                try:
                    sizes[uid] = path.stat().st_size
                except FileNotFoundError:
                    continue
        return sizes

    def fetch(self, uids: Sequence[int], sizes: dict[int, int] | None = None) -> dict[int, bytes]:
        bodies = {}
        for uid in uids:
            path = self._current(uid)
            if path is None:
                continue
            try:
                bodies[uid] = path.read_bytes()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise MailboxError(f"{path}: cannot read: {exc.strerror}") from exc
        return bodies

    def move(self, uids: Sequence[int], folder: str) -> None:
        target = folder_dir(self.root, folder) / "cur"
        for uid in uids:
            path = self._current(uid)
            if path is None:
                continue  # gone already (a person moved or deleted it)
            name = path.name if path.parent.name == "cur" else f"{unique_name(path.name)}:2,"
            try:
                os.rename(path, target / name)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise MailboxError(f"{path}: cannot move to {quote(folder)}: {exc}") from exc

    def delete(self, uids: Sequence[int]) -> None:
        for uid in uids:
            path = self._current(uid)
            if path is not None:
                path.unlink(missing_ok=True)

    def ensure_folder(self, folder: str) -> None:
        directory = folder_dir(self.root, folder)
        try:
            directory.mkdir(mode=0o700, exist_ok=True)
            for sub in SUBDIRS:  # tmp/ first: a deliverer checks for it
                (directory / sub).mkdir(mode=0o700, exist_ok=True)
            if directory != self.root:
                (directory / "maildirfolder").touch(mode=0o600, exist_ok=True)
        except OSError as exc:
            raise MailboxError(f"{directory}: cannot create folder: {exc.strerror}") from exc

    def folders(self) -> list[str]:
        found = [INBOX]
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            is_folder = entry.name.startswith(".") and entry.name not in (".", "..")
            if is_folder and (Path(entry.path) / "cur").is_dir():
                found.append(entry.name[1:].replace(".", "/"))
        return found

    def count(self, folder: str) -> int:
        return sum(1 for _ in self._files(folder_dir(self.root, folder)))

    def wait_for_change(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """Look at the folder's change time every second (portable; no inotify needed)."""
        deadline = time.monotonic() + timeout
        while not should_stop() and time.monotonic() < deadline:
            if self._changed() != self._generation:
                return True
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0)))
        return False

    def describe(self, mailbox: str, uid: int) -> str:
        path = self._paths.get(uid)
        name = unique_name(path.name) if path else str(uid)
        folder = url_quote(self.folder, safe="")
        return f"maildir://{url_quote(mailbox)}/{folder}/{url_quote(name, safe='')}"

    def close(self) -> None:
        self._paths = {}


def _mtime_ns(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return 0
        raise MailboxError(f"{path}: {exc.strerror}") from exc


def _received(path: Path) -> date:
    """The delivery date: a deliverer's file keeps the modification time it was written with."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    except FileNotFoundError:
        return date.max
