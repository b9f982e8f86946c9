"""The long fuzz run, by hand: the properties of ``tests/fuzz`` with many more examples, then
a coverage-guided run with atheris (libFuzzer) if it is installed.

::

    .venv/bin/python -m benchmarks fuzz --examples 20000 --atheris-seconds 300

Prints, per property, the examples run, the failures and the slowest example; for atheris,
the inputs executed, the coverage reached and whether an input made anything but
``RejectedInput`` escape (the offending input is written to ``--out``).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Tally:
    name: str
    examples: int = 0
    slowest: float = 0.0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        status = "ok" if not self.failures else f"{len(self.failures)} FAILED"
        return (
            f"{self.name:58} {self.examples:>8} examples  slowest {self.slowest * 1000:7.1f} ms  "
            f"{status}"
        )


def _properties() -> list[tuple[str, Any, Callable[..., None], int]]:
    """(name, strategy, check, share of --examples): the properties of tests/fuzz."""
    from hypothesis import strategies as st

    from tests.fuzz import test_fuzz as t
    from tests.fuzz.strategies import any_input, mutated_reports, split

    def agree(data: Any) -> None:
        xml = data.draw(mutated_reports(max_mutations=3).filter(lambda b: b.lstrip()[:1] == b"<"))
        exact = t.outcome([xml], exact=True)
        assert t.outcome(data.draw(split(xml)), exact=False) == exact
        assert t.outcome([xml], exact=False) == exact

    def through_store(inputs: list[bytes]) -> None:
        t.test_the_pipeline_stores_or_rejects_every_input_and_never_fails.hypothesis.inner_test(
            inputs
        )

    return [
        ("arbitrary bytes: unpack + parse", st.binary(max_size=8192), t.read_everything, 1),
        ("bytes behind a container's magic, or mutated reports", any_input(), t.read_everything, 1),
        ("mutated reports (up to 8 mutations)", mutated_reports(8), t.read_everything, 1),
        ("fast path == exact parser, any chunking", st.data(), agree, 1),
        (
            "pipeline through an in-memory store",
            st.lists(any_input(), max_size=4),
            through_store,
            5,
        ),
    ]


def run_property(
    name: str, strategy: Any, check: Callable[..., None], examples: int, seed: int
) -> Tally:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as with_seed

    tally = Tally(name)

    def counted(value: Any) -> None:
        tally.examples += 1
        started = time.perf_counter()
        try:
            check(value)
        finally:
            tally.slowest = max(tally.slowest, time.perf_counter() - started)

    test = with_seed(seed)(
        settings(
            max_examples=examples,
            deadline=None,  # measured instead: the slowest example is printed
            database=None,
            suppress_health_check=list(HealthCheck),
        )(given(strategy)(counted))
    )
    try:
        test()
    except Exception as exc:  # noqa: BLE001 - a falsifying example: report it and go on
        notes = "\n".join(getattr(exc, "__notes__", []))  # hypothesis: the falsifying example
        tally.failures.append(f"{type(exc).__name__}: {str(exc)[:3000]}\n{notes[:6000]}")
    return tally


# --- atheris ---------------------------------------------------------------------------------


def atheris_child(argv: list[str]) -> None:
    """Runs in a subprocess: libFuzzer owns the process and exits it when done."""
    import atheris

    with atheris.instrument_imports(include=["ingest"]):
        from dmarcwatch.ingest.errors import RejectedInput
        from dmarcwatch.ingest.limits import Limits
        from dmarcwatch.ingest.parse import parse_report
        from dmarcwatch.ingest.unpack import unpack

    limits = Limits(max_report_bytes=1 << 20, max_zip_members=20, max_depth=4, max_mime_parts=50)

    def one_input(data: bytes) -> None:
        try:
            payloads = list(unpack(data, limits))
        except RejectedInput:
            return
        for payload in payloads:
            with contextlib.suppress(RejectedInput):
                parse_report(payload.chunks(), limits)

    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def write_seeds(directory: Path) -> None:
    from tests.fuzz.strategies import SEEDS, WRAPPERS

    directory.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(SEEDS):
        (directory / f"seed{i}.xml").write_bytes(seed)
        for j, wrap in enumerate(WRAPPERS):
            (directory / f"seed{i}-wrap{j}").write_bytes(wrap(seed))


def run_atheris(seconds: int, out: Path) -> int:
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris: not installed (pip install atheris); skipped")
        return 0
    corpus = out / "atheris-corpus"
    write_seeds(corpus)
    crashes = out / "atheris-crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "benchmarks.fuzz", "--atheris-child",
        f"-max_total_time={seconds}", "-max_len=65536", "-timeout=10", "-rss_limit_mb=2048",
        f"-artifact_prefix={crashes}/", "-print_final_stats=1", str(corpus),
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    log = done.stderr + done.stdout
    (out / "atheris.log").write_text(log)
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    cov = re.findall(r"cov: (\d+) ft: (\d+)", log)
    crashed = done.returncode != 0
    print(
        f"atheris: {runs[-1] if runs else '?'} inputs in {elapsed:.0f} s, "
        f"coverage {cov[-1][0] if cov else '?'} edges / {cov[-1][1] if cov else '?'} features, "
        f"{'a CRASH (see ' + str(crashes) + ', atheris.log)' if crashed else 'no crash'}"
    )
    return 1 if crashed else 0


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["--atheris-child"]:
        atheris_child([sys.argv[0], *args_in[1:]])
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks fuzz", description=__doc__)
    parser.add_argument("--examples", type=int, default=20_000, help="per property")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--atheris-seconds", type=int, default=300, help="0 skips atheris")
    parser.add_argument("--out", type=Path, default=None, help="folder for logs and crashes")
    args = parser.parse_args(args_in)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    out = args.out or Path(tempfile.mkdtemp(prefix="dmarcwatch-fuzz-"))
    failed = 0
    total = 0
    for name, strategy, check, share in _properties():
        tally = run_property(name, strategy, check, max(1, args.examples // share), args.seed)
        print(tally.line(), flush=True)
        for failure in tally.failures:
            print("   ", failure.replace("\n", "\n    "))
        failed += len(tally.failures)
        total += tally.examples
    print(f"hypothesis: {total} examples, {failed} failing properties")
    if args.atheris_seconds > 0:
        failed += run_atheris(args.atheris_seconds, out)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
