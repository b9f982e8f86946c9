"""Benchmark: the floor under an import, what a corpus costs before any importer's own work.

Issue 17 asks for 2,000 reports per second on one core, end to end including start-up. This
measures, on the same files and the same machine, the steps no Python importer that keeps
dmarcwatch's guarantees can skip, each on its own, in CPU seconds of one core:

1. **start-up**: a fresh interpreter (``python -c pass``), one that imports SQLAlchemy (any
   importer into a SQL store through it), and one that imports pandas and SQLAlchemy (the
   analysis commands); best of ``--repeat`` runs, measured with ``wait4``;
2. **read, hash, unpack**: every file read, its SHA-256 (how a re-import is recognised) and
   its payloads unpacked by :func:`ingest.unpack.unpack` (gzip, zip, MIME);
3. **XML**: expat over every payload with start, end and text handlers that do nothing (the
   least a streaming parser in Python runs per element), expat with no handlers (C only,
   nothing extracted), the C ElementTree builder (a tree, no Python per element), and, with
   ``--lxml-venv``, lxml parsing each payload and visiting every element of every record
   (lxml is not a dependency: it is installed into that throwaway venv, never the project's);
4. **rows**: ``sqlite3`` ``executemany`` of one 13-column row per record into a new file in
   one transaction, the least a store writes;
5. for comparison, dmarcwatch's own parse of the same payloads (:func:`ingest.parse.open_report`).

The floor is the sum of start-up with SQLAlchemy, read/hash/unpack, the rows and the XML
tokenised by expat in C with nothing extracted: ``reports / floor`` is more reports per second
than any such importer reaches on this machine, since it still has to take the values out. A
second line puts dmarcwatch's parse in place of the tokenising. (The do-nothing handlers cost
more than dmarcwatch's whole parse, whose fast path hands expat whole runs of records.)
Run by hand::

    .venv/bin/python -m benchmarks floor --corpus /tmp/perf-real --repeat 3 \\
        --lxml-venv /tmp/bench-lxml-venv
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from benchmarks import corpus
from dmarcwatch.ingest.parse import open_report
from dmarcwatch.ingest.unpack import unpack

_LEADING = b"\xef\xbb\xbf \t\r\n"  # expat refuses a BOM or blanks before the declaration
STARTUPS = (
    ("python", "pass"),
    ("python + sqlalchemy", "import sqlalchemy"),
    ("python + pandas + sqlalchemy", "import pandas, sqlalchemy"),
)
_LXML_PASS = """
import json, sys, time
from pathlib import Path
from lxml import etree
parser = etree.XMLParser(resolve_entities=False, no_network=True)
paths = sorted(Path(sys.argv[1]).iterdir())
payloads = [p.read_bytes() for p in paths]
start = time.process_time()
elements = 0
for payload in payloads:
    root = etree.fromstring(payload, parser)
    for record in root.iter("record"):
        elements += len([(e.tag, e.text) for e in record.iter()])
print(json.dumps({"cpu": time.process_time() - start, "elements": elements}))
"""


@dataclass(frozen=True)
class Payloads:
    """The corpus unpacked: each payload's XML with its leading BOM and blanks removed."""

    xml: list[bytes]
    read_cpu: float


@contextmanager
def cpu_clock(into: dict[str, float], key: str) -> Iterator[None]:
    """Add the CPU seconds of the block to ``into[key]``, keeping the smallest of repeats."""
    start = time.process_time()
    yield
    spent = time.process_time() - start
    into[key] = min(into.get(key, spent), spent)


def child_cpu(argv: list[str]) -> float:
    """User + system CPU seconds of a child process run to its end (``wait4``)."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"bench_floor: {argv!r} exited with {process.returncode}")
    return float(usage.ru_utime + usage.ru_stime)


def startups(repeat: int) -> dict[str, float]:
    """Best CPU seconds of each start-up, runs interleaved so all see the same load."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        for label, code in STARTUPS:
            spent = child_cpu([sys.executable, "-c", code])
            best[label] = min(best.get(label, spent), spent)
    return best


def read_unpack(files: list[Path]) -> Payloads:
    """Every file read, hashed and unpacked; the CPU seconds of that pass."""
    start = time.process_time()
    xml: list[bytes] = []
    for path in files:
        data = path.read_bytes()
        hashlib.sha256(data).digest()
        xml.extend(b"".join(payload.chunks()) for payload in unpack(data))
    spent = time.process_time() - start
    return Payloads([x.lstrip(_LEADING) for x in xml], spent)


def _ignore(*_: object) -> None:
    return None


def expat_handlers(payloads: list[bytes]) -> int:
    """Expat with do-nothing Python handlers for start, end and text; elements seen."""
    seen = 0

    def start(_name: str, _attrs: dict[str, str]) -> None:
        nonlocal seen
        seen += 1

    for xml in payloads:
        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        parser.EndElementHandler = _ignore
        parser.CharacterDataHandler = _ignore
        parser.Parse(xml, True)
    return seen


def expat_bare(payloads: list[bytes]) -> None:
    for xml in payloads:
        expat.ParserCreate().Parse(xml, True)


def element_tree(payloads: list[bytes]) -> None:
    for xml in payloads:
        ElementTree.fromstring(xml)  # noqa: S314 - the benchmark's own corpus


def dmarcwatch_parse(payloads: list[bytes]) -> int:
    records = 0
    for xml in payloads:
        stream = open_report([xml])
        records += sum(1 for _ in stream.records())
        _ = stream.end
    return records


def rows(count: int, folder: Path) -> None:
    """One transaction of *count* 13-column rows shaped like a record into a new file."""
    path = folder / f"floor-{time.monotonic_ns()}.db"
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE r (a INT, b INT, c TEXT, d TEXT, e TEXT, f TEXT, g TEXT, "
                   "h TEXT, i TEXT, j TEXT, k INT, l TEXT, m TEXT)")  # fmt: skip
        row = (1, 2, "192.0.2.1", "email.example.ch", "sendgrid.net", "none", "pass", "fail")
        db.executemany(
            "INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((n, *row[1:], "s1", "pass", n % 7, "[]", "[]") for n in range(count)),
        )
        db.commit()
    finally:
        db.close()
        path.unlink(missing_ok=True)


def lxml_pass(payloads: list[bytes], venv: Path) -> float:
    """lxml over the payloads in *venv* (made, with lxml, when missing): its CPU seconds."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "lxml"], check=True)
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        for n, xml in enumerate(payloads):
            (Path(tmp) / f"{n:06d}.xml").write_bytes(xml)
        out = subprocess.run(
            [str(python), "-c", _LXML_PASS, tmp], check=True, capture_output=True, text=True
        )
    answer: dict[str, Any] = json.loads(out.stdout)
    return float(answer["cpu"])


def timed_passes(payloads: Payloads, records: int, repeat: int) -> dict[str, float]:
    """Best CPU seconds of each in-process pass over the payloads."""
    best: dict[str, float] = {"read, SHA-256, unpack": payloads.read_cpu}
    passes: dict[str, Callable[[], object]] = {
        "expat, do-nothing handlers": lambda: expat_handlers(payloads.xml),
        "expat, no handlers (C only)": lambda: expat_bare(payloads.xml),
        "ElementTree, C builder": lambda: element_tree(payloads.xml),
        "sqlite3 rows, one per record": lambda: rows(records, Path(tempfile.gettempdir())),
        "dmarcwatch parse (for comparison)": lambda: dmarcwatch_parse(payloads.xml),
    }
    for _ in range(repeat):
        for label, run in passes.items():
            with cpu_clock(best, label):
                run()
    return best


def print_figures(name: str, reports: int, figures: dict[str, float], elements: int) -> None:
    for label, seconds in figures.items():
        print(f"floor {name} {label}: {seconds:.2f} s CPU")
    common = (
        figures["start-up: python + sqlalchemy"]
        + figures["read, SHA-256, unpack"]
        + figures["sqlite3 rows, one per record"]
    )
    for xml, label in (
        ("expat, no handlers (C only)", "XML only tokenised in C, nothing extracted"),
        ("dmarcwatch parse (for comparison)", "dmarcwatch's parse"),
    ):
        floor = common + figures[xml]
        print(
            f"floor {name} ({label}): {reports:,} reports, {elements:,} elements; start-up "
            f"with SQLAlchemy + read/hash/unpack + XML + rows = {floor:.2f} s CPU, at most "
            f"{reports / floor:,.0f} reports/s on one core (issue 17's target: 2,000)"
        )


def measure(folder: Path, manifest: dict[str, Any], args: argparse.Namespace) -> None:
    files = [folder / entry["path"] for entry in manifest["files"]]
    runs = [read_unpack(files) for _ in range(args.repeat)]
    payloads = min(runs, key=lambda run: run.read_cpu)
    records = dmarcwatch_parse(payloads.xml)
    if records != manifest["totals"]["records"]:
        raise SystemExit(f"bench_floor: parsed {records} records, manifest says otherwise")
    figures = {f"start-up: {k}": v for k, v in startups(args.repeat).items()}
    figures |= timed_passes(payloads, records, args.repeat)
    if args.lxml_venv:
        figures["lxml, parse + every element of each record"] = lxml_pass(
            payloads.xml, args.lxml_venv
        )
    elements = expat_handlers(payloads.xml)
    print_figures(manifest["preset"], len(manifest["files"]), figures, elements)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks floor", description=__doc__.splitlines()[0]
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--corpus", type=Path, metavar="DIR", help="an existing corpus folder")
    where.add_argument(
        "--preset", choices=sorted(corpus.PRESETS), default="realistic", help="generate one"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (best shown)")
    parser.add_argument(
        "--lxml-venv", type=Path, metavar="DIR", help="also time lxml, installed in this venv"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.corpus:
        try:
            manifest = corpus.load_manifest(args.corpus)
        except (OSError, ValueError) as exc:
            print(f"bench_floor: no corpus in {args.corpus}: {exc}", file=sys.stderr)
            return 2
        measure(args.corpus, manifest, args)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        folder = Path(tmp) / args.preset
        measure(folder, corpus.generate(corpus.PRESETS[args.preset], folder, args.seed), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
