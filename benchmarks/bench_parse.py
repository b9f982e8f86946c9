"""Benchmark: parse only (unpack + parse, no store) beside a bare expat pass over the same XML.

For every file of a corpus, three passes, interleaved so that all three see the same load on
the machine:

1. ``unpack + parse``: :func:`ingest.unpack.unpack` of the file's bytes, then
   :func:`ingest.parse.open_report` over each payload, every record consumed (what an import
   does, minus the store);
2. ``parse``: :func:`ingest.parse.open_report` over the already decompressed XML;
3. ``bare expat``: ``xml.parsers.expat.ParserCreate()`` with no handlers over the same
   decompressed XML (a BOM and blanks before the declaration stripped, as expat refuses them).

Each pass is timed in wall seconds and in CPU seconds of this process: on a shared machine
the CPU figure is the one-core speed, the wall figure what a user waits.

Records and messages counted by the parser must equal the corpus manifest, or the benchmark
stops with exit 1. Prints records/s of each pass and the ratio parse / expat. Run by hand::

    .venv/bin/python -m benchmarks parse --preset small --preset large --repeat 3
    .venv/bin/python -m benchmarks parse --corpus DIR --profile 30
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from benchmarks import corpus
from dmarcwatch.ingest.parse import open_report
from dmarcwatch.ingest.unpack import unpack

_LEADING = b"\xef\xbb\xbf \t\r\n"


class BenchmarkFailed(Exception):
    """The parser's counts differ from the manifest."""


PASSES = (("unpack+parse", "unpack_parse"), ("parse", "parse"), ("bare expat", "expat"))


@dataclass
class Clock:
    """Wall and CPU seconds of this process, summed over many short intervals."""

    wall: float = 0.0
    cpu: float = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu


@dataclass
class Pass:
    """Time spent in each of the three passes over a corpus, and what the parser counted."""

    unpack_parse: Clock = field(default_factory=Clock)
    parse: Clock = field(default_factory=Clock)
    expat: Clock = field(default_factory=Clock)
    records: int = 0
    messages: int = 0
    mismatches: list[str] = field(default_factory=list)


def consume(chunks_per_report: list[Any]) -> tuple[int, int]:
    """Parse every report (each given as an iterable of byte chunks); (records, messages)."""
    records = messages = 0
    for chunks in chunks_per_report:
        stream = open_report(chunks)
        for record in stream.records():
            records += 1
            messages += record.count
        _ = stream.end
    return records, messages


def one_file(path: Path, entry: dict[str, Any], totals: Pass) -> None:
    """The three passes over one file, added to *totals*."""
    data = path.read_bytes()
    with totals.unpack_parse.running():
        records, messages = consume([payload.chunks() for payload in unpack(data)])
    totals.records += records
    totals.messages += messages
    if (records, messages) != (entry["records"], entry["messages"]):
        totals.mismatches.append(
            f"{entry['path']}: parsed {records} records / {messages} messages, "
            f"manifest {entry['records']} / {entry['messages']}"
        )
    xmls = [b"".join(payload.chunks()) for payload in unpack(data)]
    with totals.parse.running():
        consume([[xml] for xml in xmls])
    stripped = [xml.lstrip(_LEADING) for xml in xmls]
    with totals.expat.running():
        for xml in stripped:
            expat.ParserCreate().Parse(xml, True)


def corpus_pass(folder: Path, manifest: dict[str, Any]) -> Pass:
    totals = Pass()
    for entry in manifest["files"]:
        one_file(folder / entry["path"], entry, totals)
    if totals.mismatches:
        raise BenchmarkFailed("MISMATCH: " + "; ".join(totals.mismatches[:5]))
    return totals


def _range(rates: list[float]) -> str:
    if len(rates) < 2:
        return "1 run"
    return f"best of {len(rates)}, range {min(rates):,.0f}–{max(rates):,.0f}"


def print_figures(label: str, manifest: dict[str, Any], passes: list[Pass]) -> None:
    """One line per pass (best wall time, and records per CPU second), then the ratios."""
    t = manifest["totals"]
    n, mb = t["records"], t["xml_bytes"] / 1e6
    for name, attr in PASSES:
        clocks: list[Clock] = [getattr(p, attr) for p in passes]
        wall = min(c.wall for c in clocks)
        cpu = min(c.cpu for c in clocks)
        print(
            f"parse {label} {name:>12}: {n:,} records, {mb:.1f} MB XML in {wall:.2f} s = "
            f"{n / wall:,.0f} records/s, {mb / wall:.1f} MB/s; per CPU second "
            f"{n / cpu:,.0f} records/s [wall records/s {_range([n / c.wall for c in clocks])}]"
        )
    best = {attr: min(getattr(p, attr).cpu for p in passes) for _, attr in PASSES}
    print(
        f"parse {label} ratio (CPU time): unpack+parse / bare expat = "
        f"{best['expat'] / best['unpack_parse']:.1%}, parse / bare expat = "
        f"{best['expat'] / best['parse']:.1%} (target ≥ 30 %)"
    )


def profile_pass(folder: Path, manifest: dict[str, Any], top: int) -> None:
    """cProfile one unpack+parse pass and print the top functions by internal time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for entry in manifest["files"]:
        consume([p.chunks() for p in unpack((folder / entry["path"]).read_bytes())])
    profiler.disable()
    print(f"\nprofile of unpack+parse over {manifest['preset']}, top {top} by internal time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks parse", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--preset",
        action="append",
        default=[],
        choices=sorted(corpus.PRESETS),
        help="generate and parse this corpus preset (repeatable)",
    )
    parser.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="DIR",
        help="parse an existing corpus folder (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="passes per corpus (best shown)")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after the passes, profile one more and print the top N functions",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if not args.preset and not args.corpus:
        args.preset = ["small", "large"]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-parse-"))
    try:
        found = [(Path(d), corpus.load_manifest(Path(d))) for d in args.corpus]
        for name in args.preset:
            folder = work / name
            found.append((folder, corpus.generate(corpus.PRESETS[name], folder, args.seed)))
        for folder, manifest in found:
            passes = [corpus_pass(folder, manifest) for _ in range(args.repeat)]
            print_figures(manifest["preset"], manifest, passes)
            sys.stdout.flush()
            if args.profile:
                profile_pass(folder, manifest, args.profile)
    except BenchmarkFailed as exc:
        print(f"bench_parse: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
