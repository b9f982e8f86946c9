"""The one interface every mail source implements, so one poll loop serves them all.

A source is a folder of messages that the poller lists, reads and, once a message's outcome is
committed to the store, moves to the folder of that outcome. IMAP (:mod:`ingest.mailbox`),
Maildir (:mod:`ingest.maildir`), Microsoft Graph (:mod:`ingest.graph`) and the Gmail API
(:mod:`ingest.gmail`) implement it. Messages are named by integers (``uids``), as IMAP names
them; a source whose messages have text identifiers maps each one to a stable integer
(:func:`key_number`), so the store's ledger of handled messages serves every source alike.

The guarantees are the poll loop's (:mod:`ingest.poll`): a message is moved or deleted only
after its reports and its ledger row are committed, and a message in the ledger is never
imported again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol, runtime_checkable


class Source(Protocol):
    """What the poller uses of a mail source. UIDs refer to the selected folder."""

    def select(self, folder: str) -> int:
        """Open *folder* for polling and return its UIDVALIDITY (a constant where UIDs are
        derived from identifiers that never change)."""
        ...

    def uidnext(self) -> int:
        """A number that grows when mail arrives: the watch loop waits only while it is
        unchanged since the last poll (IMAP UIDNEXT, a Maildir's change time)."""
        ...

    def uids(self, since: date | None = None) -> list[int]:
        """The messages of the selected folder (received on or after *since*), ascending."""
        ...

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """The size in bytes of each message that still exists."""
        ...

    def fetch(self, uids: Sequence[int], sizes: dict[int, int] | None = None) -> dict[int, bytes]:
        """The raw RFC 5322 bytes of each message that still exists, changing nothing; with
        the *sizes* :meth:`sizes` gave, a source may refuse answers much larger than declared."""
        ...

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move exactly *uids* to *folder*, which exists."""
        ...

    def delete(self, uids: Sequence[int]) -> None:
        """Delete exactly *uids*."""
        ...

    def ensure_folder(self, folder: str) -> None:
        """Create *folder* unless it exists."""
        ...

    def folders(self) -> list[str]: ...

    def count(self, folder: str) -> int:
        """The number of messages in *folder*."""
        ...

    def wait_for_change(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """Wait up to *timeout* seconds for new mail in the selected folder; True if some came.

        *should_stop* is asked about once a second and ends the wait early.
        """
        ...

    def close(self) -> None: ...


def key_number(key: str) -> int:
    """A stable positive 63-bit number for a source's message identifier (its "UID").

    Two identifiers share a number with a probability of about n²/2⁶⁴: never, for a mailbox.
    """
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") >> 1 or 1


@runtime_checkable
class Describes(Protocol):
    """A source that names its messages itself (IMAP messages are named by an IMAP URL)."""

    def describe(self, mailbox: str, uid: int) -> str:
        """A URL naming message *uid* of *mailbox*, stored with its reports and rejects."""
        ...
