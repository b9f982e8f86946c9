"""What the poller has handled, per mailbox folder: UIDVALIDITY and one row per message.

A message is identified by (mailbox, folder, UIDVALIDITY, UID) (RFC 9051 §2.3.1.1: UIDs are
stable only while UIDVALIDITY is unchanged). A row is written after the message's reports were
committed and before the message is moved, so a run killed in between moves it next time
without importing it again. A new UIDVALIDITY simply makes every message new again; the
store's deduplication makes the rescan harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import Connection, Dialect, bindparam, delete, select

from . import database
from .prepared import Prepared, prepare
from .schema import mailbox_messages, mailbox_state, poll_runs
from .store import Store
from .writer import Writer


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """Which message: mailbox, folder, UIDVALIDITY and UID."""

    mailbox: str
    folder: str
    uidvalidity: int
    uid: int


class Ledger:
    """Read and write ``mailbox_state`` and ``mailbox_messages`` of one store."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def _errors(self) -> AbstractContextManager[None]:
        return database.translated_errors(self.engine.url)

    def _write(self) -> AbstractContextManager[Connection]:
        return database.write_transaction(self.engine)

    def record_run(self, mailbox: str, status: str, at: dt.datetime) -> None:
        """Remember this run of *mailbox*: when, its status, and when it last succeeded."""
        where = poll_runs.c.mailbox == mailbox
        with self._errors(), self._write() as conn:
            before = conn.execute(select(poll_runs.c.last_success).where(where)).scalar()
            success = at if status == "ok" else before
            conn.execute(delete(poll_runs).where(where))
            row = {"mailbox": mailbox, "last_run": at, "status": status, "last_success": success}
            conn.execute(poll_runs.insert().values(row))

    def uidvalidity(self, mailbox: str, folder: str) -> int | None:
        query = select(mailbox_state.c.uidvalidity).where(
            mailbox_state.c.mailbox == mailbox, mailbox_state.c.folder == folder
        )
        with self._errors(), self.engine.connect() as conn:
            value = conn.execute(query).scalar_one_or_none()
        return None if value is None else int(value)

    def set_uidvalidity(self, mailbox: str, folder: str, uidvalidity: int) -> None:
        """Remember *uidvalidity*; rows of older UIDVALIDITY values are kept as history."""
        where = (mailbox_state.c.mailbox == mailbox, mailbox_state.c.folder == folder)
        row = {"mailbox": mailbox, "folder": folder, "uidvalidity": uidvalidity}
        with self._errors(), self._write() as conn:
            conn.execute(delete(mailbox_state).where(*where))
            conn.execute(mailbox_state.insert().values(row))

    def handled(
        self, mailbox: str, folder: str, uidvalidity: int, from_uid: int = 1
    ) -> dict[int, str]:
        """Outcome of every handled message with UID >= *from_uid*."""
        c = mailbox_messages.c
        query = select(c.uid, c.outcome).where(
            c.mailbox == mailbox,
            c.folder == folder,
            c.uidvalidity == uidvalidity,
            c.uid >= from_uid,
        )
        with self._errors(), self.engine.connect() as conn:
            return {int(uid): str(outcome) for uid, outcome in conn.execute(query)}

    def record(
        self,
        mailbox: str,
        folder: str,
        uidvalidity: int,
        uid: int,
        *,
        outcome: str,
        blob_sha256: str | None,
    ) -> None:
        """Record that message *uid* was handled with *outcome* (replacing an older row)."""
        c = mailbox_messages.c
        key = (c.mailbox == mailbox, c.folder == folder, c.uidvalidity == uidvalidity, c.uid == uid)
        row = {
            "mailbox": mailbox,
            "folder": folder,
            "uidvalidity": uidvalidity,
            "uid": uid,
            "blob_sha256": blob_sha256,
            "outcome": outcome,
            "handled_at": dt.datetime.now(dt.UTC),
        }
        with self._errors(), self._write() as conn:
            conn.execute(delete(mailbox_messages).where(*key))
            conn.execute(mailbox_messages.insert().values(row))

    def record_in(
        self, writer: Writer, message: MessageRecord, outcome: str, blob_sha256: str | None
    ) -> None:
        """:meth:`record`, inside the writer's open transaction (with the message's reports)."""
        delete_row, insert_row = _statements(writer.conn.dialect)
        key = {
            "b_mailbox": message.mailbox,
            "b_folder": message.folder,
            "b_uidvalidity": message.uidvalidity,
            "b_uid": message.uid,
        }
        row = {
            "mailbox": message.mailbox,
            "folder": message.folder,
            "uidvalidity": message.uidvalidity,
            "uid": message.uid,
            "blob_sha256": blob_sha256,
            "outcome": outcome,
            "handled_at": dt.datetime.now(dt.UTC),
        }
        writer.cursor.send(delete_row, key)
        writer.cursor.send(insert_row, row)

    def outcomes(self, mailbox: str) -> Iterator[tuple[str, int, int, str]]:
        """(folder, uidvalidity, uid, outcome) of every message handled in *mailbox*."""
        c = mailbox_messages.c
        query = (
            select(c.folder, c.uidvalidity, c.uid, c.outcome)
            .where(c.mailbox == mailbox)
            .order_by(c.folder, c.uidvalidity, c.uid)
        )
        with self._errors(), self.engine.connect() as conn:
            for folder, validity, uid, outcome in conn.execute(query):
                yield str(folder), int(validity), int(uid), str(outcome)


_ROW = ("mailbox", "folder", "uidvalidity", "uid", "blob_sha256", "outcome", "handled_at")
_CACHE: dict[str, tuple[Prepared, Prepared]] = {}


def _statements(dialect: Dialect) -> tuple[Prepared, Prepared]:
    """Delete and insert of one ``mailbox_messages`` row, built once per dialect."""
    found = _CACHE.get(dialect.name)
    if found is None:
        c = mailbox_messages.c
        key = (
            c.mailbox == bindparam("b_mailbox"),
            c.folder == bindparam("b_folder"),
            c.uidvalidity == bindparam("b_uidvalidity"),
            c.uid == bindparam("b_uid"),
        )
        found = _CACHE[dialect.name] = (
            prepare(delete(mailbox_messages).where(*key), dialect),
            prepare(mailbox_messages.insert(), dialect, _ROW),
        )
    return found
