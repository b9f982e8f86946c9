"""The TLS and failure report samples (``samples/kinds/``) hold what their manifest says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dmarcwatch.ingest.limits import DEFAULT_LIMITS
from dmarcwatch.ingest.reading import FailureRead, Rejected, TlsRead, read_input

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
KINDS = SAMPLES / "kinds"
MANIFEST: list[dict[str, Any]] = json.loads((KINDS / "manifest.json").read_text("utf-8"))


def path_id(entry: dict[str, Any]) -> str:
    return str(entry["path"])


def read(entry: dict[str, Any]) -> tuple[list[TlsRead], list[FailureRead], list[Rejected]]:
    events = list(read_input((SAMPLES / entry["path"]).read_bytes(), DEFAULT_LIMITS))
    return (
        [e for e in events if isinstance(e, TlsRead)],
        [e for e in events if isinstance(e, FailureRead)],
        [e for e in events if isinstance(e, Rejected)],
    )


@pytest.mark.parametrize("entry", MANIFEST, ids=path_id)
def test_kinds_sample_reads_to_its_declared_totals(entry: dict[str, Any]) -> None:
    tls, failures, rejected = read(entry)
    if entry["kind"] == "broken":
        assert (tls, failures) == ([], [])
        assert [str(r.reject_class) for r in rejected] == [entry["reject_class"]]
        return
    assert rejected == []
    assert (len(tls), len(failures)) == (entry["tls"], entry["failures"])
    successful = sum(p.successful for t in tls for p in t.report.policies)
    failed = sum(p.failed for t in tls for p in t.report.policies)
    assert (successful, failed) == (entry["successful"], entry["failed"])


def test_every_kinds_sample_is_in_the_manifest_once() -> None:
    on_disk = sorted(
        str(p.relative_to(SAMPLES))
        for p in KINDS.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert sorted(e["path"] for e in MANIFEST) == on_disk
    assert {e["kind"] for e in MANIFEST} == {"tls", "failure", "broken"}


def test_every_container_of_tls_reports_is_covered() -> None:
    containers = {e["container"] for e in MANIFEST if e["kind"] == "tls"}
    assert containers == {"json", "gzip", "zip", "eml"}


def test_failure_samples_keep_no_local_part_and_no_subject() -> None:
    for entry in (e for e in MANIFEST if e["kind"] == "failure"):
        (failure,) = read(entry)[1]
        shown = repr({k: v for k, v in vars_of(failure.report).items() if k != "personal"})
        for secret in ("anna.meier", "termine@", "info@", "patient", "Rechnung", "Termin am"):
            assert secret not in shown, (entry["path"], secret)


def vars_of(report: object) -> dict[str, object]:
    return {name: getattr(report, name) for name in report.__slots__}  # type: ignore[attr-defined]


def test_the_builder_reproduces_the_committed_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SAMPLES / "build_kinds.py"), "--out", str(tmp_path)],
        check=True,
        cwd=SAMPLES,
        timeout=120,
    )
    for path in sorted((tmp_path / "kinds").rglob("*")):
        if path.is_file():
            relative = path.relative_to(tmp_path)
            assert path.read_bytes() == (SAMPLES / relative).read_bytes(), relative
