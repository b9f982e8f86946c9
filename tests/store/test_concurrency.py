"""Two processes on one store: a report imported by both at once is stored once."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from sqlalchemy import func, inspect, select

from dmarcwatch.ingest import migrations, schema
from dmarcwatch.ingest.model import Record
from dmarcwatch.ingest.store import Store
from tests.store.factories import add, header, record

RECORDS = 3000
spawn = multiprocessing.get_context("spawn")


def _slow_records() -> Iterator[Record]:
    """Records that keep the importing transaction open a while, so the two imports overlap."""
    for i in range(RECORDS):
        if i == 1000:
            time.sleep(0.5)
        yield record(i)


def _import_same_report(url: str, barrier: Barrier) -> str:
    with Store.open(url) as store:
        store.put_blob(b"the same input")
        barrier.wait(timeout=60)
        return add(store, header(), _slow_records(), data=b"the same input").status


def _open(url: str, barrier: Barrier) -> str:
    barrier.wait(timeout=60)
    with Store.open(url) as store, store.engine.connect() as conn:
        return f"version {migrations.current_version(conn)}"


JOBS: dict[str, Callable[[str, Barrier], str]] = {"import": _import_same_report, "open": _open}


def _worker(job: str, url: str, barrier: Barrier, results: Queue[str]) -> None:
    """Run a job in a child process; its outcome, or its error, goes to the queue."""
    try:
        results.put(JOBS[job](url, barrier))
    except Exception as err:  # noqa: BLE001 - the parent asserts on it
        results.put(f"error: {type(err).__name__}: {err}")


def _run_twice(job: str, url: str) -> list[str]:
    barrier = spawn.Barrier(2)
    results: Queue[str] = spawn.Queue()
    workers = [spawn.Process(target=_worker, args=(job, url, barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    results.close()
    results.join_thread()
    return outcomes


def test_report_imported_by_two_processes_at_once_is_stored_once(store_url: str) -> None:
    Store.open(store_url).close()
    assert _run_twice("import", store_url) == ["duplicate", "stored"]
    with Store.open(store_url) as store:
        totals = store.totals()
        assert (totals.reports, totals.records) == (1, RECORDS)


def test_two_processes_creating_a_new_store_at_once_both_succeed(store_url: str) -> None:
    latest = f"version {migrations.latest()}"
    assert _run_twice("open", store_url) == [latest, latest]
    with Store.open(store_url) as store, store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.meta)).scalar_one() == 1
        assert set(schema.metadata.tables) <= set(inspect(conn).get_table_names())
