"""Benchmark: ``dmarcwatch alert`` over a store of 300 domains and 1 million records.

Builds (or reuses) the synthetic store of :mod:`benchmarks.bench_diagnose` (300 practice
domains, five receivers, a year of daily reports, eight kinds of senders) at 1 million
records, then times the real command in fresh processes: the first run (every problem opens
and is posted to a webhook on loopback), and a second run of the same day (nothing new). Run
by hand:

    .venv/bin/python -m benchmarks alert [--db PATH] [--records 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from benchmarks.bench_diagnose import HEAVY, LAST, ensure_store

ROOT = Path(__file__).resolve().parents[1]


class _Sink(BaseHTTPRequestHandler):
    posts = 0
    size = 0

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Sink.posts += 1
        _Sink.size += len(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _run(db: Path, config: Path, day: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one ``alert`` process (CPU is steadier on a busy host)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dmarcwatch", "alert", "--db", f"sqlite:///{db}",
         "--config", str(config), "--as-of", day],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return time.perf_counter() - start, cpu


def _forget_alerts(db: Path) -> None:
    """Start from a store that has never alerted (the first run then opens every problem)."""
    conn = sqlite3.connect(db)
    with conn:
        for table in ("alert_deliveries", "alert_events", "finding_state"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM meta WHERE key = 'alert_last_day'")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("benchmarks/corpus/bench-alert-1m.db"))
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    ensure_store(args.db, args.records)
    _forget_alerts(args.db)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = args.db.with_suffix(".toml")
    config.write_text(
        f'[[alert]]\ntype = "webhook"\nurl = "http://127.0.0.1:{server.server_address[1]}/h"\n'
        f'[[alert]]\ntype = "webhook"\nname = "heavy"\ndomains = ["{HEAVY}"]\n'
        f'url = "http://127.0.0.1:{server.server_address[1]}/heavy"\n',
        encoding="utf-8",
    )
    day = LAST.date().isoformat()
    wall, cpu = _run(args.db, config, day)
    print(f"alert --as-of {day}, first run: {wall:.1f} s wall, {cpu:.1f} s CPU (whole process); "
          f"{_Sink.posts} webhook posts, {_Sink.size / 1024:.0f} KiB")  # fmt: skip
    posts = _Sink.posts
    wall, cpu = _run(args.db, config, day)
    print(f"alert --as-of {day}, same day again: {wall:.1f} s wall, {cpu:.1f} s CPU; "
          f"{_Sink.posts - posts} posts")  # fmt: skip
    server.shutdown()


if __name__ == "__main__":
    main()
