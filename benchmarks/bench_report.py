"""Benchmark: ``dmarcwatch report`` over 1 million records, 20 domains, 90 days.

Builds (or reuses) an SQLite store with synthetic reports written in bulk (one executemany per
day, journal off): 20 practice domains, five receivers, one report per domain, receiver and day,
records of seven kinds (SendGrid authenticated or not, Microsoft 365, Google, forwarded copies,
spoofing, an unlisted service). Then runs the real command in a child process,
``dmarcwatch report --since 90d -o report.html --charts-dir charts``, and prints its wall
time and peak RSS (the child's own, so the store building does not count). Run by hand:

    .venv/bin/python benchmarks/bench_report.py [--db PATH] [--records 1000000] [--lang de]

The acceptance bar: under a minute, with memory bounded by the period's aggregated rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

from benchmarks import synthetic  # noqa: E402

DAYS = 90
DOMAINS = [f"email.praxis-{i:02d}.ch" for i in range(1, 21)]
RECEIVERS = [("google.com", "noreply-dmarc-support@google.com"),
             ("Outlook.com", "dmarcreport@microsoft.com"), ("Yahoo", "dmarchelp@yahooinc.com"),
             ("GMX", "dmarc@gmx.net"), ("Swisscom", "dmarc@swisscom.ch")]  # fmt: skip
LAST = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
KINDS = np.array([0.62, 0.06, 0.12, 0.08, 0.04, 0.06, 0.02])


def _ips(prefix: str, n: int) -> list[str]:
    return [f"{prefix}.{i // 250}.{i % 250 + 1}" for i in range(n)]


POOLS = [_ips("149.72", 2000), _ips("167.89", 600), _ips("40.107", 400), _ips("209.85", 300),
         _ips("130.59", 300), _ips("185.220", 20000), _ips("193.5", 100)]  # fmt: skip


def kind_rows(kind: int, d: str) -> tuple[tuple, list[tuple], list[tuple], list[tuple]]:
    """(disposition, pe_dkim, pe_spf, header_from, envelope_from), dkim, spf, reasons."""
    sg = [(d, "s1", "pass"), ("sendgrid.info", "smtpapi", "pass")]
    return [
        (("none", "pass", "pass", d, f"em1234.{d}"), sg, [(f"em1234.{d}", "mfrom", "pass")], []),
        (("none", "fail", "fail", d, "sendgrid.net"), [("sendgrid.net", "smtpapi", "pass")],
         [("sendgrid.net", "mfrom", "pass")], []),
        (("none", "pass", "pass", d, d), [(d, "selector1", "pass")], [(d, "mfrom", "pass")], []),
        (("none", "pass", "pass", d, d), [(d, "google", "pass")], [(d, "mfrom", "pass")], []),
        (("none", "pass", "fail", d, f"em1234.{d}"), sg, [(f"em1234.{d}", "mfrom", "softfail")],
         [("forwarded", "looks forwarded")]),
        (("quarantine", "fail", "fail", d, d), [], [(d, "mfrom", "fail")], []),
        (("none", "pass", "pass", d, d), [(d, "default", "pass")], [(d, "mfrom", "pass")], []),
    ][kind]  # fmt: skip


def build(path: Path, total: int) -> None:
    conn = synthetic.create(path)
    per_report = total / (DAYS * len(DOMAINS) * len(RECEIVERS))
    rng = np.random.default_rng(2026)
    pk = written = 0
    start = time.monotonic()
    for day in range(DAYS):
        begin = int((LAST - dt.timedelta(days=DAYS - 1 - day)).timestamp())
        rows = _day(rng, per_report, begin, pk)
        pk += len(DOMAINS) * len(RECEIVERS)
        written += synthetic.insert(conn, "quarantine", *rows)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    synthetic.fill_groups(path)
    print(f"built {written:,} records in {pk:,} reports in {time.monotonic() - start:.0f} s")


def _day(rng, per_report, begin, pk):  # noqa: ANN001, ANN202
    reports, records, dkim, spf, reasons = [], [], [], [], []
    for d in DOMAINS:
        for org, email in RECEIVERS:
            pk += 1
            reports.append((pk, org, email, f"{org}-{d}-{begin}", d, begin, begin + 86399))
            n = max(1, int(rng.poisson(per_report)))
            kinds = rng.choice(len(KINDS), size=n, p=KINDS)
            counts = rng.integers(1, 12, size=n)
            picks = rng.random(n)
            chosen = zip(kinds.tolist(), counts.tolist(), picks.tolist(), strict=True)
            for seq, (kind, count, pick) in enumerate(chosen):
                pool = POOLS[kind]
                ip = pool[int(pick * len(pool))]
                (disp, pe_dkim, pe_spf, hf, ef), ds, ss, rs = kind_rows(kind, d)
                records.append((pk, seq, ip, count, disp, pe_dkim, pe_spf, hf, ef, None))
                dkim += [(pk, seq, i, *x, None) for i, x in enumerate(ds)]
                spf += [(pk, seq, i, *x, None) for i, x in enumerate(ss)]
                reasons += [(pk, seq, i, *x) for i, x in enumerate(rs)]
    return reports, records, dkim, spf, reasons


def measure(path: Path, out: Path, lang: str, charts: Path | None) -> None:
    """Run the command in a child; print its wall time, CPU time and peak RSS."""
    command = [sys.executable, "-m", "dmarcwatch", "report", "--db", f"sqlite:///{path}",
               "--since", f"{DAYS}d", "--lang", lang, "-o", str(out)]  # fmt: skip
    if charts is not None:
        command += ["--charts-dir", str(charts)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = after.ru_maxrss / 1024  # KiB on Linux; the largest child so far
    page = out.read_text(encoding="utf-8")
    drawn = page.count('class="chart-svg"')
    sections = page.count('<section class="domain"')
    files = f", {len(list(charts.iterdir()))} chart files" if charts else ""
    print(
        f"report{' --charts-dir' if charts else ''}: {seconds:.1f} s wall, {cpu:.1f} s CPU,"
        f" peak RSS {peak:.0f} MiB; {out.stat().st_size / 2**20:.1f} MiB HTML, {drawn} charts,"
        f" {sections} domain sections{files}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "benchmarks/corpus/bench-report-1m.db")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/corpus/report/report.html")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    have = synthetic.count_records(args.db) if args.db.exists() else 0
    if abs(have - args.records) > args.records * 0.05:
        args.db.unlink(missing_ok=True)
        print(f"building {args.db} with about {args.records:,} records …", flush=True)
        build(args.db, args.records)
    else:
        print(f"reusing {args.db} ({have:,} records)")
    print(f"store size {args.db.stat().st_size / 2**20:.0f} MiB")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    measure(args.db, args.out, args.lang, None)
    measure(args.db, args.out, args.lang, args.out.parent / "charts")


if __name__ == "__main__":
    main()
