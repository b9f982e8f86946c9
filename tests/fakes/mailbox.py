"""An in-memory :class:`~dmarcwatch.ingest.mailbox.Mailbox` for the poller's unit tests.

It behaves as an IMAP server would where the poller can tell (UIDVALIDITY, UIDs that are never
reused, MOVE or COPY with UIDPLUS expunge or only a flag), and fails on request like a dropped
connection. The integration tests run the same poller against a real Dovecot server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from dmarcwatch.ingest.errors import quote
from dmarcwatch.ingest.mailbox import MailboxError, MailboxUnavailable


@dataclass
class MemoryFolder:
    uidvalidity: int
    messages: dict[int, bytes] = field(default_factory=dict)
    dates: dict[int, date] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)  # \\Deleted, not expunged
    next_uid: int = 1


class MemoryMailbox:
    """An in-memory :class:`Mailbox` for unit tests.

    ``fail_on`` maps an operation name ("fetch", "move", ...) to the number of successful calls
    allowed before it raises :class:`MailboxUnavailable` once, like a dropped connection;
    ``down = True`` makes every call fail, like a server that stays unreachable.
    """

    def __init__(self, capabilities: Sequence[str] = ("MOVE", "UIDPLUS")) -> None:
        self.store: dict[str, MemoryFolder] = {"INBOX": MemoryFolder(uidvalidity=1)}
        self.caps = frozenset(capabilities)
        self.selected: str | None = None
        self.fail_on: dict[str, int] = {}
        self.calls: list[tuple[str, tuple[int, ...]]] = []
        self.closed = False
        self.down = False

    def add(self, folder: str, data: bytes, when: date | None = None) -> int:
        box = self.store.setdefault(folder, MemoryFolder(uidvalidity=len(self.store) + 1))
        uid = box.next_uid
        box.next_uid += 1
        box.messages[uid] = data
        box.dates[uid] = when or date.today()
        return uid

    def renumber(self, folder: str) -> None:
        """Give *folder* a new UIDVALIDITY and new UIDs, as a server rebuild would."""
        old = self.store[folder]
        new = MemoryFolder(uidvalidity=old.uidvalidity + 100)
        self.store[folder] = new
        for uid in sorted(old.messages):
            self.add(folder, old.messages[uid], old.dates[uid])

    def _step(self, op: str, uids: Sequence[int] = ()) -> None:
        if self.closed or self.down:
            raise MailboxUnavailable("memory: connection closed")
        left = self.fail_on.get(op)
        if left is not None:
            if left <= 0:
                del self.fail_on[op]
                self.closed = True
                raise MailboxUnavailable(f"memory: connection lost during {op}")
            self.fail_on[op] = left - 1
        self.calls.append((op, tuple(uids)))

    def _current(self) -> MemoryFolder:
        if self.selected is None:
            raise MailboxError("memory: no folder selected")
        return self.store[self.selected]

    def select(self, folder: str) -> int:
        self._step("select")
        if folder not in self.store:
            raise MailboxError(f"memory: selecting {quote(folder)} refused: no such folder")
        self.selected = folder
        return self.store[folder].uidvalidity

    def uidnext(self) -> int:
        return self._current().next_uid

    def uids(self, since: date | None = None) -> list[int]:
        self._step("uids")
        box = self._current()
        wanted = (u for u in box.messages if since is None or box.dates[u] >= since)
        return sorted(u for u in wanted if u not in box.flagged)

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        self._step("sizes", uids)
        box = self._current()
        return {u: len(box.messages[u]) for u in uids if u in box.messages}

    def fetch(self, uids: Sequence[int], sizes: dict[int, int] | None = None) -> dict[int, bytes]:
        self._step("fetch", uids)
        box = self._current()
        return {u: box.messages[u] for u in uids if u in box.messages}

    def move(self, uids: Sequence[int], folder: str) -> None:
        """MOVE, or without that capability COPY then :meth:`delete`, as the server would."""
        self._step("move" if "MOVE" in self.caps else "copy", uids)
        if folder not in self.store:
            raise MailboxError(f"memory: moving to {quote(folder)} refused: no such folder")
        box = self._current()
        for uid in uids:
            if uid in box.messages:
                self.add(folder, box.messages[uid], box.dates[uid])
        if "MOVE" in self.caps:
            for uid in uids:
                box.messages.pop(uid, None)
        else:
            self.delete(uids)

    def delete(self, uids: Sequence[int]) -> None:
        """Flag and expunge exactly *uids* (UIDPLUS); without it they stay, only flagged."""
        self._step("delete", uids)
        box = self._current()
        for uid in uids:
            if "UIDPLUS" in self.caps:
                box.messages.pop(uid, None)
                box.dates.pop(uid, None)
            elif uid in box.messages:
                box.flagged.add(uid)

    def ensure_folder(self, folder: str) -> None:
        self._step("ensure_folder")
        self.store.setdefault(folder, MemoryFolder(uidvalidity=len(self.store) + 1))

    def folders(self) -> list[str]:
        return sorted(self.store)

    def count(self, folder: str) -> int:
        return len(self.store[folder].messages)

    def wait_for_change(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        self._step("idle")
        return False

    def close(self) -> None:
        self.closed = True

    def contents(self, folder: str) -> list[bytes]:
        return [self.store[folder].messages[u] for u in sorted(self.store[folder].messages)]
