"""Benchmark: ``dmarcwatch poll`` working off a backlog on a local Dovecot.

Starts a private Dovecot (as the tests do; needs root and ``dovecot-imapd``), appends a backlog
of small rua mails (one report each, plain XML attachment) plus, with ``--mixed``, mail in every
container kind, then runs ``dmarcwatch poll`` in a subprocess exactly as cron would and prints
messages per second and the poller's peak RSS (from ``wait4``). A second run over the emptied
folder shows the cost of a poll with nothing to do. ``--backend postgresql`` (or ``both``)
polls into a throwaway PostgreSQL cluster (as ``bench_import`` starts one), each backend from
a fresh mailbox. Run by hand from the repository root:

    .venv/bin/python benchmarks/bench_poll.py [--messages 5000] [--mixed] [--backend both]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from benchmarks.bench_import import Postgres
from benchmarks.installed import byte_compile
from tests.poll import mails
from tests.poll.imap_env import PollEnv, Result
from tests.servers.dovecot import DovecotServer


def backlog(count: int, mixed: bool) -> list[bytes]:
    if not mixed:
        return [mails.quick_report_mail(f"bench{i:06d}") for i in range(count)]
    kinds = mails.CONTAINERS
    return [mails.report_mail(f"bench{i:06d}", kinds[i % len(kinds)]) for i in range(count)]


def timed_run(env: PollEnv, *args: str) -> tuple[Result, float, float]:
    """The run, its wall seconds and the poller's CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = env.run(*args, timeout=3600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return result, wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--mixed", action="store_true", help="every container kind (slower)")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="sqlite", help="the store"
    )
    args = parser.parse_args()
    byte_compile()
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    server = DovecotServer(binary)
    postgres: Postgres | None = None
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    rates: dict[str, float] = {}
    try:
        server.start()
        print(f"Dovecot {'.'.join(map(str, server.version))}")
        for backend in backends:
            url = None
            if backend == "postgresql":
                postgres = postgres or _started(Postgres())
                url = postgres.new_database()
            rate = _poll_backlog(server, args.messages, args.mixed, url)
            if rate is None:
                return 1
            rates[backend] = rate
    finally:
        server.close()
        if postgres is not None:
            postgres.stop()
    if len(rates) == 2:
        ratio = rates["postgresql"] / rates["sqlite"]
        print(f"PostgreSQL / SQLite, messages per second: {ratio:.2f}")
    return 0


def _started(postgres: Postgres) -> Postgres:
    postgres.start()
    print(f"PostgreSQL {postgres.version()} (throwaway cluster, fsync=off)")
    return postgres


def _poll_backlog(server: DovecotServer, count: int, mixed: bool, url: str | None) -> float | None:
    """Poll a fresh mailbox's backlog of *count* messages into SQLite or the store at *url*;
    messages per second, or ``None`` if the poll failed."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    store = ["--db", url] if url else []
    name = "PostgreSQL" if url else "SQLite"
    try:
        env = PollEnv(server, server.add_user(), workdir)
        messages = backlog(count, mixed)
        size = sum(len(m) for m in messages)
        start = time.perf_counter()
        env.seed(messages)
        seeded = time.perf_counter() - start
        print(f"appended {len(messages)} messages ({size / 1e6:.1f} MB) in {seeded:.1f} s")
        del messages

        result, elapsed, cpu = timed_run(env, *store)
        if result.code != 0:
            print(f"poll failed with exit {result.code}: {result.stderr.strip()}")
            return None
        print(
            f"poll into {name}: {count} messages in {elapsed:.1f} s = "
            f"{count / elapsed:.0f} messages/s (CPU {cpu:.1f} s, "
            f"{count / cpu:.0f} messages per CPU second); "
            f"peak RSS {result.max_rss_kib / 1024:.0f} MiB"
        )
        print(f"  reports stored {_reports(env, url)}, folders {env.counts()}")

        idle, idle_elapsed, _ = timed_run(env, *store)
        print(
            f"poll with nothing new: {idle_elapsed:.2f} s; "
            f"peak RSS {idle.max_rss_kib / 1024:.0f} MiB (exit {idle.code})"
        )
        return count / elapsed
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _reports(env: PollEnv, url: str | None) -> int:
    if url is None:
        return env.count("reports")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM reports")).scalar_one())
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
