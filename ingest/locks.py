"""Named, non-blocking, cross-process locks that keep two polls or imports from overlapping.

- an SQLite store locks ``<db path>.<name>.lock`` beside the database with ``flock(2)``, which the
  kernel releases when the process dies;
- an in-memory SQLite store only lives in this process, so a process-local lock is enough;
- a PostgreSQL store takes a session-level advisory lock on a connection of its own, held for
  as long as the lock (PostgreSQL manual, "Advisory Locks"); it too goes away with the session.

A lock that is already held raises :class:`~ingest.errors.LockBusy` at once; nobody waits.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from .errors import LockBusy, StoreNotWritable

_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def check_name(name: str) -> str:
    """A lock name is part of a file name: letters, digits, ``_.-`` only."""
    if not _NAME.fullmatch(name) or name.startswith("."):
        raise ValueError(f"invalid lock name {name!r}")
    return name


def busy(name: str, where: str) -> LockBusy:
    return LockBusy(
        f"another dmarcwatch process holds the {name!r} lock on the store {where}; try again later"
    )


@contextlib.contextmanager
def file_lock(path: Path, name: str, where: str) -> Iterator[None]:
    """Hold ``flock(LOCK_EX)`` on *path* (created if missing, never deleted: deleting races)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as err:
        raise StoreNotWritable(f"cannot create the lock file {path}: {err.strerror}") from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy(name, where) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def thread_lock(lock: threading.Lock, name: str, where: str) -> Iterator[None]:
    """Hold a process-local lock (for stores no other process can see)."""
    if not lock.acquire(blocking=False):
        raise busy(name, where)
    try:
        yield
    finally:
        lock.release()


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for *name* (Python's ``hash`` differs between processes)."""
    digest = hashlib.sha256(b"dmarcwatch-lock:" + name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def advisory_lock(engine: Engine, name: str, where: str) -> Iterator[None]:
    """Hold ``pg_try_advisory_lock`` on a dedicated autocommit connection."""
    key = advisory_key(name)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar_one()
        if not got:
            raise busy(name, where)
        try:
            yield
        finally:
            _unlock(conn, key)


def _unlock(conn: Connection, key: int) -> None:
    try:
        conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    except Exception:
        conn.invalidate()  # the session ends, and its advisory locks with it
        raise
