"""Store write speed: records/s into SQLite and PostgreSQL, first import and duplicate.

Run by hand::

    .venv/bin/python -m benchmarks store-insert [--records 200000] [--runs 3] [--postgres URL]

Without ``--postgres`` only SQLite is measured (a file in a temp dir). Records are built in
memory from :mod:`ingest.model` ahead of time; the figure is the store's share of an import
(parsing excluded). Each record has one or two auth results, like real reports.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from dmarcwatch.ingest.model import (
    DkimAuthResult,
    PolicyPublished,
    Record,
    ReportEnd,
    ReportHeader,
    ReportMetadata,
    SpfAuthResult,
)
from dmarcwatch.ingest.store import Store


def _records(n: int) -> Iterator[Record]:
    spf = (SpfAuthResult("email.physio-muster.ch", "mfrom", "pass"),)
    for i in range(n):
        dkim = (DkimAuthResult("physio-muster.ch", "s1", "pass"),) if i % 2 else ()
        yield Record(
            source_ip=f"198.51.{(i >> 8) & 255}.{i & 255}",
            count=1 + i % 7,
            disposition="none",
            dkim="pass" if i % 2 else "fail",
            spf="pass",
            reasons=(),
            header_from="physio-muster.ch",
            envelope_from="email.physio-muster.ch",
            envelope_to=None,
            dkim_results=dkim,
            spf_results=spf,
        )


def _header(report_id: str) -> ReportHeader:
    return ReportHeader(
        "rfc7489",
        "1.0",
        ReportMetadata(
            "bench.example", "bench@example.org", report_id, 1_700_000_000, 1_700_086_399
        ),
        PolicyPublished("physio-muster.ch"),
    )


def _import(store: Store, records: list[Record], report_id: str) -> tuple[str, float]:
    blob = store.put_blob(report_id.encode())
    digest = hashlib.sha256(report_id.encode()).hexdigest()
    start = time.perf_counter()
    result = store.add_report(
        _header(report_id),
        iter(records),
        lambda: ReportEnd(len(records), 0),
        source="bench",
        location="bench.xml",
        blob_sha256=blob,
        content_sha256=lambda: digest,
    )
    return result.status, time.perf_counter() - start


def measure(url: str, records: list[Record], runs: int) -> None:
    """Import *runs* new reports (best time counts), then one of them again."""
    n = len(records)
    with Store.open(url) as store:
        times = []
        for _ in range(runs):
            report_id = uuid.uuid4().hex
            status, seconds = _import(store, records, report_id)
            assert status == "stored", status
            times.append(seconds)
        again, duplicate = _import(store, records, report_id)
        best = min(times)
        print(f"{store.dialect:10} {n:>8} records: {n / best:>9,.0f} records/s (best of {runs})")
        print(f"{'':10} duplicate report: {again} in {duplicate * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="postgresql+psycopg://… of a scratch database")
    args = parser.parse_args()
    records = list(_records(args.records))
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{Path(tmp) / 'bench.db'}", records, args.runs)
    if args.postgres:
        measure(args.postgres, records, args.runs)


if __name__ == "__main__":
    main()
