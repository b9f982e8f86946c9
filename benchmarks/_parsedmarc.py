"""parsedmarc's command line beside ``dmarcwatch import``, on the same files (issue 17).

parsedmarc is installed into a throwaway virtual environment under /tmp, never into the
project's: ``python -m venv`` and ``pip install parsedmarc==VERSION``, removed afterwards
unless the caller names a folder to keep (and reuse). It runs as its users run it on files:
``parsedmarc --offline FILE...`` (no DNS or IP look-ups), printing its JSON to stdout, which is
parsed here to count the aggregate reports and records it read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VERSION = "11.1.0"


@dataclass(frozen=True)
class ParsedmarcRun:
    """One parsedmarc run: wall and CPU seconds, and what its JSON says it read."""

    wall: float
    cpu: float
    code: int
    reports: int
    records: int
    stderr: str


@contextmanager
def installed(version: str, keep: Path | None) -> Iterator[Path]:
    """The ``parsedmarc`` executable of a virtual environment holding *version*."""
    folder = keep or Path(tempfile.mkdtemp(prefix="bench-parsedmarc-", dir="/tmp"))
    executable = folder / "bin" / "parsedmarc"
    try:
        if not executable.exists():
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
            pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "-q"]
            subprocess.run([*pip, f"parsedmarc=={version}"], check=True)
        yield executable
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def run(executable: Path, files: list[Path], cpu: int | None) -> ParsedmarcRun:
    """``parsedmarc --offline FILES`` with its JSON on stdout; measured with ``wait4``."""
    with tempfile.TemporaryDirectory(prefix="bench-parsedmarc-run-") as tmp:
        out, err = Path(tmp) / "out.json", Path(tmp) / "err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            started = time.perf_counter()
            child = subprocess.Popen(
                [*pinned(cpu), str(executable), "--offline", *map(str, files)],
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                cwd=tmp,
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        reports, records = _counts(out.read_text(errors="replace"))
        return ParsedmarcRun(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            code=os.waitstatus_to_exitcode(status),
            reports=reports,
            records=records,
            stderr=err.read_text(errors="replace")[-2000:],
        )


def pinned(cpu: int | None) -> list[str]:
    """The command prefix that keeps a child on one CPU (``taskset`` execs the command, so the
    measured process is the command itself); none for ``None``."""
    return [] if cpu is None else ["taskset", "--cpu-list", str(cpu)]


def _counts(output: str) -> tuple[int, int]:
    """Aggregate reports and their records in parsedmarc's JSON output."""
    try:
        data = json.loads(output)
    except json.JSONDecodeError:
        return 0, 0
    aggregate = data.get("aggregate_reports", []) if isinstance(data, dict) else []
    return len(aggregate), sum(len(report.get("records", [])) for report in aggregate)
