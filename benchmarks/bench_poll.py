"""Benchmark: ``dmarcwatch poll`` working off a backlog on a local Dovecot.

Starts a private Dovecot (as the tests do; needs root and ``dovecot-imapd``), appends a backlog
of small rua mails (one report each, plain XML attachment) plus, with ``--mixed``, mail in every
container kind, then runs ``dmarcwatch poll`` in a subprocess exactly as cron would and prints
messages per second and the poller's peak RSS (from ``wait4``). A second run over the emptied
folder shows the cost of a poll with nothing to do. Run by hand from the repository root:

    .venv/bin/python benchmarks/bench_poll.py [--messages 5000] [--mixed]
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
    args = parser.parse_args()
    byte_compile()
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    server = DovecotServer(binary)
    workdir = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    try:
        server.start()
        env = PollEnv(server, server.add_user(), workdir)
        print(f"Dovecot {'.'.join(map(str, server.version))}, SQLite store in {workdir}")
        messages = backlog(args.messages, args.mixed)
        size = sum(len(m) for m in messages)
        start = time.perf_counter()
        env.seed(messages)
        seeded = time.perf_counter() - start
        print(f"appended {len(messages)} messages ({size / 1e6:.1f} MB) in {seeded:.1f} s")
        del messages

        result, elapsed, cpu = timed_run(env)
        if result.code != 0:
            print(f"poll failed with exit {result.code}: {result.stderr.strip()}")
            return 1
        counts = env.counts()
        print(
            f"poll: {args.messages} messages in {elapsed:.1f} s = "
            f"{args.messages / elapsed:.0f} messages/s (CPU {cpu:.1f} s, "
            f"{args.messages / cpu:.0f} messages per CPU second); "
            f"peak RSS {result.max_rss_kib / 1024:.0f} MiB"
        )
        print(f"  reports stored {env.count('reports')}, folders {counts}")

        idle, idle_elapsed, _ = timed_run(env)
        print(
            f"poll with nothing new: {idle_elapsed:.2f} s; "
            f"peak RSS {idle.max_rss_kib / 1024:.0f} MiB (exit {idle.code})"
        )
    finally:
        server.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
