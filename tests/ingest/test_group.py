"""Group commits: several inputs per transaction keep every guarantee of one per input.

These run on both backends (``store_url`` is SQLite and a real PostgreSQL).
"""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from dmarcwatch.ingest import group as group_module
from dmarcwatch.ingest import pipeline, schema
from dmarcwatch.ingest.errors import StoreNotWritable
from dmarcwatch.ingest.group import Done, Failed, GroupLimits, InputGroup, import_all
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.sources import Input, InputError
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report, Row
from tests.servers.postgres import _admin

_TIMES = {"first_seen", "last_seen", "ingested_at", "handled_at"}


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def _inputs() -> list[Input]:
    """Reports, a duplicate in another container, a conflict, a broken input, other mail."""
    one = Report(report_id="one", rows=[Row(count="3"), Row(count="4")]).bytes()
    conflict = Report(report_id="one", rows=[Row(count="5")]).bytes()
    return [
        Input("one.xml", one),
        Input("two.xml", Report(report_id="two", rows=[Row(count="1")]).bytes()),
        Input("one.xml.gz", gzip.compress(one, mtime=0)),
        Input("conflict.xml", conflict),
        Input("broken.xml", b"<?xml version='1.0'?><feedback><report_metadata>"),
        Input("mail.eml", b"Subject: hello\n\nnot a report\n"),
        Input("one-again.xml", one),
    ]


def _contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, without the clock's columns, in key order."""
    found = {}
    with store.engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in _TIMES]
            rows = conn.execute(select(*columns).order_by(*columns[:2])).all()
            found[table.name] = [tuple(row) for row in rows]
    return found


@pytest.fixture
def second_url(store_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty store on the same backend."""
    if not store_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    name = f"t_{uuid.uuid4().hex}"
    _admin(store_url, f'CREATE DATABASE "{name}"')
    try:
        yield store_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _admin(store_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_group_commits_store_exactly_what_one_transaction_per_input_does(
    store_url: str, second_url: str
) -> None:
    with Store.open(store_url) as grouped:
        outcomes = list(import_all(grouped, _inputs(), group_limits=GroupLimits(inputs=3)))
        grouped_rows = _contents(grouped)
    with Store.open(second_url) as single:
        singles = [import_input(single, item.source, item.data) for item in _inputs()]
        assert _contents(single) == grouped_rows
    assert outcomes == singles
    assert grouped_rows["reports"] and grouped_rows["rejects"] and grouped_rows["records"]


def test_the_same_input_twice_in_one_group_is_skipped_on_its_hash(store: Store) -> None:
    data = Report(report_id="twice").bytes()
    outcomes = list(import_all(store, [Input("a.xml", data), Input("b.xml", data)]))
    assert [(o.stored, o.duplicates) for o in outcomes] == [(1, 0), (0, 1)]


def test_outcomes_come_back_only_once_committed(store: Store) -> None:
    group = InputGroup[str](store, GroupLimits(inputs=2, seconds=60))
    with group:
        group.add("a", "a.xml", Report(report_id="a").bytes())
        assert not group.due()
        assert store.totals().reports == 0  # another connection sees nothing yet
        group.add("b", "b.xml", Report(report_id="b").bytes())
        assert group.due()
        done = group.commit()
    assert [entry.item for entry in done] == ["a", "b"]
    assert all(isinstance(entry, Done) for entry in done)
    assert store.totals().reports == 2


def test_a_bug_in_one_input_rolls_back_that_input_alone(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.write_input

    def bug_in_b(*args: Any, **kwargs: Any) -> pipeline.InputOutcome:
        outcome = real(*args, **kwargs)  # b's blob and report are written, then it fails
        if args[1] == "b.xml":
            raise RuntimeError("a bug")
        return outcome

    monkeypatch.setattr(group_module, "write_input", bug_in_b)
    with InputGroup[str](store) as group:
        for name in ("a", "b", "c"):
            group.add(name, f"{name}.xml", Report(report_id=name).bytes())
        done = group.commit()
    assert [type(entry) for entry in done] == [Done, Failed, Done]
    failed = done[1]
    assert isinstance(failed, Failed) and str(failed.error) == "a bug"
    with store.engine.connect() as conn:
        ids = sorted(conn.execute(select(schema.reports.c.report_id)).scalars())
        blobs = conn.execute(select(schema.blobs.c.sha256)).all()
    assert ids == ["a", "c"] and len(blobs) == 2


def test_import_stops_at_a_bug_with_the_inputs_before_it_committed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.write_input

    def bug_in_b(*args: Any, **kwargs: Any) -> pipeline.InputOutcome:
        if args[1] == "b.xml":
            raise RuntimeError("a bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(group_module, "write_input", bug_in_b)
    items = [Input(f"{n}.xml", Report(report_id=n).bytes()) for n in ("a", "b", "c")]
    seen = []
    with pytest.raises(RuntimeError, match="a bug"):
        for outcome in import_all(store, items):
            seen.append(outcome)
    assert [o.source for o in seen if not isinstance(o, InputError)] == ["a.xml"]
    assert store.totals().reports == 1  # c was never written, as with one transaction each


def test_a_store_failure_mid_group_stores_nothing_of_the_group(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.write_input

    def full_at_c(*args: Any, **kwargs: Any) -> pipeline.InputOutcome:
        if args[1] == "c.xml":
            raise StoreNotWritable("cannot write to the store: the disk is full")
        return real(*args, **kwargs)

    import_input(store, "before.xml", Report(report_id="before").bytes())
    monkeypatch.setattr(group_module, "write_input", full_at_c)
    items = [Input(f"{n}.xml", Report(report_id=n).bytes()) for n in ("a", "b", "c")]
    with pytest.raises(StoreNotWritable):
        list(import_all(store, items))
    assert store.totals().reports == 1  # what was committed before stays; a and b are gone


def test_unreadable_inputs_keep_their_place_among_the_outcomes(store: Store) -> None:
    items: list[Input | InputError] = [
        Input("a.xml", Report(report_id="a").bytes()),
        InputError("gone.xml", "no such file or directory", missing=True),
        Input("b.xml", Report(report_id="b").bytes()),
    ]
    sources = [result.source for result in import_all(store, items)]
    assert sources == ["a.xml", "gone.xml", "b.xml"]


def test_an_input_that_failed_is_written_whole_when_it_comes_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.write_input
    failures = iter([True])

    def bug_in_first_b(*args: Any, **kwargs: Any) -> pipeline.InputOutcome:
        outcome = real(*args, **kwargs)  # b is written and marked complete, then it fails
        if args[1].startswith("b") and next(failures, False):
            raise RuntimeError("a bug")
        return outcome

    monkeypatch.setattr(group_module, "write_input", bug_in_first_b)
    b = Report(report_id="b").bytes()
    items = [Input("a.xml", Report(report_id="a").bytes()), Input("b.xml", b), Input("b2.xml", b)]
    with InputGroup[str](store) as group:
        for item, sha, ahead in group_module.looking_ahead(items):
            assert isinstance(item, Input)
            group.add(item.source, item.source, item.data, sha=sha, ahead=ahead)
        done = group.commit()

    assert [type(entry) for entry in done] == [Done, Failed, Done]
    again = done[2]
    assert isinstance(again, Done) and (again.outcome.stored, again.outcome.duplicates) == (1, 0)
    with store.engine.connect() as conn:
        ids = sorted(conn.execute(select(schema.reports.c.report_id)).scalars())
        blobs = conn.execute(select(schema.blobs.c.sha256)).all()
    assert ids == ["a", "b"] and len(blobs) == 2


def test_the_states_of_the_inputs_ahead_are_read_in_one_statement(tmp_path: Path) -> None:
    items = [Input(f"{n}.xml", Report(report_id=f"r{n}").bytes()) for n in range(40)]
    items.append(items[3])  # met again: skipped on its hash, known without asking
    statements: list[str] = []
    with Store.open(f"sqlite:///{tmp_path / 'traced.db'}") as store:

        @event.listens_for(store.engine, "connect")
        def _trace(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_trace_callback(statements.append)

        store.engine.dispose()  # so that the next connection is a traced one
        outcomes = list(import_all(store, items))

    assert [o.stored for o in outcomes] == [1] * 40 + [0]
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT BLOBS.SHA256")]
    assert len(reads) == 1, reads


def test_looking_ahead_keeps_order_and_holds_a_bounded_number_of_bytes() -> None:
    read: list[str] = []

    def reading() -> Iterator[Input | InputError]:
        for n in range(6):
            read.append(f"{n}")
            yield InputError("gone", "missing") if n == 2 else Input(f"{n}", bytes([n]) * 100)

    seen = []
    for item, sha, ahead in group_module.looking_ahead(reading(), inputs=3, size=250):
        seen.append((item.source, len(read), len(ahead), sha == "" or len(sha) == 64))
    # three items held at most, and no more than 250 bytes once the next has been read
    assert seen == [
        ("0", 4, 2, True),
        ("1", 5, 2, True),
        ("gone", 6, 3, True),
        ("3", 6, 2, True),
        ("4", 6, 1, True),
        ("5", 6, 0, True),
    ]
