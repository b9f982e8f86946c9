"""``json_rows(a, b, …)``: the rows of a group as one JSON array of arrays, on every backend.

An aggregate, like ``count()``: ``[["d1", "s1", "pass"], ["d2", "s2", "fail"]]``. SQLite
spells it ``json_group_array(json_array(…))``; PostgreSQL ``json_agg(json_build_array(…))``,
cast to text so that it can be grouped on and reaches Python as a string. Over no rows SQLite
gives ``[]`` and PostgreSQL ``NULL``; :func:`.results.decode_column` reads both as ``()``.
The database escapes every value, so no separator can break it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class json_rows(FunctionElement[str]):  # noqa: N801 - used like the SQL functions
    """The JSON array of the aggregated rows' values (see the module docstring)."""

    type = sa.Text()
    name = "json_rows"
    inherit_cache = True


@compiles(json_rows, "sqlite")
def _sqlite(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "postgresql")
def _postgresql(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


@compiles(json_rows)
def _other(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    raise sa.exc.CompileError(f"json_rows() is not written for {compiler.dialect.name}")
