"""Statements sent without waiting (PostgreSQL's pipeline mode) fail as loudly as any other.

The writer sends the statements whose result it does not read, and waits only before a read
or the commit (``ingest.prepared``). An error in a sent statement must still stop the write:
raised, wrapped like any database error, the whole open group rolled back, nothing of it
committed, and the store fine for the next import. Run on both backends (SQLite has no
pipeline; there the error comes at once).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from dmarcwatch.ingest import schema
from dmarcwatch.ingest.group import import_all
from dmarcwatch.ingest.prepared import prepare
from dmarcwatch.ingest.sources import Input
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.writer import Writer
from tests.ingest.reportxml import Report

_BAD_BLOB = {"sha256": None, "size": 1, "compression": "none", "data": b"x", "report_count": 0}


def _inputs() -> list[Input]:
    return [Input(f"r{n}.xml", Report(report_id=f"sent-{n}").bytes()) for n in range(3)]


def _stored(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(schema.reports)).scalar())


def test_an_error_in_a_sent_statement_is_raised_by_the_next_wait(store: Store) -> None:
    insert = prepare(sa.insert(schema.blobs), store.engine.dialect, [*_BAD_BLOB, "first_seen"])
    with pytest.raises(DBAPIError), store.writing() as writer:
        writer.cursor.send(insert, {**_BAD_BLOB, "first_seen": None})  # NOT NULL violated
        writer.input_state("0" * 64)  # reads: waits for what was sent
    assert _stored(store) == 0
    assert list(import_all(store, _inputs()))[0].stored == 1  # type: ignore[union-attr]


def test_a_failing_sent_statement_rolls_back_the_whole_group_and_a_rerun_stores_it(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = Writer.mark_complete
    insert = prepare(sa.insert(schema.blobs), store.engine.dialect, [*_BAD_BLOB, "first_seen"])
    second = hashlib.sha256(_inputs()[1].data).hexdigest()

    def failing(self: Writer, sha256: str, reports: int) -> None:
        real(self, sha256, reports)
        if sha256 == second:
            self.cursor.send(insert, {**_BAD_BLOB, "first_seen": None})

    monkeypatch.setattr(Writer, "mark_complete", failing)
    seen: list[Any] = []
    with pytest.raises(DBAPIError):
        seen.extend(import_all(store, _inputs()))
    assert seen == []  # nothing reported as stored before its commit
    assert _stored(store) == 0
    monkeypatch.setattr(Writer, "mark_complete", real)
    assert sum(o.stored for o in import_all(store, _inputs())) == 3  # type: ignore[union-attr]
