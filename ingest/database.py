"""Connecting to the store's database: URLs, engines, write transactions and error translation.

Two backends are supported: SQLite (the default, one file) and PostgreSQL through psycopg 3
(``postgresql+psycopg://``; plain ``postgresql://`` or ``postgres://`` means the same). Driver
and server errors that a user can act on become :class:`~ingest.errors.StoreError` subclasses
with one-line messages that never show the password.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from .errors import (
    InvalidStoreURL,
    StoreError,
    StoreNotWritable,
    StoreUnavailable,
)

SQLITE_BUSY_TIMEOUT_S = 120
"""How long an SQLite writer waits for another process's write transaction to finish.

A report is written in one transaction while it is parsed, so the wait must cover the
largest report (2,000,000 records by default, tens of seconds) with room to spare."""

POSTGRES_CONNECT_TIMEOUT_S = 10

POSTGRES_MISSING = (
    "PostgreSQL support is not installed: install dmarcwatch with its postgres extra "
    "(pip install '.[postgres]' from the source, or psycopg[binary] into its environment)"
)

_WRITE = "dmarcwatch_write"
"""Execution option: begin the transaction as a writer (``BEGIN IMMEDIATE`` on SQLite)."""


def parse_url(url: str) -> URL:
    """Parse a store URL; a bare filesystem path means an SQLite file (``:memory:`` in memory)."""
    if url == ":memory:":
        return URL.create("sqlite")
    if "://" not in url:
        return URL.create("sqlite", database=str(Path(url).expanduser()))
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError):
        raise InvalidStoreURL(f"not a database URL: {mask_text(url)}") from None
    if "@" in (parsed.host or ""):
        raise InvalidStoreURL(
            f"not a database URL: {mask_text(url)} (write @ in a password as %40)"
        )
    if parsed.drivername in ("postgres", "postgresql"):  # "postgres://" from hosting panels
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise InvalidStoreURL(
            f"unsupported database {parsed.drivername!r}: use sqlite:///PATH or postgresql://…"
        )
    return parsed


def masked(url: URL) -> str:
    """The URL as text with its password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


# user:password@host in a URL or in driver text; the password may hold "@" (the last one ends it).
_USERINFO = re.compile(r"(?<![\w.+%-])([\w.+%-]+):[^\s/\"']+@(?=[\w\[])")
# libpq's keyword form: password=secret or password='se cret'.
_KEYWORD = re.compile(r"\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s;]+)", re.IGNORECASE)


def mask_text(text: str) -> str:
    """*text* with the password of every ``user:password@host`` and ``password=…`` hidden.

    The password fields are found by their place in a URL or a connection string, never by
    searching for the password's text, which could be any word of the message.
    """
    return _KEYWORD.sub(r"\1***", _USERINFO.sub(r"\1:***@", text))


def sqlite_path(url: URL) -> Path | None:
    """The database file of an SQLite URL, or ``None`` for an in-memory database.

    Understands SQLite URI filenames (``sqlite:///file:PATH?mode=ro&uri=true``).
    """
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database.startswith("file:"):
        database = urlsplit(database).path
        if url.query.get("mode") == "memory":
            return None
    if database in ("", ":memory:"):
        return None
    return Path(database)


def sqlite_read_only(url: URL) -> bool:
    """Whether an SQLite URL asks for a read-only connection (``?mode=ro&uri=true``)."""
    return url.query.get("mode") == "ro"


def create(url: URL, *, new: bool = True) -> Engine:
    """An engine for *url*, configured for the store (pragmas, timeouts, transactions).

    With ``new=False`` the database is only opened as it is: an SQLite file keeps its journal
    mode (a store made by :func:`create` is already in WAL mode).
    """
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, new)
    return _postgres_engine(url)


def _sqlite_engine(url: URL, new: bool) -> Engine:
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        if not sqlite_read_only(url):
            _prepare_directory(path)
            if new:
                _create_private_file(path)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_on_connect if new else _sqlite_on_connect_as_is)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _prepare_directory(path: Path) -> None:
    """Create the database's directory; WAL mode also needs it writable (for -wal/-shm files).

    Directories dmarcwatch creates are the owner's only (0700): the store holds every report.
    """
    directory = path.parent
    try:
        missing = [d for d in (directory, *directory.parents) if not d.exists()]
        for created in reversed(missing):
            created.mkdir(mode=0o700, exist_ok=True)
    except OSError as err:
        raise StoreNotWritable(
            f"cannot create the store's directory {directory}: {err.strerror}"
        ) from err
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StoreNotWritable(f"the store's directory {directory} is not writable")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreNotWritable(f"the store {path} is read-only")


def _create_private_file(path: Path) -> None:
    """Create a new store's empty file readable and writable by its owner only (0600).

    SQLite gives its -wal and -shm files the main file's permissions. An existing file keeps
    the mode its owner gave it.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as err:
        raise StoreNotWritable(f"cannot create the store {path}: {err.strerror}") from err
    os.close(descriptor)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection setup: own transaction control, WAL, busy timeout, foreign keys."""
    _sqlite_setup(dbapi_connection, wal=True)


def _sqlite_on_connect_as_is(dbapi_connection: Any, _record: Any) -> None:
    """The same setup without switching to WAL, which would write to an empty file."""
    _sqlite_setup(dbapi_connection, wal=False)


def _sqlite_setup(dbapi_connection: Any, *, wal: bool) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event emits BEGIN itself
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode
    finally:
        cursor.close()


def _enable_wal(cursor: Any) -> None:
    """Switch to WAL (persistent, so only a new database changes), retrying while busy.

    Changing the journal mode answers SQLITE_BUSY at once, without the busy handler, while
    another process is opening the same new database.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            busy = getattr(err, "sqlite_errorname", "") == "SQLITE_BUSY"
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_on_begin(conn: Connection) -> None:
    """Begin explicitly: writers take the write lock up front so they queue instead of failing."""
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgres_engine(url: URL) -> Engine:
    connect_args: dict[str, Any] = {"application_name": "dmarcwatch"}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    try:
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except ImportError:
        raise StoreUnavailable(POSTGRES_MISSING) from None


@contextlib.contextmanager
def write_transaction(engine: Engine, *, schema_change: bool = False) -> Iterator[Connection]:
    """A connection inside one write transaction: committed on success, rolled back on error.

    A *schema_change* on SQLite runs with foreign keys off (a table rebuilt under its own name
    must not cascade its drop to the rows that refer to it); the change checks them itself.
    """
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        if not (schema_change and conn.dialect.name == "sqlite"):
            with conn.begin():
                yield conn
            return
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction (no autobegin)
        try:
            with conn.begin():
                yield conn
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


@contextlib.contextmanager
def translated_errors(url: URL) -> Iterator[None]:
    """Turn database errors a user can act on into StoreError subclasses naming the store.

    Other exceptions (including the input's own errors raised while records are consumed) pass
    through unchanged.
    """
    try:
        yield
    except exc.DBAPIError as err:
        translated = translate(err.orig, url)
        if translated is None:
            raise
        raise translated from err
    except sqlite3.Error as err:  # in case a driver error escapes SQLAlchemy's wrapping
        translated = translate(err, url)
        if translated is None:
            raise
        raise translated from err


def translate(orig: BaseException | None, url: URL) -> StoreError | None:
    """The StoreError for a driver exception, or ``None`` when it is not the user's to fix."""
    where = masked(url)
    if isinstance(orig, sqlite3.Error):
        return _translate_sqlite(orig, where)
    if orig is not None and type(orig).__module__.startswith("psycopg"):
        sqlstate = getattr(orig, "sqlstate", None) or ""
        return _translate_postgres(one_line(orig), sqlstate, type(orig), where)
    return None


_SQLITE_NOT_WRITABLE_WHY = {
    "SQLITE_READONLY": "it is read-only",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_PERM": "permission denied",
    "SQLITE_CANTOPEN": "the file cannot be opened or created (check permissions)",
    "SQLITE_IOERR": "disk I/O error",
}


def _translate_sqlite(orig: sqlite3.Error, where: str) -> StoreError | None:
    name = getattr(orig, "sqlite_errorname", "") or ""
    base = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    if base in _SQLITE_NOT_WRITABLE_WHY:
        why = _SQLITE_NOT_WRITABLE_WHY[base]
        return StoreNotWritable(f"cannot write to the store {where}: {why}")
    if base in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return StoreUnavailable(f"the store {where} is locked by another process; try again later")
    if base in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
        return StoreUnavailable(f"the store {where} is not a usable SQLite database ({orig})")
    return None


def _translate_postgres(
    message: str, sqlstate: str, kind: type[BaseException], where: str
) -> StoreError | None:
    """Map PostgreSQL SQLSTATEs (Appendix A of the PostgreSQL manual) to store errors."""
    if sqlstate in ("53100", "25006", "42501"):  # disk_full, read_only_sql_transaction, privilege
        return StoreNotWritable(f"cannot write to the store {where}: {message}")
    # No SQLSTATE: the connection failed before the server answered (refused, timeout, DNS).
    # 08 connection exception, 28 authorization, 3D no such database, 53 resources, 57 shutdown.
    no_answer = sqlstate == "" and kind.__name__ == "OperationalError"
    if no_answer or sqlstate[:2] in ("08", "28", "3D", "53", "57"):
        return StoreUnavailable(f"cannot use the store {where}: {message}")
    return None


def one_line(err: BaseException) -> str:
    """A driver message on one line (its lines joined, 300 characters at most), passwords hidden."""
    parts = [line.strip() for line in str(err).splitlines() if line.strip()]
    return mask_text("; ".join(parts) or type(err).__name__)[:300]
