"""Statements built once with SQLAlchemy Core, run on the driver's own cursor.

The writer runs a handful of statements for every report. Through SQLAlchemy's execution layer
each one costs more than SQLite's own work for a small report (issue 17: about eight per
report were most of an import's time). A :class:`Prepared` statement is compiled once per
dialect and column set; each run converts the values with the columns' own bind processors, so
a stored value is exactly what SQLAlchemy would store, and calls the DBAPI cursor. A driver
error is wrapped in SQLAlchemy's :class:`~sqlalchemy.exc.DBAPIError`, as SQLAlchemy itself
would wrap it, so callers and :func:`ingest.database.translated_errors` treat it the same.
"""

from __future__ import annotations

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

    def run(self, prepared: Prepared, values: Values) -> Any:
        """Execute *prepared* with *values*; the cursor, for ``fetchone``."""
        parameters = prepared.parameters(values)
        try:
            self._raw.execute(prepared.sql, parameters)
        except self._error as err:
            raise DBAPIError.instance(prepared.sql, parameters, err, self._error) from err
        return self._raw

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """``executemany`` of driver-level SQL (parameters already in the driver's form)."""
        try:
            self._raw.executemany(sql, rows)
        except self._error as err:
            raise DBAPIError.instance(sql, rows[:1], err, self._error) from err

    def plain(self, sql: str) -> None:
        """A statement without parameters (savepoints)."""
        try:
            self._raw.execute(sql)
        except self._error as err:
            raise DBAPIError.instance(sql, None, err, self._error) from err
