"""dmarcwatch's own unpack and parse give every bundled sample its documented totals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dmarcwatch.ingest.errors import RejectedInput
from dmarcwatch.ingest.parse import parse_report
from dmarcwatch.ingest.unpack import unpack

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MANIFEST: list[dict[str, Any]] = json.loads((SAMPLES / "manifest.json").read_text())


def _parse_all(data: bytes) -> tuple[int, int, int, list[str]]:
    """Reports, records, messages and the reject classes found in one input."""
    reports = records = messages = 0
    classes: list[str] = []
    try:
        payloads = list(unpack(data))
    except RejectedInput as exc:
        return 0, 0, 0, [str(exc.reject_class)]
    for payload in payloads:
        try:
            report = parse_report(payload.chunks())
        except RejectedInput as exc:
            classes.append(str(exc.reject_class))
            continue
        reports += 1
        records += len(report.records)
        messages += report.message_count
    return reports, records, messages, classes


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["path"] for e in MANIFEST])
def test_sample_parses_to_its_documented_totals(entry: dict[str, Any]) -> None:
    reports, records, messages, classes = _parse_all((SAMPLES / entry["path"]).read_bytes())
    if entry["kind"] == "broken":
        assert reports == 0
        assert classes == [entry["reject_class"]]
    else:
        assert classes == []
        assert (reports, records, messages) == (
            entry["reports"],
            entry["records"],
            entry["messages"],
        )
