"""Statements built once with SQLAlchemy Core, run on the driver's own cursor.

The writer runs a handful of statements for every report. Through SQLAlchemy's execution layer
each one costs more than SQLite's own work for a small report (issue 17: about eight per
report were most of an import's time). A :class:`Prepared` statement is compiled once per
dialect and column set; each run converts the values with the columns' own bind processors, so
a stored value is exactly what SQLAlchemy would store, and calls the DBAPI cursor. A driver
error is wrapped in SQLAlchemy's :class:`~sqlalchemy.exc.DBAPIError`, as SQLAlchemy itself
would wrap it, so callers and :func:`ingest.database.translated_errors` treat it the same.

On PostgreSQL each statement is a round trip, and for a small report the round trips were
most of the time. Statements whose result nobody reads (savepoints, row inserts, updates) are
therefore *sent* in psycopg's pipeline mode, without waiting; the pipeline is synced before
any statement whose result is read (:meth:`Cursor.run`), before a SQLAlchemy statement on
the same connection (:meth:`Cursor.flush`), and before the commit. An error in
a sent statement is raised at that sync, wrapped like any other; the caller's transaction
(or input savepoint) is then rolled back as a whole, as for any store failure.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Values = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Prepared:
    """One compiled statement: its SQL text and how to turn values into its parameters."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool
    constants: Mapping[str, Any]
    """Values the statement carries itself (the 1 of ``times_seen + 1``)."""

    def parameters(self, values: Values) -> Sequence[Any] | dict[str, Any]:
        constants = self.constants
        given = (constants[n] if n in constants else values[n] for n in self.names)
        converted = [
            value if process is None else process(value)
            for process, value in zip(self.processors, given, strict=True)
        ]
        if self.positional:
            return tuple(converted)
        return dict(zip(self.names, converted, strict=True))


def prepare(statement: Executable, dialect: Dialect, columns: Iterable[str] = ()) -> Prepared:
    """Compile *statement* for *dialect*; *columns*: the keys of an INSERT's or UPDATE's values."""
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    assert isinstance(compiled, SQLCompiler)
    positional = compiled.positiontup is not None
    names = tuple(compiled.positiontup) if compiled.positiontup else tuple(compiled.binds)
    binds = [compiled.binds[name] for name in names]
    processors = tuple(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in binds)
    constants = {n: b.value for n, b in zip(names, binds, strict=True) if not b.required}
    return Prepared(compiled.string, names, processors, positional, constants)


class Cursor:
    """The driver's cursor of a connection's open transaction, for prepared statements."""

    def __init__(self, conn: Connection) -> None:
        self._raw: Any = conn.connection.cursor()
        self._error: type[Exception] = conn.dialect.loaded_dbapi.Error
        postgres = conn.dialect.name == "postgresql"
        self._driver: Any = conn.connection.driver_connection if postgres else None
        self._pipeline: contextlib.ExitStack | None = None

    def run(self, prepared: Prepared, values: Values) -> Any:
        """Execute *prepared* with *values*; the cursor, for ``fetchone``."""
        self.flush()
        parameters = prepared.parameters(values)
        self._execute(prepared.sql, parameters)
        return self._raw

    def send(self, prepared: Prepared, values: Values) -> None:
        """Execute *prepared* with *values* when nothing of its result is read."""
        self._queue()
        self._execute(prepared.sql, prepared.parameters(values))

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """``executemany`` of driver-level SQL (parameters already in the driver's form)."""
        self._queue()
        try:
            self._raw.executemany(sql, rows)
        except self._error as err:
            raise DBAPIError.instance(sql, rows[:1], err, self._error) from err

    def one(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any]) -> None:
        """Driver-level SQL once (parameters in the driver's form), its result not read."""
        self._queue()
        self._execute(sql, parameters)

    def plain(self, sql: str) -> None:
        """A statement without parameters (savepoints)."""
        self._queue()
        self._execute(sql, None)

    def flush(self) -> None:
        """Wait for every statement sent so far; raise the first error among them."""
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            try:
                pipeline.close()
            except self._error as err:
                raise DBAPIError.instance("(pipeline)", None, err, self._error) from err

    def abandon(self) -> None:
        """Leave pipeline mode after a failure, ignoring the errors of statements sent."""
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            with contextlib.suppress(self._error):  # (not logged, unlike psycopg's own exit)
                pipeline.close()

    def _queue(self) -> None:
        if self._driver is not None and self._pipeline is None:
            pipeline = contextlib.ExitStack()
            pipeline.enter_context(self._driver.pipeline())
            self._pipeline = pipeline

    def _execute(self, sql: str, parameters: Any) -> None:
        try:
            if parameters is None:
                self._raw.execute(sql)
            else:
                self._raw.execute(sql, parameters)
        except self._error as err:
            raise DBAPIError.instance(sql, parameters, err, self._error) from err
