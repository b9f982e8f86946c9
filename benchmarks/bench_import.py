"""Benchmark: ``dmarcwatch import`` of a generated corpus into SQLite and PostgreSQL.

Runs the real command line in a child process, as a user would, and prints one line per figure:
reports/s, records/s, MB/s of XML and the child's peak RSS (its own ``VmHWM``, written at exit
by a small wrapper and also polled from ``/proc``; not ``ru_maxrss``, which a child inherits
from its parent across exec). Then imports the same corpus again (every report a duplicate)
and prints the speed-up. After each import the store's totals (``Store.totals()``) must equal
the corpus manifest exactly, or the benchmark stops with exit 1.

PostgreSQL is a throwaway cluster (``initdb`` + ``postgres`` as the ``postgres`` user on a free
loopback port, ``fsync=off``), like ``tests/servers/postgres.py``, whose helpers need pytest.

Run from the repository root, by hand::

    .venv/bin/python -m benchmarks import --preset small --preset large --repeat 3
    .venv/bin/python -m benchmarks import --corpus DIR --backend sqlite --jobs 2
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import _parsedmarc, corpus
from benchmarks.installed import byte_compile

ROOT = Path(__file__).resolve().parents[1]

# The child: run ``python -m dmarcwatch`` and write its own VmHWM (KiB) to a file at exit.
# With BENCH_PROFILE set, profile the command with cProfile into that file.
WRAPPER = """\
import os, runpy, sys
def _hwm():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmHWM:'):
                with open(os.environ['BENCH_HWM_FILE'], 'w') as out:
                    out.write(line.split()[1])
sys.argv[0] = 'dmarcwatch'
profile = os.environ.get('BENCH_PROFILE')
try:
    if profile:
        import cProfile
        cProfile.run("runpy.run_module('dmarcwatch', run_name='__main__')", profile)
    else:
        runpy.run_module('dmarcwatch', run_name='__main__')
finally:
    _hwm()
"""


class BenchmarkFailed(Exception):
    """A figure cannot be trusted: the import failed or stored other totals."""


@dataclass(frozen=True)
class Run:
    """One child process: wall and CPU seconds, peak RSS (MiB) and what it printed."""

    wall: float
    cpu: float
    peak_mib: float
    tree_peak_mib: float
    code: int
    stdout: str
    stderr: str
    server_cpu: float = 0.0


# --- the child process ------------------------------------------------------------------


def _status_kib(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (field 3 onwards); [] if gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()
    except OSError:
        return ["0"] * 20


def _descendants(pid: int) -> list[int]:
    """Every process below *pid*, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(_stat_fields(int(entry.name))[1])
        except (ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def run_child(
    args: list[str], *, watch_tree: bool, profile: Path | None = None, cpu: int | None = None
) -> Run:
    """Run ``python -m dmarcwatch ARGS`` through the VmHWM wrapper and measure it.

    *cpu* keeps the child on that one CPU.
    """
    with tempfile.TemporaryDirectory(prefix="bench-child-") as tmp:
        hwm_file = Path(tmp) / "hwm"
        env = {**os.environ, "BENCH_HWM_FILE": str(hwm_file), "PYTHONPATH": str(ROOT)}
        if profile is not None:
            env["BENCH_PROFILE"] = str(profile)
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            started = time.perf_counter()
            child = subprocess.Popen(
                [*_parsedmarc.pinned(cpu), sys.executable, "-c", WRAPPER, *args],
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=ROOT,
            )
            status, usage, peak, tree = _wait(child, watch_tree)
            wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, int(hwm_file.read_text() or 0) if hwm_file.exists() else 0)
        return Run(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_mib=peak / 1024,
            tree_peak_mib=max(tree, peak) / 1024,
            code=child.returncode,
            stdout=out.read_text(errors="replace"),
            stderr=err.read_text(errors="replace"),
        )


def _wait(child: subprocess.Popen[bytes], watch_tree: bool) -> tuple[int, Any, int, int]:
    """Poll VmHWM (and the summed VmRSS of the process tree) until the child exits."""
    peak = tree = 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            return status, usage, peak, tree
        peak = max(peak, _status_kib(child.pid, "VmHWM:"))
        if watch_tree:
            pids = [child.pid, *_descendants(child.pid)]
            tree = max(tree, sum(_status_kib(p, "VmRSS:") for p in pids))
        time.sleep(0.05)


def cli_supports(option: str) -> bool:
    """Whether ``dmarcwatch import --help`` lists *option*."""
    done = subprocess.run(
        [sys.executable, "-m", "dmarcwatch", "import", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    return option in done.stdout


# --- stores -----------------------------------------------------------------------------


class Postgres:
    """A throwaway PostgreSQL cluster (reference: /work/shared/docs/test-servers.md §2)."""

    def __init__(self) -> None:
        bindir = _pg_bindir()
        if bindir is None:
            raise BenchmarkFailed(
                "PostgreSQL server binaries not found (apt-get install postgresql)"
            )
        self.bindir = bindir
        self.owner = _pg_owner()
        self.base = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        if self.owner:
            os.chown(self.base, self.owner["user"], self.owner["group"])
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.databases = 0

    def start(self) -> None:
        data = self.base / "data"
        initdb = [str(self.bindir / "initdb"), "-D", str(data), "-U", "bench", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]  # fmt: skip
        done = subprocess.run(initdb, capture_output=True, text=True, check=False, **self.owner)
        if done.returncode != 0:
            raise BenchmarkFailed(f"initdb failed: {done.stderr.strip()}")
        server = [str(self.bindir / "postgres"), "-D", str(data), "-p", str(self.port),
                  "-k", str(self.base), "-c", "listen_addresses=127.0.0.1",
                  "-c", "fsync=off", "-c", "synchronous_commit=off",
                  "-c", "full_page_writes=off"]  # fmt: skip
        with open(self.base / "server.log", "wb") as log:
            self.process = subprocess.Popen(
                server, stdout=log, stderr=subprocess.STDOUT, **self.owner
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise BenchmarkFailed(f"postgres exited: {self.log_tail()}")
            try:
                psycopg.connect(self._conninfo("postgres")).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise BenchmarkFailed(f"postgres not ready: {self.log_tail()}") from None
                time.sleep(0.05)

    def log_tail(self) -> str:
        return (self.base / "server.log").read_text(errors="replace")[-2000:]

    def _conninfo(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=bench dbname={database}"

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self._conninfo("postgres")) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"

    def new_database(self) -> str:
        import psycopg

        self.databases += 1
        name = f"bench_{self.databases}"
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://bench@127.0.0.1:{self.port}/{name}"

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def cpu_seconds(self) -> float:
        """CPU used by the cluster so far: postmaster, live backends and reaped ones."""
        assert self.process is not None
        tick = os.sysconf("SC_CLK_TCK")
        fields = _stat_fields(self.process.pid)
        total = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        for pid in _descendants(self.process.pid):
            total += sum(int(v) for v in _stat_fields(pid)[11:13])
        return total / tick

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)


def _pg_bindir() -> Path | None:
    found = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        if bindir.parent.name.isdigit() and (bindir / "initdb").exists():
            found.append((int(bindir.parent.name), bindir))
    return max(found)[1] if found else None


def _pg_owner() -> dict[str, Any]:
    """subprocess arguments that run the server as ``postgres`` (initdb refuses root)."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam("postgres")
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Backend:
    """Fresh empty stores of one kind, one per measurement."""

    def __init__(
        self, name: str, work: Path, postgres: Postgres | None, cpu: int | None = None
    ) -> None:
        self.name = name
        self.work = work
        self.postgres = postgres
        self.cpu = cpu
        self.count = 0

    def run(self, args: list[str], *, watch_tree: bool, profile: Path | None = None) -> Run:
        """A child run, with the PostgreSQL server's CPU seconds during it."""
        before = self.postgres.cpu_seconds() if self.postgres else 0.0
        run = run_child(args, watch_tree=watch_tree, profile=profile, cpu=self.cpu)
        if self.postgres is None:
            return run
        return dataclasses.replace(run, server_cpu=self.postgres.cpu_seconds() - before)

    @contextmanager
    def fresh_store(self) -> Iterator[str]:
        """An empty store (schema created, so the timing is the import alone)."""
        from dmarcwatch.ingest.store import Store

        self.count += 1
        if self.postgres is not None:
            url = self.postgres.new_database()
        else:
            url = f"sqlite:///{self.work / f'store-{self.count}.db'}"
        Store.open(url).close()
        try:
            yield url
        finally:
            if self.postgres is not None:
                self.postgres.drop_database(url)
            else:
                for path in self.work.glob(f"store-{self.count}.db*"):
                    path.unlink()


# --- checks -----------------------------------------------------------------------------


def check_totals(url: str, manifest: dict[str, Any], when: str) -> None:
    """Store.totals() must equal the manifest: reports, records, messages; no rejects."""
    from dmarcwatch.ingest.store import Store

    with Store.open(url) as store:
        got = store.totals()
    want = manifest["totals"]
    expected = (want["reports"], want["records"], want["messages"], 0)
    actual = (got.reports, got.records, got.messages, got.rejects)
    if actual != expected:
        raise BenchmarkFailed(
            f"MISMATCH {when}: store has reports/records/messages/rejects {actual}, "
            f"manifest says {expected}"
        )


def check_run(run: Run, manifest: dict[str, Any], *, duplicates: bool, when: str) -> None:
    """The import must exit 0 and its JSON summary must agree with the manifest."""
    if run.code != 0:
        raise BenchmarkFailed(f"{when}: dmarcwatch import exited {run.code}: {run.stderr[-2000:]}")
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    want = manifest["totals"]
    if duplicates:
        ok = summary["reports"] == 0 and summary["duplicates"] == want["reports"]
    else:
        ok = (summary["reports"], summary["records"], summary["messages"]) == (
            want["reports"],
            want["records"],
            want["messages"],
        )
    if not ok or summary["rejected"]:
        raise BenchmarkFailed(f"MISMATCH {when}: import printed {summary}, manifest {want}")


# --- measuring --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    first: Run
    again: Run
    jobs: int


def measure(
    backend: Backend, folder: Path, manifest: dict[str, Any], jobs: int, profile: Path | None
) -> Figure:
    """One first import and one re-import into a fresh store, both checked."""
    args = ["import", "--json"] + (["--jobs", str(jobs)] if jobs > 1 else [])
    label = f"{manifest['preset']} into {backend.name}"
    with backend.fresh_store() as url:
        command = [*args, "--db", url, str(folder / corpus.REPORTS)]
        first = backend.run(command, watch_tree=jobs > 1, profile=profile)
        check_run(first, manifest, duplicates=False, when=f"first import of {label}")
        check_totals(url, manifest, f"after the first import of {label}")
        again = backend.run(command, watch_tree=jobs > 1)
        check_run(again, manifest, duplicates=True, when=f"re-import of {label}")
        check_totals(url, manifest, f"after the re-import of {label}")
    return Figure(first, again, jobs)


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2f}"


def _cpu(run: Run) -> str:
    server = f", server {run.server_cpu:.2f} s" if run.server_cpu else ""
    return f"CPU {run.cpu:.2f} s{server}"


def _per_cpu(totals: dict[str, Any], figures: list[Figure]) -> str:
    """Records per CPU second of the importer (plus the PostgreSQL server's): one core's rate."""
    cpu = min(f.first.cpu + f.first.server_cpu for f in figures)
    return f"{totals['records'] / cpu:,.0f} records/s"


def _cpu_ratio(figures: list[Figure]) -> str:
    first = min(f.first.cpu + f.first.server_cpu for f in figures)
    again = min(f.again.cpu + f.again.server_cpu for f in figures)
    return f"{first / again:.1f}x"


def _spread(values: list[float]) -> str:
    if len(values) < 2:
        return "1 run"
    return f"best of {len(values)}, range {min(values):,.0f}–{max(values):,.0f}"


def print_figures(label: str, manifest: dict[str, Any], figures: list[Figure]) -> None:
    """One line for the first import, one for the re-import, from the best of the runs."""
    t = manifest["totals"]
    best = min(figures, key=lambda f: f.first.wall)
    walls = [f.first.wall for f in figures]
    rates = [t["records"] / w for w in walls]
    peaks = [f.first.peak_mib for f in figures]
    tree = f", process tree {best.first.tree_peak_mib:.0f} MiB" if best.jobs > 1 else ""
    print(
        f"import {label}: {t['reports']:,} reports, {t['records']:,} records, "
        f"{t['xml_bytes'] / 1e6:.1f} MB XML in {best.first.wall:.2f} s "
        f"({_cpu(best.first)}) = {_rate(t['reports'] / best.first.wall)} reports/s, "
        f"{t['records'] / best.first.wall:,.0f} records/s, "
        f"{t['xml_bytes'] / 1e6 / best.first.wall:.1f} MB/s XML, "
        f"peak RSS {max(peaks):.0f} MiB{tree}; per CPU second {_per_cpu(t, figures)} "
        f"[records/s {_spread(rates)}]"
    )
    again = min(figures, key=lambda f: f.again.wall)
    ratios = [f.first.wall / f.again.wall for f in figures]
    print(
        f"re-import {label} (all duplicates): {again.again.wall:.2f} s "
        f"({_cpu(again.again)}), {best.first.wall / again.again.wall:.1f}x faster "
        f"than the first import ({_cpu_ratio(figures)} in CPU seconds); "
        f"peak RSS {again.again.peak_mib:.0f} MiB "
        f"[speed-up per run {', '.join(f'{r:.1f}x' for r in ratios)}]"
    )


def startup_seconds(backend: Backend, work: Path) -> float:
    """Wall time of ``dmarcwatch import`` of an empty folder: the fixed cost of a run."""
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    with backend.fresh_store() as url:
        return min(
            run_child(["import", "-q", "--db", url, str(empty)], watch_tree=False).wall
            for _ in range(3)
        )


# --- main -------------------------------------------------------------------------------


def corpora(args: argparse.Namespace, work: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The corpora to import: given folders, or presets generated into the work folder."""
    found = [(Path(folder), corpus.load_manifest(Path(folder))) for folder in args.corpus]
    for name in args.preset:
        folder = work / f"corpus-{name}"
        started = time.perf_counter()
        manifest = corpus.generate(corpus.PRESETS[name], folder, args.seed)
        print(
            f"generated corpus {name} (seed {args.seed}) in {time.perf_counter() - started:.1f} s"
        )
        found.append((folder, manifest))
    return found


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks import", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--preset",
        action="append",
        default=[],
        choices=sorted(corpus.PRESETS),
        help="generate and import this corpus preset (repeatable)",
    )
    parser.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="DIR",
        help="import an existing corpus folder (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (best is shown)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="also run with --jobs N when dmarcwatch import supports it",
    )
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument(
        "--parsedmarc",
        choices=("auto", "yes", "no"),
        default="auto",
        help="also time parsedmarc's CLI on the same files, beside the SQLite figure "
        "(auto: for the realistic preset only)",
    )
    parser.add_argument("--parsedmarc-version", default=_parsedmarc.VERSION)
    parser.add_argument(
        "--parsedmarc-venv",
        type=Path,
        metavar="DIR",
        help="install parsedmarc into DIR and keep it there (default: a throwaway one in /tmp)",
    )
    parser.add_argument(
        "--cpu", type=int, metavar="N", help="run every child process on CPU N alone"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="cProfile the first import of the first corpus into FILE",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if not args.preset and not args.corpus:
        args.preset = ["small", "large"]
    return args


def machine() -> str:
    cpu = "?"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({cpu}), Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    postgres: Postgres | None = None
    byte_compile()
    try:
        print(f"machine: {machine()}")
        jobs = [1]
        if args.jobs > 1:
            if cli_supports("--jobs"):
                jobs.append(args.jobs)
            else:
                print(
                    f"note: dmarcwatch import has no --jobs option yet; --jobs {args.jobs} skipped"
                )
        backends = []
        if args.backend in ("sqlite", "both"):
            backends.append(Backend("sqlite", work, None, args.cpu))
        if args.backend in ("postgresql", "both"):
            postgres = Postgres()
            postgres.start()
            backends.append(Backend("postgresql", work, postgres, args.cpu))
            print(f"PostgreSQL {postgres.version()} on 127.0.0.1:{postgres.port} (fsync=off)")
        for backend in backends:
            print(f"startup ({backend.name}, import of an empty folder): "
                  f"{startup_seconds(backend, work):.2f} s")  # fmt: skip
        profile = args.profile
        for folder, manifest in corpora(args, work):
            for backend in backends:
                for n in jobs:
                    figures = []
                    for _ in range(args.repeat):
                        figures.append(measure(backend, folder, manifest, n, profile))
                        profile = None
                    suffix = f", --jobs {n}" if n > 1 else ""
                    print_figures(f"{manifest['preset']} → {backend.name}{suffix}", manifest,
                                  figures)  # fmt: skip
                    sys.stdout.flush()
                    if n == 1 and backend.name == "sqlite" and _with_parsedmarc(args, manifest):
                        compare_parsedmarc(args, folder, manifest, figures)
                        sys.stdout.flush()
        if args.profile:
            _print_profile(args.profile)
    except BenchmarkFailed as exc:
        print(f"bench_import: {exc}", file=sys.stderr)
        return 1
    finally:
        if postgres is not None:
            postgres.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _with_parsedmarc(args: argparse.Namespace, manifest: dict[str, Any]) -> bool:
    if args.parsedmarc == "auto":
        return bool(manifest["preset"] == "realistic")
    return bool(args.parsedmarc == "yes")


def compare_parsedmarc(
    args: argparse.Namespace, folder: Path, manifest: dict[str, Any], figures: list[Figure]
) -> None:
    """parsedmarc's CLI on the corpus's files, best of ``--repeat``, and the ratio."""
    files = [folder / entry["path"] for entry in manifest["files"]]
    t = manifest["totals"]
    with _parsedmarc.installed(args.parsedmarc_version, args.parsedmarc_venv) as executable:
        runs = [_parsedmarc.run(executable, files, args.cpu) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r.wall)
    if best.code != 0 or best.reports != t["reports"]:
        print(
            f"note: parsedmarc exited {best.code} and read {best.reports:,} of "
            f"{t['reports']:,} reports: {best.stderr.strip()[-300:]}"
        )
    walls = [r.wall for r in runs]
    print(
        f"parsedmarc {args.parsedmarc_version} --offline {manifest['preset']}: "
        f"{len(files):,} files, {best.reports:,} reports, {best.records:,} records in "
        f"{best.wall:.2f} s (CPU {best.cpu:.2f} s) = {_rate(t['reports'] / best.wall)} "
        f"reports/s, {t['records'] / best.wall:,.0f} records/s "
        f"[wall best of {len(runs)}, range {min(walls):.2f}–{max(walls):.2f} s]"
    )
    ours = min(figures, key=lambda f: f.first.wall).first
    cpu = min(f.first.cpu for f in figures)
    print(
        f"dmarcwatch import / parsedmarc on {manifest['preset']}: "
        f"{best.wall / ours.wall:.1f}x as fast (wall), {best.cpu / cpu:.1f}x (CPU seconds); "
        f"dmarcwatch {t['reports'] / ours.wall:,.0f} reports/s, "
        f"{t['reports'] / cpu:,.0f} reports per CPU second"
    )


def _print_profile(path: Path, top: int = 25) -> None:
    import pstats

    print(f"\nprofile of the first import ({path}), top {top} by internal time:")
    pstats.Stats(str(path), stream=sys.stdout).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    sys.exit(main())
