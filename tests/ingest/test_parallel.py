"""Worker processes read, this one writes: the same store and outcomes as reading in-line.

These run on both backends (``store_url`` is SQLite and a real PostgreSQL), with real worker
processes started from a fork server.
"""

from __future__ import annotations

import gzip
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dmarcwatch.ingest import schema
from dmarcwatch.ingest.parallel import Readers, WorkerFailed
from dmarcwatch.ingest.pipeline import InputOutcome, import_input
from dmarcwatch.ingest.sources import Input, InputError, iter_inputs
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report, Row

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def _inputs() -> list[Input | InputError]:
    """The bundled reports and broken inputs, large reports, a conflict, one input twice."""
    items = list(iter_inputs([SAMPLES / "reports", SAMPLES / "broken"]))
    large = Report(report_id="large", rows=[Row(count=str(n)) for n in range(1, 12_001)])
    items.append(Input("large.xml.gz", gzip.compress(large.bytes())))
    items.append(Input("conflict.xml", Report(report_id="large").bytes()))
    broken_late = [Row(count="1")] * 11_000 + [Row(count="-1")]
    items.append(Input("broken-late.xml", Report(report_id="late", rows=broken_late).bytes()))
    items.append(items[0])
    items.append(InputError("gone.xml", "no such file", missing=True))
    return items


def _contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows that do not depend on when or in which order they were written."""
    reports = schema.reports.c
    key = [
        *(reports.org_name, reports.report_id, reports.policy_domain, reports.begin_ts),
        *(reports.end_ts, reports.variant),
    ]
    kept = [c for c in schema.reports.c if c.name not in ("id", "ingested_at")]
    out = {"reports": [tuple(r) for r in _rows(store, select(*kept).order_by(*key))]}
    for table in (schema.records, schema.dkim_results, schema.spf_results, schema.reasons):
        columns = [c for c in table.c if c.name != "report_pk"]
        query = select(*key, *columns).join(schema.reports).order_by(*key, *columns)
        out[table.name] = [tuple(r) for r in _rows(store, query)]
    rejects = schema.rejects.c
    query = select(rejects.blob_sha256, rejects.location, rejects.reason, rejects.times_seen)
    out["rejects"] = [tuple(r) for r in _rows(store, query.order_by(*query.selected_columns))]
    blobs = schema.blobs.c
    query = select(blobs.sha256, blobs.report_count).order_by(blobs.sha256)
    out["blobs"] = [tuple(r) for r in _rows(store, query)]
    return out


def _rows(store: Store, query: Any) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(query))


def _in_line(store: Store, items: list[Input | InputError]) -> list[InputOutcome | InputError]:
    return [
        item if isinstance(item, InputError) else import_input(store, item.source, item.data)
        for item in items
    ]


def test_workers_store_and_report_exactly_what_one_process_does(
    store: Store, tmp_path: Path
) -> None:
    items = _inputs()
    with Store.open(str(tmp_path / "in-line.db")) as reference:
        expected = _in_line(reference, items)
        expected_contents = _contents(reference)
    with Readers(2) as readers:
        outcomes = list(readers.import_all(store, items))
    assert outcomes == expected
    assert _contents(store) == expected_contents
    kinds = {o.kind for o in outcomes if isinstance(o, InputOutcome)}
    assert kinds == {"processed", "invalid", "other"}
    by_source = {o.source: o for o in outcomes if isinstance(o, InputOutcome)}
    assert by_source["conflict.xml"].disputed == ("input",)
    late = by_source["broken-late.xml"]
    assert (late.stored, late.records, late.kind) == (0, 0, "invalid")


def test_inputs_stored_whole_are_not_handed_to_workers(store: Store) -> None:
    items = [i for i in _inputs() if isinstance(i, Input)]
    with Readers(2) as readers:
        first = list(readers.import_all(store, items))
    whole = {o.source for o in first if isinstance(o, InputOutcome) and o.kind == "processed"}
    assert len(whole) > 20
    again = [i for i in items if isinstance(i, Input) and i.source in whole]
    with Readers(1) as readers:
        outcomes = list(readers.import_all(store, again))
        assert readers.pids == []  # no worker was even started
    assert all(isinstance(o, InputOutcome) and o.stored == 0 for o in outcomes)
    assert sum(o.duplicates for o in outcomes if isinstance(o, InputOutcome)) == sum(
        o.stored + o.duplicates for o in first if isinstance(o, InputOutcome) and o.source in whole
    )


def test_a_worker_that_dies_stops_the_import_with_one_line(store: Store) -> None:
    def inputs() -> Iterator[Input]:
        yield Input("a.xml", Report(report_id="a").bytes())
        for pid in readers.pids:  # started for the first input, killed before the second
            os.kill(pid, signal.SIGKILL)
        yield Input("b.xml", Report(report_id="b").bytes())

    failure = pytest.raises(WorkerFailed, match="stopped unexpectedly")
    with Readers(1) as readers, failure as failed:
        list(readers.import_all(store, inputs()))
    assert "\n" not in str(failed.value)
    assert store.totals().reports <= 1
