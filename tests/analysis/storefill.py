"""Put sample report files into a real store, the way the importer does (parse, then store)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ingest.model import ReportEnd
from ingest.parse import parse_report
from ingest.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SCENARIOS = SAMPLES / "scenarios"


def add_xml(store: Store, data: bytes, location: str = "test") -> None:
    report = parse_report(data)
    sha = store.put_blob(data)
    end = ReportEnd(records=len(report.records), messages=report.message_count)
    store.add_report(
        report.header,
        report.records,
        lambda: end,
        source="test",
        location=location,
        blob_sha256=sha,
        content_sha256=lambda: hashlib.sha256(data).hexdigest(),
    )


def add_files(store: Store, paths: Iterable[Path]) -> int:
    count = 0
    for path in sorted(paths):
        add_xml(store, path.read_bytes(), path.name)
        count += 1
    return count


def scenario_files(name: str) -> list[Path]:
    return sorted((SCENARIOS / name).glob("*.xml"))
