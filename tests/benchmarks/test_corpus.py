"""The benchmark corpus generator: deterministic, with exact manifest totals.

The totals are recounted here without dmarcwatch's code: gzip, zipfile and email from the
standard library open the containers, defusedxml parses the XML.
"""

from __future__ import annotations

import dataclasses
import email
import gzip
import io
import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from benchmarks import corpus
from dmarcwatch.ingest.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("tiny")
    return folder, corpus.generate(corpus.PRESETS["tiny"], folder, seed=3)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _xml_documents(data: bytes) -> Iterator[bytes]:
    """The XML reports inside one file, whatever its container."""
    if data.startswith(b"\x1f\x8b"):
        yield gzip.decompress(data)
    elif data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield archive.read(name)
    elif data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):
        yield data
    else:
        message = email.message_from_bytes(data)
        for part in message.walk():
            if part.get_filename():
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                yield from _xml_documents(payload)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _count(xml: bytes) -> tuple[int, int]:
    """(records, messages) of one report, read with defusedxml."""
    root = ElementTree.fromstring(xml.lstrip(b"\xef\xbb\xbf \r\n\t"))
    records = [e for e in root.iter() if _local(e.tag) == "record"]
    messages = 0
    for record in records:
        (count,) = [e for e in record.iter() if _local(e.tag) == "count"]
        messages += int((count.text or "").strip())
    return len(records), messages


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    preset = corpus.PRESETS["tiny"]
    corpus.generate(preset, tmp_path / "a", seed=11)
    corpus.generate(preset, tmp_path / "b", seed=11)
    corpus.generate(preset, tmp_path / "c", seed=12)
    a, b, c = (_files(tmp_path / name) for name in "abc")
    assert a == b
    assert a.keys() != c.keys()


def test_manifest_totals_equal_an_independent_count(tiny: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = tiny
    on_disk = {str(p.relative_to(folder)) for p in (folder / corpus.REPORTS).iterdir()}
    assert on_disk == {f["path"] for f in manifest["files"]}
    sums = {"reports": 0, "records": 0, "messages": 0, "xml_bytes": 0, "bytes": 0}
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        xmls = list(_xml_documents(data))
        counts = [_count(xml) for xml in xmls]
        assert (len(xmls), sum(r for r, _ in counts), sum(m for _, m in counts)) == (
            entry["reports"],
            entry["records"],
            entry["messages"],
        ), entry["path"]
        assert sum(len(x) for x in xmls) == entry["xml_bytes"]
        assert len(data) == entry["bytes"]
        for key in sums:
            sums[key] += entry[key]
    assert manifest["totals"] == {"files": len(manifest["files"]), **sums}
    assert json.loads((folder / corpus.MANIFEST).read_text()) == manifest


def test_tiny_corpus_has_every_reporter_and_container(tiny: tuple[Path, dict[str, Any]]) -> None:
    _, manifest = tiny
    assert set(manifest["reporters"]) == {r.key for r in corpus.REPORTERS}
    assert set(manifest["containers"]) == {"xml", "gzip", "zip", "eml"}


def test_report_sizes_stay_between_1_and_50000_and_most_are_small() -> None:
    rng = random.Random(5)
    sizes = [corpus.record_count(corpus.REALISTIC_SIZES, rng) for _ in range(20_000)]
    assert min(sizes) == 1
    assert 3000 < max(sizes) <= 50_000
    assert sum(s <= 30 for s in sizes) > 0.7 * len(sizes)


def test_import_of_a_tiny_corpus_stores_exactly_the_manifest_totals(
    tiny: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    folder, manifest = tiny
    url = f"sqlite:///{tmp_path / 'store.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "dmarcwatch", "import", "--db", url, "--json"]
        + [str(folder / corpus.REPORTS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    want = manifest["totals"]
    with Store.open(url, create=False) as store:
        got = store.totals()
    assert (got.reports, got.records, got.messages, got.rejects) == (
        want["reports"],
        want["records"],
        want["messages"],
        0,
    )


def test_daily_sizes_average_about_25_records_between_1_and_300() -> None:
    rng = random.Random(5)
    sizes = [corpus.record_count(corpus.DAILY_SIZES, rng) for _ in range(20_000)]
    assert (min(sizes), max(sizes)) == (1, 300)
    assert 22 < sum(sizes) / len(sizes) < 28
    assert sum(s <= 30 for s in sizes) > 0.8 * len(sizes)


def test_realistic_preset_sends_several_receivers_per_domain_and_day(tmp_path: Path) -> None:
    preset = dataclasses.replace(corpus.PRESETS["realistic"], reports=150)
    manifest = corpus.generate(preset, tmp_path, seed=4)
    files = manifest["files"]
    assert len(files) == 150 and max(f["records"] for f in files) <= 300
    assert set(manifest["containers"]) == {"xml", "gzip", "zip", "eml"}
    assert set(manifest["reporters"]) == {r.key for r in corpus.REPORTERS}
    days: dict[tuple[str, str], set[str]] = {}
    for f in files:  # file names: reporter!domain!begin!end[!id]
        reporter, domain, begin = Path(f["path"]).name.split("!")[:3]
        days.setdefault((domain, begin), set()).add(reporter)
    receivers = [len(r) for r in days.values()]
    assert sum(receivers) == 150  # no reporter twice for one domain and day
    assert sum(n >= 2 for n in receivers) > len(receivers) / 2
